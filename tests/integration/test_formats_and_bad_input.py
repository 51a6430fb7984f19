"""Every format round-trips fresh and metadata-free; every bad input is a clear error."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageCms

from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.errors import (
    ImageTooLarge,
    InvalidRequest,
    LanguageNotInstalled,
    UnknownEntityType,
    UnknownLanguage,
    UnprocessableImage,
    UnsupportedImage,
)
from tests.fakes import FakeDetector, FakeOcr
from tests.rendering import assert_redacted, decode, encode, render, tokens

PHONE = "(415) 555-0132"
LINES = [tokens(f"Call {PHONE} today", [PHONE]), tokens("Quarterly report")]
GPS_IFD = 0x8825


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0131] = "Firmware 1.0"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    return exif.tobytes()


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def sample(fmt: str) -> tuple[bytes, Image.Image, list]:
    image, words = render(LINES, size=(900, 220))
    params: dict[str, object] = {"icc_profile": SRGB}
    if fmt == "JPEG":
        params.update(quality=95, exif=exif_with_gps(), comment=b"secret comment", xmp=XMP)
    elif fmt == "PNG":
        params.update(exif=exif_with_gps(), xmp=XMP)
    elif fmt == "WEBP":
        params.update(exif=exif_with_gps(), xmp=XMP, lossless=True)
    elif fmt == "TIFF":
        params.update(exif=exif_with_gps())
    elif fmt in ("GIF", "BMP"):
        params = {}
    return encode(image, fmt, **params), image, words


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "BMP", "WEBP", "GIF"])
def test_given_each_format_then_output_is_same_format_redacted_and_metadata_free(
    anonymizer: ImageAnonymizer, fmt: str
) -> None:
    data, image, words = sample(fmt)
    result = anonymizer.redact(data, Options.parse())
    out = decode(result.image)
    assert out.format == fmt
    assert result.content_type == f"image/{fmt.lower()}"
    exif = out.getexif()
    if fmt == "TIFF":  # a TIFF's own tags are its EXIF; none that describe the camera or place may stay
        assert not {0x010F, 0x0131, GPS_IFD, 0x8769, 700, 33723, 34377} & set(exif), sorted(exif)
    else:
        assert not exif, "EXIF (and with it GPS and the thumbnail) must not survive"
    assert not exif.get_ifd(GPS_IFD)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "thumbnail"):
        assert key not in out.info, key
    if fmt in ("JPEG", "PNG", "TIFF", "WEBP"):
        assert out.info.get("icc_profile") == SRGB, "the ICC profile is kept"
    assert_redacted(image, out, words, tolerance=24 if fmt == "JPEG" else 2)


def test_given_cmyk_jpeg_then_it_is_redacted_and_stays_cmyk(anonymizer: ImageAnonymizer) -> None:
    image, words = render(LINES, size=(900, 220))
    out = decode(anonymizer.redact(encode(image.convert("CMYK"), "JPEG", quality=95), Options.parse()).image)
    assert out.mode == "CMYK"
    assert_redacted(image, out.convert("RGB"), words, tolerance=24)


def test_given_16_bit_png_then_it_is_read_and_redacted(anonymizer: ImageAnonymizer) -> None:
    image, words = render(LINES, size=(900, 220), mode="L", background=255, ink=0)
    sixteen = Image.fromarray(np.asarray(image).astype("<u2") * 257)
    assert sixteen.mode == "I;16"
    out = decode(anonymizer.redact(encode(sixteen, "PNG"), Options.parse()).image)
    assert out.mode in ("I;16", "I")
    assert_redacted(image, Image.fromarray((np.asarray(out) // 257).astype(np.uint8), "L"), words)


@pytest.mark.parametrize(("mode", "fmt"), [("P", "PNG"), ("L", "PNG"), ("1", "TIFF"), ("L", "BMP")])
def test_given_palette_grey_and_bilevel_images_then_they_are_redacted(
    anonymizer: ImageAnonymizer, mode: str, fmt: str
) -> None:
    image, words = render(LINES, size=(900, 220))
    converted = image.convert(mode) if mode != "P" else image.quantize(colors=16)
    params = {"compression": "group4"} if mode == "1" else {}
    out = decode(anonymizer.redact(encode(converted, fmt, **params), Options.parse()).image)
    assert out.format == fmt
    assert_redacted(converted.convert("RGB"), out.convert("RGB"), words)


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming a huge size, with a tiny body."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _truncated_png() -> bytes:
    data, _, _ = sample("PNG")
    return data[: len(data) // 2]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>Jo</text></svg>'


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", InvalidRequest),
        (_truncated_png(), UnprocessableImage),
        (b"name,email\nJo,jo@example.com\n", UnsupportedImage),
        (SVG, UnsupportedImage),
        (b"%PDF-1.7\n", UnsupportedImage),
        (encode(Image.new("RGB", (1, 1)), "PNG"), UnprocessableImage),
        (_png_header_only(12_000, 12_000), ImageTooLarge),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, UnprocessableImage),
    ],
    ids=[
        "empty",
        "truncated-png",
        "text-named-png",
        "svg",
        "pdf",
        "one-pixel",
        "decompression-bomb",
        "garbage-png",
    ],
)
def test_given_bad_image_then_a_clear_domain_error(
    anonymizer: ImageAnonymizer, data: bytes, error: type
) -> None:
    with pytest.raises(error) as raised:
        anonymizer.redact(data, Options.parse())
    assert raised.value.message and "Traceback" not in raised.value.message
    with pytest.raises(error):
        anonymizer.analyze(data, Options.parse())


def test_given_too_many_bytes_then_image_too_large() -> None:
    from image_anonymizer.config import CoreSettings

    small = ImageAnonymizer(CoreSettings(max_bytes=1000), ocr_engine=FakeOcr(), detector=FakeDetector())
    with pytest.raises(ImageTooLarge, match="1000 bytes"):
        small.analyze(sample("PNG")[0], Options.parse())


@pytest.mark.parametrize(
    ("options", "error", "text"),
    [
        ({"language": "klingon"}, UnknownLanguage, "Unknown language"),
        ({"entities": "PERSON,NOT_A_TYPE"}, UnknownEntityType, "EMAIL_ADDRESS"),
        ({"fill_color": "purple"}, InvalidRequest, "fill_color"),
        ({"score_threshold": "high"}, InvalidRequest, "score_threshold"),
        ({"score_threshold": "1.5"}, InvalidRequest, "score_threshold"),
    ],
)
def test_given_bad_option_then_invalid_request_lists_the_valid_values(
    options: dict, error: type, text: str
) -> None:
    with pytest.raises(error, match=text):
        Options.parse(**options)


def test_given_language_without_ocr_data_then_error_names_the_package(anonymizer: ImageAnonymizer) -> None:
    with pytest.raises(LanguageNotInstalled, match="apt-get install tesseract-ocr-kor"):
        anonymizer.analyze(sample("PNG")[0], Options.parse(language="ko"))


def test_given_language_combinations_then_codes_are_normalised() -> None:
    assert Options.parse(language="en+de").language.tesseract == ("eng", "deu")
    assert Options.parse(language="eng+fra").language.iso == ("en", "fr")
    from image_anonymizer.core.languages import ISO_TO_TESSERACT

    assert len(set(ISO_TO_TESSERACT.values())) >= 48
