"""EMAIL_ADDRESS, validated offline."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer import predefined_recognizers as pr

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer


class OfflineEmailRecognizer(pr.EmailRecognizer):  # type: ignore[misc]
    """Presidio's email recognizer, validated against the bundled suffix list.

    Presidio's own validation calls tldextract's module-level extractor, which
    fetches the public suffix list over the network with no timeout.
    """

    def __init__(self, language: str, tld: Any) -> None:
        super().__init__(supported_language=language)
        self._tld = tld

    def validate_result(self, pattern_text: str) -> bool:
        return bool(self._tld(pattern_text).fqdn != "")


# An address with its "@" as OCR misreads it ("©", "®", never spaced: "Copyright ©
# Example.com" is a footer) or as people spell it out against harvesters ("(at)").
_MISREAD_AT_RE = re.compile(
    r"(?<![\w.+-])([\w.+-]{1,64})(?:[©®]|[ \t]?(?:\(at\)|\[at\])[ \t]?)"
    r"([\w-]{1,63}(?:\.[\w-]{1,63}){1,4})(?![\w-])",
    re.IGNORECASE,
)


class MisreadEmailRecognizer(RegexRecognizer):
    """Email addresses whose "@" OCR read as "©" or "®", or that spell it "(at)":
    the address with an "@" in its place must pass the same validation."""

    ENTITY = "EMAIL_ADDRESS"
    TRAITS = Traits(line_bound=True)

    def __init__(self, language: str, tld: Any) -> None:
        super().__init__(language)
        self._tld = tld

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        return [
            self._result(m.start(), m.end(), 0.7)
            for m in _MISREAD_AT_RE.finditer(text)
            if self._tld(f"{m.group(1)}@{m.group(2)}").fqdn != ""
        ]
