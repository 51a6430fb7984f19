"""EMAIL_ADDRESS, validated offline."""

from __future__ import annotations

from typing import Any

from presidio_analyzer import predefined_recognizers as pr


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
