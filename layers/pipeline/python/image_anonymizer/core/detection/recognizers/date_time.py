"""DATE_TIME: calendar dates in every common written form, with the time printed beside them."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.patterns import MONTHS
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

_WEEKDAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?"
# Between the parts of a date: a separator, with the stray space OCR puts beside it
# ("14 /06 /97", "08/ 23/ 96").
_NUM_SEP = r"[ \t]?[/.\-][ \t]?"
_YEAR = r"(?:\d{4}|['’]?\d{2})"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
# d/m/y and m/d/y, y-m-d, with two- or four-digit years; not a part of a longer run of
# numbers (an IP address, a version, a code).
# A date with slashes may follow a letter of a label OCR glued to it ("Datex04/09/21");
# with hyphens or points, a letter before it makes a code ("KT07-14-58").
_NUMERIC_DATE = (
    r"(?:(?<![0-9/.\-])\d{1,2}[ \t]?/[ \t]?\d{1,2}[ \t]?/[ \t]?(?:\d{4}|\d{2})"
    rf"|(?<![A-Za-z0-9/.\-])\d{{1,2}}{_NUM_SEP}\d{{1,2}}{_NUM_SEP}(?:\d{{4}}|\d{{2}})"
    rf"|(?<![A-Za-z0-9/.\-])\d{{4}}{_NUM_SEP}\d{{1,2}}{_NUM_SEP}\d{{1,2}})(?![\d]|[/.\-]\d)"
)
# "May 16, 1985", "Nov 14 '97", "OCT -6 1994", "Mar-17-96", "AUG 19", "JULY8",
# "OCTOBER 12-14 1983"; and the day first: "17- Mar 01", "23-Nov-95", "09/AUG/2016",
# "26 NOVEMBER, 2016", "1st of March".
_MONTH_FIRST = (
    rf"{MONTHS}\.?[ \t]?[,/.\-]?[ \t]?{_DAY}(?:[ \t]?-[ \t]?{_DAY})?(?![\d:])"
    rf"(?:[ \t]?[,./\-]?[ \t]?{_YEAR}(?!\d))?"
)
_DAY_FIRST = (
    rf"{_DAY}(?:[ \t]?-[ \t]?{_DAY})?[ \t]?(?:[/.\-][ \t]?|of[ \t]+)?{MONTHS}\.?"
    rf"(?:[ \t]?[,/.\-]?[ \t]?{_YEAR}(?!\d))?"
)
_DATE = rf"(?:{_NUMERIC_DATE}|\b{_MONTH_FIRST}|\b{_DAY_FIRST}\b)"
# A time printed with the date: "17:06", "09: 35", "7:42:18 PM", "09.41.26PM",
# "6:30 P. M.", "TUE 14: 25", "at 9:30".
_TIME = (
    r"\d{1,2}[ \t]?:[ \t]?\d{2}(?:[ \t]?:[ \t]?\d{2})?(?:[ \t]?(?:[ap]\.?[ \t]?m\b\.?|[ap]\b))?"
    r"|\d{1,2}\.\d{2}\.\d{2}(?:[ \t]?(?:[ap]\.?[ \t]?m\b\.?))?"
    r"|\d{1,2}(?:\.\d{2})?[ \t]?[ap]\.?[ \t]?m\b\.?"
)
# Right after a date, a time OCR misread: its colon as ";" or "'", lost ("1824") or
# read as a digit ("18140": an hour, one character, minutes).
_MISREAD_TIME = r"\d{1,2}[;'’]\d{2}(?:[:;'’]\d{2})?|(?:[01]\d|2[0-3])\d?[0-5]\d(?![\d.,/:])"
# On the same line, or first on the next ("Date: 07/05/2019\n14:26:08" on a receipt).
_TIME_AFTER = (
    rf"(?:(?:[ \t]*(?:,|at|@|-)?[ \t]*|[ \t]*\n[ \t]*)(?:{_WEEKDAYS}\.?,?[ \t]+)?(?:{_TIME})"
    rf"|[ \t]+(?:{_MISREAD_TIME}))"
)
_DATE_TIME_RE = re.compile(
    rf"(?:\b{_WEEKDAYS}\.?,?[ \t]+)?(?:(?:{_TIME})[ \t]+)?{_DATE}{_TIME_AFTER}?",
    re.IGNORECASE,
)
_NUMBERS_RE = re.compile(r"\d+")
# A month name as OCR misreads it ("Angust 9, 1995", "ApriJ 6, 1993", "uly 12,1994"),
# or glued to its label ("DATEQctober 14, 1991"): a word ending within one edit of a
# month's full name, then a day and a four-digit year.
_NOISY_MONTH_DATE_RE = re.compile(
    r"([A-Za-z]{3,})\.?[ \t]?[,.\-]?[ \t]?([0-3]?\d)(?!\d)"
    r"[ \t]?[,.\-]?[ \t]?(?:\d{4}|\d{2}[ \t]\d{2})(?!\d)"
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
        # Longest first: "DATEQctober" starts at its "Q", never at "ctober".
        for length in (len(month) + 1, len(month), len(month) - 1):
            if length <= len(lower) and _within_one_edit(lower[-length:], month):
                return len(lower) - length
    return None


_MONTH_WORD_RE = re.compile(MONTHS, re.IGNORECASE)


def _plausible_numeric(date: str) -> bool:
    """Numbers that can be a day and a month in some order (and a year)."""
    parts = [int(p) for p in _NUMBERS_RE.findall(date)[:3]]
    if len(parts) < 3:
        return False
    if len(_NUMBERS_RE.findall(date)[0]) == 4:  # y-m-d
        return 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31
    first, second = parts[0], parts[1]
    return (1 <= first <= 12 and 1 <= second <= 31) or (1 <= second <= 12 and 1 <= first <= 31)


class DateTimeRecognizer(RegexRecognizer):
    """Calendar dates in every common written form, with the time printed beside them.

    Numeric dates need a plausible day and month; a month written as a word needs a
    capital (so "may 5" in a sentence is no date) and a day number of 1–31.
    """

    ENTITY = "DATE_TIME"
    # Each finding has its day and month checked here; a time on the next line may
    # belong to it, but names and numbers of the next line never do.
    TRAITS = Traits(line_bound=True, checked_date=True)
    # Above NER's 0.85: Presidio drops a finding that another of its type with a higher
    # score holds, and NER's DATE with a label glued on, or a bare time, is dropped later.
    SCORE = 0.9

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
                if not days or (not 1 <= days[0] <= 31 and not (len(days) > 1 and 1 <= days[1] <= 31)):
                    continue
            results.append(self._result(match.start(), match.end(), self.SCORE))
        for match in _NOISY_MONTH_DATE_RE.finditer(text):
            start = _noisy_month_start(match.group(1))
            if start is not None and 1 <= int(match.group(2)) <= 31:
                results.append(self._result(match.start(1) + start, match.end(), self.SCORE))
        for match in _NOISY_FRAMED_DATE_RE.finditer(text):
            letters = match.group(2)
            if letters is None or any(_within_one_edit(letters.lower(), m) for m in _ABBREVIATED_MONTHS):
                results.append(self._result(match.start(), match.end(), self.SCORE))
        for match in _LOOKALIKE_DAY_RE.finditer(text):
            day = match.group(2).translate(_LOOKALIKE_DIGITS)
            if day.isdigit() and 1 <= int(day) <= 31 and not match.group(2).isdigit():
                results.append(self._result(match.start(1), match.end(1), self.SCORE))
        if results:  # the page has a date: its Time fields and timestamps are its time
            for match in _TIME_FIELD_RE.finditer(text):
                group = 1 if match.group(1) else 2
                results.append(self._result(match.start(group), match.end(group), self.SCORE))
        return results


# A receipt's or a form's Time field: "Date: 07/05/2019\nTime: 14:26:08" prints one
# moment in two fields; a time to the second ("09.41.26PM") is a timestamp wherever
# it is printed.
_TIME_FIELD_RE = re.compile(
    rf"\btime\b[ \t]*[:.]?[ \t]*({_TIME})"
    r"|(?<![\w:.])(\d{1,2}[:.]\d{2}[:.]\d{2}(?:[ \t]?[ap]\.?[ \t]?m\b\.?)?)(?![\w:.])",
    re.IGNORECASE,
)
# "23/rov/2016": a month's abbreviation OCR misread by a letter, between a day and a
# year; "83/07/2019 9:14:52": a day misread, kept by its month, its year and its time.
_NOISY_FRAMED_DATE_RE = re.compile(
    rf"(?<![\w/.-])[0-3]?\d[ \t]?([/-])[ \t]?([A-Za-z]{{3}})[ \t]?\1[ \t]?(?:\d{{4}}|\d{{2}})(?![\w/])"
    rf"{_TIME_AFTER}?"
    rf"|(?<![\w/.-])\d{{2}}/(?:0[1-9]|1[0-2])/(?:19|20)\d{{2}}[ \t]+\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?![\w:])",
)
# A month and its day alone in a list's date column, the day's digits read as the
# letters they look like ("Jans" for "Jan 5", "AprB" for "Apr 8").
_LOOKALIKE_DIGITS = str.maketrans("sSbBoOlIzZ", "5588001122")
_LOOKALIKE_DAY_RE = re.compile(
    r"^[ \t]*((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    r"|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[ \t]?([sSbBoOlIzZ0-9]{1,2}))[ \t]*$",
    re.MULTILINE,
)
_ABBREVIATED_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_LEADING_TIME_RE = re.compile(rf"^(?:\b{_WEEKDAYS}\.?,?[ \t]+)?(?:{_TIME})[ \t]+", re.IGNORECASE)


def _strip_time(found: str) -> str:
    return _LEADING_TIME_RE.sub("", found)
