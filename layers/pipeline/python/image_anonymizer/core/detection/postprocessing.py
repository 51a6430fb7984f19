"""What NER and loose patterns get wrong on OCR'd pages, fixed or dropped: named rules,
each a small function, applied in the order of ``RULES``.

A rule of a page takes the page's findings and returns them changed; a rule of a
finding (``FINDING_RULES``) takes one finding and returns it, changed, or ``None`` to
drop it. Rules read a finding's ``traits``, never the name of its recognizer.
"""

from __future__ import annotations

import re
from functools import wraps

from image_anonymizer.core.detection.findings import Detection
from image_anonymizer.core.detection.name_rules import (
    abbreviations_are_no_initials,
    city_values_are_not_words,
    labelled_values_need_a_name,
    names_elsewhere_on_the_page,
    ner_names_are_capitalised,
    ner_names_are_spelled_as_names,
    no_wide_places,
    not_a_name,
    organisations_are_no_one,
    short_ner_names_are_known,
    split_ner_lines,
    trim_field_labels,
    trim_filler,
)
from image_anonymizer.core.detection.pages import (
    FindingRule,
    Page,
    PageRule,
    _found,
    _has_digit,
    _line_before,
)
from image_anonymizer.core.detection.patterns import MONTHS

# Every rule, and what the detector calls: the rules are read by name in the tests.
__all__ = [
    "FINDING_RULES",
    "RULES",
    "FindingRule",
    "Page",
    "PageRule",
    "abbreviations_are_no_initials",
    "bare_numbers_need_a_phone_label",
    "city_values_are_not_words",
    "clean",
    "date_time_needs_a_date",
    "drop_parts_of_emails",
    "identifiers_are_whole_tokens",
    "labelled_values_need_a_name",
    "names_elsewhere_on_the_page",
    "ner_names_are_capitalised",
    "ner_names_are_spelled_as_names",
    "no_numbers_after_business_labels",
    "no_price_rows_as_phones",
    "no_wide_places",
    "not_a_name",
    "organisations_are_no_one",
    "phones_stay_on_their_line",
    "postprocess",
    "short_ner_names_are_known",
    "split_ner_lines",
    "trim_field_labels",
    "trim_filler",
    "urls_are_written_as_urls",
    "weak_patterns_need_context",
]


# What makes a DATE_TIME worth covering: a day with its month (a numeric date, or a
# month name next to a day number). Times of day ("9:20 AM"), weekdays ("Friday"),
# months of a year ("March 2025"), bare years, bare numbers ("Reference 7781") and
# date phrases ("sixty days") are not personal.
_DATE_EVIDENCE_RE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\b"
    rf"|\b{MONTHS}\.?[\s,/.\-]*\d{{1,2}}(?:st|nd|rd|th)?\b(?!\d)"
    r"|\b\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}\b"
    # Two numbers are a day and a month with a slash ("4/27"), never a point ("3.75").
    r"|\b\d{1,2}\s*/\s*\d{1,2}\b(?![/.,]\d)",
    re.IGNORECASE,
)
# Presidio's weak patterns score below this unless a context word raised them.
_CONTEXT_SCORE = 0.4
_WEAK_PATTERN_TYPES = frozenset(
    {
        "US_DRIVER_LICENSE",
        "US_PASSPORT",
        "US_BANK_NUMBER",
        "US_ITIN",
        "UK_PASSPORT",
        "IN_PAN",
        "AU_ABN",
        "AU_ACN",
        "AU_TFN",
        "AU_MEDICARE",
        "MEDICAL_LICENSE",
    }
)
# Identifiers that are a token of their own, never a piece of a longer code.
_WHOLE_TOKEN_TYPES = frozenset(
    {*_WEAK_PATTERN_TYPES, "UK_NHS", "UK_NINO", "CREDIT_CARD", "US_SSN", "SG_NRIC_FIN", "IN_AADHAAR"}
)
# Loose number types that a business's own identifiers look like.
_NUMBER_TYPES = _WEAK_PATTERN_TYPES | {"PHONE_NUMBER", "DATE_TIME", "UK_NINO"}
_BUSINESS_NUMBER_LABEL_RE = re.compile(
    r"\b(?:company|registration|reg|registered|vat|invoice|inv|order|po|sku|item|model|serial|part|batch"
    r"|lot|receipt|transaction|txn)\b\.?\s*(?:no\.?|number|num\.?|#|id)?\s*[:#.]?\s*$",
    re.IGNORECASE,
)
_PHONE_LABEL_RE = re.compile(
    r"\b(?:phone|tel|telephone|fax|facsimile|mobile|cell|ext|extension|call|contact|hp|whatsapp)\b",
    re.IGNORECASE,
)
_PRICE_RE = re.compile(r"[$€£]?\d{1,3}(?:,\d{3})*\.\d{2}")


def _each(rule: FindingRule) -> PageRule:
    """A rule of a finding, applied to each finding of a page."""

    @wraps(rule)
    def apply(detections: list[Detection], page: Page) -> list[Detection]:
        return [d for d in (rule(found, page) for found in detections) if d is not None]

    return apply


# --- rules of a page, first -------------------------------------------------------


# --- rules of a finding, in order -------------------------------------------------


def date_time_needs_a_date(detection: Detection, page: Page) -> Detection | None:
    """A DATE_TIME with no day and month in it (see ``_DATE_EVIDENCE_RE``) is dropped."""
    if (
        detection.entity_type == "DATE_TIME"
        and not detection.traits.checked_date
        and not _DATE_EVIDENCE_RE.search(_found(detection, page))
    ):
        return None
    return detection


def weak_patterns_need_context(detection: Detection, page: Page) -> Detection | None:
    """A weak pattern without the context word that raises its score (a bare "A4" as
    a driver's licence), or without a digit ("cost-based" as an Indian PAN), is dropped."""
    if detection.entity_type in _WEAK_PATTERN_TYPES and (
        detection.score < _CONTEXT_SCORE or not _has_digit(_found(detection, page))
    ):
        return None
    return detection


def no_numbers_after_business_labels(detection: Detection, page: Page) -> Detection | None:
    """A loose number after a business's label on its line ("company no. 06325024",
    "Order #") is the business's, not a person's: dropped."""
    if detection.entity_type in _NUMBER_TYPES and _BUSINESS_NUMBER_LABEL_RE.search(
        _line_before(page.text, detection.start)
    ):
        return None
    return detection


def no_price_rows_as_phones(detection: Detection, page: Page) -> Detection | None:
    """A "phone number" that is a row of prices ("4 12.25 49.00") is dropped."""
    if detection.entity_type == "PHONE_NUMBER" and any(
        _PRICE_RE.fullmatch(t) for t in _found(detection, page).split()
    ):
        return None
    return detection


def urls_are_written_as_urls(detection: Detection, page: Page) -> Detection | None:
    """A web address with no scheme and no ``www.`` is printed in small letters with a
    name of two letters or more before its suffix; "U.COST", "GST.REG", "R.S.V.P." and
    "2.5CM" are abbreviations and measures that OCR ran together, and are dropped."""
    if detection.entity_type not in ("URL", "DOMAIN_NAME"):
        return detection
    found = _found(detection, page)
    if "://" in found or found.lower().startswith("www"):
        return detection
    host = found.split("/", 1)[0].rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or not labels[-1].islower() or len(labels[-2]) < 2 or not labels[-2][0].isalnum():
        return None
    if labels[-2].isdigit():
        return None
    # "Triumph.am", "underrun.to": two words OCR glued at a full stop end in a country
    # code as often as a bare address does; a country's address has a path or a
    # second level ("shop.com.my").
    if len(labels) == 2 and len(labels[-1]) == 2 and "/" not in found:
        return None
    return detection


def bare_numbers_need_a_phone_label(detection: Detection, page: Page) -> Detection | None:
    """A run of digits with no separator, no parentheses and no ``+`` is a phone number
    only with a phone label on its line or just before it (receipts' item codes and
    amounts are such runs)."""
    if detection.entity_type != "PHONE_NUMBER":
        return detection
    found = _found(detection, page)
    if not found.strip().isdigit():
        return detection
    if _PHONE_LABEL_RE.search(page.text[max(0, detection.start - 40) : detection.start]):
        return detection
    return None


def phones_stay_on_their_line(detection: Detection, page: Page) -> Detection | None:
    """A phone number that runs over a line break ("12\n781.2-8650") is numbers of two
    rows, and is dropped."""
    if detection.entity_type == "PHONE_NUMBER" and "\n" in _found(detection, page):
        return None
    return detection


def identifiers_are_whole_tokens(detection: Detection, page: Page) -> Detection | None:
    """An identifier pattern that starts or ends inside a longer run of letters and
    digits ("TRBC12345639" holding a DEA number, "*4815092*KL") is part of a code."""
    if detection.entity_type not in _WHOLE_TOKEN_TYPES:
        return detection
    text = page.text
    before = text[detection.start - 1] if detection.start > 0 else " "
    after = text[detection.end] if detection.end < len(text) else " "
    if before.isalnum() or after.isalnum() or before == "*" or after == "*":
        return None
    return detection


# --- rules of a page, last --------------------------------------------------------


def drop_parts_of_emails(detections: list[Detection], page: Page) -> list[Detection]:
    """A URL or domain inside an email address is the same PII, not another entity
    (it would be counted, and billed, twice); its pixels are covered by the email."""
    emails = [d for d in detections if d.entity_type == "EMAIL_ADDRESS"]
    return [
        d
        for d in detections
        if d.entity_type not in ("URL", "DOMAIN_NAME")
        or not any(e.start <= d.start and d.end <= e.end for e in emails)
    ]


FINDING_RULES: tuple[FindingRule, ...] = (
    date_time_needs_a_date,
    weak_patterns_need_context,
    no_numbers_after_business_labels,
    no_price_rows_as_phones,
    bare_numbers_need_a_phone_label,
    phones_stay_on_their_line,
    urls_are_written_as_urls,
    trim_field_labels,
    ner_names_are_capitalised,
    ner_names_are_spelled_as_names,
    trim_filler,
    labelled_values_need_a_name,
    abbreviations_are_no_initials,
    organisations_are_no_one,
    short_ner_names_are_known,
    identifiers_are_whole_tokens,
    not_a_name,
    no_wide_places,
    city_values_are_not_words,
)

RULES: tuple[PageRule, ...] = (
    split_ner_lines,
    *map(_each, FINDING_RULES),
    drop_parts_of_emails,
    names_elsewhere_on_the_page,
)


def postprocess(detections: list[Detection], page: Page) -> list[Detection]:
    """The page's findings after every rule of ``RULES``, in order."""
    for rule in RULES:
        detections = rule(detections, page)
    return detections


def clean(detection: Detection, page: Page) -> Detection | None:
    """One finding after every rule of ``FINDING_RULES``, in order, or ``None``."""
    for rule in FINDING_RULES:
        found = rule(detection, page)
        if found is None:
            return None
        detection = found
    return detection
