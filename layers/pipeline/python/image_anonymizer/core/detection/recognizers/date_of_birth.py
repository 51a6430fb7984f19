"""DATE_OF_BIRTH: a date with a birth label shortly before it."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.patterns import MONTHS
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

_DATE_PATTERNS = (
    r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b",
    r"\b\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}\.?,?\s+\d{{2,4}}\b",
    rf"\b{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}\b",
)
_DATE_RE = re.compile("|".join(f"(?:{p})" for p in _DATE_PATTERNS), re.IGNORECASE)
_DOB_CONTEXT_RE = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\b|date\s+of\s+birth|birth\s*date|\bbirthday|\bborn\b|\bb\.\s?d\b"
    r"|geburtsdatum|\bgeb\.|date\s+de\s+naissance|\bn[ée]e?\s+le\b|fecha\s+de\s+nacimiento)",
    re.IGNORECASE,
)


class DateOfBirthRecognizer(RegexRecognizer):
    """A date with a birth label shortly before it (same or previous line)."""

    ENTITY = "DATE_OF_BIRTH"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DATE_RE.finditer(text):
            window = text[max(0, match.start() - 48) : match.start()]
            labels = list(_DOB_CONTEXT_RE.finditer(window))
            # The label's own date comes first: "DOB 1957-09-02 EXP 10/05/2026".
            if labels and not _DATE_RE.search(window, labels[-1].end()):
                results.append(self._result(match.start(), match.end(), 0.85))
        return results
