"""``language=auto``: the script from Tesseract's orientation and script detection
(OSD), then the language of a first, fast OCR pass (lingua), chosen among the
installed languages of that script only. Never a language whose OCR data is missing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

from image_anonymizer.core.languages import (
    TESSERACT_TO_ISO,
    LanguageSpec,
    installed_languages,
    parse_language,
)
from image_anonymizer.core.ocr.engines import OcrEngine
from image_anonymizer.errors import LanguageNotInstalled

# Tesseract OSD's script names → the Tesseract languages written in it, the one to
# read a first pass with first.
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Latin": tuple(
        [
            "eng",
            "deu",
            "fra",
            "spa",
            "ita",
            "por",
            "nld",
            "pol",
            "ces",
            "slk",
            "hun",
            "ron",
            "swe",
            "dan",
            "nor",
            "fin",
            "est",
            "lav",
            "lit",
            "slv",
            "hrv",
            "bos",
            "sqi",
            "tur",
            "aze",
            "uzb",
            "cat",
            "eus",
            "glg",
            "gle",
            "cym",
            "isl",
            "mlt",
            "afr",
            "swa",
            "tgl",
            "ind",
            "msa",
            "vie",
            "epo",
        ]
    ),
    "Cyrillic": ("rus", "ukr", "bel", "bul", "mkd", "srp", "kaz"),
    "Greek": ("ell",),
    "Arabic": ("ara", "fas", "urd"),
    "Hebrew": ("heb", "yid"),
    "Devanagari": ("hin", "mar", "nep"),
    "Bengali": ("ben",),
    "Gurmukhi": ("pan",),
    "Gujarati": ("guj",),
    "Tamil": ("tam",),
    "Telugu": ("tel",),
    "Kannada": ("kan",),
    "Malayalam": ("mal",),
    "Thai": ("tha",),
    "Georgian": ("kat",),
    "Armenian": ("hye",),
    "Ethiopic": ("amh",),
    "Khmer": ("khm",),
    "Myanmar": ("mya",),
    "Han": ("chi_sim", "chi_tra", "jpn"),
    "Japanese": ("jpn",),
    "Katakana": ("jpn",),
    "Hiragana": ("jpn",),
    "Hangul": ("kor",),
    "Korean": ("kor",),
    "Fraktur": ("deu",),
}
# Fewer letters than this in the first pass: too little to tell languages apart.
_MIN_LETTERS = 20
_TOP = 3


@dataclass(frozen=True)
class LanguageDetection:
    """What ``auto`` chose, and how sure it was: ``confidence`` (0–1) is lingua's among
    the candidates (1.0 when only one installed language writes the script)."""

    detected: str  # ISO 639-1
    tesseract: str
    confidence: float
    script: str | None
    script_confidence: float
    candidates: tuple[tuple[str, float], ...] = ()  # the likeliest, ISO code and confidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "requested": "auto",
            "detected": self.detected,
            "tesseract": self.tesseract,
            "confidence": round(self.confidence, 3),
            "script": self.script,
            "script_confidence": round(self.script_confidence, 1),
            "candidates": [{"language": iso, "confidence": round(c, 3)} for iso, c in self.candidates],
        }


class LanguageDetector:
    """Detects a page's language among those installed. Build once: the lingua
    detectors (one per set of candidates) and the OSD API (one per thread) are kept."""

    def __init__(self, tessdata_dir: str) -> None:
        self._tessdata_dir = tessdata_dir
        self._local = threading.local()
        self._lingua: dict[frozenset[str], Any] = {}
        self._lock = threading.Lock()

    def installed(self) -> tuple[str, ...]:
        """The installed Tesseract languages that requests may name, sorted."""
        return tuple(sorted(installed_languages(self._tessdata_dir) & TESSERACT_TO_ISO.keys()))

    def detect(self, prepared: Image.Image, engine: OcrEngine) -> tuple[LanguageSpec, LanguageDetection]:
        """The language to read ``prepared`` (a page made ready for OCR) with."""
        installed = self.installed()
        if not installed:
            raise LanguageNotInstalled(
                "language=auto found no OCR language installed. "
                "Install one with: apt-get install tesseract-ocr-eng"
            )
        script, script_confidence = self.script(prepared)
        written = [code for code in SCRIPT_LANGUAGES.get(script or "", ()) if code in installed]
        candidates = written or _preferred(installed)
        if len(candidates) == 1:
            spec = parse_language(candidates[0])
            return spec, LanguageDetection(
                spec.primary, candidates[0], 1.0, script, script_confidence, ((spec.primary, 1.0),)
            )
        first = parse_language(candidates[0])
        text = " ".join(word.text for word in engine.read(prepared, first))
        ranked = self._ranked(text, candidates)
        if not ranked:
            return first, LanguageDetection(first.primary, candidates[0], 0.0, script, script_confidence)
        best, confidence = ranked[0]
        spec = parse_language(best)
        top = tuple((TESSERACT_TO_ISO[code], value) for code, value in ranked[:_TOP])
        return spec, LanguageDetection(spec.primary, best, confidence, script, script_confidence, top)

    def script(self, prepared: Image.Image) -> tuple[str | None, float]:
        """Tesseract OSD's script and its confidence; ``None`` when OSD cannot tell
        (too little text, or no ``osd`` data)."""
        if "osd" not in installed_languages(self._tessdata_dir):
            return None, 0.0
        import tesserocr

        api = getattr(self._local, "osd", None)
        if api is None:
            api = tesserocr.PyTessBaseAPI(
                path=self._tessdata_dir.rstrip("/") + "/", lang="osd", psm=tesserocr.PSM.OSD_ONLY
            )
            self._local.osd = api
        api.SetImage(prepared)
        try:
            found = api.DetectOrientationScript()
        finally:
            api.Clear()
        if not found or not found.get("script_name"):
            return None, 0.0
        return str(found["script_name"]), float(found.get("script_conf") or 0.0)

    def _ranked(self, text: str, candidates: list[str]) -> list[tuple[str, float]]:
        """Lingua's confidences for the candidates it knows, likeliest first, as
        Tesseract codes; empty when the text is too short to tell."""
        if sum(c.isalpha() for c in text) < _MIN_LETTERS:
            return []
        from lingua import IsoCode639_1, Language

        by_language: dict[Any, str] = {}
        for code in candidates:
            try:
                iso = IsoCode639_1.from_str(TESSERACT_TO_ISO[code].split("-")[0])
            except ValueError:
                continue  # a language lingua does not know
            by_language.setdefault(Language.from_iso_code_639_1(iso), code)
        if len(by_language) < 2:
            return [(code, 1.0) for code in by_language.values()]
        detector = self._lingua_for(frozenset(by_language))
        values = detector.compute_language_confidence_values(text)
        return [(by_language[v.language], float(v.value)) for v in values if v.language in by_language]

    def _lingua_for(self, languages: frozenset[Any]) -> Any:
        from lingua import LanguageDetectorBuilder

        key = frozenset(language.name for language in languages)
        with self._lock:
            if key not in self._lingua:
                self._lingua[key] = LanguageDetectorBuilder.from_languages(*languages).build()
            return self._lingua[key]


def _preferred(installed: tuple[str, ...]) -> list[str]:
    """Every installed language, English first when installed (the likeliest)."""
    return sorted(installed, key=lambda code: (code != "eng", code))
