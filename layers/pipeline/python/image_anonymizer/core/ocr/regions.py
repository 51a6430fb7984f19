"""Where Tesseract struggled (ink it read nothing in, words it was unsure of, small
text), and the second engine's reading of those regions, on one mosaic."""

from __future__ import annotations

import re
from dataclasses import replace
from statistics import median

import numpy as np
from PIL import Image

from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import Box, LineKey, OcrWord
from image_anonymizer.core.ocr.bands import row_runs
from image_anonymizer.core.ocr.engines import (
    OcrEngine,
)

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
