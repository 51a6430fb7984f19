"""Hostile files whose later frames or pages are huge: refused before their pixels exist.

Each bomb is decoded in a fresh Python process that prints the domain error it
got and its peak resident set, so the memory bound is measured, not assumed.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import formats
from image_anonymizer.errors import ImageTooLarge

PEAK_RSS_LIMIT_MB = 600

# Linux carries ru_maxrss over execve (with vfork it is the parent's peak, a
# whole pytest process), so the child reports its own address space's peak,
# VmHWM, which starts afresh at exec; ru_maxrss is printed alongside.
# The child caps its address space so that a decoder without the guard fails
# with MemoryError instead of taking the machine with it; RSS is still reported.
CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from image_anonymizer.core import formats
from image_anonymizer.config import CoreSettings
from image_anonymizer.errors import AnonymizerError
data = open(sys.argv[1], "rb").read()
try:
    decoded = formats.decode(data, CoreSettings())
    outcome = "decoded:%d" % len(decoded.pages)
except AnonymizerError as error:
    outcome = type(error).__name__
except MemoryError:
    outcome = "MemoryError"
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(outcome, hwm[0] // 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


# --- GIF ------------------------------------------------------------------

# LZW with a 2-bit minimum code size: clear (4), index 0, end (5), three bits each.
_ONE_PIXEL_LZW = b"\x02\x02\x44\x01\x00"


def _blank_lzw(pixels: int) -> bytes:
    """Honest LZW for ``pixels`` of index 0: (clear, 0, 0) repeated keeps codes 3 bits wide."""
    codes = [4, 0, 0] * ((pixels + 1) // 2) + [5]
    bits = sum(code << (3 * index) for index, code in enumerate(codes))
    packed = bits.to_bytes((3 * len(codes) + 7) // 8, "little")
    blocks = b"".join(
        bytes([len(packed[i : i + 255])]) + packed[i : i + 255] for i in range(0, len(packed), 255)
    )
    return b"\x02" + blocks + b"\x00"


def gif(frames: list[tuple[int, int]], screen: tuple[int, int] = (16, 16), honest: bool = False) -> bytes:
    """A GIF89a whose image descriptors declare ``frames`` sizes at (0, 0).

    The image data is a single pixel unless ``honest``: a decoder still
    allocates the declared canvas, which is the whole attack, for about twenty
    bytes a frame.
    """
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", *screen, 0x80, 0, 0)  # a global table of two colours
    out += b"\xff\xff\xff\x00\x00\x00"
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    for width, height in frames:
        out += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # graphic control: 100 ms
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
        out += _blank_lzw(width * height) if honest else _ONE_PIXEL_LZW
    out += b"\x3b"
    return bytes(out)


# --- TIFF -----------------------------------------------------------------


def _zeros_deflated(size: int) -> bytes:
    """``size`` zero bytes, zlib-compressed, without ever holding them."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = []
    for start in range(0, size, len(chunk)):
        parts.append(compressor.compress(chunk[: min(len(chunk), size - start)]))
    parts.append(compressor.flush())
    return b"".join(parts)


def tiff(pages: list[tuple[int, int]]) -> bytes:
    """A little-endian multi-page RGB TIFF, each page one deflated strip of black."""
    header = bytearray(b"II*\x00\x00\x00\x00\x00")
    body = bytearray()
    ifds: list[bytes] = []
    base = len(header)
    strips = []
    for width, height in pages:
        strips.append((base + len(body), width, height))
        body += _zeros_deflated(width * height * 3)
    offset = base + len(body)
    struct.pack_into("<I", header, 4, offset)
    for index, (strip_offset, width, height) in enumerate(strips):
        entries = 10
        ifd_size = 2 + entries * 12 + 4
        bits_offset = offset + ifd_size
        strip_bytes = (strips[index + 1][0] if index + 1 < len(strips) else base + len(body)) - strip_offset
        next_ifd = 0 if index + 1 == len(strips) else bits_offset + 6
        fields = [
            (256, 4, 1, width),
            (257, 4, 1, height),
            (258, 3, 3, bits_offset),
            (259, 3, 1, 8),  # Adobe deflate
            (262, 3, 1, 2),  # RGB
            (273, 4, 1, strip_offset),
            (277, 3, 1, 3),
            (278, 4, 1, height),
            (279, 4, 1, strip_bytes),
            (284, 3, 1, 1),
        ]
        entry = bytearray(struct.pack("<H", entries))
        for tag, kind, count, value in fields:
            entry += struct.pack("<HHI", tag, kind, count)
            entry += struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
        entry += struct.pack("<I", next_ifd)
        entry += struct.pack("<HHH", 8, 8, 8)  # BitsPerSample's three values
        ifds.append(bytes(entry))
        offset += len(entry)
    return bytes(header + body) + b"".join(ifds)


# --- WebP -----------------------------------------------------------------


def webp_animation_on_huge_canvas(side: int) -> bytes:
    """Two small frames of an animated WebP whose VP8X canvas is ``side`` square."""
    first, second = Image.new("RGB", (32, 32), "white"), Image.new("RGB", (32, 32), "black")
    buffer = io.BytesIO()
    first.save(buffer, "WEBP", save_all=True, append_images=[second], lossless=True, duration=100)
    data = bytearray(buffer.getvalue())
    vp8x = data.index(b"VP8X")
    data[vp8x + 12 : vp8x + 15] = (side - 1).to_bytes(3, "little")
    data[vp8x + 15 : vp8x + 18] = (side - 1).to_bytes(3, "little")
    return bytes(data)


# --- APNG -----------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def apng_declaring(frames: int) -> bytes:
    """A two-frame APNG whose animation control chunk declares ``frames`` frames (found by
    fuzzing: the count is read before any frame, and decoding once built a list of it)."""
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (32, 32), "white"), Image.new("RGB", (32, 32), "black")
    first.save(buffer, "PNG", save_all=True, append_images=[second], duration=100)
    data = buffer.getvalue()
    start = data.index(b"acTL") - 4
    plays = data[start + 12 : start + 16]
    return data[:start] + _png_chunk(b"acTL", struct.pack(">I", frames) + plays) + data[start + 20 :]


# --- TIFF with many pages ---------------------------------------------------


def tiff_of_tiny_pages(count: int) -> bytes:
    """``count`` chained 1x1 grey pages, 126 bytes each, their strips all at offset 0."""
    entries = [(256, 4, 1), (257, 4, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1)]
    entries += [(273, 4, 0), (277, 3, 1), (278, 4, 1), (279, 4, 1)]
    size = 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for index in range(count):
        following = len(out) + size if index + 1 < count else 0
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, 1) + packed
        out += struct.pack("<I", following)
    return bytes(out)


BOMBS: dict[str, Callable[[], bytes]] = {
    # the review's case: a small first frame, a second that grows the canvas to 7800x7800
    "gif-second-frame-7800": lambda: gif([(16, 16), (7800, 7800)]),
    # each frame within the limit, together far beyond it (10 x 25 M pixels)
    "gif-frames-sum": lambda: gif([(16, 16)] + [(5000, 5000)] * 10),
    # the review's case: a small first page, a blank 8500x8500 second page
    "tiff-second-page-8500": lambda: tiff([(64, 64), (8500, 8500)]),
    # pages each within the limit, together beyond it (3 x 49 M pixels)
    "tiff-pages-sum": lambda: tiff([(64, 64)] + [(7000, 7000)] * 3),
    # WebP frames lie within the canvas: a huge canvas is refused on its first frame
    "webp-animation-canvas": lambda: webp_animation_on_huge_canvas(9000),
    # one header field: 2**31 - 1 frames declared (a list of that many sizes was 16 GB)
    "apng-declared-frames": lambda: apng_declaring(2**31 - 1),
}


def decode_in_fresh_process(data: bytes, tmp_path: Path) -> tuple[str, int, int]:
    path = tmp_path / "bomb"
    path.write_bytes(data)
    env = dict(os.environ, OMP_THREAD_LIMIT="1", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome, peak, maxrss = done.stdout.split()
    return outcome, int(peak), int(maxrss)


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_given_a_bomb_then_it_is_too_large_in_bounded_memory(name: str, tmp_path: Path) -> None:
    data = BOMBS[name]()
    assert len(data) < 1024 * 1024, "a bomb is small on the wire"
    outcome, peak_mb, maxrss_mb = decode_in_fresh_process(data, tmp_path)
    print(f"{name}: {len(data)} bytes -> {outcome}, peak RSS {peak_mb} MB (ru_maxrss {maxrss_mb} MB)")
    assert outcome == "ImageTooLarge", f"{name}: {outcome}, peak RSS {peak_mb} MB"
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"{name}: peak RSS {peak_mb} MB"


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_given_a_bomb_then_the_domain_error_is_image_too_large(name: str) -> None:
    with pytest.raises(ImageTooLarge):
        formats.decode(BOMBS[name](), CoreSettings())


def test_given_frames_within_the_limit_then_every_one_is_decoded() -> None:
    decoded = formats.decode(gif([(16, 16), (300, 200), (40, 40)], honest=True), CoreSettings())
    assert [page.size for page in decoded.pages] == [(16, 16), (300, 200), (300, 200)]
    decoded = formats.decode(tiff([(64, 64), (500, 400)]), CoreSettings())
    assert [page.size for page in decoded.pages] == [(64, 64), (500, 400)]


def test_given_a_small_pixel_limit_then_pillow_uses_it() -> None:
    settings = CoreSettings(max_pixels=100_000)
    with pytest.raises(ImageTooLarge):
        formats.decode(tiff([(400, 400)]), settings)
    assert settings.max_pixels == Image.MAX_IMAGE_PIXELS
    formats.decode(tiff([(64, 64)]), CoreSettings())
    assert CoreSettings().max_pixels == Image.MAX_IMAGE_PIXELS


def test_given_thousands_of_tiff_pages_then_only_the_allowed_count_and_one_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pillow's page count walks every page, in time that grows with the square of their
    # number (80,000 pages in 9 MB: 38 s); decoding reads one page past the limit, then stops.
    from PIL import TiffImagePlugin

    reads: list[int] = []
    seek = TiffImagePlugin.TiffImageFile._seek

    def counted(self: TiffImagePlugin.TiffImageFile, frame: int) -> None:
        reads.append(frame)
        seek(self, frame)

    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "_seek", counted)
    settings = CoreSettings()
    with pytest.raises(ImageTooLarge, match="pages or frames"):
        formats.decode(tiff_of_tiny_pages(8000), settings)
    assert max(reads) <= settings.max_pages + 1
    assert len(reads) <= 3 * (settings.max_pages + 2)
