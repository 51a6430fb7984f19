"""The passes over a page: Tesseract once (fast mode), then, in thorough mode, again
enlarged where the text is small, and the second engine where Tesseract struggled. A
large page is cut into bands at blank rows (see ``bands``) that threads read at once."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from statistics import median
from typing import Literal

import numpy as np
from PIL import Image

from image_anonymizer.config import available_cpus
from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import Box, OcrWord
from image_anonymizer.core.ocr.bands import Band, split_bands, text_line_count
from image_anonymizer.core.ocr.engines import (
    OcrEngine,
)
from image_anonymizer.core.ocr.preprocessing import _darkened, _flatten
from image_anonymizer.core.ocr.regions import SMALL_WORD_PX, _in_block_after, _overlaps, _scaled, _second_pass

# Tesseract reads best at 20–30 px text; a page whose words are smaller than this
# (median word-box height) is read again, enlarged.
SMALL_TEXT_PX = 12


MAX_UPSCALED_PIXELS = 24_000_000


OcrMode = Literal["thorough", "fast"]


OCR_MODES: tuple[OcrMode, ...] = ("thorough", "fast")


def read_page(
    engine: OcrEngine,
    page: Image.Image,
    languages: LanguageSpec,
    mode: OcrMode = "thorough",
    second: OcrEngine | None = None,
    workers: int | None = None,
) -> list[OcrWord]:
    """OCR a page as a person would read it.

    ``fast``: one Tesseract pass on the prepared page. ``thorough``: if the text is
    small, read again enlarged (that pass's words first; words only the first pass
    saw fill the gaps); then the ``second`` engine reads the regions where Tesseract
    struggled (ink it read nothing in, words it was unsure of, small text), and its
    words are added in blocks of their own, unless they repeat a word Tesseract was
    sure of. The engines' confidences are not comparable, so nothing is dropped by
    confidence: a different second reading of a word sits beside the first.

    Tesseract's passes read a large page in up to ``workers`` bands at once (default
    the CPUs available; the service passes ``CoreSettings.ocr_threads``, at most those).
    """
    workers = available_cpus() if workers is None else workers
    ratio, gamma_where = _flatten(page)
    prepared = _darkened(ratio, gamma_where)
    bands = _bands(ratio < _BAND_INK_LEVEL, workers)
    words = _read_in_bands(engine, prepared, languages, bands, workers)
    if mode == "fast":
        return words
    words, scale = _enlarged_pass(engine, ratio, prepared, words, languages, bands, workers)
    if second is None:
        return words
    return words + _second_pass(second, prepared, words, languages, SMALL_WORD_PX / scale)


def _enlarged_pass(
    engine: OcrEngine,
    flattened: np.ndarray,
    prepared: Image.Image,
    words: list[OcrWord],
    languages: LanguageSpec,
    bands: Sequence[Band],
    workers: int,
) -> tuple[list[OcrWord], int]:
    """The page read again enlarged if its text is small, and how much (1: not)."""
    text_height = _text_height(words)
    if text_height >= SMALL_TEXT_PX:
        return words, 1
    scale = 2 if text_height >= 8 or not text_height else 3
    if prepared.width * prepared.height * scale * scale > MAX_UPSCALED_PIXELS:
        return words, 1
    # Small grey UI text needs the gamma most: darken everywhere before enlarging.
    darkened = _darkened(flattened, None)
    second = _read_in_bands(engine, darkened, languages, bands, workers, scale)
    gaps = [w for w in words if not any(_overlaps(w.box, other.box) for other in second)]
    offset = 1 + max((w.line.block for w in second), default=0)
    return second + [_in_block_after(word, offset) for word in gaps], scale


# Bands: a page is cut only where each band holds enough text to repay its own
# layout analysis; a small page is read whole. Each cut may turn lines Tesseract
# would have read as one paragraph into two blocks, so the pages cut are the
# large ones, documents with paragraphs; the enlarged pass reads the same bands.
MIN_BAND_PIXELS = 750_000


MIN_BAND_LINES = 4


# Ink for the cuts, on the flattened page before the gamma: faint grey text and
# anti-aliased edges count too, and those the gamma darkens for the enlarged pass.
_BAND_INK_LEVEL = 200


_POOLS: dict[int, ThreadPoolExecutor] = {}


_POOL_LOCK = threading.Lock()


def _band_pool(workers: int) -> ThreadPoolExecutor:
    """The pool of band readers for ``workers`` threads, made on first use. The caller
    reads a page's first band itself, so the pool has one thread fewer than the workers."""
    size = max(1, workers - 1)
    with _POOL_LOCK:
        if size not in _POOLS:
            _POOLS[size] = ThreadPoolExecutor(size, thread_name_prefix="ocr-band")
        return _POOLS[size]


def _bands(ink: np.ndarray, workers: int) -> list[Band]:
    height, width = ink.shape
    count = min(workers, width * height // MIN_BAND_PIXELS, text_line_count(ink) // MIN_BAND_LINES)
    return split_bands(ink, count)


def _read_in_bands(
    engine: OcrEngine,
    image: Image.Image,
    languages: LanguageSpec,
    bands: Sequence[Band],
    workers: int,
    scale: int = 1,
) -> list[OcrWord]:
    """The words of each band (read enlarged ``scale`` times), placed on the page, each
    band's blocks numbered after the previous band's so that no line of one band
    joins a line of another. An error in any band is raised: no band is left out."""

    def read(band: Band) -> list[OcrWord]:
        crop = image if band.height == image.height else image.crop((0, band.top, image.width, band.bottom))
        if scale > 1:
            crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
        words = engine.read(crop, languages)
        if scale == 1 and band.top == 0:
            return words
        return [_shifted(_scaled(word, scale), band.top) for word in words]

    others: list[Future[list[OcrWord]]] = [_band_pool(workers).submit(read, band) for band in bands[1:]]
    try:
        parts = [read(bands[0]), *(future.result() for future in others)]
    finally:
        for future in others:
            future.cancel()  # after an error, the bands not yet started are not read
    merged = parts[0]
    for part in parts[1:]:
        offset = 1 + max((w.line.block for w in merged), default=0)
        merged = merged + [_in_block_after(word, offset) for word in part]
    return merged


def _shifted(word: OcrWord, top: int) -> OcrWord:
    return replace(word, box=Box(word.box.x, word.box.y + top, word.box.width, word.box.height))


def _text_height(words: list[OcrWord]) -> float:
    """The median height of the words read with some confidence; 0 if there are none."""
    heights = [w.box.height for w in words if w.confidence >= 30 and len(w.text) > 1]
    return float(median(heights)) if heights else 0.0
