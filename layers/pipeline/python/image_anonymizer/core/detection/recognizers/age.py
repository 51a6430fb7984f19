"""AGE: a number after or under an age label, a number of years old, turning N."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.patterns import MONTHS
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

# "Age: 39", or "Age" alone on its line with the number on the next ("Date of birth Age\n6
# September 2004 40" is a row of labels over a row of values: the 6 is no age).
_AGE_LABEL = r"(?:age[d]?|alter|âge|edad)"
_AGE_AFTER_LABEL_RE = re.compile(
    rf"(?:\b{_AGE_LABEL}[ \t]*[:=\-]?[ \t]*|^[ \t]*{_AGE_LABEL}[ \t]*[:*]?[ \t]*\n[ \t]*)"
    rf"(\d{{1,3}})\b(?![/.\-]\d)(?![ \t]*{MONTHS})",
    re.IGNORECASE | re.MULTILINE,
)
# "39 years old", "42-year-old", "39 y/o", "she turns 49": a number of years is an age
# only when it is old, or turned.
_AGE_PHRASE_RE = re.compile(
    r"\b(\d{1,3})\s*-?\s*(?:(?:years?|yrs?)\s*-?\s*old|y/o|yo)\b"
    r"|\bturn(?:s|ed|ing)[ \t]+(\d{1,3})\b(?![.,:/]\d)(?![ \t]*(?:%|°|degrees|left|right|pages?))",
    re.IGNORECASE,
)
# A row of labels over a row of values, "Age" the last label: the age is the line's
# last number ("Date of birth * Age\n11/25/1997 62").
_AGE_LAST_IN_ROW_RE = re.compile(
    r"\bage[ \t]*[*:]?[ \t]*\n\n?[^\n]*?[ \t](\d{1,3})[ \t]*$", re.IGNORECASE | re.MULTILINE
)


class AgeRecognizer(RegexRecognizer):
    """Ages: a number after an age label or under it, a number of years old, turning N."""

    ENTITY = "AGE"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _AGE_AFTER_LABEL_RE.finditer(text):
            if 0 < int(match.group(1)) <= 125:
                results.append(self._result(match.start(1), match.end(1), 0.75))
        for match in _AGE_LAST_IN_ROW_RE.finditer(text):
            if 0 < int(match.group(1)) <= 125:
                results.append(self._result(match.start(1), match.end(1), 0.6))
        for match in _AGE_PHRASE_RE.finditer(text):
            years = match.group(1) or match.group(2)
            if 0 < int(years) <= 125:
                start = match.start() if match.group(1) else match.start(2)
                results.append(self._result(start, match.end(), 0.6))
        return results
