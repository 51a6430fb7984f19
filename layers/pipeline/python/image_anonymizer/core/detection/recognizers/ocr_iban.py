"""IBAN_CODE that OCR misread by a letter for a digit ("DEO4 …" for "DE04 …")."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers.generic.iban_patterns import regex_per_country

from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

# A country code, two check digits (or what OCR made of them), then groups of letters
# and digits on one line.
_CANDIDATE_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9OoIlSB]{2}(?:[ ]?[A-Za-z0-9]){8,32}(?![A-Za-z0-9])")
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5", "B": "8"})


@cache
def _country_res() -> dict[str, re.Pattern[str]]:
    return {country: re.compile(pattern) for country, pattern in regex_per_country.items()}


def _valid(compact: str) -> bool:
    """ISO 13616: the country's format, and the rearranged number mod 97 is 1."""
    pattern = _country_res().get(compact[:2])
    if pattern is None or not pattern.fullmatch(compact):
        return False
    digits = "".join(str(int(c, 36)) for c in (compact[4:] + compact[:4]).upper())
    return int(digits) % 97 == 1


def _reading(text: str) -> str | None:
    """The IBAN the text stands for, with OCR's letters for digits put right where the
    format wants digits: always in the check digits, and in the rest only if the
    reading as printed is no IBAN."""
    compact = text.replace(" ", "")
    fixed = compact[:2] + compact[2:4].translate(_AS_DIGIT) + compact[4:]
    if _valid(fixed):
        return fixed
    every = fixed[:4] + fixed[4:].translate(_AS_DIGIT)
    return every if _valid(every) else None


class OcrIbanRecognizer(RegexRecognizer):
    """IBANs whose check digits (or digits of the account number) OCR read as letters:
    O for 0, I or l for 1, S for 5, B for 8. Only a reading that passes the country's
    format and the mod-97 check counts; the longest valid prefix of the groups is the
    IBAN (a code word may follow it on the line)."""

    ENTITY = "IBAN_CODE"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _CANDIDATE_RE.finditer(text):
            candidate = match.group(0)
            for end in range(len(candidate), 11, -1):
                if candidate[end - 1] == " ":
                    continue
                if _reading(candidate[:end]) is not None:
                    results.append(self._result(match.start(), match.start() + end, 0.8))
                    break
        return results
