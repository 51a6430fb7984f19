"""ES_NIF whose check letter OCR read as a digit ("705134615" for "70513461S")."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

_CHECK_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# The letters a digit may be OCR's reading of.
_LETTERS_OF_DIGIT = {"5": "S", "8": "B", "2": "Z", "6": "G", "0": "DQ", "1": "TL", "7": "T", "4": "A"}
# After its label on the line: a bare nine-digit number is too often something else.
_LABELLED_RE = re.compile(
    r"\b(?:NIF|DNI|N\.?I\.?F\.?|D\.?N\.?I\.?)\b[^\S\n]*[:.#-]?[^\S\n]*"
    r"(?P<number>\d{8}[ -]?(?P<check>\d))(?!\w)",
    re.IGNORECASE,
)


class MisreadNifRecognizer(RegexRecognizer):
    """A Spanish NIF after its label whose check letter OCR read as the digit it looks
    like (S as 5, B as 8, Z as 2, G as 6 ...): it counts when that letter is the one the
    eight digits call for (mod 23)."""

    ENTITY = "ES_NIF"
    TRAITS = Traits(line_bound=True)

    def __init__(self, supported_language: str = "es") -> None:  # as Presidio's own national ones
        super().__init__(supported_language)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _LABELLED_RE.finditer(text):
            digits = match.group("number")[:8]
            expected = _CHECK_LETTERS[int(digits) % 23]
            if expected in _LETTERS_OF_DIGIT.get(match.group("check"), ""):
                results.append(self._result(match.start("number"), match.end("number"), 0.7))
        return results
