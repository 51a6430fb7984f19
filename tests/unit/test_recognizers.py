"""The recognizers we add to Presidio, on text as OCR gives it (real analyzer, no OCR)."""

import pytest

from image_anonymizer.core.detection import PresidioDetector


@pytest.fixture(scope="module")
def detector() -> PresidioDetector:
    return PresidioDetector()


def found(detector: PresidioDetector, text: str, entity: str) -> list[str]:
    return [
        text[d.start : d.end]
        for d in detector.detect(text, "en", frozenset({entity}))
        if d.entity_type == entity
    ]


def test_given_an_address_line_then_house_number_street_state_and_zip_are_locations(
    detector: PresidioDetector,
) -> None:
    text = "Address: 1875 Cypress Street, Baton Rouge, LA 70802\nTotal due: 45.00"
    spans = " ".join(found(detector, text, "LOCATION"))
    for part in ("1875", "Cypress", "Street", "LA", "70802"):
        assert part in spans, (part, spans)
    assert "45.00" not in spans


def test_given_card_digits_split_differently_by_ocr_then_luhn_valid_ones_are_cards(
    detector: PresidioDetector,
) -> None:
    assert found(detector, "Card 41111111 11111111 exp 09/27", "CREDIT_CARD") == ["41111111 11111111"]
    assert found(detector, "Order 12345678 12345678 shipped", "CREDIT_CARD") == []


def test_given_dob_and_age_labels_then_dates_of_birth_and_ages(detector: PresidioDetector) -> None:
    assert found(detector, "DOB: 12/03/1986", "DATE_OF_BIRTH") == ["12/03/1986"]
    assert found(detector, "Date of birth\n4 July 1975", "DATE_OF_BIRTH") == ["4 July 1975"]
    assert found(detector, "Invoice date: 12/03/2024", "DATE_OF_BIRTH") == []
    assert found(detector, "Patient (age 39).", "AGE") == ["39"]
    assert found(detector, "a 42-year-old man", "AGE") == ["42-year-old"]
    assert found(detector, "a warranty of 2 years", "AGE") == []
    assert found(detector, "he is 42 years old", "AGE") == ["42 years old"]


def test_given_domains_then_public_suffixes_only(detector: PresidioDetector) -> None:
    assert found(detector, "Visit example.co.uk today", "DOMAIN_NAME") == ["example.co.uk"]
    assert found(detector, "open report.pdf and notes.txt", "DOMAIN_NAME") == []


def test_given_singapore_nric_then_found(detector: PresidioDetector) -> None:
    assert found(detector, "NRIC S1234567D", "SG_NRIC_FIN") == ["S1234567D"]


def test_given_a_name_after_its_label_then_person(detector: PresidioDetector) -> None:
    assert "Lucinda Varga" in found(detector, "Dear Lucinda Varga,\nThank you for your letter.", "PERSON")
    assert "HARTLEY OWEN" in found(detector, "Cardholder HARTLEY OWEN", "PERSON")
    assert found(detector, "Patient: the results are in", "PERSON") == []


def test_given_months_of_years_then_no_date_time(detector: PresidioDetector) -> None:
    assert found(detector, "Annual review, March 2025", "DATE_TIME") == []
    assert "12 March 2025" in " ".join(found(detector, "Signed on 12 March 2025", "DATE_TIME"))


def test_given_a_surname_found_once_then_it_is_a_name_wherever_it_recurs(detector: PresidioDetector) -> None:
    text = "Lucinda Varga 15 January 2024\n9285 Sorrel Place\n\nDear Ms. Varga,\nThank you."
    assert "Lucinda Varga" in found(detector, text, "PERSON")


def everything(detector: PresidioDetector, text: str) -> set[tuple[str, str]]:
    """What a request that names no types finds."""
    return {(d.entity_type, text[d.start : d.end]) for d in detector.detect(text, "en")}


def test_given_no_types_asked_then_every_date_is_found_and_a_date_of_birth_keeps_its_type(
    detector: PresidioDetector,
) -> None:
    # DATE_TIME is in the default set: the invoice date is found too, and the birth
    # date is still a DATE_OF_BIRTH (it may also be reported as a DATE_TIME).
    text = "Invoice date: 12/03/2025\nDate of birth: 4 June 1981"
    findings = everything(detector, text) - {("DATE_TIME", "4 June 1981")}
    assert findings == {("DATE_TIME", "12/03/2025"), ("DATE_OF_BIRTH", "4 June 1981")}
    assert "12/03/2025" in found(detector, text, "DATE_TIME")


def test_given_headings_and_product_lines_then_they_are_no_names(detector: PresidioDetector) -> None:
    text = "Roadmap\n\nCordless Drill 2 45.00 90.00\n\nFacilities Coordinator\n\nNorvell Corporation"
    assert [f for f in everything(detector, text) if f[0] == "PERSON"] == []


def test_given_names_made_of_ordinary_words_then_they_stay_names(detector: PresidioDetector) -> None:
    text = "Signed by Hazel Wood and Tobias Wood on behalf of Drew Hunt."
    names = " ".join(found(detector, text, "PERSON"))
    for part in ("Hazel", "Tobias", "Wood", "Hunt"):
        assert part in names, (part, names)


def test_given_a_name_run_on_into_the_next_line_then_only_the_name_is_found(
    detector: PresidioDetector,
) -> None:
    text = "From: Owen Hartley\nBriefing on Tuesday?\n\nGavin Holt\nRe: Lease extension"
    assert set(found(detector, text, "PERSON")) == {"Owen Hartley", "Gavin Holt"}


def test_given_invoice_labels_and_countries_then_no_person_or_place(detector: PresidioDetector) -> None:
    text = "Bill to:\nLorena Whitfield\n1510 Sorrel Avenue\nDayton, OH 45402\n\nRegistered in England, UK."
    assert "Bill" not in " ".join(found(detector, text, "PERSON"))
    places = " ".join(found(detector, text, "LOCATION"))
    assert "England" not in places and "UK" not in places
    assert "Dayton" in places and "45402" in places


def test_given_business_numbers_and_prices_then_no_phone_numbers(detector: PresidioDetector) -> None:
    text = "Company no. 06325024\nWidget 3 45.00 135.00\nCall us on +1 614 371 9549"
    assert found(detector, text, "PHONE_NUMBER") == ["+1 614 371 9549"]


def test_given_weak_patterns_without_context_then_nothing(detector: PresidioDetector) -> None:
    assert found(detector, "Print on A4 paper, staff no. E33730", "US_DRIVER_LICENSE") == []
    assert found(detector, "Driver license: E3373021", "US_DRIVER_LICENSE") == ["E3373021"]


def test_given_a_label_alone_above_its_value_then_the_value_is_found(detector: PresidioDetector) -> None:
    assert found(detector, "NAME\nTobias Reed\n\nEMAIL\ntr@example.com", "PERSON") == ["Tobias Reed"]
    assert found(detector, "Age\n40\nSex\nM", "AGE") == ["40"]
    # A row of labels over a row of values: the age is the last number, not the 6 of the date.
    assert found(detector, "Date of birth * Age\n6 September 2004 40", "AGE") == ["40"]
    assert found(detector, "Date of birth * Age\n11/25/1997 62\n\nHome address", "AGE") == ["62"]


def test_given_a_name_with_no_context_then_given_name_and_surname_are_enough(
    detector: PresidioDetector,
) -> None:
    text = "Inbox\n\nLorena Whitfield\nRe: Lease extension\n\nHARTLEY OWEN\n\nCashier: Rosalind"
    names = " ".join(found(detector, text, "PERSON"))
    for part in ("Lorena Whitfield", "HARTLEY OWEN", "Rosalind"):
        assert part in names, (part, names)
    assert found(detector, "IVORY PAINT 1L\nGrace Period ends\nJune Sale now on", "PERSON") == []


def test_given_age_phrases_then_ages_but_not_turns_of_the_road(detector: PresidioDetector) -> None:
    assert found(detector, "she turns 49 next week", "AGE") == ["49"]
    assert found(detector, "Turn 5 left, then it turns 90 degrees", "AGE") == []


def test_given_a_date_line_above_a_street_then_the_date_is_no_address(detector: PresidioDetector) -> None:
    text = "15 January 2024\n9285 Sorrel Place\nModesto, CA 95354"
    assert "9285 Sorrel Place" in found(detector, text, "LOCATION")
    assert not any("January" in s for s in found(detector, text, "LOCATION"))


def test_given_ordinary_words_read_onto_a_name_then_they_are_trimmed_off(detector: PresidioDetector) -> None:
    text = "Gavin Holt Updated travel plans\n\nJunk Lorena Whitfield\n\nMarcus Webb Oct3"
    names = found(detector, text, "PERSON")
    assert "Gavin Holt" in names and "Marcus Webb" in names
    assert not any(word in " ".join(names) for word in ("Updated", "Junk", "Oct3")), names


def test_given_a_licence_then_caps_surname_and_name_labels_and_only_the_birth_date(
    detector: PresidioDetector,
) -> None:
    text = "DRIVER LICENSE\n\nOwen Hartley\n\nLN\nHARTLEY\nFN\nOWEN\n\nDOB\n1957-09-02\n\nEXP\n10/05/2026"
    names = found(detector, text, "PERSON")
    assert "HARTLEY" in names and "OWEN" in names
    assert found(detector, text, "DATE_OF_BIRTH") == ["1957-09-02"]
