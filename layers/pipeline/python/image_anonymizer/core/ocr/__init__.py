"""Reading a page as a person would: the page flattened to dark text on white, read
by Tesseract in one pass (fast mode) or, in thorough mode, also enlarged where the
text is small and by RapidOCR where Tesseract struggled. A large page is cut into
bands at blank rows (see ``bands``) that threads read at the same time. The engines
themselves live in ``ocr_engines``."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from statistics import median
from typing import Literal

import numpy as np
from PIL import Image, ImageFilter

from image_anonymizer.config import available_cpus
from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import Box, LineKey, OcrWord
from image_anonymizer.core.ocr.bands import Band, row_runs, split_bands, text_line_count
from image_anonymizer.core.ocr.engines import (
    OcrEngine,
    PytesseractEngine,
    RapidOcrEngine,
    TesserocrEngine,
    build_engine,
    parse_tsv,
)
from image_anonymizer.core.ocr.engines import _line_keys as _line_keys  # read by the thorough-mode tests

__all__ = [
    "OCR_MODES",
    "OcrEngine",
    "OcrMode",
    "PytesseractEngine",
    "RapidOcrEngine",
    "TesserocrEngine",
    "build_engine",
    "parse_tsv",
    "prepare_for_ocr",
    "read_page",
    "struggled_regions",
]

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
    ratio, gamma_where = _flatten(page)
    return _darkened(ratio, None if darken_faint_text else gamma_where)


def _flatten(page: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """The page divided by its background (dark regions inverted), and where the
    gamma belongs: ``None`` for everywhere.

    The gamma darkens faint text. On grey or coloured grounds always; on a white
    ground only when the page is clean (a screenshot), since on a noisy scan it turns
    the noise into speckle; the enlarged pass for small text always asks for it.
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
    return ratio, (background < 200 if _is_noisy(ratio) else None)


def _darkened(ratio: np.ndarray, where: np.ndarray | None) -> Image.Image:
    """The flattened page with the gamma applied where asked (``None``: everywhere)."""
    if where is None:
        return Image.fromarray(_GAMMA_TABLE[ratio], "L")
    return Image.fromarray(np.where(where, _GAMMA_TABLE[ratio], ratio), "L")


def _is_noisy(ratio: np.ndarray) -> bool:
    """Scan noise: the near-white ground varies; a rendered page's ground is flat."""
    ground = ratio[::4, ::4]
    ground = ground[ground > 200]
    return ground.size > 0 and float(ground.std()) > _NOISE_STD


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


# Thorough mode's second engine: where Tesseract struggled.
SURE_CONFIDENCE = 60  # a Tesseract word below this is read again
SMALL_WORD_PX = 12  # and so is a word whose box is lower than this
_CODE_LIKE_RE = re.compile(r"[\d@:/]|\S{12,}")  # digits, emails, times, URLs, long codes
_INK_LEVEL = 128  # on the prepared page, darker than this is ink
_CELL = 4  # regions are found on a grid of 4 px cells
_JOIN_CELLS = 4  # ink this close on a row is one region (a line of words)
_MIN_INK_PIXELS = 30
_MIN_REGION_PX = 7
_MAX_REGION_HEIGHT_PX = 160  # taller blobs are pictures, not a line of text
_RULE_PX = 60  # a straight run of ink this long is a rule or a box, not text
_TARGET_TEXT_PX = 16  # crops of smaller text are enlarged to about this ...
_MAX_MOSAIC_PIXELS = 6_000_000  # ... unless the mosaic would grow past this


def struggled_regions(
    prepared: Image.Image, words: list[OcrWord], min_sure_height: float = SMALL_WORD_PX
) -> list[Box]:
    """Boxes around ink that no sure, legible Tesseract word covers: text it missed
    (colour, dark or faint grounds, odd fonts), words it was unsure of and small
    text. Rules and box outlines are ignored, and so are specks and pictures."""
    import cv2

    rest = _text_ink(prepared)
    if not rest.any():
        return []
    for word in words:
        if _sure(word, min_sure_height):
            pad = max(2, word.box.height // 5)
            rest[
                max(0, word.box.y - pad) : word.box.bottom + pad,
                max(0, word.box.x - pad) : word.box.right + pad,
            ] = 0
    height, width = rest.shape
    rows, cols = -(-height // _CELL), -(-width // _CELL)
    padded = np.zeros((rows * _CELL, cols * _CELL), np.uint8)
    padded[:height, :width] = rest
    counts = padded.reshape(rows, _CELL, cols, _CELL).sum(axis=(1, 3), dtype=np.int32)
    mask = (counts >= 2).astype(np.uint8)
    if not mask.any():
        return []
    joined = cv2.dilate(mask, np.ones((1, 2 * _JOIN_CELLS + 1), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    ink_per_label = np.bincount(labels.ravel(), weights=counts.ravel(), minlength=count)
    regions: list[Box] = []
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label][:4])
        box = _ink_bounds(rest, Box(x * _CELL, y * _CELL, w * _CELL, h * _CELL))
        if box is None or ink_per_label[label] < _MIN_INK_PIXELS:
            continue
        if box.height < _MIN_REGION_PX or box.width < _MIN_REGION_PX or box.height > _MAX_REGION_HEIGHT_PX:
            continue
        pad = max(6, box.height // 2)
        regions.append(box.padded(pad, width, height))
    return _merged(regions)


def _text_ink(prepared: Image.Image) -> np.ndarray:
    """The prepared page's ink (1) without rules and box outlines."""
    import cv2

    ink = (np.asarray(prepared) < _INK_LEVEL).astype(np.uint8)
    if not ink.any():
        return ink
    across = np.asarray(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, _RULE_PX), np.uint8)))
    down = np.asarray(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((_RULE_PX, 1), np.uint8)))
    return np.where((across > 0) | (down > 0), 0, ink).astype(np.uint8)


def _sure(word: OcrWord, min_height: float = SMALL_WORD_PX) -> bool:
    """Whether Tesseract's reading of the word needs no second opinion. Small text
    always gets one (Tesseract splits small emails and codes it reads with
    confidence), unless the enlarged pass read it large enough (``min_height`` is on
    the page: ``SMALL_WORD_PX`` divided by that pass's scale) and it is a plain word."""
    if word.confidence < SURE_CONFIDENCE or word.box.height < min_height:
        return False
    # Small codes, numbers and addresses get the second opinion even so.
    return word.box.height >= SMALL_WORD_PX or not _CODE_LIKE_RE.search(word.text)


def _ink_bounds(ink: np.ndarray, box: Box) -> Box | None:
    area = ink[box.y : box.bottom, box.x : box.right]
    ys, xs = np.nonzero(area)
    if ys.size == 0:
        return None
    return Box(
        box.x + int(xs.min()),
        box.y + int(ys.min()),
        int(xs.max() - xs.min()) + 1,
        int(ys.max() - ys.min()) + 1,
    )


def _merged(boxes: list[Box]) -> list[Box]:
    """Overlapping boxes joined, until none overlap."""
    pending = sorted(boxes, key=lambda b: (b.y, b.x))
    changed = True
    while changed:
        changed = False
        out: list[Box] = []
        for box in pending:
            for index, other in enumerate(out):
                if _overlaps(box, other):
                    out[index] = other.union(box)
                    changed = True
                    break
            else:
                out.append(box)
        pending = out
    return sorted(pending, key=lambda b: (b.y, b.x))


_MOSAIC_GAP = 32  # white pixels between two crops on the mosaic


def _second_pass(
    second: OcrEngine,
    prepared: Image.Image,
    words: list[OcrWord],
    languages: LanguageSpec,
    min_sure_height: float = SMALL_WORD_PX,
) -> list[OcrWord]:
    """The second engine's words from the struggled regions, boxed to their ink; those
    that only repeat a word Tesseract was sure of are left out.

    The regions' crops (small text enlarged) are laid out on one white mosaic and
    read in one call: one detection over the mosaic costs far less than one per crop.
    """
    regions = struggled_regions(prepared, words, min_sure_height)
    if not regions:
        return []
    ink = _text_ink(prepared)
    scales = [_crop_scale(ink, region) for region in regions]
    if sum(r.width * r.height * s * s for r, s in zip(regions, scales, strict=True)) > _MAX_MOSAIC_PIXELS:
        scales = [1] * len(regions)
    crops: list[tuple[Box, int, Image.Image]] = []
    for region, scale in zip(regions, scales, strict=True):
        crop = prepared.crop((region.x, region.y, region.right, region.bottom))
        if scale > 1:
            crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
        crops.append((region, scale, crop))
    mosaic, places = _mosaic([crop for _, _, crop in crops])
    sure = [w for w in words if _sure(w, min_sure_height)]
    offset = 1 + max((w.line.block for w in words), default=0)
    found: list[OcrWord] = []
    for word in second.read(mosaic, languages):
        index = _holder(word.box, places)
        if index is None:
            continue
        place = places[index]
        region, scale, _ = crops[index]
        local = _scaled(
            replace(
                word, box=Box(word.box.x - place.x, word.box.y - place.y, word.box.width, word.box.height)
            ),
            scale,
        ).box
        left, top = max(0, local.x) + region.x, max(0, local.y) + region.y
        right, bottom = min(region.right, local.right + region.x), min(region.bottom, local.bottom + region.y)
        if right <= left or bottom <= top:
            continue
        box = Box(left, top, right - left, bottom - top)
        box = _on_ink(ink, box)
        if _repeats(word.text, box, sure):
            continue
        line = LineKey(offset + index, word.line.block, word.line.line)
        found.append(replace(word, box=box, line=line))
    found.sort(key=lambda w: (w.line.block, w.line.paragraph, w.line.line, w.box.x))
    return found


def _on_ink(ink: np.ndarray, box: Box) -> Box:
    """A second-engine word box laid on the word's ink: tight, and widened over the
    letters the engine's box cut off (its word boxes are estimated from the line),
    across gaps narrower than a word space, by at most a line height each way."""
    tight = _ink_bounds(ink, box)
    if tight is None:
        return box
    columns: np.ndarray = np.asarray(ink[tight.y : tight.bottom].any(axis=0))
    gap = max(2, tight.height // 6)
    left, right = tight.x, tight.right
    lowest, highest = max(0, box.x - box.height), min(columns.size, box.right + box.height)
    while left > lowest:
        start = max(lowest, left - gap)
        hits = np.nonzero(columns[start:left])[0]
        if hits.size == 0:
            break
        left = start + int(hits[0])
    while right < highest:
        end = min(highest, right + gap)
        hits = np.nonzero(columns[right:end])[0]
        if hits.size == 0:
            break
        right = right + int(hits[-1]) + 1
    return _ink_bounds(ink, Box(left, box.y, right - left, box.height)) or tight


def _repeats(text: str, box: Box, sure: list[OcrWord]) -> bool:
    """Whether a second reading adds nothing: the same text as (or a piece of) a word
    Tesseract was sure of, at the same place. A different reading is kept beside it:
    which of the two is right is not known."""
    key = _letters(text)
    return not key or any(_overlaps(box, word.box) and key in _letters(word.text) for word in sure)


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _holder(box: Box, places: list[Box]) -> int | None:
    """The place on the mosaic that holds the box's centre."""
    x, y = box.x + box.width // 2, box.y + box.height // 2
    for index, place in enumerate(places):
        if place.x <= x < place.right and place.y <= y < place.bottom:
            return index
    return None


def _mosaic(crops: list[Image.Image]) -> tuple[Image.Image, list[Box]]:
    """Crops laid out in rows on a white page about as wide as it is high."""
    gap = _MOSAIC_GAP
    area = sum((c.width + gap) * (c.height + gap) for c in crops)
    width = max(max(c.width for c in crops) + 2 * gap, int(area**0.5))
    places: list[Box] = []
    x, y, row_height = gap, gap, 0
    for crop in crops:
        if x + crop.width + gap > width and x > gap:
            x, y, row_height = gap, y + row_height + gap, 0
        places.append(Box(x, y, crop.width, crop.height))
        x += crop.width + gap
        row_height = max(row_height, crop.height)
    mosaic = Image.new("L", (width, y + row_height + gap), 255)
    for crop, place in zip(crops, places, strict=True):
        mosaic.paste(crop, (place.x, place.y))
    return mosaic, places


def _crop_scale(ink: np.ndarray, region: Box) -> int:
    """Enlarge a crop whose ink rows are few (small text) to about the size the
    detector reads best."""
    rows = ink[region.y : region.bottom, region.x : region.right].any(axis=1)
    starts, ends = row_runs(np.asarray(rows))
    heights = [int(e - s) for s, e in zip(starts, ends, strict=True) if e - s >= 4]
    if not heights:
        return 1
    text = float(median(heights))
    return max(1, min(3, round(_TARGET_TEXT_PX / max(text, 1.0))))


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
