"""OCR behind one small interface: Tesseract through tesserocr (in-process, the
default) or pytesseract (the ``tesseract`` command), both read as Tesseract TSV."""

from __future__ import annotations

import os

# Debian's libtesseract (and the one inside tesserocr's wheel) uses OpenMP; with more
# than one thread per page it is 2.5–5x slower on small machines. Must be set before
# the library loads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import threading
from dataclasses import replace
from statistics import median
from typing import Protocol

import numpy as np
from PIL import Image, ImageFilter

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


# Tesseract reads best at 20–30 px text; a page whose words are smaller than this
# (median word-box height) is read again, enlarged.
SMALL_TEXT_PX = 12
MAX_UPSCALED_PIXELS = 24_000_000
_BACKGROUND_REDUCTION = 4
_BACKGROUND_WINDOW = 9  # in reduced pixels: a 36 px window, wider than any stroke
_GAMMA = 1.6
_NOISE_STD = 4.0
_GAMMA_TABLE = (255.0 * (np.arange(256) / 255.0) ** _GAMMA).astype(np.uint8)


def prepare_for_ocr(page: Image.Image, darken_faint_text: bool = False) -> Image.Image:
    """Greyscale, dark text on a white ground, whatever the page looks like.

    Transparent pixels are laid on the ground that contrasts with the opaque
    content; 16-bit and float pages are scaled to 8 bits rather than clipped.
    Then, region by region, the background is estimated (a median over a window
    wider than any stroke): where it is dark (dark mode, white-on-colour chat
    bubbles) the region is inverted; every pixel is divided by its background, so
    grey and coloured grounds become white, and a gamma darkens faint grey text.
    """
    grey = _to_grey(page)
    reduction = _BACKGROUND_REDUCTION * (2 if grey.width * grey.height > 4_000_000 else 1)
    window = _BACKGROUND_WINDOW if reduction == _BACKGROUND_REDUCTION else _BACKGROUND_WINDOW // 2 + 1
    small = grey.reduce(reduction) if min(grey.size) >= 8 * reduction else grey
    background_small = small.filter(ImageFilter.MedianFilter(window))
    background = np.asarray(background_small.resize(grey.size, Image.Resampling.BILINEAR), dtype=np.uint16)
    pixels = np.asarray(grey, dtype=np.uint16)
    dark = background < 128
    if dark.any():
        pixels = np.where(dark, 255 - pixels, pixels)
        background = np.where(dark, 255 - background, background)
    ratio = np.minimum(pixels * 255 // np.maximum(background, 1), 255).astype(np.uint8)
    # The gamma darkens faint text. On grey or coloured grounds always; on a white
    # ground only when the page is clean (a screenshot), since on a noisy scan it turns
    # the noise into speckle; the enlarged pass for small text always asks for it.
    coloured = background < 200
    if darken_faint_text or not _is_noisy(ratio):
        coloured = np.ones(background.shape, dtype=bool)
    if coloured.any():
        ratio = np.where(coloured, _GAMMA_TABLE[ratio], ratio)
    return Image.fromarray(ratio, "L")


def _is_noisy(ratio: np.ndarray) -> bool:
    """Scan noise: the near-white ground varies; a rendered page's ground is flat."""
    ground = ratio[::4, ::4]
    ground = ground[ground > 200]
    return ground.size > 0 and float(ground.std()) > _NOISE_STD


def read_page(engine: OcrEngine, page: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
    """OCR a page as a person would read it: prepared, and if its text is small,
    read again enlarged. The enlarged pass's words come first; words only the
    first pass saw fill the gaps (the engines' confidences are not comparable
    across scales, so nothing is dropped by confidence)."""
    prepared = prepare_for_ocr(page)
    words = engine.read(prepared, languages)
    heights = [w.box.height for w in words if w.confidence >= 30 and len(w.text) > 1]
    text_height = float(median(heights)) if heights else 0.0
    if heights and text_height >= SMALL_TEXT_PX:
        return words
    scale = 2 if text_height >= 8 or not heights else 3
    if prepared.width * prepared.height * scale * scale > MAX_UPSCALED_PIXELS:
        return words
    darkened = prepare_for_ocr(page, darken_faint_text=True)
    enlarged = darkened.resize((prepared.width * scale, prepared.height * scale), Image.Resampling.LANCZOS)
    second = [_scaled(word, scale) for word in engine.read(enlarged, languages)]
    gaps = [w for w in words if not any(_overlaps(w.box, other.box) for other in second)]
    offset = 1 + max((w.line.block for w in second), default=0)
    return second + [_in_block_after(word, offset) for word in gaps]


def _scaled(word: OcrWord, scale: int) -> OcrWord:
    box = word.box
    left, top = box.x // scale, box.y // scale
    right, bottom = -(-box.right // scale), -(-box.bottom // scale)
    return replace(word, box=Box(left, top, right - left, bottom - top))


def _overlaps(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def _in_block_after(word: OcrWord, offset: int) -> OcrWord:
    line = word.line
    return replace(word, line=LineKey(line.block + offset, line.paragraph, line.line))


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
