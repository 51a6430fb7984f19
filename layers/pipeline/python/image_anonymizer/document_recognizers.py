"""Recognizers for what business documents print: dates in every written form with
their time, names written with initials, North American phone numbers as OCR reads
them, and personal numbers after their label."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from .lexicon import Vocabulary, given_names, is_known_name

_MONTH_NAMES = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?"
# Between the parts of a date: a separator, with the stray space OCR puts beside it
# ("12 /10 /98", "09/ 17/ 97").
_NUM_SEP = r"[ \t]?[/.\-][ \t]?"
_YEAR = r"(?:\d{4}|['’]?\d{2})"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
# d/m/y and m/d/y, y-m-d, with two- or four-digit years; not a part of a longer run of
# numbers (an IP address, a version, a code).
_NUMERIC_DATE = (
    rf"(?<![\d/.\-])(?:\d{{1,2}}{_NUM_SEP}\d{{1,2}}{_NUM_SEP}(?:\d{{4}}|\d{{2}})"
    rf"|\d{{4}}{_NUM_SEP}\d{{1,2}}{_NUM_SEP}\d{{1,2}})(?![\d]|[/.\-]\d)"
)
# "March 27, 1984", "Dec 10 '98", "DEC -9 1999", "Feb-24-99", "SEP 22", "JUNE7",
# "FEBRUARY 19-21 1980"; and the day first: "21- Jan 00", "11-Dec-96", "14/JUN/2017",
# "11 DECEMBER, 2017", "1st of March".
_MONTH_FIRST = (
    rf"{_MONTH_NAMES}\.?[ \t]?[,/.\-]?[ \t]?{_DAY}(?:[ \t]?-[ \t]?{_DAY})?(?![\d:])"
    rf"(?:[ \t]?[,./\-]?[ \t]?{_YEAR}(?!\d))?"
)
_DAY_FIRST = (
    rf"{_DAY}(?:[ \t]?-[ \t]?{_DAY})?[ \t]?(?:[/.\-][ \t]?|of[ \t]+)?{_MONTH_NAMES}\.?"
    rf"(?:[ \t]?[,/.\-]?[ \t]?{_YEAR}(?!\d))?"
)
_DATE = rf"(?:{_NUMERIC_DATE}|\b{_MONTH_FIRST}|\b{_DAY_FIRST}\b)"
# A time printed with the date: "17:06", "10: 55", "8:13:39 PM", "10.00.53PM",
# "7:00 P. M.", "MON 15: 35", "at 9:30".
_TIME = (
    r"\d{1,2}[ \t]?:[ \t]?\d{2}(?:[ \t]?:[ \t]?\d{2})?(?:[ \t]?(?:[ap]\.?[ \t]?m\b\.?|[ap]\b))?"
    r"|\d{1,2}\.\d{2}\.\d{2}(?:[ \t]?(?:[ap]\.?[ \t]?m\b\.?))?"
    r"|\d{1,2}(?:\.\d{2})?[ \t]?[ap]\.?[ \t]?m\b\.?"
)
# On the same line, or first on the next ("Date: 03/02/2018\n11:49:00" on a receipt).
_TIME_AFTER = rf"(?:(?:[ \t]*(?:,|at|@|-)?[ \t]*|[ \t]*\n[ \t]*)(?:{_WEEKDAYS}\.?,?[ \t]+)?(?:{_TIME}))"
_DATE_TIME_RE = re.compile(
    rf"(?:\b{_WEEKDAYS}\.?,?[ \t]+)?(?:(?:{_TIME})[ \t]+)?{_DATE}{_TIME_AFTER}?",
    re.IGNORECASE,
)
_NUMBERS_RE = re.compile(r"\d+")
# A month name as OCR misreads it ("Angust 3, 1998", "ApriJ 1, 1988", "uly 23,1998"),
# or glued to its label ("DATEQctober 27, 1986"): a word ending within one edit of a
# month's full name, then a day and a four-digit year.
_NOISY_MONTH_DATE_RE = re.compile(
    rf"([A-Za-z]{{3,}})\.?[ \t]?[,.\-]?[ \t]?([0-3]?\d)(?!\d)[ \t]?[,.\-]?[ \t]?(?:\d{{4}}|\d{{2}}[ \t]\d{{2}})(?!\d)"
    rf"{_TIME_AFTER}?"
)
_FULL_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _within_one_edit(word: str, target: str) -> bool:
    """Levenshtein distance at most 1."""
    if abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        return sum(a != b for a, b in zip(word, target, strict=True)) <= 1
    short, long = sorted((word, target), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _noisy_month_start(word: str) -> int | None:
    """Where a misread month name starts in ``word`` (its end is the word's end)."""
    lower = word.lower()
    for month in _FULL_MONTHS:
        for length in (len(month) - 1, len(month), len(month) + 1):
            if length <= len(lower) and _within_one_edit(lower[-length:], month):
                return len(lower) - length
    return None
_MONTH_WORD_RE = re.compile(_MONTH_NAMES, re.IGNORECASE)


class _PatternRecognizer(EntityRecognizer):  # type: ignore[misc]
    """A recognizer of one entity type found by code rather than one regex."""

    ENTITY = ""

    def __init__(self, language: str) -> None:
        super().__init__(
            supported_entities=[self.ENTITY], supported_language=language, name=type(self).__name__
        )

    def load(self) -> None:
        return None

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            self.ENTITY,
            start,
            end,
            score,
            recognition_metadata={"recognizer_name": type(self).__name__, "recognizer_identifier": self.id},
        )


def _plausible_numeric(date: str) -> bool:
    """Numbers that can be a day and a month in some order (and a year)."""
    parts = [int(p) for p in _NUMBERS_RE.findall(date)[:3]]
    if len(parts) < 3:
        return False
    if len(_NUMBERS_RE.findall(date)[0]) == 4:  # y-m-d
        return 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31
    first, second = parts[0], parts[1]
    return (1 <= first <= 12 and 1 <= second <= 31) or (1 <= second <= 12 and 1 <= first <= 31)


class DateTimeRecognizer(_PatternRecognizer):
    """Calendar dates in every common written form, with the time printed beside them.

    Numeric dates need a plausible day and month; a month written as a word needs a
    capital (so "may 5" in a sentence is no date) and a day number of 1–31.
    """

    ENTITY = "DATE_TIME"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DATE_TIME_RE.finditer(text):
            found = match.group(0)
            month = _MONTH_WORD_RE.search(found)
            if month is None:
                if not _plausible_numeric(_strip_time(found)):
                    continue
            else:
                if not found[month.start()].isupper():
                    continue
                days = [int(n) for n in _NUMBERS_RE.findall(found)]
                if not days or not 1 <= days[0] <= 31 and not (len(days) > 1 and 1 <= days[1] <= 31):
                    continue
            # Above NER's 0.85: a spaCy DATE that holds this one, with label words
            # glued on, must not make Presidio drop it as contained.
            results.append(self._result(match.start(), match.end(), 0.9))
        for match in _NOISY_MONTH_DATE_RE.finditer(text):
            start = _noisy_month_start(match.group(1))
            if start is not None and 1 <= int(match.group(2)) <= 31:
                results.append(self._result(match.start(1) + start, match.end(), 0.86))
        return results


_LEADING_TIME_RE = re.compile(rf"^(?:\b{_WEEKDAYS}\.?,?[ \t]+)?(?:{_TIME})[ \t]+", re.IGNORECASE)


def _strip_time(found: str) -> str:
    return _LEADING_TIME_RE.sub("", found)


# A name written with initials: "K. A. Sparrow", "R B. SPELL", "J.J. Tatulli",
# "F. Anthony Burke", "R. W. RICHARDSON"; a given name, a middle initial and a surname:
# "Kent B. Mills"; the surname first: "SPARROW, K. A.".
_SURNAME = r"(?:(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]{2,}(?:-[A-Z]{2,})?)"
# Each initial a capital followed by its period or a space, never by another letter
# ("LAW. If" is no "L. A. W. If").
_INITIALS = r"(?:[A-Z](?:\.[ \t]?|[ \t])){0,2}[A-Z]\."
_INITIALS_FIRST_RE = re.compile(
    rf"(?<![\w.])({_INITIALS})[ \t]*({_SURNAME})(?:[ \t]+({_SURNAME}))?(?![\w'’])"
)
# Letters that stand for places and institutions, not a person's initials ("P. O. Box",
# "U. S. Postal Service", "N. Y.").
_ABBREVIATIONS = frozenset({"PO", "US", "USA", "UK", "NY", "DC", "UN", "EU", "LA", "SF", "NJ", "BC", "AD"})
_MIDDLE_INITIAL_RE = re.compile(rf"(?<![\w.])({_SURNAME})[ \t]+[A-Z]\.[ \t]*({_SURNAME})(?![\w'’])")
_SURNAME_FIRST_RE = re.compile(rf"(?<![\w.])({_SURNAME}),[ \t]*((?:[A-Z]\.[ \t]?){{1,3}})(?![\w])")


class InitialsNameRecognizer(_PatternRecognizer):
    """Names written with initials, as letters, memos, forms and signature blocks
    print them. The surname must be a known name or no ordinary word ("P. O. Box",
    "U. S. Postal" are not names); a given name before a middle initial likewise."""

    ENTITY = "PERSON"

    def __init__(self, language: str, vocabulary: Vocabulary) -> None:
        super().__init__(language)
        self._vocabulary = vocabulary

    def _surname(self, word: str) -> bool:
        return is_known_name(word) or not self._vocabulary.is_ordinary(word)

    def _given(self, word: str) -> bool:
        return word.lower() in given_names() or not self._vocabulary.is_ordinary(word)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _INITIALS_FIRST_RE.finditer(text):
            initials, first, second = match.groups()
            letters = re.sub(r"[^A-Z]", "", initials)
            if letters in _ABBREVIATIONS:
                continue
            if second is not None and self._given(first) and self._surname(second):
                results.append(self._result(match.start(), match.end(), 0.7))
            # Two initials make a name of an ordinary word too ("K. A. Sparrow").
            elif len(letters) > 1 or self._surname(first):
                results.append(self._result(match.start(), match.end(2), 0.7))
        for match in _MIDDLE_INITIAL_RE.finditer(text):
            if self._given(match.group(1)) and self._surname(match.group(2)):
                results.append(self._result(match.start(), match.end(), 0.7))
        for match in _SURNAME_FIRST_RE.finditer(text):
            if self._surname(match.group(1)):
                results.append(self._result(match.start(), match.end(), 0.7))
        return results


# North American numbers as OCR reads them: "212 -450 -5578", "800/424- 9876",
# "(410) 955-9253", "336- 335- 7707"; area and exchange codes start with 2–9.
_NANP_RE = re.compile(
    r"(?<![\w/.-])(?:\+?1[ \t]?[-.]?[ \t]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ \t]?[-/.]?[ \t]?"
    r"[2-9]\d{2}[ \t]?[-.][ \t]?\d{4}(?![\w/-]|\.\d)"
    r"(?:[ \t]*(?:ext?\.?|x)[ \t]*\d{1,5}\b)?",
    re.IGNORECASE,
)
# A local number after a phone label: "Phone: 335- 7733", "Ext. 5398".
_LOCAL_PHONE_RE = re.compile(
    r"\b(?:phone|tel|telephone|fax|facsimile|mobile|cell|ext|extension)\b\.?[ \t]*(?:no\.?|number|#)?"
    r"[ \t]*[:#.]?[ \t]*([2-9]\d{2}[ \t]?[-.][ \t]?\d{4}|\d{3,5})(?![\w-])",
    re.IGNORECASE,
)


class NorthAmericanPhoneRecognizer(_PatternRecognizer):
    """Ten-digit North American numbers with OCR's stray spaces and slashes, which
    the phonenumbers library rejects; seven-digit and extension numbers after a
    phone label."""

    ENTITY = "PHONE_NUMBER"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = [self._result(m.start(), m.end(), 0.7) for m in _NANP_RE.finditer(text)]
        results += [self._result(m.start(1), m.end(1), 0.6) for m in _LOCAL_PHONE_RE.finditer(text)]
        return results


# A person's own number after its label: "Member No: 1799", "Card No. 3180404",
# "Staff: 11900", "Account # 198-1160006", "Employee ID 4471".
_ACCOUNT_LABEL_RE = re.compile(
    r"\b(?:member(?:ship)?|card|account|acct|a/c|staff|employee|emp|customer|cust|patient|client"
    r"|policy|loyalty|subscriber|social\s+security|ssn|badge|student)"
    r"(?:[ \t]*(?:no\b\.?|number|num\b\.?|#|id\b|code))?[ \t]*[:#.]?[ \t]*"
    r"(\(?[A-Z]{0,4}[ \t]?\d[\dA-Z]*(?:[ \t]?[-/][ \t]?[\dA-Z]+){0,3}\)?)(?![\w-])",
    re.IGNORECASE,
)


class AccountNumberRecognizer(_PatternRecognizer):
    """A number that identifies a person or their account, next to the label that
    says so (membership, loyalty and payment cards, staff, patients, policies). A
    business's own numbers (invoice, order, registration) have labels of their own."""

    ENTITY = "ACCOUNT_NUMBER"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _ACCOUNT_LABEL_RE.finditer(text):
            value = match.group(1)
            if sum(c.isdigit() for c in value) >= 3:
                results.append(self._result(match.start(1), match.end(1), 0.6))
        return results
