"""The steps in order: decode → OCR → detect → map → redact → verify → encode.

The only module that knows all of them. Anything unexpected between decoding
and encoding becomes ``ProcessingFailed``: the caller gets an error, never the
original image (nor a redacted one that could not be verified when verification
was asked for).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import catalogue, formats, mapping, ocr, redaction, request_lists, visual
from image_anonymizer.core.catalogue import DEFAULT_SCORE_THRESHOLD, VISUAL_ENTITIES, validate_entities
from image_anonymizer.core.detection import Detection, PresidioDetector
from image_anonymizer.core.language_detection import LanguageDetection, LanguageDetector
from image_anonymizer.core.languages import TESSERACT_TO_ISO, LanguageSpec, parse_language, require_installed
from image_anonymizer.core.model import Box, Finding, OcrWord
from image_anonymizer.core.ocr.warming import WarmingEngine
from image_anonymizer.core.ports import Detector
from image_anonymizer.core.verification import (
    MAX_PASSES,
    SKIPPED,
    Verification,
    combined,
    is_painted,
    readable_view,
    worth_covering,
)
from image_anonymizer.errors import (
    AnonymizerError,
    InvalidRequest,
    ProcessingFailed,
    UnsupportedEntityType,
    VerificationFailed,
)

_T = TypeVar("_T")
_PARTS_OF_EMAILS = frozenset({"URL", "DOMAIN_NAME"})


@dataclass(frozen=True)
class Options:
    """What a caller may choose. Build with ``Options.parse`` to validate raw input."""

    language: LanguageSpec
    score_threshold: float = DEFAULT_SCORE_THRESHOLD
    entities: frozenset[str] | None = None
    fill_color: str = redaction.DEFAULT_FILL
    ocr_mode: ocr.OcrMode = "thorough"
    verify: bool | None = None
    exclude_entities: frozenset[str] | None = None
    allow_list: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()
    include_words: bool = True
    codes: visual.CodesMode = "pii"
    faces: bool = True

    @property
    def detected_entities(self) -> frozenset[str] | None:
        """The types the text detector looks for: ``entities`` (or the defaults) minus
        ``exclude_entities``, without the visual types (``FACE``, ``CODE``); ``None``
        means the detector's defaults, and an empty set means none at all (as when
        ``entities`` names visual types only)."""
        text = None if self.entities is None else self.entities - VISUAL_ENTITIES.keys()
        if not self.exclude_entities:
            return text
        return (catalogue.DEFAULT_ENTITIES if text is None else text) - self.exclude_entities

    def looks_for(self, visual_type: str) -> bool:
        """Whether ``FACE`` or ``CODE`` is looked for: its option (``faces``, ``codes``)
        allows it, and ``entities`` is the default or names it, and
        ``exclude_entities`` does not."""
        allowed = self.faces if visual_type == visual.FACE else self.codes != "none"
        named = self.entities is None or visual_type in self.entities
        return allowed and named and visual_type not in (self.exclude_entities or frozenset())

    @property
    def payload_entities(self) -> frozenset[str] | None:
        """The types a code's payload is searched for: the text types asked for, or the
        defaults (less those excluded) when ``entities`` names visual types only."""
        wanted = self.asked_entities
        visual_only = self.entities is not None and not self.entities - VISUAL_ENTITIES.keys()
        if wanted is not None and not wanted and visual_only:
            return catalogue.DEFAULT_ENTITIES - (self.exclude_entities or frozenset())
        return wanted

    @property
    def asked_entities(self) -> frozenset[str] | None:
        """What the detector is asked for: ``detected_entities``, plus an excluded
        EMAIL_ADDRESS when URLs or domain names are looked for. The detector then sees
        the emails and reports no URL or domain inside one, as when emails are asked
        for, and ``_findings`` drops the emails: an excluded email is left whole."""
        wanted = self.detected_entities
        if wanted and self.exclude_entities and wanted & _PARTS_OF_EMAILS:
            return wanted | (self.exclude_entities & {"EMAIL_ADDRESS"})
        return wanted

    @property
    def verifies(self) -> bool:
        """Whether a redaction is read again before it is returned: ``verify`` when
        given, else in thorough mode only."""
        return self.ocr_mode == "thorough" if self.verify is None else self.verify

    @classmethod
    def parse(
        cls,
        language: str | None = None,
        score_threshold: float | str | None = None,
        entities: Iterable[str] | str | None = None,
        fill_color: str | None = None,
        ocr_mode: str | None = None,
        verify: bool | str | None = None,
        exclude_entities: Iterable[str] | str | None = None,
        allow_list: object = None,
        deny_list: object = None,
        include_words: bool | str | None = None,
        codes: str | None = None,
        faces: bool | str | None = None,
    ) -> Options:
        """Validate raw request values; every bad one raises ``InvalidRequest``.

        ``entities`` and ``exclude_entities``: comma-separated, a JSON array, or a
        sequence. ``allow_list`` and ``deny_list``: as ``request_lists.parse_list`` reads them.
        ``codes``: pii (default), all or none; ``faces``: true (default) or false.
        """
        return cls(
            language=parse_language(language),
            score_threshold=_parse_threshold(score_threshold),
            entities=validate_entities(_entity_names(entities, "entities")),
            fill_color=redaction.parse_fill_color(fill_color),
            ocr_mode=_parse_ocr_mode(ocr_mode),
            verify=parse_flag(verify, "verify"),
            exclude_entities=validate_entities(_entity_names(exclude_entities, "exclude_entities")),
            allow_list=request_lists.parse_list(allow_list, "allow_list"),
            deny_list=request_lists.parse_list(deny_list, "deny_list"),
            include_words=parse_flag(include_words, "include_words") is not False,
            codes=visual.parse_codes(codes),
            faces=parse_flag(faces, "faces") is not False,
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


def _entity_names(value: Iterable[str] | str | None, name: str) -> Iterable[str] | None:
    """Type names from one comma-separated string or JSON array string, or a sequence
    (whose items may be comma-separated too: a form field repeated)."""
    if value is None:
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            return request_lists.parse_list(stripped, name)
        return value.split(",")
    names: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidRequest(f"{name} must be entity type names.")
        names += item.split(",")
    return names


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


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def parse_flag(value: bool | str | None, name: str) -> bool | None:
    """``true``/``false`` (also 1/0, yes/no, on/off); ``None`` or empty: not given."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidRequest(f"{name} must be true or false.")


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
        settings: CoreSettings | None = None,
        ocr_engine: ocr.OcrEngine | None = None,
        detector: Detector | None = None,
        second_ocr_engine: ocr.OcrEngine | None = None,
        language_detector: LanguageDetector | None = None,
        code_reader: visual.CodeReader | None = None,
        face_detector: visual.FaceDetector | None = None,
    ) -> None:
        self.settings = settings or CoreSettings.from_env()
        self.ocr_engine = ocr_engine or ocr.build_engine(self.settings.ocr_engine, self.settings.tessdata_dir)
        self.detector = detector or PresidioDetector(self.settings.spacy_model_en)
        # Thorough mode's second engine; its models load on first use (or in warm_up).
        self.second_ocr_engine = second_ocr_engine or ocr.RapidOcrEngine(self.settings.ocr_workers)
        self.language_detector = language_detector or LanguageDetector(self.settings.tessdata_dir)
        self.code_reader = code_reader or visual.ZxingCodeReader()
        self.face_detector = face_detector or visual.HaarFaceDetector()

    def warm_up(self, ocr_mode: ocr.OcrMode = "thorough") -> None:
        """Get ready to answer: load the model and Tesseract now, at cold start.

        When thorough mode, the default, may be asked for, RapidOCR (its second engine)
        starts loading in a background thread as the last step: the first request
        waits for it only if it needs that engine, and gets its failure if the load
        failed. Started last, so that its loading (mostly Python, holding the GIL)
        does not slow the steps that every first answer needs.
        """
        english = parse_language("en")
        self.detector.warm_up(english.primary)
        blank = Image.new("L", (64, 32), 255)
        self.ocr_engine.read(blank, english)
        self.code_reader.read(blank)
        warm_faces = getattr(self.face_detector, "warm_up", None)
        if callable(warm_faces):
            warm_faces()
        if ocr_mode == "thorough" and not isinstance(self.second_ocr_engine, WarmingEngine):
            self.second_ocr_engine = WarmingEngine(self.second_ocr_engine, blank, english)

    def languages(self) -> list[dict[str, Any]]:
        """The installed OCR languages and what finds names in each: spaCy NER
        (``ner``) or the name fields' labels (``labels``), with the pattern
        recognizers, and the country's identifiers looked for in it."""
        described = []
        for code in self.language_detector.installed():
            iso = TESSERACT_TO_ISO[code]
            mode = self.detector.planned_mode(iso)
            described.append(
                {
                    "language": iso,
                    "tesseract": code,
                    "detection_mode": mode,
                    "names": "ner" if mode == "ner" else "labels",
                    "national_entities": sorted(
                        k for k, v in catalogue.NATIONAL_ENTITIES.items() if v == iso
                    ),
                }
            )
        return described

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
        timings = {"ocr": 0.0, "detection": 0.0}
        detection = None
        if options.language.auto:
            started = time.perf_counter()
            # The first page's language, for every page: a document is in one language.
            prepared = ocr.prepare_for_ocr(decoded.pages[0])
            spec, detection = self.language_detector.detect(prepared, self.ocr_engine)
            options = replace(options, language=spec)
            timings["language_detection"] = time.perf_counter() - started
        require_installed(options.language, self.settings.tessdata_dir)
        unsupported = self._unsupported(options)
        pages: list[PageAnalysis] = []
        for index, page in enumerate(decoded.pages):
            started = time.perf_counter()
            words = ocr.read_page(
                self.ocr_engine,
                page,
                options.language,
                options.ocr_mode,
                self.second_ocr_engine,
                self.settings.ocr_workers,
            )
            timings["ocr"] += time.perf_counter() - started
            started = time.perf_counter()
            text = mapping.layout_text(words)
            findings = self._findings(text, page, options)
            timings["detection"] += time.perf_counter() - started
            findings += self._visual_findings(page, options, timings)
            confidence = round(sum(w.confidence for w in words) / len(words), 1) if words else 0.0
            pages.append(
                PageAnalysis(
                    index,
                    page.width,
                    page.height,
                    text.text,
                    len(words),
                    confidence,
                    tuple(findings),
                    words=tuple(words),
                )
            )
        return Analysis(
            image_format=decoded.format,
            pages=tuple(pages),
            language=options.language,
            detection_mode=self.detector.mode(options.language.primary),
            ocr_engine=self.ocr_engine.name,
            ocr_mode=options.ocr_mode,
            timings=timings,
            unsupported_entities=unsupported,
            include_words=options.include_words,
            language_detection=detection,
        )

    def _unsupported(self, options: Options) -> tuple[str, ...]:
        """The types looked for that the language cannot detect here (a type found by
        NER without a spaCy model for the language, a pattern registered for English
        only). Named explicitly in ``entities``: refused, naming them. Asked for by
        default: returned, for the answer to report."""
        wanted = options.detected_entities
        language = options.language.primary
        looked_for = (
            catalogue.DEFAULT_ENTITIES - catalogue.national_elsewhere(language) if wanted is None else wanted
        )
        missing = tuple(sorted(looked_for - self.detector.supported_entities(language)))
        if missing and options.entities is not None:
            raise UnsupportedEntityType(
                f"Language '{language}' cannot detect {', '.join(missing)} on this server. "
                "Leave them out of entities, or ask for the default types to be told which "
                "types were not looked for (unsupported_entities)."
            )
        return missing

    def _findings(self, text: mapping.PageText, page: Image.Image, options: Options) -> list[Finding]:
        """The detector's findings in a page's text, and in its label/value pairs (a value
        found there is placed back in the page text), but those the allow list names;
        then the deny list's words and phrases; each with the boxes that cover it.
        Analysis and verification both come through here."""
        language, entities, threshold = (
            options.language.primary,
            options.asked_entities,
            options.score_threshold,
        )
        excluded = options.exclude_entities or frozenset()
        spans: dict[tuple[str, int, int], Detection] = {}
        if entities is None or entities:  # every type excluded: nothing for the detector
            spans = {
                (d.entity_type, d.start, d.end): d
                for d in self.detector.detect(text.text, language, entities, threshold)
            }
            fields = mapping.field_lines(text)
            for d in self.detector.detect(fields.text, language, entities, threshold):
                placed = mapping.page_span(text, fields, d.start, d.end)
                if placed is not None and (d.entity_type, *placed) not in spans:
                    spans[(d.entity_type, *placed)] = d
        findings = []
        for (entity_type, start, end), d in spans.items():
            found = text.text[start:end]
            if entity_type in excluded or request_lists.is_allowed(found, options.allow_list):
                continue
            boxes = mapping.boxes_for_span(text, start, end, page.width, page.height)
            if boxes:
                findings.append(Finding(entity_type, found, d.score, start, end, boxes, d.recognizer))
        # The deny list last, and whatever the types asked for or allowed: always covered.
        for start, end in request_lists.deny_spans(text.text, options.deny_list):
            boxes = mapping.boxes_for_span(text, start, end, page.width, page.height)
            if boxes:
                findings.append(
                    Finding(
                        request_lists.DENY_LIST,
                        text.text[start:end],
                        1.0,
                        start,
                        end,
                        boxes,
                        request_lists.DENY_LIST_RECOGNIZER,
                    )
                )
        return findings

    def _visual_findings(
        self, page: Image.Image, options: Options, timings: dict[str, float] | None = None
    ) -> list[Finding]:
        """Faces (each box padded to the head) and codes on the page pixels. A code is
        a finding under ``codes=all``, or under ``codes=pii`` when its payload holds a
        type asked for; its text is its symbology, and the payload goes no further
        than ``_payload_types``."""
        found: list[Finding] = []
        faces, codes = options.looks_for(visual.FACE), options.looks_for(visual.CODE)
        started = time.perf_counter()
        if faces or codes:
            page = page if page.mode == "L" else page.convert("L")  # once, for both
        if faces:  # the conversion is timed with the first step
            for face in self.face_detector.detect(page):
                box = visual.head_box(face, page.width, page.height)
                found.append(
                    Finding(
                        visual.FACE,
                        "",
                        visual.FACE_SCORE,
                        0,
                        0,
                        (box,),
                        type(self.face_detector).__name__,
                        source=visual.VISUAL_SOURCES[visual.FACE],
                    )
                )
            if timings is not None:
                timings["faces"] = timings.get("faces", 0.0) + time.perf_counter() - started
        if codes:
            started = started if not faces else time.perf_counter()
            for code in self.code_reader.read(page):
                types = self._payload_types(code.payload, options)
                if options.codes == "all" or types:
                    found.append(
                        Finding(
                            visual.CODE,
                            code.symbology,
                            visual.CODE_SCORE,
                            0,
                            0,
                            (code.box,),
                            type(self.code_reader).__name__,
                            source=visual.VISUAL_SOURCES[visual.CODE],
                            symbology=code.symbology,
                            payload_types=types,
                        )
                    )
            if timings is not None:
                timings["codes"] = timings.get("codes", 0.0) + time.perf_counter() - started
        return found

    def _payload_types(self, payload: str, options: Options) -> tuple[str, ...]:
        """The types found in a code's payload, with the request's types, threshold,
        exclusions and allow list; ``DENY_LIST`` when a denied phrase is in it."""
        wanted = options.payload_entities
        excluded = options.exclude_entities or frozenset()
        types: set[str] = set()
        if wanted is None or wanted:
            for d in self.detector.detect(payload, options.language.primary, wanted, options.score_threshold):
                allowed = request_lists.is_allowed(payload[d.start : d.end], options.allow_list)
                if d.entity_type not in excluded and not allowed:
                    types.add(d.entity_type)
        if request_lists.deny_spans(payload, options.deny_list):
            types.add(request_lists.DENY_LIST)
        return tuple(sorted(types))

    def _redact(self, decoded: formats.DecodedImage, options: Options) -> Redaction:
        analysis = self._analyze(decoded, options)
        options = replace(options, language=analysis.language)  # auto's choice, to verify with
        started = time.perf_counter()
        palette = decoded.format is formats.GIF
        redacted: list[Image.Image] = []
        checked: list[tuple[PageAnalysis, Verification]] = []
        verifying = 0.0
        for page, found in zip(decoded.pages, analysis.pages, strict=True):
            painted = [box for f in found.findings for box in f.boxes]
            image = redaction.redact_page(page, painted, options.fill_color, palette)
            if options.verifies:
                began = time.perf_counter()
                visual_found = any(f.source for f in found.findings)
                image, added, outcome = self._verify(page, image, painted, options, palette, visual_found)
                verifying += time.perf_counter() - began
                checked.append((replace(found, added=added), outcome))
            redacted.append(image)
        if checked:
            analysis = replace(
                analysis,
                pages=tuple(found for found, _ in checked),
                verification=combined([outcome for _, outcome in checked]),
            )
            analysis.timings["verification"] = verifying
        image_bytes = formats.encode(tuple(redacted), decoded, self.settings)
        analysis.timings["redaction"] = time.perf_counter() - started - verifying
        return Redaction(image=image_bytes, content_type=decoded.format.mime_type, analysis=analysis)

    def _verify(
        self,
        page: Image.Image,
        redacted: Image.Image,
        painted: list[Box],
        options: Options,
        palette: bool,
        visual_found: bool = False,
    ) -> tuple[Image.Image, tuple[Finding, ...], Verification]:
        """Read the redacted page again (one fast Tesseract pass, in memory, over its
        ``readable_view``) with the same detector and options; cover whatever is found
        that is not already under the paint, and read once more after each covering
        pass. When the analysis covered a face or a code, faces are looked for and codes
        read again on the redacted page itself: one still found outside the paint (a
        code that still decodes) is covered the same way. A page where none was found
        is not searched again: painting boxes adds no face and no code.
        Up to ``MAX_PASSES`` passes may cover; if the reading after the last of
        them still finds something, fail closed: ``VerificationFailed``, no image.
        Returns the page as it will be encoded, the findings added, and the outcome."""
        painted = list(painted)
        added: list[Finding] = []
        passes = covering = 0
        while True:
            passes += 1
            view = readable_view(page, painted)
            words = ocr.read_page(
                self.ocr_engine, view, options.language, "fast", workers=self.settings.ocr_workers
            )
            text = mapping.layout_text(words, holes=painted)
            new = [
                finding
                for finding in self._findings(text, page, options)
                if worth_covering(finding)
                and not all(
                    is_painted(text.words[i].box, painted)
                    for i in mapping.words_in_span(text, finding.start, finding.end)
                )
            ]
            if visual_found:
                new += [
                    finding
                    for finding in self._visual_findings(redacted, options)
                    if not is_painted(finding.bbox, painted)
                ]
            if not new:
                break
            if covering == MAX_PASSES:
                # Counts only: the message must never carry what was read.
                raise VerificationFailed(
                    f"The redacted image still showed {len(new)} finding(s) after {MAX_PASSES} "
                    "verification passes; it was not returned."
                )
            covering += 1
            added += new
            painted += [box for finding in new for box in finding.boxes]
            # From the original page: the same pixels as painting the new boxes over
            # the first redaction, without quantising a palette page twice.
            redacted = redaction.redact_page(page, painted, options.fill_color, palette)
        outcome = Verification(
            performed=True, clean=not added, added=len(added), passes=passes, last_pass_clean=True
        )
        return redacted, tuple(added), outcome
