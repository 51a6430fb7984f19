"""Pure: paint solid, fully opaque boxes onto a page.

Fill colours, exact RGB: black (0, 0, 0), white (255, 255, 255), red (255, 0, 0),
blue (0, 0, 255), green (0, 255, 0), yellow (255, 255, 0). Pure primaries, so a
redacted pixel can be checked exactly in lossless formats.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

from image_anonymizer.core.model import Box
from image_anonymizer.errors import InvalidRequest

FILL_COLORS: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "blue": (0, 0, 255),
    "green": (0, 255, 0),
    "yellow": (255, 255, 0),
}
DEFAULT_FILL = "black"

_GREY_LEVELS = {"black": 0, "white": 255}


def parse_fill_color(name: str | None) -> str:
    """Validate a fill colour name (case-insensitive); ``None`` gives the default."""
    value = (name or DEFAULT_FILL).strip().lower()
    if value not in FILL_COLORS:
        raise InvalidRequest(f"fill_color must be one of: {', '.join(FILL_COLORS)}.")
    return value


def redact_page(
    page: Image.Image, boxes: Sequence[Box], fill_color: str, palette: bool = False
) -> Image.Image:
    """A copy of ``page`` with every box painted opaque in ``fill_color``.

    ``palette`` asks for a palette image (GIF): the fill then gets a palette
    entry of its own, so it survives encoding exactly.
    """
    rgb = FILL_COLORS[fill_color]
    if palette or page.mode in ("P", "PA"):
        return _redact_palette(page, boxes, rgb)
    image, fill = _drawable(page, fill_color)
    draw = ImageDraw.Draw(image)
    for box in boxes:
        if box.width > 0 and box.height > 0:
            draw.rectangle((box.x, box.y, box.right - 1, box.bottom - 1), fill=fill)
    return image


def _drawable(page: Image.Image, fill_color: str) -> tuple[Image.Image, int | float | tuple[int, ...]]:
    """A copy in a mode that can hold the fill exactly, and the fill in that mode."""
    rgb = FILL_COLORS[fill_color]
    mode = page.mode
    grey = _GREY_LEVELS.get(fill_color)
    if mode == "1" and grey is not None:
        return page.copy(), grey
    if mode == "L" and grey is not None:
        return page.copy(), grey
    if mode == "LA" and grey is not None:
        return page.copy(), (grey, 255)
    if mode in ("I;16", "I;16L", "I;16B") and grey is not None:
        return page.copy(), 65535 if grey else 0
    if mode == "I" and grey is not None:
        return page.copy(), 65535 if grey else 0
    if mode == "RGB":
        return page.copy(), rgb
    if mode == "RGBA":
        return page.copy(), (*rgb, 255)
    if mode == "CMYK":
        cmyk = Image.new("RGB", (1, 1), rgb).convert("CMYK").getpixel((0, 0))
        assert isinstance(cmyk, tuple)
        return page.copy(), cmyk
    if mode in ("LA", "RGBa", "La"):
        return page.convert("RGBA"), (*rgb, 255)
    return page.convert("RGB"), rgb


def _redact_palette(page: Image.Image, boxes: Sequence[Box], rgb: tuple[int, int, int]) -> Image.Image:
    """Quantise to 255 colours, give the fill the 256th entry, paint with that index."""
    has_alpha = page.mode in ("RGBA", "PA", "LA") or "transparency" in page.info
    source = page.convert("RGBA" if has_alpha else "RGB")
    if has_alpha:
        quantised = source.quantize(colors=254, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    else:
        quantised = source.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette = quantised.getpalette() or []
    palette = (palette + [0] * 768)[:768]
    fill_index = 255
    palette[fill_index * 3 : fill_index * 3 + 3] = list(rgb)
    quantised.putpalette(palette)
    draw = ImageDraw.Draw(quantised)
    for box in boxes:
        if box.width > 0 and box.height > 0:
            draw.rectangle((box.x, box.y, box.right - 1, box.bottom - 1), fill=fill_index)
    return quantised
