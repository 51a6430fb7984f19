"""DOMAIN_NAME: domain names on the public suffix list."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

_DOMAIN_RE = re.compile(
    r"(?<![@\w./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b(?![@\w-])", re.IGNORECASE
)


class DomainRecognizer(RegexRecognizer):
    """Domain names whose suffix is on the public suffix list (bundled copy)."""

    ENTITY = "DOMAIN_NAME"

    def __init__(self, language: str, tld: Any) -> None:
        super().__init__(language)
        self._tld = tld

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DOMAIN_RE.finditer(text):
            parts = self._tld(match.group(0))
            if parts.suffix and parts.domain:
                results.append(self._result(match.start(), match.end(), 0.6))
        return results
