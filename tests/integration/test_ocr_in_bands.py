"""A large page read by real Tesseract in bands, by two and three threads, reads as
it does whole, by one: the same words, boxes and page text, PII right at the cuts."""

from __future__ import annotations

import pytest
from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import mapping, ocr
from image_anonymizer.core.languages import parse_language
from image_anonymizer.core.model import OcrWord
from image_anonymizer.core.ocr.bands import Band
from tests.rendering import Line, render, tokens

EN = parse_language("en")
PEOPLE = [
    ("Marta Quiroga", "marta.quiroga@example.com", "415-555-0132"),
    ("Tobias Reinholt", "t.reinholt@example.org", "212-555-0187"),
    ("Sabine Kohler", "sabine.kohler@example.net", "617-555-0119"),
    ("Lionel Prescott", "lionel.p@example.com", "303-555-0164"),
    ("Elena Marsh", "elena.marsh@example.org", "503-555-0178"),
    ("Kirsten Dahl", "kirsten.dahl@example.com", "702-555-0143"),
    ("Teodor Blum", "teodor.blum@example.net", "206-555-0151"),
    ("Lorena Whitfield", "lorena.w@example.org", "312-555-0126"),
    ("Ilse Brandvold", "ilse.brandvold@example.com", "404-555-0190"),
    ("Omid Farahani", "omid.farahani@example.net", "808-555-0105"),
]


@pytest.fixture(scope="module")
def page() -> Image.Image:
    """Paragraphs that open and close on PII, so that every cut (between two
    paragraphs) has PII on the lines just above and just below it."""
    lines: list[Line] = []
    for name, email, phone in PEOPLE:
        lines += [
            tokens(f"Contact {name} about the renewal", [name]),
            tokens("of the service agreement this quarter"),
            tokens(f"Email {email} or call {phone}", [email, phone]),
            [],
        ]
    image, _ = render(lines, size=(1400, 1800), font_size=24, line_height=1.5)
    return image


@pytest.fixture(scope="module")
def engine() -> ocr.OcrEngine:
    return ocr.build_engine("tesserocr", CoreSettings.from_env().tessdata_dir)


def bands_of(page: Image.Image, workers: int) -> list[Band]:
    ratio, _ = ocr._flatten(page)
    return ocr._bands(ratio < ocr._BAND_INK_LEVEL, workers)


def assert_read_alike(one: list[OcrWord], other: list[OcrWord]) -> None:
    assert [w.text for w in other] == [w.text for w in one]
    for a, b in zip(one, other, strict=True):
        assert abs(a.box.x - b.box.x) <= 2 and abs(a.box.y - b.box.y) <= 2, (a.text, a.box, b.box)
        assert abs(a.box.right - b.box.right) <= 2 and abs(a.box.bottom - b.box.bottom) <= 2, a.text
    assert mapping.layout_text(other).text == mapping.layout_text(one).text


@pytest.mark.parametrize("workers", [2, 3])
def test_given_a_large_page_then_threads_read_it_as_one_thread_does(
    engine: ocr.OcrEngine, page: Image.Image, workers: int
) -> None:
    assert len(bands_of(page, workers)) == workers, "the page should be cut"
    whole = ocr.read_page(engine, page, EN, "fast", workers=1)
    assert "marta.quiroga@example.com" in [w.text for w in whole]
    assert_read_alike(whole, ocr.read_page(engine, page, EN, "fast", workers=workers))
