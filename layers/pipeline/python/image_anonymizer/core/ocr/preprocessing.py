"""The page as OCR reads it best: greyscale, dark text on a white ground, whatever
the page looked like (dark mode, coloured bubbles, transparency, 16-bit scans)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

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
