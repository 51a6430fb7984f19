"""The steps in order: decode → OCR → detect → map → redact → encode.

The only module that knows all of them. Anything unexpected between decoding
and encoding becomes ``ProcessingFailed``: the caller gets an error, never the
original image.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PIL import Image

from . import formats, mapping, ocr, redaction
from .catalogue import DEFAULT_SCORE_THRESHOLD, validate_entities
from .config import Settings
from .detection import Detector
from .errors import AnonymizerError, InvalidRequest, ProcessingFailed
from .languages import LanguageSpec, parse_language, require_installed
from .model import Finding

_T = TypeVar("_T")


@dataclass(frozen=True)
class Options:
    """What a caller may choose. Build with ``Options.parse`` to validate raw input."""

    language: LanguageSpec
    score_threshold: float = DEFAULT_SCORE_THRESHOLD
    entities: frozenset[str] | None = None
    fill_color: str = redaction.DEFAULT_FILL
    ocr_mode: ocr.OcrMode = "thorough"

    @classmethod
    def parse(
        cls,
        language: str | None = None,
        score_threshold: float | str | None = None,
        entities: Iterable[str] | str | None = None,
        fill_color: str | None = None,
        ocr_mode: str | None = None,
    ) -> Options:
        """Validate raw request values; every bad one raises ``InvalidRequest``."""
        if isinstance(entities, str):
            entities = entities.split(",")
        return cls(
            language=parse_language(language),
            score_threshold=_parse_threshold(score_threshold),
            entities=validate_entities(entities),
            fill_color=redaction.parse_fill_color(fill_color),
            ocr_mode=_parse_ocr_mode(ocr_mode),
        )


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

    @property
    def findings(self) -> tuple[tuple[int, Finding], ...]:
        return tuple((page.index, f) for page in self.pages for f in page.findings)

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

    def to_dict(self) -> dict[str, Any]:
        first = self.pages[0]
        return {
            "entities": [
                {
                    "entity_type": f.entity_type,
                    "text": f.text,
                    "score": f.score,
                    "bbox": f.bbox.to_dict(),
                    "boxes": [b.to_dict() for b in f.boxes],
                    "page": page_index,
                }
                for page_index, f in self.findings
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
                    "entity_count": len(page.findings),
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
        }


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


def _parse_ocr_mode(value: str | None) -> ocr.OcrMode:
    """``thorough`` (the default: Tesseract, then RapidOCR where Tesseract struggled)
    or ``fast`` (one Tesseract pass)."""
    if value is None or value == "":
        return "thorough"
    mode = value.strip().lower() if isinstance(value, str) else value
    for known in ocr.OCR_MODES:
        if mode == known:
            return known
    raise InvalidRequest(f"ocr_mode must be one of: {', '.join(ocr.OCR_MODES)}.")


def _parse_threshold(value: float | str | None) -> float:
    if value is None or value == "":
        return DEFAULT_SCORE_THRESHOLD
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        raise InvalidRequest("score_threshold must be a number between 0 and 1.") from None
    if not 0.0 <= threshold <= 1.0 or math.isnan(threshold):
        raise InvalidRequest("score_threshold must be a number between 0 and 1.")
    return threshold


class ImageAnonymizer:
    """Analyses and redacts images. Build once; heavy collaborators are passed in
    (tests pass fakes) or built from ``settings``."""

    def __init__(
        self,
        settings: Settings | None = None,
        ocr_engine: ocr.OcrEngine | None = None,
        detector: Detector | None = None,
        second_ocr_engine: ocr.OcrEngine | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.ocr_engine = ocr_engine or ocr.build_engine(self.settings.ocr_engine, self.settings.tessdata_dir)
        self.detector = detector or Detector(self.settings.spacy_model_en)
        # Thorough mode's second engine; its models load on first use (or in warm_up).
        self.second_ocr_engine = second_ocr_engine or ocr.RapidOcrEngine()

    def warm_up(self, ocr_mode: ocr.OcrMode = "thorough") -> None:
        """Load the model and the OCR engines now, at cold start (RapidOCR only
        when thorough mode, the default, may be asked for)."""
        self.detector.warm_up("en")
        blank = Image.new("L", (64, 32), 255)
        self.ocr_engine.read(blank, parse_language("en"))
        if ocr_mode == "thorough":
            self.second_ocr_engine.read(blank, parse_language("en"))

    def analyze(self, data: bytes, options: Options) -> Analysis:
        """Find PII on every page of the image."""
        decoded = formats.decode(data, self.settings)
        return self._guarded(lambda: self._analyze(decoded, options))

    def redact(self, data: bytes, options: Options) -> Redaction:
        """Cover every finding on every page; encode like the upload, metadata-free."""
        decoded = formats.decode(data, self.settings)
        return self._guarded(lambda: self._redact(decoded, options))

    def _guarded(self, step: Callable[[], _T]) -> _T:
        try:
            return step()
        except AnonymizerError:
            raise
        except Exception as error:
            raise ProcessingFailed("The image could not be processed.") from error

    def _analyze(self, decoded: formats.DecodedImage, options: Options) -> Analysis:
        require_installed(options.language, self.settings.tessdata_dir)
        timings = {"ocr": 0.0, "detection": 0.0}
        language = options.language.primary
        pages: list[PageAnalysis] = []
        for index, page in enumerate(decoded.pages):
            started = time.perf_counter()
            words = ocr.read_page(
                self.ocr_engine, page, options.language, options.ocr_mode, self.second_ocr_engine
            )
            timings["ocr"] += time.perf_counter() - started
            started = time.perf_counter()
            text = mapping.layout_text(words)
            detections = self.detector.detect(text.text, language, options.entities, options.score_threshold)
            findings = []
            for d in detections:
                boxes = mapping.boxes_for_span(text, d.start, d.end, page.width, page.height)
                if boxes:
                    findings.append(
                        Finding(
                            d.entity_type,
                            text.text[d.start : d.end],
                            d.score,
                            d.start,
                            d.end,
                            boxes,
                            d.recognizer,
                        )
                    )
            timings["detection"] += time.perf_counter() - started
            confidence = round(sum(w.confidence for w in words) / len(words), 1) if words else 0.0
            pages.append(
                PageAnalysis(
                    index, page.width, page.height, text.text, len(words), confidence, tuple(findings)
                )
            )
        return Analysis(
            image_format=decoded.format,
            pages=tuple(pages),
            language=options.language,
            detection_mode=self.detector.mode(language),
            ocr_engine=self.ocr_engine.name,
            ocr_mode=options.ocr_mode,
            timings=timings,
        )

    def _redact(self, decoded: formats.DecodedImage, options: Options) -> Redaction:
        analysis = self._analyze(decoded, options)
        started = time.perf_counter()
        palette = decoded.format is formats.GIF
        redacted = tuple(
            redaction.redact_page(
                page, [box for f in found.findings for box in f.boxes], options.fill_color, palette
            )
            for page, found in zip(decoded.pages, analysis.pages, strict=True)
        )
        image = formats.encode(redacted, decoded, self.settings)
        analysis.timings["redaction"] = time.perf_counter() - started
        return Redaction(image=image, content_type=decoded.format.mime_type, analysis=analysis)
