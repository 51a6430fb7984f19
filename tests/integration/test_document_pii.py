"""Document PII with real Tesseract and the real model: dates with their times, names
with initials, receipt staff, phones as OCR spaces them, labelled account numbers.

Every image is rendered word by word (``tests.rendering``), so each word's pixels are
known: a covered word's box is all fill colour, an ordinary word beside it untouched.
All names, numbers and dates are invented for these tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PIL import Image

from image_anonymizer.core.service import ImageAnonymizer, Options
from tests.rendering import Line, Word, assert_redacted, coverage, decode, encode, render, tokens

FONT_SIZE = 32
BLACK = (0, 0, 0)


def page(lines: Sequence[Line], width: int = 1000, font_name: str = "sans") -> tuple[Image.Image, list[Word]]:
    """A small canvas just tall enough for the lines, in clean large text."""
    height = 80 + int(FONT_SIZE * 2) * len(lines)
    return render(lines, size=(width, height), font_name=font_name, font_size=FONT_SIZE)


def redact(anonymizer: ImageAnonymizer, image: Image.Image, **options: object) -> tuple[Image.Image, dict]:
    result = anonymizer.redact(encode(image, "PNG"), Options.parse(**options))  # type: ignore[arg-type]
    return decode(result.image), result.analysis.to_dict()


# (line, the date with its time as printed); the other words of the line are labels.
DATE_LINES = {
    "fax_header": ("Nov 04 '97 09:52 Fax Memo", "Nov 04 '97 09:52"),
    "numeric_date_with_seconds": ("Printed: 23/05/2019 14:41:09", "23/05/2019 14:41:09"),
    "year_month_day_with_am_pm": ("Updated: 2023-11-07 6:12 PM", "2023-11-07 6:12 PM"),
    "day_month_name_year_with_time": ("Issued: 09/MAR/2016 11:38:25", "09/MAR/2016 11:38:25"),
    "inbox_row_month_day": ("Subject Budget review Oct 17", "Oct 17"),
    "long_date": ("Date: July 14, 1987", "July 14, 1987"),
}


@pytest.mark.parametrize("case", list(DATE_LINES), ids=list(DATE_LINES))
def test_given_a_date_in_any_written_form_then_date_and_time_are_covered_and_the_label_is_not(
    anonymizer: ImageAnonymizer, case: str
) -> None:
    text, date = DATE_LINES[case]
    image, words = page([tokens(text, [date]), tokens("Quarterly budget summary")])
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert "DATE_TIME" in found["entity_counts"], found["entity_counts"]


def test_given_fax_header_then_date_and_time_are_covered(anonymizer: ImageAnonymizer) -> None:
    # The header a fax machine prints, in a second face: the two-digit year's
    # apostrophe and the time are part of the date.
    text, date = DATE_LINES["fax_header"]
    image, words = page([tokens(text, [date])], font_name="liberation-sans")
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert set(found["entity_counts"]) == {"DATE_TIME"}, found["entity_counts"]


def test_given_memo_heading_names_with_initials_then_each_name_is_covered(
    anonymizer: ImageAnonymizer,
) -> None:
    lines = [
        tokens("To: H. L. Brandt", ["H. L. Brandt"]),
        tokens("cc: T. J. WHITFORD", ["T. J. WHITFORD"]),
        tokens("From: D. R. McAllister", ["D. R. McAllister"]),
        tokens("Reported by: Nora E. Vance", ["Nora E. Vance"]),
        tokens("Re: Warehouse inventory"),
    ]
    image, words = page(lines)
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert set(found["entity_counts"]) == {"PERSON"}, found["entity_counts"]


def test_given_surname_first_with_initials_then_the_name_is_covered(anonymizer: ImageAnonymizer) -> None:
    lines = [tokens("Approved: HOLLOWAY, J. T.", ["HOLLOWAY, J. T."]), tokens("Shipping schedule")]
    image, words = page(lines)
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert set(found["entity_counts"]) == {"PERSON"}, found["entity_counts"]


def test_given_a_po_box_and_postal_initials_then_they_are_no_names_but_an_initials_name_is(
    anonymizer: ImageAnonymizer,
) -> None:
    # PERSON only, so the address recognizers (LOCATION) cannot cover the box line.
    lines = [
        tokens("Attn: B. K. Ostrander", ["B. K. Ostrander"]),
        tokens("P. O. Box 4471"),
        tokens("U. S. Postal Service"),
    ]
    image, words = page(lines)
    out, found = redact(anonymizer, image, entities=["PERSON"])
    assert_redacted(image, out, words)
    assert [e["text"] for e in found["entities"]] == ["B. K. Ostrander"]


@pytest.mark.parametrize(
    ("label", "name"),
    [("Cashier:", "FAIZAL"), ("Server:", "LIM SIEW CHING")],
    ids=["cashier", "server"],
)
def test_given_a_receipt_staff_line_then_the_name_is_covered_and_the_totals_are_not(
    anonymizer: ImageAnonymizer, label: str, name: str
) -> None:
    lines = [tokens(f"{label} {name}", [name]), tokens("Subtotal 38.50"), tokens("Thank you")]
    image, words = page(lines, width=800)
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert "PERSON" in found["entity_counts"], found["entity_counts"]


@pytest.mark.parametrize(
    "line",
    ["Tel: 646 -381 -2290", "Orders: 888/275- 4419", "Phone: 461- 8823"],
    ids=["spaced_hyphens", "slash_and_split", "seven_digits_after_label"],
)
def test_given_a_phone_as_ocr_spaces_it_then_every_digit_group_is_covered(
    anonymizer: ImageAnonymizer, line: str
) -> None:
    number = line.split(" ", 1)[1]
    image, words = page([tokens(line, [number]), tokens("Office hours weekdays")], width=800)
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert "PHONE_NUMBER" in found["entity_counts"], found["entity_counts"]


def test_given_a_member_number_and_an_invoice_number_then_only_the_member_number_is_covered(
    anonymizer: ImageAnonymizer,
) -> None:
    lines = [tokens("Member No: 70325518", ["70325518"]), tokens("Invoice No: 418207")]
    image, words = page(lines, width=800)
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert found["entity_counts"] == {"ACCOUNT_NUMBER": 1}, found["entity_counts"]


def test_given_exclude_date_time_then_the_date_stays_readable_and_the_name_is_covered(
    anonymizer: ImageAnonymizer,
) -> None:
    lines = [tokens("Date: 03/08/2021", ["03/08/2021"]), tokens("Prepared by: Helen Marsh", ["Helen Marsh"])]
    image, words = page(lines, width=800)
    date = next(w for w in words if w.text == "03/08/2021")
    # By default the date is covered with the name ...
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, words)
    assert {"DATE_TIME", "PERSON"} <= set(found["entity_counts"])
    # ... excluded, the date is untouched and the name still covered.
    out, found = redact(anonymizer, image, exclude_entities="DATE_TIME")
    assert_redacted(image, out, [Word(w.text, w.box, w.pii and w is not date) for w in words])
    assert coverage(out, date.box, BLACK) < 0.5
    assert "DATE_TIME" not in found["entity_counts"] and "PERSON" in found["entity_counts"]
