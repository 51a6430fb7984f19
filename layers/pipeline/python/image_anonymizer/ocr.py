"""OCR behind one small interface: Tesseract through tesserocr (in-process, the
default) or pytesseract (the ``tesseract`` command), both read as Tesseract TSV."""

from __future__ import annotations

import os

# Debian's libtesseract (and the one inside tesserocr's wheel) uses OpenMP; with more
# than one thread per page it is 2.5–5x slower on small machines. Must be set before
# the library loads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import threading
from typing import Protocol

import numpy as np
from PIL import Image, ImageOps

from .languages import LanguageSpec
from .model import Box, LineKey, OcrWord

_WORD_LEVEL = "5"


class OcrEngine(Protocol):
    """Reads a greyscale page into words with pixel boxes and confidences."""

    name: str

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]: ...


def parse_tsv(tsv: str, language: str, has_header: bool) -> list[OcrWord]:
    """Tesseract's TSV (level, page, block, par, line, word, left, top, width, height, conf, text)."""
    words: list[OcrWord] = []
    lines = tsv.splitlines()
    for row in lines[1:] if has_header else lines:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != _WORD_LEVEL:
            continue
        text = cells[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        words.append(
            OcrWord(
                text=text,
                box=Box(left, top, width, height),
                confidence=max(0.0, float(cells[10])),
                line=LineKey(int(cells[2]), int(cells[3]), int(cells[4])),
                language=language,
            )
        )
    return words


class TesserocrEngine:
    """In-process Tesseract. One API object per thread and language set, built once."""

    name = "tesserocr"

    def __init__(self, tessdata_dir: str) -> None:
        self._tessdata_dir = tessdata_dir
        self._local = threading.local()

    def _api(self, languages: LanguageSpec) -> object:
        import tesserocr

        apis: dict[str, object] = self._local.__dict__.setdefault("apis", {})
        key = languages.tesseract_string
        if key not in apis:
            apis[key] = tesserocr.PyTessBaseAPI(
                path=self._tessdata_dir.rstrip("/") + "/", lang=key, psm=tesserocr.PSM.AUTO
            )
        return apis[key]

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        api = self._api(languages)
        api.SetImage(image)  # type: ignore[attr-defined]
        api.Recognize()  # type: ignore[attr-defined]
        tsv = api.GetTSVText(0)  # type: ignore[attr-defined]
        api.Clear()  # type: ignore[attr-defined]
        return parse_tsv(tsv, languages.tesseract_string, has_header=False)


class PytesseractEngine:
    """The ``tesseract`` command through pytesseract: the alternative engine."""

    name = "pytesseract"

    def __init__(self, tessdata_dir: str) -> None:
        self._tessdata_dir = tessdata_dir

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        import pytesseract

        tsv = pytesseract.image_to_data(
            image,
            lang=languages.tesseract_string,
            config=f'--psm 3 --tessdata-dir "{self._tessdata_dir}"',
        )
        return parse_tsv(tsv, languages.tesseract_string, has_header=True)


def build_engine(name: str, tessdata_dir: str) -> OcrEngine:
    if name == "pytesseract":
        return PytesseractEngine(tessdata_dir)
    return TesserocrEngine(tessdata_dir)


def prepare_for_ocr(page: Image.Image) -> Image.Image:
    """Greyscale, dark text on a light ground, whatever the page's mode.

    Transparent pixels are laid on the ground that contrasts with the opaque
    content; 16-bit and float pages are scaled to 8 bits rather than clipped;
    a page that is mostly dark (a dark-mode screenshot) is inverted.
    """
    grey = _to_grey(page)
    pixels = np.asarray(grey)
    if float(np.median(pixels)) < 110:
        grey = ImageOps.invert(grey)
    return grey


def _to_grey(page: Image.Image) -> Image.Image:
    mode = page.mode
    if mode in ("I", "I;16", "I;16L", "I;16B", "F"):
        values = np.asarray(page, dtype=np.float64)
        top = float(values.max()) or 1.0
        return Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if mode == "L":
        return page
    if mode == "1":
        return page.convert("L")
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in page.info
    if not has_alpha:
        return page.convert("RGB").convert("L")
    rgba = page.convert("RGBA")
    alpha = np.asarray(rgba.getchannel("A"))
    luminance = np.asarray(rgba.convert("RGB").convert("L"))
    opaque = alpha > 127
    content_is_light = bool(opaque.any()) and float(luminance[opaque].mean()) > 160
    ground = Image.new("RGBA", rgba.size, (0, 0, 0, 255) if content_is_light else (255, 255, 255, 255))
    return Image.alpha_composite(ground, rgba).convert("L")
