"""Reading a page in bands: where the band splitter cuts (never through ink, never
inside a paragraph), and how the bands' words come back together, with a fake
engine that reads ink blobs as words, so every box is known."""

from __future__ import annotations

import threading
from itertools import pairwise

import numpy as np
import pytest
from PIL import Image

from image_anonymizer.config import CoreSettings, available_cpus
from image_anonymizer.core import ocr
from image_anonymizer.core.languages import LanguageSpec, parse_language
from image_anonymizer.core.model import Box, LineKey, OcrWord
from image_anonymizer.core.ocr.bands import MIN_GAP_PX, Band, split_bands

EN = parse_language("en")


def ink_lines(height: int, width: int, lines: list[tuple[int, int]]) -> np.ndarray:
    """A boolean page with a row of letter-like blobs over each ``(top, height)``."""
    ink = np.zeros((height, width), dtype=bool)
    for top, tall in lines:
        for left in range(40, width - 60, 30):
            ink[top : top + tall, left : left + 18] = True
    return ink


def paragraphs(
    count: int, lines: int, text_px: int, line_gap: int, paragraph_gap: int
) -> list[tuple[int, int]]:
    """``(top, height)`` of each line: ``count`` paragraphs of ``lines`` lines."""
    rows, y = [], 40
    for _ in range(count):
        for _ in range(lines):
            rows.append((y, text_px))
            y += text_px + line_gap
        y += paragraph_gap - line_gap
    return rows


def assert_no_ink_near_cuts(ink: np.ndarray, bands: list[Band]) -> None:
    assert bands[0].top == 0 and bands[-1].bottom == ink.shape[0]
    for above, below in pairwise(bands):
        assert above.bottom == below.top
        cut = above.bottom
        assert not ink[cut - MIN_GAP_PX // 2 : cut + MIN_GAP_PX // 2].any(), f"ink near the cut at row {cut}"


@pytest.mark.parametrize("seed", range(20))
def test_given_random_text_pages_then_no_cut_goes_through_ink(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, y = [], int(rng.integers(0, 30))
    while y < 1900:
        tall = int(rng.integers(6, 40))
        rows.append((y, tall))
        y += tall + int(rng.integers(1, 80))
    ink = ink_lines(2000, 300, rows)
    ink |= rng.random(ink.shape) < 0.0005  # specks
    for count in (2, 3, 6):
        bands = split_bands(ink, count)
        assert 1 <= len(bands) <= count
        assert_no_ink_near_cuts(ink, bands)


def test_given_paragraphs_then_cuts_fall_between_them_with_the_ink_shared() -> None:
    rows = paragraphs(count=8, lines=3, text_px=20, line_gap=8, paragraph_gap=40)
    ink = ink_lines(rows[-1][0] + 60, 400, rows)
    bands = split_bands(ink, 2)
    assert len(bands) == 2
    assert_no_ink_near_cuts(ink, bands)
    paragraph_tops = {top for index, (top, _) in enumerate(rows) if index % 3 == 0}
    next_line = min(top for top, _ in rows if top > bands[0].bottom)
    assert next_line in paragraph_tops
    shares = [int(ink[b.top : b.bottom].sum()) for b in bands]
    assert min(shares) >= 0.4 * sum(shares)


def test_given_one_tightly_spaced_paragraph_then_it_is_not_cut() -> None:
    # Line gaps smaller than a line: one paragraph, however tall, stays whole.
    rows = paragraphs(count=1, lines=40, text_px=20, line_gap=14, paragraph_gap=14)
    ink = ink_lines(rows[-1][0] + 60, 400, rows)
    assert split_bands(ink, 4) == [Band(0, ink.shape[0])]


def test_given_a_blank_page_or_one_band_asked_then_the_whole_page() -> None:
    assert split_bands(np.zeros((500, 100), dtype=bool), 4) == [Band(0, 500)]
    ink = ink_lines(2000, 300, paragraphs(8, 3, 20, 8, 60))
    assert split_bands(ink, 1) == [Band(0, 2000)]


class InkOcr:
    """Tesseract stand-in: each run of inked rows is a line, each run of inked
    columns in it a word (gaps of 6 px and more), boxed tight. Every line is in
    block 1, as Tesseract would number a band read alone. Keeps the sizes it read."""

    name = "ink"

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        with self._lock:
            self.sizes.append(image.size)
        ink = np.asarray(image.convert("L")) < 128
        words: list[OcrWord] = []
        rows = np.nonzero(ink.any(axis=1))[0]
        if rows.size == 0:
            return words
        for number, line in enumerate(np.split(rows, np.nonzero(np.diff(rows) > 1)[0] + 1), 1):
            band = ink[line[0] : line[-1] + 1]
            columns = np.nonzero(band.any(axis=0))[0]
            for group in np.split(columns, np.nonzero(np.diff(columns) > 5)[0] + 1):
                inked = np.nonzero(band[:, group[0] : group[-1] + 1].any(axis=1))[0]
                box = Box(
                    int(group[0]),
                    int(line[0] + inked[0]),
                    int(group[-1] - group[0] + 1),
                    int(inked[-1] - inked[0] + 1),
                )
                words.append(OcrWord("word", box, 90.0, LineKey(1, 1, number), "eng"))
        return words


def text_page(text_px: int = 10) -> Image.Image:
    """About 1.9 MP: eight paragraphs of three lines of small 'words'."""
    rows = paragraphs(count=8, lines=3, text_px=text_px, line_gap=6, paragraph_gap=60)
    ink = ink_lines(rows[-1][0] + 80, 2000, rows)
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L")


def boxes(words: list[OcrWord]) -> list[Box]:
    return sorted((w.box for w in words), key=lambda b: (b.y, b.x))


@pytest.mark.parametrize("mode", ["fast", "thorough"])
def test_given_bands_then_words_come_back_where_a_whole_page_read_puts_them(mode: ocr.OcrMode) -> None:
    page = text_page()
    whole_engine, banded_engine = InkOcr(), InkOcr()
    whole = ocr.read_page(whole_engine, page, EN, mode, workers=1)
    banded = ocr.read_page(banded_engine, page, EN, mode, workers=3)
    assert all(size[1] >= page.height for size in whole_engine.sizes)
    assert any(size[1] < page.height for size in banded_engine.sizes), "the page was not cut"
    assert len(banded) == len(whole) > 0
    assert boxes(banded) == boxes(whole)


def test_given_bands_then_no_line_of_one_band_joins_a_line_of_another() -> None:
    page = text_page()
    words = ocr.read_page(InkOcr(), page, EN, "fast", workers=3)
    tops: dict[LineKey, set[int]] = {w.line: set() for w in words}
    for w in words:
        tops[w.line].add(w.box.y)
    assert all(len(ys) == 1 for ys in tops.values()), "words of different lines share a line key"
    blocks = sorted({w.line.block for w in words})
    assert len(blocks) >= 2
    # The blocks follow the page down: a later block never starts above an earlier one.
    starts = [min(w.box.y for w in words if w.line.block == b) for b in blocks]
    assert starts == sorted(starts)


class FailingOcr(InkOcr):
    """Fails in the bands read by the pool, or in the one the caller reads."""

    def __init__(self, fail_in_pool: bool) -> None:
        super().__init__()
        self.fail_in_pool = fail_in_pool

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        in_pool = threading.current_thread() is not threading.main_thread()
        if in_pool == self.fail_in_pool:
            raise RuntimeError("band failed")
        return super().read(image, languages)


@pytest.mark.parametrize("fail_in_pool", [True, False])
def test_given_a_band_fails_then_the_page_fails(fail_in_pool: bool) -> None:
    with pytest.raises(RuntimeError, match="band failed"):
        ocr.read_page(FailingOcr(fail_in_pool), text_page(), EN, "fast", workers=2)


def test_given_a_small_page_then_it_is_read_whole() -> None:
    engine = InkOcr()
    page = text_page().crop((0, 0, 600, 700))
    ocr.read_page(engine, page, EN, "fast", workers=4)
    assert engine.sizes == [page.size]


def test_given_ocr_threads_in_the_environment_then_settings_carry_them() -> None:
    assert CoreSettings.from_env({"IMAGE_ANONYMIZER_OCR_THREADS": "3"}).ocr_threads == 3
    assert CoreSettings.from_env({}).ocr_threads == available_cpus()
    with pytest.raises(ValueError, match="IMAGE_ANONYMIZER_OCR_THREADS"):
        CoreSettings.from_env({"IMAGE_ANONYMIZER_OCR_THREADS": "0"})
