"""The steps in order: decode → OCR → detect → map → redact → verify → encode.

The only module that knows all of them. Anything unexpected between decoding
and encoding becomes ``ProcessingFailed``: the caller gets an error, never the
original image (nor a redacted one that could not be verified when verification
was asked for).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import catalogue, formats, mapping, ocr, redaction, request_lists, visual
from image_anonymizer.core.detection import Detection, PresidioDetector
from image_anonymizer.core.language_detection import LanguageDetector
from image_anonymizer.core.languages import TESSERACT_TO_ISO, parse_language, require_installed
from image_anonymizer.core.model import Box, Finding
from image_anonymizer.core.ocr.warming import WarmingEngine
from image_anonymizer.core.options import Options, parse_flag
from image_anonymizer.core.ports import Detector
from image_anonymizer.core.results import Analysis, PageAnalysis, Redaction, token_cost
from image_anonymizer.core.verification import (
    MAX_PASSES,
    Verification,
    combined,
    is_painted,
    readable_view,
    worth_covering,
)
from image_anonymizer.core.visual_findings import visual_findings
from image_anonymizer.errors import (
    AnonymizerError,
    ProcessingFailed,
    UnsupportedEntityType,
    VerificationFailed,
)

# The service's public surface: what it takes and what it answers.
__all__ = [
    "Analysis",
    "ImageAnonymizer",
    "Options",
    "PageAnalysis",
    "Redaction",
    "parse_flag",
    "token_cost",
]

_T = TypeVar("_T")


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
        return visual_findings(
            page, options, self.face_detector, self.code_reader, self._payload_types, timings
        )

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
