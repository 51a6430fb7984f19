"""CREDIT_CARD numbers whose digit groups OCR split or joined."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

# Digit groups that OCR split or joined differently from the usual 4-4-4-4.
_DIGIT_RUN_RE = re.compile(r"(?<![\d-])\d{2,19}(?:[ -]\d{1,19}){0,5}(?![\d-])")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class SplitCardRecognizer(RegexRecognizer):
    """Card numbers whose digit groups OCR split or joined ("41111111 11111111"):
    14–19 digits in at most six groups on one line, Luhn-valid, not all one digit, and
    starting as payment cards do (2–6). A receipt's 13-digit article numbers (EAN) and
    item codes that start with 0, 8 or 9 are no cards."""

    ENTITY = "CREDIT_CARD"
    TRAITS = Traits(line_bound=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DIGIT_RUN_RE.finditer(text):
            digits = re.sub(r"[ -]", "", match.group(0))
            if (
                14 <= len(digits) <= 19
                and digits[0] in "23456"
                and len(set(digits)) > 1
                and _luhn_valid(digits)
            ):
                results.append(self._result(match.start(), match.end(), 0.8))
        return results
