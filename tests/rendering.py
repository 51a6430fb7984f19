"""Test images drawn word by word, so every word's tight pixel box is known."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
FONTS = {
    "sans": "DejaVuSans.ttf",
    "serif": "DejaVuSerif.ttf",
    "mono": "DejaVuSansMono.ttf",
    "liberation-sans": "LiberationSans-Regular.ttf",
    "liberation-serif": "LiberationSerif-Regular.ttf",
}

# (text, is_pii) tokens of one line
Line = Sequence[tuple[str, bool]]


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom (exclusive)
    pii: bool


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for folder in FONT_DIRS:
        path = folder / FONTS[name]
        if path.exists():
            return ImageFont.truetype(str(path), size)
    raise FileNotFoundError(f"font {FONTS[name]} missing: install fonts-dejavu-core fonts-liberation")


def tokens(text: str, pii: Sequence[str] = ()) -> list[tuple[str, bool]]:
    """Split a line into words, marking the words of the PII strings given."""
    pii_words = {w for p in pii for w in p.split()}
    return [(w, w in pii_words) for w in text.split()]


def render(
    lines: Sequence[Line],
    size: tuple[int, int] = (1400, 700),
    font_name: str = "sans",
    font_size: int = 28,
    background: tuple[int, ...] | int = (255, 255, 255),
    ink: tuple[int, ...] | int = (0, 0, 0),
    mode: str = "RGB",
    origin: tuple[int, int] = (40, 40),
    line_height: float = 2.0,
) -> tuple[Image.Image, list[Word]]:
    image = Image.new(mode, size, background)
    draw = ImageDraw.Draw(image)
    face = font(font_name, font_size)
    space = draw.textlength(" ", font=face)
    words: list[Word] = []
    y = origin[1]
    for line in lines:
        x = float(origin[0])
        for text, pii in line:
            draw.text((x, y), text, font=face, fill=ink)
            words.append(Word(text, _ink_box(text, face, x, y), pii))
            x += draw.textlength(text, font=face) + space
        y += int(font_size * line_height)
    return image, words


def render_cells(
    cells: Sequence[tuple[str, int, int, bool]],
    size: tuple[int, int] = (1400, 700),
    font_size: int = 28,
) -> tuple[Image.Image, list[Word]]:
    """Text placed cell by cell, ``(text, x, y, pii)``: a form's grid, a label column."""
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    face = font("sans", font_size)
    space = draw.textlength(" ", font=face)
    words: list[Word] = []
    for text, left, top, pii in cells:
        x = float(left)
        for part in text.split():
            draw.text((x, top), part, font=face, fill=(0, 0, 0))
            words.append(Word(part, _ink_box(part, face, x, top), pii))
            x += draw.textlength(part, font=face) + space
    return image, words


def _ink_box(text: str, face: ImageFont.FreeTypeFont, x: float, y: float) -> tuple[int, int, int, int]:
    """The tight box of the pixels the word actually inks (textbbox includes bearings)."""
    left, top, right, bottom = (
        int(v) for v in ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((x, y), text, font=face)
    )
    mask = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(mask).text((x - left + 2, y - top + 2), text, font=face, fill=255)
    ink = mask.getbbox()
    assert ink is not None, f"nothing inked for {text!r}"
    return (left - 2 + ink[0], top - 2 + ink[1], left - 2 + ink[2], top - 2 + ink[3])


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def coverage(
    image: Image.Image, box: tuple[int, int, int, int], rgb: tuple[int, int, int], tolerance: int = 0
) -> float:
    """Fraction of the box's pixels that are the fill colour (within tolerance per channel)."""
    pixels = np.asarray(image.convert("RGB").crop(box), dtype=np.int16)
    close = np.all(np.abs(pixels - np.array(rgb, dtype=np.int16)) <= tolerance, axis=-1)
    return float(close.mean())


def changed(
    before: Image.Image, after: Image.Image, box: tuple[int, int, int, int], tolerance: int = 0
) -> float:
    """Fraction of the box's pixels that differ between two images."""
    a = np.asarray(before.convert("RGB").crop(box), dtype=np.int16)
    b = np.asarray(after.convert("RGB").crop(box), dtype=np.int16)
    return float(np.any(np.abs(a - b) > tolerance, axis=-1).mean())


def assert_redacted(
    original: Image.Image,
    redacted: Image.Image,
    words: Sequence[Word],
    rgb: tuple[int, int, int] = (0, 0, 0),
    tolerance: int = 0,
) -> None:
    """Every PII word fully the fill colour; every other word untouched."""
    leaks = [w.text for w in words if w.pii and coverage(redacted, w.box, rgb, tolerance) < 0.99]
    assert not leaks, f"PII words not covered: {leaks}"
    touched = [
        w.text
        for w in words
        if not w.pii and changed(original, redacted, w.box, max(tolerance, 0) * 3) > 0.05
    ]
    assert not touched, f"non-PII words painted over: {touched}"


# The sample letter the engine tests share: three PII lines and one without.
EMAIL = "maria.garcia@example.com"
PHONE = "(415) 555-0132"
CARD = "4111 1111 1111 1111"
LETTER = [
    tokens(f"Contact: {EMAIL}", [EMAIL]),
    tokens(f"Phone: {PHONE} Reference 7781", [PHONE]),
    tokens(f"Card {CARD} Amount 45.00", [CARD]),
    tokens("Invoice for consulting services"),
]
