"""RapidOCR, the second engine: its words and boxes, and thorough mode recovering PII
that one Tesseract pass misses. The real models, from the rapidocr wheel."""

from __future__ import annotations

import pytest
from PIL import Image

from image_anonymizer.core import ocr
from image_anonymizer.core.languages import LanguageSpec, parse_language
from image_anonymizer.core.model import OcrWord
from image_anonymizer.core.service import ImageAnonymizer, Options
from tests.rendering import assert_redacted, decode, encode, render, tokens

EMAIL = "patriciac87@outlook.com"
BUBBLE_BLUE = (0, 122, 255)
LINES = [tokens("Invoice for Maria Lopez"), tokens("Due 12 March 2024")]


class Blind:
    """A first engine that reads nothing."""

    name = "blind"

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        return []


@pytest.fixture(scope="module")
def engine() -> ocr.RapidOcrEngine:
    return ocr.RapidOcrEngine()


def test_given_a_page_then_words_with_boxes_and_lines_in_reading_order(engine: ocr.RapidOcrEngine) -> None:
    image, truth = render(LINES, size=(800, 200), font_size=28)
    words = engine.read(image.convert("L"), parse_language("en"))
    assert [w.text for w in words] == [w.text for w in truth]
    for word, expected in zip(words, truth, strict=True):
        left, top, right, bottom = expected.box
        # RapidOCR estimates word boxes from the line: roughly on the word, the line's height.
        assert left <= word.box.x + word.box.width // 2 <= right, (word, expected)
        assert word.box.y <= top + 2 and word.box.bottom >= bottom - 2, (word, expected)
        assert word.box.height <= 2 * (bottom - top) + 8, "a line's box, not the page's"
        assert 0.0 <= word.confidence <= 100.0
    first, second = words[0].line, words[-1].line
    assert len({w.line for w in words[:4]}) == 1, "one detected line is one line"
    assert first != second and first.block == second.block, "stacked lines make one block"


def test_given_thorough_mode_then_second_engine_boxes_are_laid_on_the_ink(engine: ocr.RapidOcrEngine) -> None:
    # Tesseract (a stand-in that reads nothing) leaves the whole page to RapidOCR;
    # its estimated word boxes are widened and tightened to each word's ink.
    image, truth = render(LINES, size=(800, 200), font_size=28)
    words = ocr.read_page(Blind(), image, parse_language("en"), "thorough", engine)
    assert [w.text for w in words] == [w.text for w in truth]
    for word, expected in zip(words, truth, strict=True):
        left, top, right, bottom = expected.box
        assert abs(word.box.x - left) <= 1 and abs(word.box.right - right) <= 1, (word, expected)
        assert abs(word.box.y - top) <= 1 and abs(word.box.bottom - bottom) <= 1, (word, expected)


def test_given_a_blank_or_tiny_image_then_no_words(engine: ocr.RapidOcrEngine) -> None:
    blank, _ = render([], size=(300, 100))
    assert engine.read(blank.convert("L"), parse_language("en")) == []
    assert engine.read(blank.crop((0, 0, 5, 5)), parse_language("en")) == []


def test_given_white_text_on_a_blue_chat_bubble_then_thorough_mode_redacts_what_fast_mode_misses(
    anonymizer: ImageAnonymizer,
) -> None:
    # Tesseract reads the small white email as "patriciac8 7@outlook.com": two words,
    # of which only the second looks like an email; RapidOCR, reading the small text
    # again, reads it whole.
    image, words = render(
        [tokens(f"Sure, write to {EMAIL} today", [EMAIL])],
        size=(460, 60),
        font_size=14,
        background=BUBBLE_BLUE,
        ink=(255, 255, 255),
        origin=(12, 18),
    )
    data = encode(image, "PNG")
    fast = anonymizer.redact(data, Options.parse(ocr_mode="fast"))
    with pytest.raises(AssertionError, match="not covered"):  # the case needs the second engine
        assert_redacted(image, decode(fast.image), words)
    thorough = anonymizer.redact(data, Options.parse())
    assert EMAIL in [e["text"] for e in thorough.analysis.to_dict()["entities"]]
    assert_redacted(image, decode(thorough.image), words)
