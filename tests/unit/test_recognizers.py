"""The recognizers we add to Presidio, on text as OCR gives it (real analyzer, no OCR)."""

import pytest

from image_anonymizer.detection import Detector


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def found(detector: Detector, text: str, entity: str) -> list[str]:
    return [
        text[d.start : d.end]
        for d in detector.detect(text, "en", frozenset({entity}))
        if d.entity_type == entity
    ]


def test_given_an_address_line_then_house_number_street_state_and_zip_are_locations(
    detector: Detector,
) -> None:
    text = "Address: 1200 Market Street, San Francisco, CA 94102\nTotal due: 45.00"
    spans = " ".join(found(detector, text, "LOCATION"))
    for part in ("1200", "Market", "Street", "CA", "94102"):
        assert part in spans, (part, spans)
    assert "45.00" not in spans


def test_given_card_digits_split_differently_by_ocr_then_luhn_valid_ones_are_cards(
    detector: Detector,
) -> None:
    assert found(detector, "Card 41111111 11111111 exp 09/27", "CREDIT_CARD") == ["41111111 11111111"]
    assert found(detector, "Order 12345678 12345678 shipped", "CREDIT_CARD") == []


def test_given_dob_and_age_labels_then_dates_of_birth_and_ages(detector: Detector) -> None:
    assert found(detector, "DOB: 12/03/1986", "DATE_OF_BIRTH") == ["12/03/1986"]
    assert found(detector, "Date of birth\n4 July 1975", "DATE_OF_BIRTH") == ["4 July 1975"]
    assert found(detector, "Invoice date: 12/03/2024", "DATE_OF_BIRTH") == []
    assert found(detector, "Patient (age 39).", "AGE") == ["39"]
    assert found(detector, "a 42-year-old man", "AGE") == ["42-year-old"]
    assert found(detector, "a warranty of 2 years", "AGE") == []
    assert found(detector, "he is 42 years old", "AGE") == ["42 years old"]


def test_given_domains_then_public_suffixes_only(detector: Detector) -> None:
    assert found(detector, "Visit example.co.uk today", "DOMAIN_NAME") == ["example.co.uk"]
    assert found(detector, "open report.pdf and notes.txt", "DOMAIN_NAME") == []


def test_given_singapore_nric_then_found(detector: Detector) -> None:
    assert found(detector, "NRIC S1234567D", "SG_NRIC_FIN") == ["S1234567D"]


def test_given_a_name_after_its_label_then_person(detector: Detector) -> None:
    assert "Sandra Novak" in found(detector, "Dear Sandra Novak,\nThank you for your letter.", "PERSON")
    assert "ROBINSON BRIAN" in found(detector, "Cardholder ROBINSON BRIAN", "PERSON")
    assert found(detector, "Patient: the results are in", "PERSON") == []


def test_given_months_of_years_then_no_date_time(detector: Detector) -> None:
    assert found(detector, "Quarterly report, March 2025", "DATE_TIME") == []
    assert "12 March 2025" in " ".join(found(detector, "Signed on 12 March 2025", "DATE_TIME"))


def test_given_a_surname_found_once_then_it_is_a_name_wherever_it_recurs(detector: Detector) -> None:
    text = "Sandra Novak 15 January 2024\n9285 Lincoln Place\n\nDear Mr. Novak,\nThank you."
    assert "Sandra Novak" in found(detector, text, "PERSON")
