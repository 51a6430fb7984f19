import numpy as np
import pytest
from PIL import Image

from image_anonymizer.core.model import Box
from image_anonymizer.core.redaction import FILL_COLORS, parse_fill_color, redact_page
from image_anonymizer.errors import InvalidRequest

BOX = Box(10, 5, 20, 8)


def region(image: Image.Image, box: Box = BOX) -> np.ndarray:
    return np.asarray(image.crop((box.x, box.y, box.right, box.bottom)))


@pytest.mark.parametrize("name", sorted(FILL_COLORS))
def test_given_rgb_page_then_box_is_exact_fill_and_rest_untouched(name: str) -> None:
    page = Image.new("RGB", (50, 30), (200, 100, 50))
    out = redact_page(page, [BOX], name)
    assert (region(out) == FILL_COLORS[name]).all()
    assert out.getpixel((0, 0)) == (200, 100, 50)
    assert out.getpixel((BOX.right, BOX.bottom)) == (200, 100, 50)
    assert page.getpixel((BOX.x, BOX.y)) == (200, 100, 50), "the input must not be modified"


def test_given_transparent_page_then_box_is_opaque_in_every_channel() -> None:
    page = Image.new("RGBA", (50, 30), (0, 0, 0, 0))
    out = redact_page(page, [BOX], "red")
    assert out.mode == "RGBA"
    assert (region(out) == (255, 0, 0, 255)).all()


@pytest.mark.parametrize("mode", ["1", "L", "LA", "I;16"])
def test_given_grey_page_and_red_fill_then_page_becomes_colour(mode: str) -> None:
    page = Image.new(mode, (50, 30))
    out = redact_page(page, [BOX], "red")
    assert (region(out.convert("RGB")) == (255, 0, 0)).all()


@pytest.mark.parametrize("mode", ["1", "L", "I;16"])
def test_given_grey_page_and_black_fill_then_mode_is_kept(mode: str) -> None:
    page = Image.new(mode, (50, 30), 1)
    out = redact_page(page, [BOX], "black")
    assert out.mode == mode
    assert (region(out) == 0).all()


def test_given_cmyk_page_then_fill_is_the_cmyk_of_the_colour() -> None:
    out = redact_page(Image.new("CMYK", (50, 30)), [BOX], "blue")
    assert out.mode == "CMYK"
    assert (region(out.convert("RGB")) == (0, 0, 255)).all()


def test_given_palette_page_then_fill_gets_an_exact_palette_entry() -> None:
    page = Image.new("RGB", (50, 30), (13, 77, 201)).quantize(colors=256)
    out = redact_page(page, [BOX], "yellow")
    assert out.mode == "P"
    assert (region(out.convert("RGB")) == (255, 255, 0)).all()


def test_given_overlapping_boxes_then_both_are_painted() -> None:
    out = redact_page(Image.new("RGB", (60, 30), "white"), [Box(0, 0, 20, 10), Box(10, 5, 30, 10)], "black")
    assert out.getpixel((1, 1)) == (0, 0, 0) and out.getpixel((38, 13)) == (0, 0, 0)


def test_given_unknown_fill_colour_then_invalid_request() -> None:
    with pytest.raises(InvalidRequest, match="black, white, red, blue, green, yellow"):
        parse_fill_color("purple")
    assert parse_fill_color(None) == "black"
    assert parse_fill_color(" Yellow ") == "yellow"
