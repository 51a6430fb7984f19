"""DATE_TIME with the month written in a language other than English."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.lexicon import word_list
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer


@cache
def _months() -> dict[str, frozenset[str]]:
    """Each language's month names (``data/month_names.txt``)."""
    months: dict[str, frozenset[str]] = {}
    for line in word_list("month_names.txt"):
        language, *names = line.split()
        months[language] = frozenset(names)
    return months


@cache
def _date_re(language: str) -> re.Pattern[str] | None:
    names = _months().get(language)
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # "12 mars 1987", "3. Juli 1990", "1er mai 2001", "12 de marzo de 1987", "4 luglio '90".
    return re.compile(
        rf"(?<!\d)(\d{{1,2}})(?:\.|er|º|ª)?[ \t]+(?:de[ \t]+)?(?:{alternatives})"
        rf"(?:[ \t]+(?:de[ \t]+)?(\d{{4}}|['’]\d{{2}}))?(?![^\W_])",
        re.IGNORECASE,
    )


class LocalDateRecognizer(RegexRecognizer):
    """A day with its month written in the page's language, with or without the year;
    the day is checked (1–31)."""

    ENTITY = "DATE_TIME"
    TRAITS = Traits(checked_date=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        pattern = _date_re(self.supported_language)
        if pattern is None:
            return []
        return [
            self._result(match.start(), match.end(), 0.85 if match.group(2) else 0.6)
            for match in pattern.finditer(text)
            if 1 <= int(match.group(1)) <= 31
        ]
