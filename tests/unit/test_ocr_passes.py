"""How thorough mode combines its passes, with fake engines on rendered pages:
which regions the second engine is given, and which of its words are kept."""

from __future__ import annotations

import numpy as np
from PIL import Image

from image_anonymizer.core import ocr
from image_anonymizer.core.languages import LanguageSpec, parse_language
from image_anonymizer.core.model import Box, LineKey, OcrWord
from tests.rendering import Word, render, tokens

EN = parse_language("en")


class ListOcr:
    """Tesseract stand-in: returns the words it was given, on every read."""

    name = "list"

    def __init__(self, words: list[OcrWord]) -> None:
        self.words = words

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        return self.words


class BlobOcr:
    """Second-engine stand-in: one word ("seen") per patch of ink, like a detector
    that reads nothing; keeps the images it was given."""

    name = "blob"

    def __init__(self) -> None:
        self.images: list[Image.Image] = []

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        self.images.append(image)
        ink = np.asarray(image.convert("L")) < 128
        columns = np.nonzero(ink.any(axis=0))[0]
        words: list[OcrWord] = []
        if columns.size == 0:
            return words
        # Split at gaps wider than 30 px: the crops on the mosaic are 32 px apart.
        groups = np.split(columns, np.nonzero(np.diff(columns) > 30)[0] + 1)
        for number, group in enumerate(groups, 1):
            rows = np.nonzero(ink[:, group[0] : group[-1] + 1].any(axis=1))[0]
            box = Box(int(group[0]), int(rows[0]), int(group[-1] - group[0] + 1), int(rows[-1] - rows[0] + 1))
            words.append(OcrWord("seen", box, 99.0, LineKey(number, 1, 1), "eng"))
        return words


def tesseract_word(word: Word, confidence: float) -> OcrWord:
    left, top, right, bottom = word.box
    return OcrWord(word.text, Box(left, top, right - left, bottom - top), confidence, LineKey(1, 1, 1), "eng")


def page() -> tuple[Image.Image, list[Word]]:
    return render([tokens("Alpha Bravo")], size=(700, 120), font_size=32)


def test_given_fast_mode_then_only_the_first_pass() -> None:
    image, _ = page()
    second = BlobOcr()
    read = ocr.read_page(ListOcr([]), image, EN, "fast", second)
    assert read == [] and second.images == []


def test_given_a_word_tesseract_missed_then_the_second_engine_reads_only_that_region() -> None:
    image, (alpha, bravo) = page()
    second = BlobOcr()
    read = ocr.read_page(ListOcr([tesseract_word(alpha, 95.0)]), image, EN, "thorough", second)
    (mosaic,) = second.images
    assert mosaic.width < image.width // 2, "only the region around the missed word is read again"
    assert [w.text for w in read] == ["Alpha", "seen"]
    seen = read[1]
    left, top, right, bottom = bravo.box
    assert abs(seen.box.x - left) <= 2 and abs(seen.box.right - right) <= 2, "mapped back, tight on the ink"
    assert abs(seen.box.y - top) <= 2 and abs(seen.box.bottom - bottom) <= 2
    assert seen.line.block > read[0].line.block, "in a block of its own after Tesseract's"


def test_given_an_unsure_tesseract_word_then_the_second_reading_sits_beside_it() -> None:
    image, (alpha, bravo) = page()
    second = BlobOcr()
    tesseract = [tesseract_word(alpha, 95.0), tesseract_word(bravo, 20.0)]
    read = ocr.read_page(ListOcr(tesseract), image, EN, "thorough", second)
    assert [w.text for w in read] == ["Alpha", "Bravo", "seen"]


def test_given_tesseract_sure_of_every_word_then_the_second_engine_is_not_called() -> None:
    image, (alpha, bravo) = page()
    second = BlobOcr()
    tesseract = [tesseract_word(alpha, 95.0), tesseract_word(bravo, 91.0)]
    assert ocr.read_page(ListOcr(tesseract), image, EN, "thorough", second) == tesseract
    assert second.images == []


def test_given_rules_and_specks_then_no_region() -> None:
    image = Image.new("L", (600, 300), 255)
    pixels = np.asarray(image).copy()
    pixels[100:102, 20:580] = 0  # a rule
    pixels[20:280, 300:302] = 0  # a vertical rule
    pixels[200, 100] = 0  # a speck
    assert ocr.struggled_regions(Image.fromarray(pixels, "L"), []) == []


def test_given_rapidocr_lines_then_each_is_a_line_and_stacked_lines_share_a_block() -> None:
    lines = [
        Box(10, 10, 200, 20),  # block 1, line 1
        Box(10, 34, 180, 20),  # block 1, line 2: just below, overlapping
        Box(400, 10, 150, 20),  # another column: block 2
        Box(10, 300, 200, 20),  # far below: block 3
    ]
    keys = ocr._line_keys(lines)
    assert keys == [LineKey(1, 1, 1), LineKey(1, 1, 2), LineKey(2, 1, 1), LineKey(3, 1, 1)]


def test_given_small_words_read_enlarged_then_plain_words_are_sure_and_codes_are_not() -> None:
    def small(text: str) -> OcrWord:
        return OcrWord(text, Box(0, 0, 60, 9), 90.0, LineKey(1, 1, 1), "eng")

    enlarged_twice = ocr.SMALL_WORD_PX / 2
    assert not ocr._sure(small("Updated"))  # small and not read enlarged: a second opinion
    assert ocr._sure(small("Updated"), enlarged_twice)
    for code in ("jo@example.com", "4111", "10:24", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"):
        assert not ocr._sure(small(code), enlarged_twice), code
