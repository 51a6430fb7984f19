"""Reading a page as a person would: the page flattened to dark text on white
(``preprocessing``), read by Tesseract in one pass (fast mode) or, in thorough mode,
also enlarged where the text is small and by RapidOCR where Tesseract struggled
(``passes``, ``regions``), a large page in bands read at once (``bands``). The engines
live in ``engines``; this package's surface is what the rest of the core calls."""

from __future__ import annotations

# The private names imported here are read by the tests of thorough mode and of the bands.
from image_anonymizer.core.ocr.engines import (
    OcrEngine,
    PytesseractEngine,
    RapidOcrEngine,
    TesserocrEngine,
    build_engine,
    parse_tsv,
)
from image_anonymizer.core.ocr.engines import _line_keys as _line_keys
from image_anonymizer.core.ocr.passes import _BAND_INK_LEVEL as _BAND_INK_LEVEL
from image_anonymizer.core.ocr.passes import OCR_MODES, OcrMode, read_page
from image_anonymizer.core.ocr.passes import _bands as _bands
from image_anonymizer.core.ocr.preprocessing import _flatten as _flatten
from image_anonymizer.core.ocr.preprocessing import prepare_for_ocr
from image_anonymizer.core.ocr.regions import SMALL_WORD_PX, struggled_regions
from image_anonymizer.core.ocr.regions import _sure as _sure

__all__ = [
    "OCR_MODES",
    "SMALL_WORD_PX",
    "OcrEngine",
    "OcrMode",
    "PytesseractEngine",
    "RapidOcrEngine",
    "TesserocrEngine",
    "build_engine",
    "parse_tsv",
    "prepare_for_ocr",
    "read_page",
    "struggled_regions",
]
