"""What NER and loose patterns get wrong on OCR'd pages, fixed or dropped: named rules,
each a small function, applied in the order of ``RULES``.

A rule of a page takes the page's findings and returns them changed; a rule of a
finding (``FINDING_RULES``) takes one finding and returns it, changed, or ``None`` to
drop it. Rules read a finding's ``traits``, never the name of its recognizer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, wraps

from image_anonymizer.core.catalogue import DEFAULT_ENTITIES
from image_anonymizer.core.detection.findings import Detection
from image_anonymizer.core.detection.lexicon import (
    Vocabulary,
    addressee_labels,
    field_labels,
    given_names,
    is_known_name,
    is_wide_place,
    name_labels,
    organisation_words,
    word_list,
)
from image_anonymizer.core.detection.patterns import MONTHS


@dataclass(frozen=True)
class Page:
    """The text the findings are in, and what goes with it."""

    text: str
    vocabulary: Vocabulary | None = None  # ordinary words, to tell NER's false names
    entities: frozenset[str] = DEFAULT_ENTITIES  # the types asked for


FindingRule = Callable[[Detection, Page], Detection | None]
PageRule = Callable[[list[Detection], Page], list[Detection]]


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
_TO_RE = re.compile(r"[ \t]*to\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\S+")
# An initial of a name ("K.", "J.J."): a letter, but no filler.
_INITIAL_RE = re.compile(r"(?:[A-Z]\.){1,3},?")
# How the words of a name are written: capitalised, in capitals, with a prefix
# ("McLean", "DeVries", "O'Neil"), an initial glued on ("StephenM"), initials, or a
# particle in small letters ("van", "bin").
_NAME_WORD_SHAPE_RE = re.compile(
    r"(?:[A-Z][a-z'’]+|[A-Z'’]{2,}|(?:Mc|Mac|O['’]|D['’]|De|Di|Du|La|Le|Van|Von)[A-Z][a-z]+"
    r"|[A-Z][a-z]{2,}[A-Z]|(?:[A-Z]\.?)+|[a-z]{1,5})"
)
_LEADING_INITIALS_RE = re.compile(r"(?:[A-Z]\.[ \t]?){2,3}")
_LABEL_PUNCTUATION = ".,:;()[]"
# The types whose label-trimmed findings are trimmed and judged as names and places.
_NAME_AND_PLACE_TYPES = ("PERSON", "LOCATION", "NRP")


def _each(rule: FindingRule) -> PageRule:
    """A rule of a finding, applied to each finding of a page."""

    @wraps(rule)
    def apply(detections: list[Detection], page: Page) -> list[Detection]:
        return [d for d in (rule(found, page) for found in detections) if d is not None]

    return apply


# --- rules of a page, first -------------------------------------------------------


def split_ner_lines(detections: list[Detection], page: Page) -> list[Detection]:
    """An NER entity that runs over a line break ("Owen Hartley\\nBriefing") is one
    finding per line, each judged on its own."""
    pieces = []
    for detection in detections:
        if not detection.traits.from_ner:
            pieces.append(detection)
            continue
        start = detection.start
        for line in page.text[detection.start : detection.end].split("\n"):
            if line.strip():
                pieces.append(replace(detection, start=start, end=start + len(line)))
            start += len(line) + 1
    return pieces


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


def ner_names_are_capitalised(detection: Detection, page: Page) -> Detection | None:
    """An NER name or group is written with capitals: its words in small letters at
    either end are trimmed off ("tra ulme.nop" is OCR's reading of a smudge, "Ned
    said" is Ned); an NER group in small letters ("intended") is dropped."""
    if not (detection.traits.from_ner and detection.entity_type in ("PERSON", "NRP")):
        return detection
    words = list(_WORD_RE.finditer(page.text, detection.start, detection.end))
    # Words with a digit or an "@" are no words of a name; other rules judge them.
    capitalised = [
        i
        for i, m in enumerate(words)
        if m.group(0).lstrip("\"'(“‘")[:1].isupper() or any(c.isdigit() or c == "@" for c in m.group(0))
    ]
    if not capitalised:
        return None
    start, end = words[capitalised[0]].start(), words[capitalised[-1]].end()
    if detection.entity_type == "NRP" and (start, end) != (detection.start, detection.end):
        return None
    return replace(detection, start=start, end=end)


def ner_names_are_spelled_as_names(detection: Detection, page: Page) -> Detection | None:
    """An NER name with a word in which a small letter runs into a capital ("GTRicTey",
    "TaN") or letters into digits ("Hofveia9") is OCR's reading of fine print or a
    smudge; "McLean", "DeVries", "O'Neil" and an initial glued on ("StephenM.") are names."""
    if not (detection.traits.from_ner and detection.entity_type in ("PERSON", "NRP", "LOCATION")):
        return detection
    for word in _found(detection, page).split():
        if "@" in word:  # an email taken into a name: other rules trim it
            continue
        for part in re.split(r"[-/&]", _latin_letters(word).strip(_LABEL_PUNCTUATION + "'\"“”‘’/")):
            if part.strip(_LABEL_PUNCTUATION) and not _NAME_WORD_SHAPE_RE.fullmatch(
                part.strip(_LABEL_PUNCTUATION)
            ):
                return None
    return detection


def labelled_values_need_a_name(detection: Detection, page: Page) -> Detection | None:
    """A value after a name label (not NER's) with no given name in it, made of common
    words ("RETURN TO IT") or of ordinary words with a role among them ("APPROVED BY:
    DISTRICT OPERATIONS DIRECTOR", "To: All Staff"), is no name, even where a word is also a
    surname ("Sales")."""
    vocabulary = page.vocabulary
    traits = detection.traits
    if (
        detection.entity_type != "PERSON"
        or vocabulary is None
        or not traits.label_trimmed
        or traits.from_ner
        or traits.address
    ):
        return detection
    words = [w.strip(_LABEL_PUNCTUATION) for w in _found(detection, page).split()]
    words = [w for w in words if w and not _INITIAL_RE.fullmatch(w + ".")]
    if not words or any(w.lower() in given_names() for w in words):
        return detection
    roles = word_list("role_words.txt")
    if all(vocabulary.is_common(w) for w in words) or (
        all(vocabulary.is_ordinary(w) for w in words) and any(w.lower() in roles for w in words)
    ):
        return None
    return detection


def trim_field_labels(detection: Detection, page: Page) -> Detection | None:
    """Field labels taken into a name or a place ("Email ana@x.org", "ZIP\\nDuluth MN")
    are trimmed off its start (and, for NER's, its end, with a PERSON's words that have
    no letter), then spaces and punctuation; nothing left, it is dropped."""
    if not _trimmed_name_or_place(detection):
        return detection
    text, labels = page.text, _all_field_labels()
    start, end = detection.start, detection.end
    for match in _WORD_RE.finditer(text, start, end):
        if match.group(0).strip(_LABEL_PUNCTUATION).lower() not in labels:
            break
        start = match.end()
    for match in reversed(list(_WORD_RE.finditer(text, start, end))):
        word = match.group(0).strip(_LABEL_PUNCTUATION)
        if not detection.traits.from_ner or (
            word.lower() not in labels and not (detection.entity_type == "PERSON" and not _has_letter(word))
        ):
            break
        end = match.start()
    while start < end and text[start] in " \n\t" + _LABEL_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in " \n\t,;:":
        end -= 1
    if end <= start:
        return None
    return replace(detection, start=start, end=end)


def trim_filler(detection: Detection, page: Page) -> Detection | None:
    """Ordinary words are trimmed off both ends of an NER name ("Junk Lorena",
    "Gavin Holt Updated", "Marcus Webb Oct3"); a name of nothing but such words is
    left whole (``not_a_name`` drops it)."""
    vocabulary = page.vocabulary
    if not (
        _trimmed_name_or_place(detection)
        and detection.traits.from_ner
        and detection.entity_type == "PERSON"
        and vocabulary is not None
    ):
        return detection
    words = list(_WORD_RE.finditer(page.text, detection.start, detection.end))
    kept = [
        i
        for i, m in enumerate(words)
        if _INITIAL_RE.fullmatch(m.group(0)) or not vocabulary.names_no_one(m.group(0))
    ]
    if not kept:
        return detection
    return replace(detection, start=words[kept[0]].start(), end=words[kept[-1]].end())


def abbreviations_are_no_initials(detection: Detection, page: Page) -> Detection | None:
    """A "name" whose initials stand for a place or an institution ("P. O. Box",
    "U. S. Navy") is dropped."""
    if detection.entity_type != "PERSON":
        return detection
    initials = _LEADING_INITIALS_RE.match(_found(detection, page))
    if initials and re.sub(r"[^A-Z]", "", initials.group(0)) in word_list("initial_abbreviations.txt"):
        return None
    return detection


def organisations_are_no_one(detection: Detection, page: Page) -> Detection | None:
    """A "name" that ends with an organisation's word ("Norvell Corporation", "R.J.T.
    SDN BHD") is a company, whatever found it."""
    if detection.entity_type != "PERSON":
        return detection
    words = _found(detection, page).split()
    if words and words[-1].strip(_LABEL_PUNCTUATION).lower() in organisation_words():
        return None
    return detection


def short_ner_names_are_known(detection: Detection, page: Page) -> Detection | None:
    """A one-word NER name of four letters or fewer that is nobody's given name or
    surname ("Adj", "Qty", "Uom", "Tota") is a receipt's abbreviation or OCR's misreading."""
    if not (detection.traits.from_ner and detection.entity_type == "PERSON"):
        return detection
    words = [w.strip(_LABEL_PUNCTUATION) for w in _found(detection, page).split()]
    if len(words) == 1 and len(words[0]) <= 4 and not is_known_name(words[0]):
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


def not_a_name(detection: Detection, page: Page) -> Detection | None:
    """A name (NER's or after a label) that is the "Bill" of "Bill to", or made only of
    ordinary words that are nobody's names ("Roadmap", "Cordless Drill"), is dropped."""
    if not (
        _trimmed_name_or_place(detection)
        and detection.entity_type == "PERSON"
        and not detection.traits.address
    ):
        return detection
    name, after, vocabulary = _found(detection, page), page.text[detection.end :], page.vocabulary
    words = name.split()
    if len(words) == 1 and name.lower() in addressee_labels() and _TO_RE.match(after):
        return None
    if vocabulary is not None and vocabulary.names_no_one(name):
        return None
    return detection


def no_wide_places(detection: Detection, page: Page) -> Detection | None:
    """An NER place that is a country, a US state or a continent (not identifying), or
    is lower-case, is dropped."""
    if not (
        _trimmed_name_or_place(detection)
        and detection.traits.from_ner
        and detection.entity_type == "LOCATION"
    ):
        return detection
    name = _found(detection, page)
    if name[0].islower() or is_wide_place(name):
        return None
    return detection


def city_values_are_not_words(detection: Detection, page: Page) -> Detection | None:
    """An address finding with no digit that is only ordinary words (a City field's
    "value" that is "Occupation", a label beside it) is dropped."""
    vocabulary = page.vocabulary
    if (
        _trimmed_name_or_place(detection)
        and detection.traits.address
        and not _has_digit(_found(detection, page))
        and vocabulary is not None
        and vocabulary.names_no_one(_found(detection, page))
    ):
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


def names_elsewhere_on_the_page(detections: list[Detection], page: Page) -> list[Detection]:
    """A surname found once ("Dear Ms. Varga") is a name wherever it recurs on the page
    ("Lucinda Varga" in the address block), with the capitalised word before it (when
    PERSON is asked for)."""
    if "PERSON" not in page.entities:
        return detections
    text, vocabulary, labels = page.text, page.vocabulary, field_labels()
    names = {
        word
        for d in detections
        if d.entity_type == "PERSON"
        for found in re.findall(r"[A-Z][A-Za-z'’-]{2,}", text[d.start : d.end])
        if found.lower() not in labels
        # An ordinary word ("White", "DIVISION") or a short abbreviation ("AVP") found
        # in one name is no name wherever it recurs.
        and not (
            vocabulary is not None
            and (vocabulary.is_common(found) or (vocabulary.is_ordinary(found) and not is_known_name(found)))
        )
        and not (found.isupper() and len(found) < 4)
        for word in (found, found.upper())  # "Owen Hartley" is also "HARTLEY" on a licence
    }
    if not names:
        return detections
    # A recurrence inside a name already found is that name, not another finding.
    covered = [(d.start, d.end) for d in detections if d.entity_type == "PERSON"]
    pattern = re.compile(rf"(\b[A-Z][a-z'’-]+[ \t]+)?\b(?:{'|'.join(map(re.escape, sorted(names)))})\b")
    found = []
    for match in pattern.finditer(text):
        before = match.group(1)
        # The capitalised word before the name is its first name, unless it is a label
        # ("Dear") or an ordinary word ("Junk").
        ordinary = vocabulary is not None and vocabulary.names_no_one(before or "")
        start = match.end(1) if before and (before.strip().lower() in labels or ordinary) else match.start()
        if not any(a <= start and match.end() <= b for a, b in covered):
            found.append(Detection("PERSON", start, match.end(), 0.6, "NamePropagation"))
    return detections + found


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


def _trimmed_name_or_place(detection: Detection) -> bool:
    return detection.traits.label_trimmed and detection.entity_type in _NAME_AND_PLACE_TYPES


def _found(detection: Detection, page: Page) -> str:
    return page.text[detection.start : detection.end]


@cache
def _all_field_labels() -> frozenset[str]:
    """English field labels and the name fields' labels of other languages ("Prénom")."""
    return field_labels() | name_labels()


def _latin_letters(word: str) -> str:
    """Accented Latin letters without their accents ("Prénom" → "Prenom", "Łukasz" →
    "Lukasz"), so that name shapes written in ASCII read them too."""
    plain = word.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(c))


def _has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _line_before(text: str, start: int) -> str:
    return text[max(0, start - 48) : start].rsplit("\n", 1)[-1]
