"""Nothing hides under alpha: fully transparent pixels come out in one colour.

Text drawn in the RGB of alpha-0 pixels is never seen by OCR (it composites
alpha), so it cannot be redacted; dropping the alpha channel of the output
must still show no trace of it.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import formats
from image_anonymizer.core.service import ImageAnonymizer, Options
from tests.rendering import font

SIZE = (900, 220)
HIDDEN = "Call (415) 555-0132 John Smith"


def with_hidden_text() -> Image.Image:
    """Visible dark text on white, and a line drawn only in transparent pixels' RGB.

    The lower half is fully transparent; its RGB is white with the hidden line
    in black, so ``convert("RGB")`` (alpha dropped) shows the line plainly.
    """
    image = Image.new("RGBA", SIZE, (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), "Quarterly report", font=font("sans", 40), fill=(0, 0, 0, 255))
    draw.rectangle((0, 110, SIZE[0], SIZE[1]), fill=(255, 255, 255, 0))
    draw.text((20, 140), HIDDEN, font=font("sans", 40), fill=(0, 0, 0, 0))
    return image


def hidden_rgb(image: Image.Image) -> np.ndarray:
    """The distinct RGB values of an image's fully transparent pixels."""
    rgba = np.array(image.convert("RGBA"))
    transparent = rgba[..., 3] == 0
    return np.unique(rgba[transparent][:, :3], axis=0)


def source(fmt: str, mode: str) -> bytes:
    image = with_hidden_text()
    buffer = io.BytesIO()
    if mode == "LA":
        image.convert("LA").save(buffer, fmt)
    elif fmt == "WEBP":
        # exact=True keeps the RGB under alpha 0, as a hostile encoder would
        image.save(buffer, fmt, lossless=True, exact=True)
    elif fmt == "GIF":
        # second frame: the hidden line in the colour of the transparent index's neighbour
        first = image.convert("RGB").quantize(colors=16)
        second = Image.new("P", SIZE, 0)
        second.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
        ImageDraw.Draw(second).text((20, 20), "Quarterly report", font=font("sans", 40), fill=1)
        first.save(buffer, "GIF", save_all=True, append_images=[second], transparency=0, optimize=False)
    else:
        image.save(buffer, fmt)
    data = buffer.getvalue()
    assert len(hidden_rgb(Image.open(io.BytesIO(data)))) > 1 or fmt == "GIF", "the input must hide something"
    return data


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "RGBA"), ("WEBP", "RGBA"), ("TIFF", "RGBA"), ("PNG", "LA"), ("TIFF", "LA"), ("GIF", "P")],
)
def test_given_text_in_transparent_pixels_then_output_without_alpha_shows_none(
    anonymizer: ImageAnonymizer, fmt: str, mode: str
) -> None:
    data = source(fmt, mode)
    result = anonymizer.redact(data, Options.parse())
    out = Image.open(io.BytesIO(result.image))
    assert out.format == fmt
    for index in range(getattr(out, "n_frames", 1)):
        out.seek(index)
        values = hidden_rgb(out)
        assert len(values) <= 1, f"frame {index}: {len(values)} colours under alpha 0"
        if len(values) and fmt != "GIF":
            assert values.tolist() == [[0, 0, 0]], "transparent pixels are black"
    if fmt != "GIF":
        # still transparent where it was, and the line gone once alpha is dropped
        rgba = np.array(out.convert("RGBA"))
        assert (rgba[110:, :, 3] == 0).all()
        assert (rgba[110:, :, :3] == 0).all(), "no text pixels under alpha 0"


def decoded_like(fmt: str) -> formats.DecodedImage:
    page = Image.new("RGB", (64, 64), "white")
    buffer = io.BytesIO()
    page.save(buffer, fmt)
    return formats.decode(buffer.getvalue(), CoreSettings())


def test_given_a_palette_with_several_transparent_entries_then_they_become_one_black_entry() -> None:
    page = Image.new("P", (64, 64), 2)
    page.putpalette([255, 255, 255, 0, 0, 0, 200, 0, 0] + [0] * 759)
    ImageDraw.Draw(page).rectangle((10, 10, 40, 40), fill=1)  # the hidden shape: index 1
    page.info["transparency"] = bytes([0, 0, 255])  # indices 0 and 1 both fully transparent
    ImageDraw.Draw(page).rectangle((0, 0, 63, 5), fill=0)
    out = Image.open(io.BytesIO(formats.encode((page,), decoded_like("PNG"), CoreSettings())))
    assert hidden_rgb(out).tolist() == [[0, 0, 0]]
    indices = np.array(out)
    assert len(np.unique(indices[np.array(out.convert("RGBA"))[..., 3] == 0])) == 1


@pytest.mark.parametrize("fmt", ["PNG", "GIF"])
def test_given_a_transparent_index_then_its_colour_is_black(fmt: str) -> None:
    page = Image.new("P", (64, 64), 0)
    page.putpalette([250, 10, 10, 0, 0, 0] + [0] * 762)
    ImageDraw.Draw(page).rectangle((10, 10, 40, 40), fill=1)
    page.info["transparency"] = 0
    out = Image.open(io.BytesIO(formats.encode((page,), decoded_like(fmt), CoreSettings())))
    assert hidden_rgb(out).tolist() == [[0, 0, 0]]
