"""OCR languages: ISO 639-1 and Tesseract codes, and which ones are installed."""

from __future__ import annotations

import os
from dataclasses import dataclass

from image_anonymizer.errors import LanguageNotInstalled, UnknownLanguage

# ISO 639-1 (and a few regional tags) → Tesseract's traineddata name.
ISO_TO_TESSERACT: dict[str, str] = {
    "af": "afr",
    "am": "amh",
    "ar": "ara",
    "az": "aze",
    "be": "bel",
    "bg": "bul",
    "bn": "ben",
    "bs": "bos",
    "ca": "cat",
    "cs": "ces",
    "cy": "cym",
    "da": "dan",
    "de": "deu",
    "el": "ell",
    "en": "eng",
    "eo": "epo",
    "es": "spa",
    "et": "est",
    "eu": "eus",
    "fa": "fas",
    "fi": "fin",
    "fr": "fra",
    "ga": "gle",
    "gl": "glg",
    "gu": "guj",
    "he": "heb",
    "hi": "hin",
    "hr": "hrv",
    "hu": "hun",
    "hy": "hye",
    "id": "ind",
    "is": "isl",
    "it": "ita",
    "ja": "jpn",
    "ka": "kat",
    "kk": "kaz",
    "km": "khm",
    "kn": "kan",
    "ko": "kor",
    "lt": "lit",
    "lv": "lav",
    "mk": "mkd",
    "ml": "mal",
    "mr": "mar",
    "ms": "msa",
    "mt": "mlt",
    "my": "mya",
    "ne": "nep",
    "nl": "nld",
    "no": "nor",
    "pa": "pan",
    "pl": "pol",
    "pt": "por",
    "ro": "ron",
    "ru": "rus",
    "sk": "slk",
    "sl": "slv",
    "sq": "sqi",
    "sr": "srp",
    "sv": "swe",
    "sw": "swa",
    "ta": "tam",
    "te": "tel",
    "th": "tha",
    "tl": "tgl",
    "tr": "tur",
    "uk": "ukr",
    "ur": "urd",
    "uz": "uzb",
    "vi": "vie",
    "yi": "yid",
    "zh": "chi_sim",
    "zh-cn": "chi_sim",
    "zh-hans": "chi_sim",
    "zh-tw": "chi_tra",
    "zh-hant": "chi_tra",
}
# Detected from the page (``language_detection``); never combined with another.
AUTO = "auto"
TESSERACT_TO_ISO: dict[str, str] = {}
for _iso, _tess in ISO_TO_TESSERACT.items():
    TESSERACT_TO_ISO.setdefault(_tess, _iso)


@dataclass(frozen=True)
class LanguageSpec:
    """A request's languages: Tesseract codes for OCR, ISO codes for detection."""

    tesseract: tuple[str, ...]
    iso: tuple[str, ...]

    @property
    def tesseract_string(self) -> str:
        return "+".join(self.tesseract)

    @property
    def auto(self) -> bool:
        """``language=auto``: detected from the page (``language_detection``) before OCR."""
        return self.tesseract == (AUTO,)

    @property
    def primary(self) -> str:
        """The ISO code the detector analyses the text in."""
        return self.iso[0]


def parse_language(value: str | None) -> LanguageSpec:
    """Accept ``en``, ``eng``, ``en+de``, ``eng+deu`` or a mix, or ``auto`` alone;
    reject the unknown."""
    raw = (value or "en").strip().lower().replace(",", "+")
    if raw == AUTO:
        return LanguageSpec((AUTO,), (AUTO,))
    tesseract: list[str] = []
    iso: list[str] = []
    for part in filter(None, (p.strip() for p in raw.split("+"))):
        normalised = part.replace("_", "-")
        if normalised in ISO_TO_TESSERACT:
            code = ISO_TO_TESSERACT[normalised]
        elif part in TESSERACT_TO_ISO:
            code = part
        else:
            raise UnknownLanguage(
                f"Unknown language '{part[:20]}'. Use ISO 639-1 codes (en, de) or Tesseract codes "
                f"(eng, deu), joined with '+'; {len(TESSERACT_TO_ISO)} languages are known."
            )
        if code not in tesseract:
            tesseract.append(code)
            iso.append(TESSERACT_TO_ISO[code])
    if not tesseract:
        raise UnknownLanguage("language must name at least one language, such as 'en'.")
    return LanguageSpec(tuple(tesseract), tuple(iso))


def installed_languages(tessdata_dir: str) -> frozenset[str]:
    """Tesseract codes whose traineddata is present."""
    try:
        names = os.listdir(tessdata_dir)
    except OSError:
        return frozenset()
    return frozenset(n.removesuffix(".traineddata") for n in names if n.endswith(".traineddata"))


def debian_package(code: str) -> str:
    """Debian's package for a Tesseract language, e.g. ``chi_sim`` → ``tesseract-ocr-chi-sim``."""
    return "tesseract-ocr-" + code.replace("_", "-").lower()


def require_installed(spec: LanguageSpec, tessdata_dir: str) -> None:
    """Raise a clear error naming the package to install for each missing language."""
    missing = [code for code in spec.tesseract if code not in installed_languages(tessdata_dir)]
    if missing:
        packages = " ".join(debian_package(code) for code in missing)
        raise LanguageNotInstalled(
            f"OCR data for {', '.join(missing)} is not installed. Install it with: apt-get install {packages}"
        )
