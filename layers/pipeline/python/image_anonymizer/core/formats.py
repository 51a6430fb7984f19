"""Decode bytes into upright pages and encode pages back, metadata-free.

The format is read from the bytes, never from a file name or content type.
Every page of a multi-page TIFF and every frame of an animated GIF or WebP is
decoded, so that every one of them can be analysed and redacted.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageSequence

from image_anonymizer.config import CoreSettings
from image_anonymizer.core.gif_canvas import gif_canvas_sizes, too_many_pages
from image_anonymizer.errors import ImageTooLarge, InvalidRequest, UnprocessableImage, UnsupportedImage


@dataclass(frozen=True)
class ImageFormat:
    """One supported format: Pillow's name for it, its MIME type, its extension."""

    name: str
    mime_type: str
    extension: str


JPEG = ImageFormat("JPEG", "image/jpeg", "jpg")
PNG = ImageFormat("PNG", "image/png", "png")
TIFF = ImageFormat("TIFF", "image/tiff", "tiff")
BMP = ImageFormat("BMP", "image/bmp", "bmp")
WEBP = ImageFormat("WEBP", "image/webp", "webp")
GIF = ImageFormat("GIF", "image/gif", "gif")
SUPPORTED_FORMATS = (JPEG, PNG, TIFF, BMP, WEBP, GIF)
SUPPORTED_NAMES = ", ".join(f.name for f in SUPPORTED_FORMATS)

# Pillow names some JPEG variants differently (camera files with a second image).
_PILLOW_ALIASES = {"MPO": "JPEG"}

# EXIF orientation → the transposition that makes the image upright.
_ORIENTATION_FIX: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class DecodedImage:
    """An upload decoded into upright pages, with what encoding needs to mirror it."""

    format: ImageFormat
    pages: tuple[Image.Image, ...]
    icc_profile: bytes | None
    durations: tuple[int, ...]
    loop: int | None
    lossless: bool
    tiff_compression: str | None


# What Pillow's readers raise on data that breaks their format, found by fuzzing
# (tests/integration/test_fuzz_decode_redact.py): a TIFF page's unknown compression is
# a KeyError, a GIF frame descriptor cut short a struct.error; none of them is a 500.
_CORRUPT_DATA = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    LookupError,
    TypeError,
    ArithmeticError,
    struct.error,
    MemoryError,
)


def detect_format(data: bytes) -> ImageFormat:
    """Tell the format from the file's magic bytes; unsupported ones raise."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return TIFF
    if data.startswith(b"BM") and len(data) > 26:
        return BMP
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    raise UnsupportedImage(f"The upload is not a supported image. Supported formats: {SUPPORTED_NAMES}.")


def decode(data: bytes, settings: CoreSettings) -> DecodedImage:
    """Decode every page or frame, upright, within the byte and pixel limits."""
    if not data:
        raise InvalidRequest("The image is empty.")
    if len(data) > settings.max_bytes:
        raise ImageTooLarge(f"The image is larger than the limit of {settings.max_bytes} bytes.")
    image_format = detect_format(data)
    # Pillow's own bomb guard (checked on open, on a GIF frame that grows the
    # canvas, on a TIFF tile) uses the project's limit, not Pillow's default.
    Image.MAX_IMAGE_PIXELS = settings.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data, image_format, settings)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(f"The image has more than {settings.max_pixels} pixels.") from error
    except (ImageTooLarge, UnprocessableImage, UnsupportedImage):
        raise
    except _CORRUPT_DATA as error:
        raise UnprocessableImage(f"The {image_format.name} data is corrupt or truncated.") from error


def _decode(data: bytes, image_format: ImageFormat, settings: CoreSettings) -> DecodedImage:
    image = Image.open(io.BytesIO(data), formats=[image_format.name])
    actual = _PILLOW_ALIASES.get(image.format or "", image.format)
    if actual != image_format.name:
        raise UnsupportedImage(f"The upload is not a supported image. Supported formats: {SUPPORTED_NAMES}.")
    sizes = _frame_sizes(image, image_format, data, settings.max_pages)
    if len(sizes) > settings.max_pages:
        raise too_many_pages(settings.max_pages)
    _check_pixels(sizes, settings)
    width, height = image.size
    if min(width, height) < settings.min_side:
        raise UnprocessableImage(
            f"The image is {width}x{height} pixels, too small to hold text "
            f"(at least {settings.min_side} pixels a side)."
        )
    orientation = int(image.getexif().get(_EXIF_ORIENTATION, 1) or 1)
    icc_profile = image.info.get("icc_profile")
    loop = image.info.get("loop")
    lossless = image_format is WEBP and data[12:16] == b"VP8L"
    compression = image.info.get("compression") if image_format is TIFF else None
    pages: list[Image.Image] = []
    durations: list[int] = []
    loaded = 0
    for frame in ImageSequence.Iterator(image):
        # Seeking read this frame's header only; check what it declares before
        # its pixels are allocated, whatever the header scan above concluded.
        loaded += frame.width * frame.height
        if frame.width * frame.height > settings.max_pixels or loaded > settings.max_pixels:
            raise ImageTooLarge(f"The image has more than {settings.max_pixels} pixels.")
        frame.load()
        if image_format is JPEG:
            # Pillow's MPO reader yields the camera's second image as a frame; it is
            # not part of the picture the user sees, and encoding drops it.
            pages.append(_upright(frame.copy(), orientation))
            durations.append(0)
            break
        pages.append(_upright(frame.copy(), orientation))
        durations.append(int(frame.info.get("duration", 0) or 0))
    for page in pages:
        page.info = {}
    return DecodedImage(
        format=image_format,
        pages=tuple(pages),
        icc_profile=icc_profile if isinstance(icc_profile, bytes) else None,
        durations=tuple(durations),
        loop=int(loop) if loop is not None else None,
        lossless=lossless,
        tiff_compression=str(compression) if compression else None,
    )


def _frame_sizes(
    image: Image.Image, image_format: ImageFormat, data: bytes, max_pages: int
) -> list[tuple[int, int]]:
    """The size of every page or frame as decoding will allocate it, from headers only.

    A TIFF page and a GIF frame may each declare their own size (a GIF frame
    beyond the logical screen grows the canvas for it and every later frame);
    WebP and APNG frames lie within one canvas; of a JPEG only the first image
    is decoded. A count beyond ``max_pages`` raises as soon as it is known: an
    APNG's declared count is a header field (2³¹ of them once built a list of
    16 GB), and Pillow's TIFF page count walks every page, in time that grows
    with the square of their number (80,000 tiny pages in 9 MB took 38 s).
    """
    if image_format is JPEG:
        return [image.size]
    if image_format is GIF:
        return gif_canvas_sizes(data, max_pages)
    if image_format is not TIFF:
        frame_count = int(getattr(image, "n_frames", 1))
        if frame_count > max_pages:
            raise too_many_pages(max_pages)
        return [image.size] * frame_count
    sizes = []
    for index in range(max_pages + 1):
        try:
            image.seek(index)  # reads the page's tags, not its pixels
        except EOFError:
            break
        if index == max_pages:
            raise too_many_pages(max_pages)
        sizes.append(image.size)
    image.seek(0)
    return sizes


def _check_pixels(sizes: list[tuple[int, int]], settings: CoreSettings) -> None:
    """Every page within the pixel limit, and all of them together too."""
    total = 0
    for width, height in sizes:
        total += width * height
        if width * height > settings.max_pixels or total > settings.max_pixels:
            raise ImageTooLarge(f"The image has more than {settings.max_pixels} pixels.")


def _upright(page: Image.Image, orientation: int) -> Image.Image:
    for method in _ORIENTATION_FIX.get(orientation, ()):
        page = page.transpose(method)
    return page


_TIFF_SAFE_COMPRESSION = {
    "raw",
    "tiff_lzw",
    "tiff_adobe_deflate",
    "tiff_deflate",
    "packbits",
    "group4",
    "group3",
}
_JPEG_MODES = {"L", "RGB", "CMYK"}
_BMP_MODES = {"1", "L", "P", "RGB", "RGBA"}
_GIF_MODES = {"P", "L"}
_WEBP_MODES = {"RGB", "RGBA"}


def encode(pages: tuple[Image.Image, ...], source: DecodedImage, settings: CoreSettings) -> bytes:
    """Write the pages in the upload's format, fresh: no EXIF, XMP, IPTC or thumbnails.

    Only the ICC profile is carried over, so colours look the same. Fully
    transparent pixels are written in one constant colour (see ``_clear_hidden``).
    """
    image_format = source.format
    frames = [_clean(page) for page in pages]
    params: dict[str, object] = {}
    if source.icc_profile and _profile_fits(source.icc_profile, frames[0].mode):
        params["icc_profile"] = source.icc_profile
    if image_format is JPEG:
        frames = [_ensure_mode(f, _JPEG_MODES) for f in frames]
        params.update(quality=settings.jpeg_quality, subsampling=0, optimize=True)
    elif image_format is BMP:
        frames = [_ensure_mode(f, _BMP_MODES) for f in frames]
    elif image_format is WEBP:
        frames = [_ensure_mode(f, _WEBP_MODES) for f in frames]
        params.update(lossless=source.lossless, quality=100 if source.lossless else 95, method=4)
    elif image_format is GIF:
        frames = [_ensure_mode(f, _GIF_MODES) for f in frames]
        params.update(optimize=False, disposal=1)
    elif image_format is TIFF:
        compression = (
            source.tiff_compression if source.tiff_compression in _TIFF_SAFE_COMPRESSION else "tiff_lzw"
        )
        if compression in ("group3", "group4") and any(f.mode != "1" for f in frames):
            compression = "tiff_lzw"
        params.update(compression=compression)
    frames = [_clear_hidden(f) for f in frames]
    if len(frames) > 1:
        params.update(save_all=True, append_images=frames[1:])
        if image_format in (GIF, WEBP):
            params.update(duration=list(source.durations), loop=source.loop or 0)
    elif image_format in (GIF, WEBP) and source.durations and source.durations[0]:
        params.update(duration=source.durations[0])
    buffer = io.BytesIO()
    frames[0].save(buffer, format=image_format.name, **params)
    return buffer.getvalue()


def _clean(page: Image.Image) -> Image.Image:
    """A copy that carries pixels, and for palettes their transparency, only."""
    fresh = page.copy()
    transparency = page.info.get("transparency")
    fresh.info = {}
    if transparency is not None and page.mode in ("P", "L", "RGB"):
        fresh.info["transparency"] = transparency
    return fresh


def _clear_hidden(page: Image.Image) -> Image.Image:
    """Fully transparent pixels with one constant colour: black, alpha 0.

    Their colour is never seen, nor read (OCR composites alpha), so whatever it
    held (text drawn there, say) would leave unredacted. With an alpha channel
    the colour channels under alpha 0 are cleared; a palette whose transparency
    gives several entries alpha 0 has their pixels moved onto one entry, black;
    a single transparent index or colour key is already one colour.
    """
    if page.mode in ("RGBA", "RGBa", "LA", "La", "PA"):
        pixels = np.array(page)
        hidden = pixels[..., -1] == 0
        if not hidden.any():
            return page
        pixels[hidden, :-1] = 0
        cleared = Image.fromarray(pixels, page.mode)
        if page.mode == "PA":
            cleared.putpalette(page.getpalette() or [])
        cleared.info = dict(page.info)
        return cleared
    transparency = page.info.get("transparency")
    if page.mode != "P" or transparency is None:
        return page
    palette = page.getpalette() or []
    palette = (palette + [0] * 768)[:768]
    if isinstance(transparency, int):
        palette[transparency * 3 : transparency * 3 + 3] = [0, 0, 0]
        cleared = page.copy()
        cleared.putpalette(palette)
        cleared.info = dict(page.info)
        return cleared
    alphas = np.full(256, 255, dtype=np.uint8)
    alphas[: len(transparency)] = np.frombuffer(bytes(transparency), dtype=np.uint8)[:256]
    invisible = np.flatnonzero(alphas == 0)
    if not len(invisible):
        return page
    keep = int(invisible[0])
    lookup = np.arange(256, dtype=np.uint8)
    lookup[invisible] = keep
    cleared = Image.fromarray(lookup[np.array(page)], "P")
    palette[keep * 3 : keep * 3 + 3] = [0, 0, 0]
    cleared.putpalette(palette)
    cleared.info = dict(page.info)
    return cleared


def _ensure_mode(page: Image.Image, allowed: set[str]) -> Image.Image:
    if page.mode in allowed:
        return page
    has_alpha = page.mode in ("RGBA", "LA", "PA") or "transparency" in page.info
    if "RGBA" in allowed and has_alpha:
        return page.convert("RGBA")
    if "RGB" in allowed:
        return page.convert("RGB")
    if page.mode in ("1", "I", "I;16", "F"):
        return page.convert("L")
    return page.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)


def _profile_fits(profile: bytes, mode: str) -> bool:
    """An ICC profile names its colour space at bytes 16–20; keep it only if it matches."""
    space = profile[16:20]
    if space == b"RGB ":
        return mode in ("RGB", "RGBA", "P", "PA")
    if space == b"GRAY":
        return mode in ("L", "LA", "1", "I", "I;16")
    if space == b"CMYK":
        return mode == "CMYK"
    return False
