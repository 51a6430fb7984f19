"""What the service answers: each page's analysis, the image's (``Analysis.to_dict`` is
the API's JSON, the contract), the redacted image, and the token cost."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from image_anonymizer.core import formats
from image_anonymizer.core.language_detection import LanguageDetection
from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import Finding, OcrWord
from image_anonymizer.core.verification import SKIPPED, Verification


@dataclass(frozen=True)
class PageAnalysis:
    """One page or frame: its size, its text, and what was found on it."""

    index: int
    width: int
    height: int
    ocr_text: str
    word_count: int
    mean_confidence: float
    findings: tuple[Finding, ...]
    added: tuple[Finding, ...] = ()  # found by verification, on the redacted page
    words: tuple[OcrWord, ...] = ()  # every word OCR read, in page pixels


@dataclass(frozen=True)
class Analysis:
    """Everything found in one image. ``to_dict`` is the API's JSON."""

    image_format: formats.ImageFormat
    pages: tuple[PageAnalysis, ...]
    language: LanguageSpec
    detection_mode: str
    ocr_engine: str
    ocr_mode: str = "thorough"
    timings: dict[str, float] = field(default_factory=dict)
    verification: Verification = SKIPPED
    # Types a default request could not look for: the language cannot detect them here.
    unsupported_entities: tuple[str, ...] = ()
    include_words: bool = True  # the caller's include_words: ``words`` in the answer
    language_detection: LanguageDetection | None = None  # what language=auto chose

    @property
    def findings(self) -> tuple[tuple[int, Finding], ...]:
        """Every finding with its page: the analysis', then those verification added."""
        return tuple((page.index, f) for page in self.pages for f in (*page.findings, *page.added))

    @property
    def characters(self) -> int:
        return sum(len(page.ocr_text) for page in self.pages)

    @property
    def tokens(self) -> int:
        return token_cost(self.characters, len(self.findings), len(self.pages))

    def entity_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, finding in self.findings:
            counts[finding.entity_type] = counts.get(finding.entity_type, 0) + 1
        return dict(sorted(counts.items()))

    def to_dict(self, with_text: bool = True, with_words: bool = True) -> dict[str, Any]:
        """The API's JSON. ``with_text=False``: what may be stored, types, boxes, scores,
        pages and counts, without any text read from the image (no ``text`` per entity,
        no ``ocr_text``, no ``words``). ``words``, every word read with its box,
        confidence, language and page, only with ``with_text`` and ``with_words`` when the
        caller asked for them (``include_words``, the default): stored findings pass
        ``with_words=False``, so they never hold them."""
        first = self.pages[0]
        answer: dict[str, Any] = {
            "entities": [
                {
                    "entity_type": f.entity_type,
                    **({"text": f.text} if with_text else {}),
                    "score": f.score,
                    "bbox": f.bbox.to_dict(),
                    "boxes": [b.to_dict() for b in f.boxes],
                    "page": page.index,
                    # A face or a code says so, whichever pass found it.
                    "source": f.source or source,
                    **(
                        {"symbology": f.symbology, "payload_types": list(f.payload_types)}
                        if f.source == "code"
                        else {}
                    ),
                }
                for page in self.pages
                for source, found in (("analysis", page.findings), ("verification", page.added))
                for f in found
            ],
            "ocr_text": "\f".join(page.ocr_text for page in self.pages),
            "image_dimensions": {"width": first.width, "height": first.height},
            "format": self.image_format.name,
            "page_count": len(self.pages),
            "pages": [
                {
                    "index": page.index,
                    "width": page.width,
                    "height": page.height,
                    "word_count": page.word_count,
                    "ocr_confidence": page.mean_confidence,
                    "entity_count": len(page.findings) + len(page.added),
                }
                for page in self.pages
            ],
            "language": self.language.tesseract_string,
            "detection_mode": self.detection_mode,
            "ocr_engine": self.ocr_engine,
            "ocr_mode": self.ocr_mode,
            "entity_counts": self.entity_counts(),
            "tokens": self.tokens,
            "timings_ms": {k: round(v * 1000, 1) for k, v in self.timings.items()},
            "verification": self.verification.to_dict(),
            "unsupported_entities": list(self.unsupported_entities),
        }
        if self.language_detection is not None:
            answer["language_detection"] = self.language_detection.to_dict()
        if not with_text:
            del answer["ocr_text"]
        elif with_words and self.include_words:
            answer["words"] = [
                {
                    "text": w.text,
                    "bbox": w.box.to_dict(),
                    "confidence": round(w.confidence, 1),
                    "language": w.language,
                    "page": page.index,
                }
                for page in self.pages
                for w in page.words
            ]
        return answer


@dataclass(frozen=True)
class Redaction:
    """The redacted image, encoded like the upload, and what was covered."""

    image: bytes
    content_type: str
    analysis: Analysis


def token_cost(characters: int, entities: int, pages: int) -> int:
    """Tokens a request costs: 1 per page, 1 per started 1,000 characters read,
    1 per started pair of entities found. A one-page scan with 2,500 characters
    and 10 entities costs 1 + 3 + 5 = 9."""
    return max(1, pages) + math.ceil(characters / 1000) + math.ceil(entities / 2)
