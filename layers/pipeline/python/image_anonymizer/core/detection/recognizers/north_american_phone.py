"""PHONE_NUMBER: North American numbers as OCR reads them, and local numbers after a phone label."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

# North American numbers as OCR reads them: "718 -362 -4091", "888/531- 2764",
# "(502) 847-3316", "919- 446- 2815"; area and exchange codes start with 2–9.
_NANP_RE = re.compile(
    r"(?<![\w/.-])(?:\+?1[ \t]?[-.]?[ \t]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ \t]?[-/.]?[ \t]?"
    r"[2-9]\d{2}[ \t]?[-.][ \t]?\d{4}(?![\w/-]|\.\d)"
    r"(?:[ \t]*(?:ext?\.?|x)[ \t]*\d{1,5}\b)?",
    re.IGNORECASE,
)
# A local number after a phone label ("Phone: 482- 6190"), an extension after its own
# ("Ext. 4172", "x 214").
_LOCAL_PHONE_RE = re.compile(
    r"\b(?:phone|tel|telephone|fax|facsimile|mobile|cell)\b\.?[ \t]*(?:no\.?|number|#)?"
    r"[ \t]*[:#.]?[ \t]*([2-9]\d{2}[ \t]?[-.][ \t]?\d{4})(?![\w-])"
    r"|\b(?:ext|extension|x)\b\.?[ \t]*[:#.]?[ \t]*(\d{2,5})(?![\w-])",
    re.IGNORECASE,
)


class NorthAmericanPhoneRecognizer(RegexRecognizer):
    """Ten-digit North American numbers with OCR's stray spaces and slashes, which
    the phonenumbers library rejects; seven-digit and extension numbers after a
    phone label."""

    ENTITY = "PHONE_NUMBER"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = [self._result(m.start(), m.end(), 0.7) for m in _NANP_RE.finditer(text)]
        for match in _LOCAL_PHONE_RE.finditer(text):
            group = 1 if match.group(1) else 2
            results.append(self._result(match.start(group), match.end(group), 0.6))
        return results
