"""Small valid files of every supported format, and the mutations the fuzzers apply.

Shared by the bounded Hypothesis run in the suite (``tests/integration/test_fuzz_decode_redact.py``)
and the longer atheris run (``make fuzz``, ``tests/fuzz/fuzz_decode.py``). Every seed carries
an e-mail address, which pattern detection finds without the language model's help, on a
page small enough for one fast Tesseract pass to read in a fraction of a second.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator
from functools import cache

from PIL import Image

from tests.rendering import EMAIL, encode, render, tokens

LINES = [tokens(f"Mail {EMAIL}", [EMAIL])]
SIZE = (520, 60)
FORMATS = ("JPEG", "PNG", "TIFF", "BMP", "WEBP", "GIF")


@cache
def page(shade: int = 255) -> Image.Image:
    image, _ = render(LINES, size=SIZE, font_size=22, origin=(10, 15), background=(shade, shade, 255))
    return image


@cache
def seed(fmt: str) -> bytes:
    """A valid file of ``fmt`` that shows ``EMAIL``; TIFF, GIF and WebP with two pages or frames,
    so that frame counts and later frames' headers have something to work on."""
    first, second = page(), page(238)
    if fmt == "JPEG":
        return encode(first, "JPEG", quality=90)
    if fmt == "PNG":
        return encode(first.convert("RGBA"), "PNG")
    if fmt == "BMP":
        return encode(first, "BMP")
    if fmt == "TIFF":
        return encode(first, "TIFF", compression="tiff_lzw", save_all=True, append_images=[second])
    if fmt == "WEBP":
        return encode(first, "WEBP", lossless=True, save_all=True, append_images=[second], duration=100)
    if fmt == "GIF":
        frames = [first.quantize(16), second.quantize(16)]
        return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    raise ValueError(fmt)


# Other modes and codings of the same page: what redaction and encoding do per mode.
_VARIANTS = {
    "png-grey": ("PNG", "L", {}),
    "png-16-bit": ("PNG", "I;16", {}),
    "png-palette-transparent": ("PNG", "P8", {"transparency": 0}),
    "png-grey-alpha": ("PNG", "LA", {}),
    "png-animated": ("PNG", "RGB", {"save_all": True, "duration": 100}),
    "tiff-bilevel-group4": ("TIFF", "1", {"compression": "group4"}),
    "tiff-cmyk": ("TIFF", "CMYK", {}),
    "tiff-rgba-deflate": ("TIFF", "RGBA", {"compression": "tiff_deflate"}),
    "tiff-float": ("TIFF", "F", {}),
    "tiff-jpeg": ("TIFF", "RGB", {"compression": "jpeg"}),
    "jpeg-cmyk": ("JPEG", "CMYK", {}),
    "jpeg-grey-progressive": ("JPEG", "L", {"progressive": True}),
    "bmp-bilevel": ("BMP", "1", {}),
    "bmp-palette": ("BMP", "P16", {}),
    "bmp-rgba": ("BMP", "RGBA", {}),
    "webp-lossy-alpha": ("WEBP", "RGBA", {"quality": 80}),
    "gif-transparent": ("GIF", "P4", {"transparency": 1}),
}
VARIANTS = tuple(_VARIANTS)


@cache
def variant(name: str) -> tuple[str, bytes]:
    """``(format, bytes)`` of the page in another mode or coding (one page each, but the APNG)."""
    fmt, mode, params = _VARIANTS[name]
    image = page().quantize(int(mode[1:])) if mode.startswith("P") else page().convert(mode)
    if params.get("save_all"):
        params = {**params, "append_images": [page(238).convert(mode)]}
    return fmt, encode(image, fmt, **params)


# ------------------------------------------------------------------ where a format keeps its fields


def png_chunks(data: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` of every whole chunk after the signature (length, type, data, CRC)."""
    chunks, position = [], 8
    while position + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, position)
        end = position + 12 + length
        if end > len(data):
            break
        chunks.append((position, end))
        position = end
    return chunks


def riff_chunks(data: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` of the RIFF chunks of a WebP (and of the frames within ``ANIM``)."""
    chunks, position = [], 12
    while position + 8 <= len(data):
        (length,) = struct.unpack_from("<I", data, position + 4)
        end = position + 8 + length + (length & 1)
        if end > len(data):
            break
        chunks.append((position, end))
        position = end
    return chunks


def gif_blocks(data: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` of every extension and image block after the header and global table."""
    if len(data) < 13:
        return []
    position = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    blocks = []
    while position < len(data) and data[position] in (0x21, 0x2C):
        start = position
        if data[position] == 0x21:
            position += 2
        else:
            if position + 10 > len(data):
                break
            flags = data[position + 9]
            position += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        while position < len(data) and data[position]:
            position += 1 + data[position]
        position += 1
        if position > len(data):
            break
        blocks.append((start, position))
    return blocks


def jpeg_segments(data: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` of the marker segments before the scan data (APPn, DQT, SOF, DHT, SOS)."""
    segments, position = [], 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        (length,) = struct.unpack_from(">H", data, position + 2)
        end = position + 2 + length
        segments.append((position, min(end, len(data))))
        if data[position + 1] == 0xDA:  # start of scan: entropy-coded data follows
            break
        position = end
    return segments


def chunks(data: bytes, fmt: str) -> list[tuple[int, int]]:
    """The format's own units, to delete or duplicate whole; a byte range of ``data`` each."""
    if fmt == "PNG":
        return png_chunks(data)
    if fmt == "WEBP":
        return riff_chunks(data)
    if fmt == "GIF":
        return gif_blocks(data)
    if fmt == "JPEG":
        return jpeg_segments(data)
    if fmt == "TIFF":
        return [(offset, offset + 2 + 12 * count) for offset, count in tiff_ifds(data)]
    return [(0, 14), (14, 54), (54, len(data))] if len(data) >= 54 else []  # BMP: file, info, pixels


def tiff_ifds(data: bytes) -> Iterator[tuple[int, int]]:
    """``(offset, entry count)`` of each little-endian classic TIFF IFD, at most 8."""
    if not data.startswith(b"II*\x00") or len(data) < 8:
        return
    (offset,) = struct.unpack_from("<I", data, 4)
    seen: set[int] = set()
    while offset >= 8 and offset + 2 <= len(data) and offset not in seen and len(seen) < 8:
        seen.add(offset)
        (count,) = struct.unpack_from("<H", data, offset)
        if offset + 2 + 12 * count + 4 > len(data):
            return
        yield offset, count
        (offset,) = struct.unpack_from("<I", data, offset + 2 + 12 * count)


def header_fields(data: bytes, fmt: str) -> list[tuple[int, str]]:
    """``(offset, struct format)`` of fields that declare sizes and counts: width, height,
    frame and page geometry, chunk lengths, the next-IFD link. Setting them to odd values
    is how bombs and loops are made."""
    fields: list[tuple[int, str]] = []
    if fmt == "PNG":
        fields += [(16, ">I"), (20, ">I"), (24, "B"), (25, "B")]  # IHDR width, height, depth, colour
        for start, _ in png_chunks(data):
            fields.append((start, ">I"))  # its length
            if data[start + 4 : start + 8] == b"acTL":  # APNG: frames declared, plays
                fields += [(start + 8, ">I"), (start + 12, ">I")]
            elif data[start + 4 : start + 8] == b"fcTL":  # a frame's width, height, x, y
                fields += [(start + 12 + 4 * i, ">I") for i in range(4)]
    elif fmt == "GIF":
        fields += [(6, "<H"), (8, "<H"), (10, "B")]  # logical screen, flags
        for start, _ in gif_blocks(data):
            if data[start] == 0x2C:  # image descriptor: left, top, width, height, flags
                fields += [(start + 1, "<H"), (start + 3, "<H"), (start + 5, "<H"), (start + 7, "<H")]
                fields += [(start + 9, "B")]
    elif fmt == "BMP":
        fields += [(2, "<I"), (10, "<I"), (14, "<I"), (18, "<i"), (22, "<i"), (28, "<H"), (30, "<I")]
    elif fmt == "WEBP":
        fields += [(4, "<I")]
        for start, _ in riff_chunks(data):
            fields.append((start + 4, "<I"))
            tag = data[start : start + 4]
            if tag == b"VP8X":  # canvas width and height minus one, 24 bits each
                fields += [(start + 12, "<H"), (start + 15, "<H")]
            elif tag == b"ANMF":  # frame x, y, width, height
                fields += [(start + 8, "<H"), (start + 11, "<H"), (start + 14, "<H"), (start + 17, "<H")]
    elif fmt == "JPEG":
        for start, _ in jpeg_segments(data):
            fields.append((start + 2, ">H"))
            if data[start + 1] in (0xC0, 0xC1, 0xC2):  # SOF: precision, height, width, components
                fields += [(start + 4, "B"), (start + 5, ">H"), (start + 7, ">H"), (start + 9, "B")]
    elif fmt == "TIFF":
        for offset, count in tiff_ifds(data):
            for entry in range(count):
                at = offset + 2 + 12 * entry
                (tag,) = struct.unpack_from("<H", data, at)
                if tag in (256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 317, 322, 323):
                    fields += [(at + 4, "<I"), (at + 8, "<I")]  # its count and its value
            fields.append((offset + 2 + 12 * count, "<I"))  # the next IFD
    return [(at, spec) for at, spec in fields if at + struct.calcsize(spec) <= len(data)]


def set_field(data: bytes, at: int, spec: str, value: int) -> bytes:
    """``data`` with the field at ``at`` set to ``value`` (wrapped to the field's width)."""
    size = struct.calcsize(spec)
    value %= 1 << (8 * size)
    if spec.endswith(("i", "h")) and value >= 1 << (8 * size - 1):
        value -= 1 << (8 * size)
    out = bytearray(data)
    struct.pack_into(spec, out, at, value)
    return bytes(out)


def fix_png_crcs(data: bytes) -> bytes:
    """Recompute every PNG chunk's CRC, so that a mutated field reaches the decoder's logic
    instead of stopping at the checksum."""
    out = bytearray(data)
    for start, end in png_chunks(data):
        body = bytes(out[start + 4 : end - 4])
        struct.pack_into(">I", out, end - 4, zlib.crc32(body) & 0xFFFFFFFF)
    return bytes(out)


# ------------------------------------------------------------------ mutations, for atheris

ODD_VALUES = (0, 1, 2, 7, 8, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 60_000, 0x7FFFFFFF, 0xFFFFFFFF)
MUTATIONS = ("flip", "truncate", "insert", "delete", "chunk", "field", "splice")


def guess_format(data: bytes) -> str:
    """The format ``data`` starts like, else PNG (whose units the mutations then look for)."""
    for fmt in FORMATS:
        if data[:4] == seed(fmt)[:4]:
            return fmt
    return "PNG"


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """One structural mutation of ``kind`` (one of ``MUTATIONS``), drawn from ``rng``; the
    same kinds as the Hypothesis strategy in the suite draws."""
    fmt = guess_format(data)
    size = len(data)
    at = rng.randint(0, size)
    if kind == "flip" and size:
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(size)] ^= 1 << rng.randrange(8)
        return bytes(out)
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + rng.randint(1, 256) :]
    units = chunks(data, fmt)
    if kind == "chunk" and units:
        start, end = rng.choice(units)
        return data[:start] + data[start:end] * rng.randint(0, 20) + data[end:]
    fields = header_fields(data, fmt)
    if kind == "field" and fields:
        offset, spec = rng.choice(fields)
        value = rng.choice(ODD_VALUES) if rng.random() < 0.7 else rng.getrandbits(32)
        changed = set_field(data, offset, spec, value)
        return fix_png_crcs(changed) if fmt == "PNG" and rng.random() < 0.8 else changed
    if kind == "splice":
        other = seed(rng.choice([f for f in FORMATS if f != fmt]))
        return data[:at] + other[rng.randint(0, len(other)) :]
    return data
