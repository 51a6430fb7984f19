"""Each post-processing rule on its own: what it changes or drops, and what it leaves
alone (every rule of ``FINDING_RULES`` and ``RULES``, called directly)."""

from __future__ import annotations

import inspect
import sys

import pytest

from image_anonymizer.core.detection import Detection, PresidioDetector, Traits
from image_anonymizer.core.detection import postprocessing as pp
from image_anonymizer.core.detection.findings import NO_TRAITS
from image_anonymizer.core.detection.lexicon import Vocabulary
from image_anonymizer.core.detection.postprocessing import Page
from image_anonymizer.core.detection.recognizers import (
    NER_TRAITS,
    AddressRecognizer,
    DateTimeRecognizer,
    InitialsNameRecognizer,
    LabelledNameRecognizer,
)

LABELLED = LabelledNameRecognizer.TRAITS
ADDRESS = AddressRecognizer.TRAITS
INITIALS = InitialsNameRecognizer.TRAITS
CHECKED_DATE = DateTimeRecognizer.TRAITS


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    built = PresidioDetector()._analyzer("en").vocabulary
    assert built is not None
    return built


def finding(
    entity_type: str,
    text: str,
    found: str,
    traits: Traits = NO_TRAITS,
    score: float = 0.85,
    after: str = "",
) -> Detection:
    """A finding of ``found`` in ``text`` (its first occurrence after ``after``)."""
    start = text.index(found, text.index(after) + len(after) if after else 0)
    return Detection(entity_type, start, start + len(found), score, "TestRecognizer", traits)


def kept(result: Detection | None, text: str) -> str | None:
    """What is left of a finding after a rule: its text, or ``None`` if dropped."""
    return None if result is None else text[result.start : result.end]


def apply(rule: pp.FindingRule, entity_type: str, text: str, found: str, **kwargs: object) -> str | None:
    """``rule`` on one finding of ``found`` in ``text``, without a vocabulary."""
    page_kwargs = {k: kwargs.pop(k) for k in ("vocabulary", "entities") if k in kwargs}
    detection = finding(entity_type, text, found, **kwargs)  # type: ignore[arg-type]
    return kept(rule(detection, Page(text, **page_kwargs)), text)  # type: ignore[arg-type]


# --- the rule tables ---------------------------------------------------------------


def test_given_the_finding_rules_then_each_is_named_once_and_documented() -> None:
    names = [rule.__name__ for rule in pp.FINDING_RULES]
    assert len(set(names)) == len(names)
    assert all(rule.__doc__ and rule.__doc__.strip() for rule in pp.FINDING_RULES)


def test_given_the_page_rules_then_every_finding_rule_is_among_them_in_order() -> None:
    names = [rule.__name__ for rule in pp.RULES]
    assert names[1 : 1 + len(pp.FINDING_RULES)] == [rule.__name__ for rule in pp.FINDING_RULES]
    assert names[0] == "split_ner_lines"
    assert names[-2:] == ["drop_parts_of_emails", "names_elsewhere_on_the_page"]


def test_given_this_module_then_every_rule_has_tests_here() -> None:
    source = inspect.getsource(sys.modules[__name__])
    for rule in (*pp.FINDING_RULES, *pp.RULES):
        # A test calls the rule, and is named for it.
        assert f"pp.{rule.__name__}" in source, rule.__name__


# --- split_ner_lines ---------------------------------------------------------------


def test_given_an_ner_name_over_a_line_break_then_it_is_one_finding_a_line() -> None:
    text = "From: Ivo Brandt\nLunch plans\n\nThanks"
    detection = finding("PERSON", text, "Ivo Brandt\nLunch plans\n\nThanks", NER_TRAITS)
    pieces = pp.split_ner_lines([detection], Page(text))
    assert [text[d.start : d.end] for d in pieces] == ["Ivo Brandt", "Lunch plans", "Thanks"]
    assert all(d.traits == NER_TRAITS and d.entity_type == "PERSON" for d in pieces)


def test_given_a_finding_not_from_ner_over_a_line_break_then_split_ner_lines_keeps_it_whole() -> None:
    text = "Ship to\n41 Quarry Lane\nDunmore"
    detection = finding("LOCATION", text, "41 Quarry Lane\nDunmore", ADDRESS)
    assert pp.split_ner_lines([detection], Page(text)) == [detection]


# --- date_time_needs_a_date ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("renew within sixty days", "sixty days"),
        ("Ticket 4419", "4419"),
        ("doors at 7:30 PM", "7:30 PM"),
        ("every Tuesday", "Tuesday"),
        ("Budget for April 2026", "April 2026"),
        ("Total 2.90", "2.90"),
    ],
)
def test_given_a_date_time_with_no_day_and_month_then_date_time_needs_a_date_drops_it(
    text: str, found: str
) -> None:
    assert apply(pp.date_time_needs_a_date, "DATE_TIME", text, found) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("held on 9 October 2023", "9 October 2023"),
        ("held on Oct. 9", "Oct. 9"),
        ("held on 09/10/2023", "09/10/2023"),
        ("held on 2023-10-09", "2023-10-09"),
        ("held on 4/27", "4/27"),
        ("held on the 3rd of May", "3rd of May"),
    ],
)
def test_given_a_date_time_with_a_day_and_month_then_date_time_needs_a_date_keeps_it(
    text: str, found: str
) -> None:
    assert apply(pp.date_time_needs_a_date, "DATE_TIME", text, found) == found


def test_given_a_date_its_recognizer_checked_then_date_time_needs_a_date_keeps_it() -> None:
    text = "Recelved uly 14,2003 by post"
    assert apply(pp.date_time_needs_a_date, "DATE_TIME", text, "uly 14,2003") is None
    assert apply(pp.date_time_needs_a_date, "DATE_TIME", text, "uly 14,2003", traits=CHECKED_DATE) == (
        "uly 14,2003"
    )


def test_given_another_type_then_date_time_needs_a_date_leaves_it() -> None:
    assert apply(pp.date_time_needs_a_date, "AGE", "aged sixty", "sixty") == "sixty"


# --- weak_patterns_need_context ------------------------------------------------------


def test_given_a_weak_pattern_below_its_context_score_then_it_is_dropped() -> None:
    text = "Print on A4 or B5"
    assert apply(pp.weak_patterns_need_context, "US_DRIVER_LICENSE", text, "A4", score=0.3) is None


def test_given_a_weak_pattern_with_no_digit_then_it_is_dropped_whatever_its_score() -> None:
    text = "a home-based role"
    assert apply(pp.weak_patterns_need_context, "IN_PAN", text, "home-based", score=0.6) is None


def test_given_a_weak_pattern_raised_by_context_then_weak_patterns_need_context_keeps_it() -> None:
    text = "Driver licence: K7730215"
    assert apply(pp.weak_patterns_need_context, "US_DRIVER_LICENSE", text, "K7730215", score=0.65) == (
        "K7730215"
    )


def test_given_a_low_score_of_a_type_that_is_not_weak_then_weak_patterns_need_context_keeps_it() -> None:
    text = "Card 4111 1111 1111 1111"
    found = "4111 1111 1111 1111"
    assert apply(pp.weak_patterns_need_context, "CREDIT_CARD", text, found, score=0.3) == found


# --- no_numbers_after_business_labels ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "entity_type"),
    [
        ("Invoice No: 4471902", "4471902", "PHONE_NUMBER"),
        ("Company no. 08812345", "08812345", "UK_NINO"),
        ("Order # 20231105", "20231105", "DATE_TIME"),
        ("VAT reg 7712 4409 21", "7712 4409 21", "PHONE_NUMBER"),
        ("Serial number: 6014452210", "6014452210", "US_BANK_NUMBER"),
    ],
)
def test_given_a_loose_number_after_a_business_label_then_it_is_dropped(
    text: str, found: str, entity_type: str
) -> None:
    assert apply(pp.no_numbers_after_business_labels, entity_type, text, found) is None


@pytest.mark.parametrize(
    ("text", "found", "entity_type"),
    [
        ("Tel: 604 555 2231", "604 555 2231", "PHONE_NUMBER"),
        # The label is on the line above: another row.
        ("Order #\n604 555 2231", "604 555 2231", "PHONE_NUMBER"),
        # Not a loose number type.
        ("Order # ana@example.org", "ana@example.org", "EMAIL_ADDRESS"),
        ("Invoice No: 4111 1111 1111 1111", "4111 1111 1111 1111", "CREDIT_CARD"),
    ],
)
def test_given_no_business_label_on_its_line_or_a_firm_type_then_the_number_is_kept(
    text: str, found: str, entity_type: str
) -> None:
    assert apply(pp.no_numbers_after_business_labels, entity_type, text, found) == found


# --- no_price_rows_as_phones ---------------------------------------------------------


def test_given_a_phone_number_that_is_a_row_of_prices_then_it_is_dropped() -> None:
    text = "Stapler 2 14.50 29.00"
    assert apply(pp.no_price_rows_as_phones, "PHONE_NUMBER", text, "2 14.50 29.00") is None


def test_given_a_phone_number_with_no_price_in_it_then_no_price_rows_as_phones_keeps_it() -> None:
    text = "Call +1 604 555 2231"
    assert apply(pp.no_price_rows_as_phones, "PHONE_NUMBER", text, "+1 604 555 2231") == "+1 604 555 2231"
    assert apply(pp.no_price_rows_as_phones, "PHONE_NUMBER", "Tel 604.555.2231", "604.555.2231") == (
        "604.555.2231"
    )


def test_given_prices_of_another_type_then_no_price_rows_as_phones_leaves_them() -> None:
    text = "Card 4111 11.00 1111"
    assert apply(pp.no_price_rows_as_phones, "CREDIT_CARD", text, "4111 11.00 1111") == "4111 11.00 1111"


# --- bare_numbers_need_a_phone_label -------------------------------------------------


def test_given_a_bare_run_of_digits_with_no_phone_label_then_it_is_dropped() -> None:
    assert (
        apply(pp.bare_numbers_need_a_phone_label, "PHONE_NUMBER", "Item 6045552231 x2", "6045552231") is None
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Tel: 6045552231", "6045552231"),
        ("Mobile\n6045552231", "6045552231"),
        ("WhatsApp us 6045552231", "6045552231"),
        # Separators, parentheses or a "+": a phone number as written.
        ("Item 604-555-2231", "604-555-2231"),
        ("Item (604) 5552231", "(604) 5552231"),
        ("Item +16045552231", "+16045552231"),
    ],
)
def test_given_a_phone_label_or_a_written_number_then_bare_numbers_need_a_phone_label_keeps_it(
    text: str, found: str
) -> None:
    assert apply(pp.bare_numbers_need_a_phone_label, "PHONE_NUMBER", text, found) == found


def test_given_a_label_far_before_the_digits_then_the_bare_number_is_dropped() -> None:
    text = "Phone" + " " * 45 + "6045552231"
    assert apply(pp.bare_numbers_need_a_phone_label, "PHONE_NUMBER", text, "6045552231") is None


def test_given_bare_digits_of_another_type_then_bare_numbers_need_a_phone_label_leaves_them() -> None:
    assert apply(pp.bare_numbers_need_a_phone_label, "US_BANK_NUMBER", "Item 6045552231", "6045552231") == (
        "6045552231"
    )


# --- phones_stay_on_their_line -------------------------------------------------------


def test_given_a_phone_number_over_a_line_break_then_phones_stay_on_their_line_drops_it() -> None:
    text = "Qty 14\n604.2-2231"
    assert apply(pp.phones_stay_on_their_line, "PHONE_NUMBER", text, "14\n604.2-2231") is None


def test_given_a_phone_number_on_one_line_then_phones_stay_on_their_line_keeps_it() -> None:
    text = "Fax\n604 555 2231\n"
    assert apply(pp.phones_stay_on_their_line, "PHONE_NUMBER", text, "604 555 2231") == "604 555 2231"
    assert apply(pp.phones_stay_on_their_line, "LOCATION", "12\nElm", "12\nElm") == "12\nElm"


# --- urls_are_written_as_urls --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("U.COST 4.50", "U.COST"),
        ("CO.NUM 88123", "CO.NUM"),
        ("A.B.C. store", "A.B.C."),
        ("wire 0.5MM", "0.5MM"),
        ("cable 2.5mm", "2.5mm"),
        ("x.com", "x.com"),
        ("Tested.it works", "Tested.it"),
        ("Call 555.com", "555.com"),
    ],
)
def test_given_an_abbreviation_or_measure_as_a_url_then_urls_are_written_as_urls_drops_it(
    text: str, found: str
) -> None:
    assert apply(pp.urls_are_written_as_urls, "URL", text, found) is None


@pytest.mark.parametrize(
    ("text", "found", "entity_type"),
    [
        ("see harbourview.com", "harbourview.com", "URL"),
        ("see harbourview.com.my", "harbourview.com.my", "URL"),
        ("see harbourview.io/menu", "harbourview.io/menu", "URL"),
        ("see Harbourview.ca/contact", "Harbourview.ca/contact", "URL"),
        ("see WWW.HARBOURVIEW.COM", "WWW.HARBOURVIEW.COM", "URL"),
        ("see HTTPS://HARBOURVIEW.COM", "HTTPS://HARBOURVIEW.COM", "URL"),
        ("see harbourview.org.", "harbourview.org.", "DOMAIN_NAME"),
    ],
)
def test_given_a_web_address_as_one_is_written_then_urls_are_written_as_urls_keeps_it(
    text: str, found: str, entity_type: str
) -> None:
    assert apply(pp.urls_are_written_as_urls, entity_type, text, found) == found


def test_given_another_type_then_urls_are_written_as_urls_leaves_it() -> None:
    assert apply(pp.urls_are_written_as_urls, "EMAIL_ADDRESS", "U.COST", "U.COST") == "U.COST"


# --- trim_field_labels ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity_type", "text", "found", "expected", "traits"),
    [
        (
            "PERSON",
            "Email ivo.brandt@example.net",
            "Email ivo.brandt@example.net",
            "ivo.brandt@example.net",
            NER_TRAITS,
        ),
        ("PERSON", "Patient: Lena Marsh", "Patient: Lena Marsh", "Lena Marsh", NER_TRAITS),
        ("LOCATION", "ZIP\nDunmore PA", "ZIP\nDunmore PA", "Dunmore PA", ADDRESS),
        # NER's findings lose labels at their end too, and a PERSON its words with no letter.
        ("PERSON", "Lena Marsh Tel 604", "Lena Marsh Tel", "Lena Marsh", NER_TRAITS),
        ("PERSON", "Lena Marsh 5521", "Lena Marsh 5521", "Lena Marsh", NER_TRAITS),
        ("NRP", "Name: Norwegian,", "Name: Norwegian,", "Norwegian", NER_TRAITS),
    ],
)
def test_given_a_field_label_taken_into_a_name_or_place_then_it_is_trimmed_off(
    entity_type: str, text: str, found: str, expected: str, traits: Traits
) -> None:
    assert apply(pp.trim_field_labels, entity_type, text, found, traits=traits) == expected


def test_given_a_label_alone_then_trim_field_labels_drops_it() -> None:
    assert apply(pp.trim_field_labels, "PERSON", "Tel: (604) 555-2231", "Tel:", traits=NER_TRAITS) is None


@pytest.mark.parametrize(
    ("entity_type", "text", "found", "traits"),
    [
        # Only NER's findings lose what ends them.
        ("PERSON", "Lena Marsh Tel 604", "Lena Marsh Tel", LABELLED),
        ("LOCATION", "41 Quarry Lane 5521", "41 Quarry Lane 5521", NER_TRAITS),
        # Not label-trimmed, or not a name or a place.
        ("PERSON", "Email L. Marsh", "Email L. Marsh", INITIALS),
        ("EMAIL_ADDRESS", "Email ivo@example.net", "Email ivo@example.net", NER_TRAITS),
        ("PERSON", "Lena Marsh", "Lena Marsh", NER_TRAITS),
    ],
)
def test_given_no_label_to_trim_or_no_trimmed_finding_then_trim_field_labels_leaves_it(
    entity_type: str, text: str, found: str, traits: Traits
) -> None:
    assert apply(pp.trim_field_labels, entity_type, text, found, traits=traits) == found


# --- ner_names_are_spelled_as_names ---------------------------------------------------


@pytest.mark.parametrize("found", ["Ko PRaDIwe Tol", "VeR TuN", "Gelmo4 Hask", "Duvor 7ane"])
def test_given_an_ner_name_spelled_as_no_name_is_then_it_is_dropped(found: str) -> None:
    text = f"fine print {found} here"
    assert apply(pp.ner_names_are_spelled_as_names, "PERSON", text, found, traits=NER_TRAITS) is None


@pytest.mark.parametrize(
    "found",
    ["Ivo McLean", "Ada DeVries", "Liam O'Neil", "Tora van Houten", "H. L. Brandt", "Ines Orr-Vale",
     "Nils Arden/Mara Lott", "LUCA MARDEN", "GrantJ. Hollis"],
)  # fmt: skip
def test_given_an_ner_name_spelled_as_names_are_then_it_is_kept(found: str) -> None:
    text = f"signed {found} today"
    assert apply(pp.ner_names_are_spelled_as_names, "PERSON", text, found, traits=NER_TRAITS) == found


def test_given_a_misspelled_name_not_from_ner_then_ner_names_are_spelled_as_names_leaves_it() -> None:
    text = "Cashier: VeR TuN"
    assert apply(pp.ner_names_are_spelled_as_names, "PERSON", text, "VeR TuN") == "VeR TuN"


# --- ner_names_are_capitalised -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "expected"),
    [
        ("Ivo said so", "Ivo said", "Ivo"),
        ("thanks Ivo Brandt", "thanks Ivo Brandt", "Ivo Brandt"),
        ("on “Ivo” today", "on “Ivo” today", "“Ivo”"),
        ("contact ivo@x.net now", "contact ivo@x.net now", "ivo@x.net"),
    ],
)
def test_given_small_words_at_the_ends_of_an_ner_name_then_they_are_trimmed_off(
    text: str, found: str, expected: str
) -> None:
    assert apply(pp.ner_names_are_capitalised, "PERSON", text, found, traits=NER_TRAITS) == expected


def test_given_an_ner_name_in_small_letters_only_then_ner_names_are_capitalised_drops_it() -> None:
    text = "smudge eng asve.yor here"
    assert apply(pp.ner_names_are_capitalised, "PERSON", text, "eng asve.yor", traits=NER_TRAITS) is None


def test_given_an_ner_group_with_small_words_then_it_is_dropped_not_trimmed() -> None:
    text = "it was intended"
    assert apply(pp.ner_names_are_capitalised, "NRP", text, "intended", traits=NER_TRAITS) is None
    text = "many Norwegian voters"
    assert apply(pp.ner_names_are_capitalised, "NRP", text, "Norwegian voters", traits=NER_TRAITS) is None
    assert apply(pp.ner_names_are_capitalised, "NRP", text, "Norwegian", traits=NER_TRAITS) == "Norwegian"


def test_given_a_capitalised_ner_name_or_a_name_not_from_ner_then_ner_names_are_capitalised_leaves_it() -> (
    None
):
    text = "Ivo van Brandt said"
    assert apply(pp.ner_names_are_capitalised, "PERSON", text, "Ivo van Brandt", traits=NER_TRAITS) == (
        "Ivo van Brandt"
    )
    assert apply(pp.ner_names_are_capitalised, "PERSON", text, "van Brandt said", traits=LABELLED) == (
        "van Brandt said"
    )
    assert apply(pp.ner_names_are_capitalised, "LOCATION", "in old town", "old town", traits=NER_TRAITS) == (
        "old town"
    )


# --- trim_filler ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "expected"),
    [
        ("Spam Jennifer Okafor", "Spam Jennifer Okafor", "Jennifer Okafor"),
        ("Ivo Brandt Updated notes", "Ivo Brandt Updated", "Ivo Brandt"),
        ("Reminder Lena Marsh Tomorrow", "Reminder Lena Marsh Tomorrow", "Lena Marsh"),
        ("Reply K. Okafor", "Reply K. Okafor", "K. Okafor"),
    ],
)
def test_given_ordinary_words_at_the_ends_of_an_ner_name_then_trim_filler_trims_them(
    vocabulary: Vocabulary, text: str, found: str, expected: str
) -> None:
    result = apply(pp.trim_filler, "PERSON", text, found, traits=NER_TRAITS, vocabulary=vocabulary)
    assert result == expected


def test_given_an_ner_name_of_only_ordinary_words_then_trim_filler_leaves_it_whole(
    vocabulary: Vocabulary,
) -> None:
    text = "Optical Keyboard 2"
    assert apply(
        pp.trim_filler, "PERSON", text, "Optical Keyboard", traits=NER_TRAITS, vocabulary=vocabulary
    ) == ("Optical Keyboard")


@pytest.mark.parametrize(
    ("entity_type", "traits", "with_vocabulary"),
    [
        ("PERSON", LABELLED, True),  # not NER's
        ("LOCATION", NER_TRAITS, True),  # not a name
        ("PERSON", NER_TRAITS, False),  # no vocabulary to tell ordinary words
    ],
)
def test_given_no_ner_name_or_no_vocabulary_then_trim_filler_leaves_it(
    vocabulary: Vocabulary, entity_type: str, traits: Traits, with_vocabulary: bool
) -> None:
    text = "Spam Jennifer Okafor"
    page_vocabulary = vocabulary if with_vocabulary else None
    result = apply(pp.trim_filler, entity_type, text, text, traits=traits, vocabulary=page_vocabulary)
    assert result == text


# --- labelled_values_need_a_name -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("PURPOSE: TRIP TO BE", "TRIP TO BE"),
        ("APPROVED BY: AREA ACCOUNTS DIRECTOR", "AREA ACCOUNTS DIRECTOR"),
        ("To: All Staff", "All Staff"),
    ],
)
def test_given_a_labelled_value_of_common_words_or_a_role_then_it_is_dropped(
    vocabulary: Vocabulary, text: str, found: str
) -> None:
    result = apply(
        pp.labelled_values_need_a_name, "PERSON", text, found, traits=LABELLED, vocabulary=vocabulary
    )
    assert result is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("To: Lena Marsh", "Lena Marsh"),
        # A given name makes it a name, ordinary words or not.
        ("To: Rose Green", "Rose Green"),
        ("Staff: Grace Manager", "Grace Manager"),
        # An ordinary noun, no common word and no role: ``not_a_name`` judges it.
        ("To: Keyboard", "Keyboard"),
        # Initials alone are judged by other rules.
        ("To: K. L.", "K. L."),
    ],
)
def test_given_a_labelled_value_that_can_be_a_name_then_labelled_values_need_a_name_keeps_it(
    vocabulary: Vocabulary, text: str, found: str
) -> None:
    result = apply(
        pp.labelled_values_need_a_name, "PERSON", text, found, traits=LABELLED, vocabulary=vocabulary
    )
    assert result == found


@pytest.mark.parametrize(
    ("entity_type", "traits", "with_vocabulary"),
    [
        ("PERSON", NER_TRAITS, True),
        ("PERSON", INITIALS, True),
        ("PERSON", ADDRESS, True),
        ("LOCATION", LABELLED, True),
        ("PERSON", LABELLED, False),
    ],
)
def test_given_no_labelled_name_or_no_vocabulary_then_labelled_values_need_a_name_leaves_it(
    vocabulary: Vocabulary, entity_type: str, traits: Traits, with_vocabulary: bool
) -> None:
    text = "To: All Staff"
    page_vocabulary = vocabulary if with_vocabulary else None
    result = apply(
        pp.labelled_values_need_a_name,
        entity_type,
        text,
        "All Staff",
        traits=traits,
        vocabulary=page_vocabulary,
    )
    assert result == "All Staff"


# --- abbreviations_are_no_initials ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("P. O. Box 5521", "P. O. Box"),
        ("U. S. Postal Service", "U. S. Postal"),
        ("N.Y. Times", "N.Y. Times"),
    ],
)
def test_given_a_name_whose_initials_stand_for_a_place_then_it_is_dropped(text: str, found: str) -> None:
    assert apply(pp.abbreviations_are_no_initials, "PERSON", text, found, traits=INITIALS) is None


@pytest.mark.parametrize(
    ("entity_type", "text", "found"),
    [
        ("PERSON", "J. R. Whitcombe", "J. R. Whitcombe"),
        ("PERSON", "P. Okafor", "P. Okafor"),
        ("PERSON", "Posey U. S. Lane", "Posey U. S. Lane"),
        ("LOCATION", "P. O. Box 5521", "P. O. Box 5521"),
    ],
)
def test_given_true_initials_or_a_place_then_abbreviations_are_no_initials_keeps_it(
    entity_type: str, text: str, found: str
) -> None:
    assert apply(pp.abbreviations_are_no_initials, entity_type, text, found) == found


# --- organisations_are_no_one --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "traits"),
    [
        ("Halvorsen Corporation", "Halvorsen Corporation", NER_TRAITS),
        ("Billed by Okafor Ltd.", "Okafor Ltd.", LABELLED),
        ("K.L. TRADING SDN BHD", "K.L. TRADING SDN BHD", INITIALS),
        ("Marsh & Brandt, Inc.,", "Marsh & Brandt, Inc.,", NER_TRAITS),
    ],
)
def test_given_a_name_that_ends_with_an_organisation_word_then_it_is_dropped(
    text: str, found: str, traits: Traits
) -> None:
    assert apply(pp.organisations_are_no_one, "PERSON", text, found, traits=traits) is None


@pytest.mark.parametrize(
    ("entity_type", "text", "found"),
    [
        ("PERSON", "Lena Marsh", "Lena Marsh"),
        # The organisation word first: not the end of a company's name.
        ("PERSON", "Inc Lena Marsh", "Inc Lena Marsh"),
        ("ORGANIZATION", "Halvorsen Corporation", "Halvorsen Corporation"),
        ("LOCATION", "Marsh Ltd", "Marsh Ltd"),
    ],
)
def test_given_no_organisation_word_at_the_end_or_no_person_then_organisations_are_no_one_keeps_it(
    entity_type: str, text: str, found: str
) -> None:
    assert apply(pp.organisations_are_no_one, entity_type, text, found, traits=NER_TRAITS) == found


# --- short_ner_names_are_known -------------------------------------------------------


@pytest.mark.parametrize("word", ["Qty", "Adj", "ExC", "Tota", "Zqx."])
def test_given_a_short_one_word_ner_name_that_is_nobodys_then_it_is_dropped(word: str) -> None:
    text = f"{word} 2"
    assert apply(pp.short_ner_names_are_known, "PERSON", text, word, traits=NER_TRAITS) is None


@pytest.mark.parametrize(
    ("found", "traits"),
    [
        ("Ann", NER_TRAITS),
        ("Lee", NER_TRAITS),
        ("KIM", NER_TRAITS),
        ("Okafor", NER_TRAITS),  # five letters or more: other rules judge it
        ("Qty Lee", NER_TRAITS),  # two words
        ("Qty", LABELLED),  # not NER's
    ],
)
def test_given_a_known_name_long_name_or_name_not_from_ner_then_short_ner_names_are_known_keeps_it(
    found: str, traits: Traits
) -> None:
    text = f"by {found}"
    assert apply(pp.short_ner_names_are_known, "PERSON", text, found, traits=traits) == found


# --- identifiers_are_whole_tokens ----------------------------------------------------


@pytest.mark.parametrize(
    ("entity_type", "text", "found"),
    [
        ("US_DRIVER_LICENSE", "Ref KQT61204437", "61204437"),
        ("CREDIT_CARD", "4111111111111111X", "4111111111111111"),
        ("US_SSN", "*512447390*QX", "512447390"),
        ("UK_NHS", "code 9434765919*", "9434765919"),
    ],
)
def test_given_an_identifier_inside_a_longer_code_then_identifiers_are_whole_tokens_drops_it(
    entity_type: str, text: str, found: str
) -> None:
    assert apply(pp.identifiers_are_whole_tokens, entity_type, text, found) is None


@pytest.mark.parametrize(
    ("entity_type", "text", "found"),
    [
        ("US_DRIVER_LICENSE", "Licence: 61204437.", "61204437"),
        ("CREDIT_CARD", "4111111111111111", "4111111111111111"),
        ("US_SSN", "SSN (512-44-7390)", "512-44-7390"),
        # Not an identifier type: a phone number may be glued to its label.
        ("PHONE_NUMBER", "Tel6045552231", "6045552231"),
    ],
)
def test_given_an_identifier_that_is_a_token_of_its_own_or_another_type_then_it_is_kept(
    entity_type: str, text: str, found: str
) -> None:
    assert apply(pp.identifiers_are_whole_tokens, entity_type, text, found) == found


# --- not_a_name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bill to:\nLena Marsh", "Bill"),
        ("SHIP TO Lena Marsh", "SHIP"),
    ],
)
def test_given_the_bill_of_bill_to_then_not_a_name_drops_it(text: str, found: str) -> None:
    assert apply(pp.not_a_name, "PERSON", text, found, traits=NER_TRAITS) is None


@pytest.mark.parametrize("found", ["Minutes", "Optical Keyboard", "Regional Accounts Director"])
def test_given_a_name_of_only_ordinary_words_then_not_a_name_drops_it(
    vocabulary: Vocabulary, found: str
) -> None:
    text = f"{found}\n"
    assert apply(pp.not_a_name, "PERSON", text, found, traits=NER_TRAITS, vocabulary=vocabulary) is None
    assert apply(pp.not_a_name, "PERSON", text, found, traits=LABELLED, vocabulary=vocabulary) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bill King signed", "Bill King"),
        ("Thanks, Bill", "Bill"),
        ("Rose Green", "Rose Green"),
        ("Okafor", "Okafor"),
    ],
)
def test_given_a_name_that_is_someones_then_not_a_name_keeps_it(
    vocabulary: Vocabulary, text: str, found: str
) -> None:
    assert apply(pp.not_a_name, "PERSON", text, found, traits=NER_TRAITS, vocabulary=vocabulary) == found


@pytest.mark.parametrize(
    ("entity_type", "traits"),
    [("PERSON", INITIALS), ("PERSON", Traits(label_trimmed=True, address=True)), ("LOCATION", NER_TRAITS)],
)
def test_given_a_finding_not_judged_as_a_name_then_not_a_name_leaves_it(
    vocabulary: Vocabulary, entity_type: str, traits: Traits
) -> None:
    text = "Minutes"
    assert apply(pp.not_a_name, entity_type, text, text, traits=traits, vocabulary=vocabulary) == text


# --- no_wide_places ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Registered in Scotland,", "Scotland,"),
        ("made in the United States", "the United States"),
        ("shipped from Texas", "Texas"),
        ("across asia", "asia"),
        ("in downtown", "downtown"),
    ],
)
def test_given_an_ner_place_that_is_a_country_state_continent_or_small_then_it_is_dropped(
    text: str, found: str
) -> None:
    assert apply(pp.no_wide_places, "LOCATION", text, found, traits=NER_TRAITS) is None


@pytest.mark.parametrize(
    ("entity_type", "text", "found", "traits"),
    [
        ("LOCATION", "office in Dunmore", "Dunmore", NER_TRAITS),
        ("LOCATION", "in New Scotland Road", "New Scotland Road", NER_TRAITS),
        # A state from an address pattern (with its ZIP, elsewhere) is not NER's.
        ("LOCATION", "Austin Texas", "Texas", ADDRESS),
        ("NRP", "from Scotland", "Scotland", NER_TRAITS),
    ],
)
def test_given_a_smaller_place_or_one_not_from_ner_then_no_wide_places_keeps_it(
    entity_type: str, text: str, found: str, traits: Traits
) -> None:
    assert apply(pp.no_wide_places, entity_type, text, found, traits=traits) == found


# --- city_values_are_not_words -------------------------------------------------------


def test_given_an_address_value_of_ordinary_words_only_then_city_values_are_not_words_drops_it(
    vocabulary: Vocabulary,
) -> None:
    text = "City: Nationality"
    result = apply(
        pp.city_values_are_not_words, "LOCATION", text, "Nationality", traits=ADDRESS, vocabulary=vocabulary
    )
    assert result is None


@pytest.mark.parametrize(
    ("text", "found", "traits", "with_vocabulary"),
    [
        ("City: Kajang", "Kajang", ADDRESS, True),
        ("City: Kellogg", "Kellogg", ADDRESS, True),  # an ordinary word, and a surname
        ("12 Nationality Road", "12 Nationality Road", ADDRESS, True),  # a digit
        ("City: Nationality", "Nationality", NER_TRAITS, True),  # not an address finding
        ("City: Nationality", "Nationality", ADDRESS, False),
    ],
)
def test_given_a_place_name_a_number_or_no_address_finding_then_city_values_are_not_words_keeps_it(
    vocabulary: Vocabulary, text: str, found: str, traits: Traits, with_vocabulary: bool
) -> None:
    page_vocabulary = vocabulary if with_vocabulary else None
    result = apply(
        pp.city_values_are_not_words, "LOCATION", text, found, traits=traits, vocabulary=page_vocabulary
    )
    assert result == found


# --- drop_parts_of_emails ------------------------------------------------------------


def test_given_a_domain_inside_an_email_then_drop_parts_of_emails_drops_it_and_keeps_others() -> None:
    text = "Write to lena@harbourview.com or see harbourview.com"
    email = finding("EMAIL_ADDRESS", text, "lena@harbourview.com")
    inside_domain = finding("DOMAIN_NAME", text, "harbourview.com")
    inside_url = finding("URL", text, "harbourview.com")
    other = finding("URL", text, "harbourview.com", after="see")
    name = finding("PERSON", text, "lena")
    result = pp.drop_parts_of_emails([email, inside_domain, inside_url, other, name], Page(text))
    assert result == [email, other, name]


def test_given_no_email_then_drop_parts_of_emails_keeps_every_url() -> None:
    text = "see harbourview.com"
    url = finding("URL", text, "harbourview.com")
    assert pp.drop_parts_of_emails([url], Page(text)) == [url]


# --- names_elsewhere_on_the_page -----------------------------------------------------


def added(detections: list[Detection], result: list[Detection], text: str) -> list[str]:
    assert result[: len(detections)] == detections
    assert all(d.entity_type == "PERSON" for d in result[len(detections) :])
    return [text[d.start : d.end] for d in result[len(detections) :]]


def test_given_a_surname_found_once_then_names_elsewhere_on_the_page_finds_it_where_it_recurs(
    vocabulary: Vocabulary,
) -> None:
    text = "Lena Okafor\n41 Quarry Lane\n\nDear Ms. Okafor,\nOKAFOR L\nThank you."
    once = finding("PERSON", text, "Okafor", LABELLED, after="Ms.")
    result = pp.names_elsewhere_on_the_page([once], Page(text, vocabulary))
    assert added([once], result, text) == ["Lena Okafor", "OKAFOR"]


def test_given_a_label_or_ordinary_word_before_a_recurring_surname_then_it_is_not_taken_in(
    vocabulary: Vocabulary,
) -> None:
    text = "Signed: Brandt\n\nDear Brandt,\nSpam Brandt"
    once = finding("PERSON", text, "Brandt", LABELLED)
    result = pp.names_elsewhere_on_the_page([once], Page(text, vocabulary))
    assert added([once], result, text) == ["Brandt", "Brandt"]


def test_given_person_not_asked_for_then_names_elsewhere_on_the_page_adds_nothing(
    vocabulary: Vocabulary,
) -> None:
    text = "Lena Okafor\n\nDear Ms. Okafor,"
    once = finding("PERSON", text, "Okafor", LABELLED, after="Ms.")
    page = Page(text, vocabulary, frozenset({"PHONE_NUMBER", "LOCATION"}))
    assert pp.names_elsewhere_on_the_page([once], page) == [once]


def test_given_ordinary_words_labels_and_short_capitals_in_a_name_then_they_are_not_propagated(
    vocabulary: Vocabulary,
) -> None:
    text = "Rose White\nRSM\nPatient\n\nWhite paper\nRSM report\nPatient list"
    names = [
        finding("PERSON", text, "Rose White", NER_TRAITS),
        finding("PERSON", text, "RSM", NER_TRAITS),
        finding("PERSON", text, "Patient", NER_TRAITS),
    ]
    result = pp.names_elsewhere_on_the_page(names, Page(text, vocabulary))
    # "Rose" recurs nowhere; "White", "RSM" and "Patient" are no names elsewhere.
    assert added(names, result, text) == []


def test_given_a_name_of_another_type_then_names_elsewhere_on_the_page_adds_nothing(
    vocabulary: Vocabulary,
) -> None:
    text = "Okafor Street\n\nDear Okafor,"
    street = finding("LOCATION", text, "Okafor Street", ADDRESS)
    assert pp.names_elsewhere_on_the_page([street], Page(text, vocabulary)) == [street]
