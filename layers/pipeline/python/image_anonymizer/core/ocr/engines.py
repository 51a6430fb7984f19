"""The OCR engines behind one small interface: Tesseract through tesserocr
(in-process, the default) or pytesseract (the ``tesseract`` command), both read as
Tesseract TSV; and RapidOCR (PP-OCR models run by onnxruntime, shipped inside its
wheel), the second engine that thorough mode runs where Tesseract struggled."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

# The settings module limits OpenMP's threads before Tesseract loads (see config).
from image_anonymizer.config import available_cpus
from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import Box, LineKey, OcrWord

_WORD_LEVEL = "5"


class OcrEngine(Protocol):
    """Reads a greyscale page into words with pixel boxes and confidences."""

    name: str

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]: ...


def parse_tsv(tsv: str, language: str, has_header: bool) -> list[OcrWord]:
    """Tesseract's TSV (level, page, block, par, line, word, left, top, width, height, conf, text)."""
    words: list[OcrWord] = []
    lines = tsv.splitlines()
    for row in lines[1:] if has_header else lines:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != _WORD_LEVEL:
            continue
        text = cells[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        words.append(
            OcrWord(
                text=text,
                box=Box(left, top, width, height),
                confidence=max(0.0, float(cells[10])),
                line=LineKey(int(cells[2]), int(cells[3]), int(cells[4])),
                language=language,
            )
        )
    return words


class TesserocrEngine:
    """In-process Tesseract. One API object per thread and language set, built once."""

    name = "tesserocr"

    def __init__(self, tessdata_dir: str) -> None:
        self._tessdata_dir = tessdata_dir
        self._local = threading.local()

    def _api(self, languages: LanguageSpec) -> object:
        import tesserocr

        apis: dict[str, object] = self._local.__dict__.setdefault("apis", {})
        key = languages.tesseract_string
        if key not in apis:
            apis[key] = tesserocr.PyTessBaseAPI(
                path=self._tessdata_dir.rstrip("/") + "/", lang=key, psm=tesserocr.PSM.AUTO
            )
        return apis[key]

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        api = self._api(languages)
        api.SetImage(image)  # type: ignore[attr-defined]
        api.Recognize()  # type: ignore[attr-defined]
        tsv = api.GetTSVText(0)  # type: ignore[attr-defined]
        api.Clear()  # type: ignore[attr-defined]
        return parse_tsv(tsv, languages.tesseract_string, has_header=False)


class PytesseractEngine:
    """The ``tesseract`` command through pytesseract: the alternative engine."""

    name = "pytesseract"

    def __init__(self, tessdata_dir: str) -> None:
        self._tessdata_dir = tessdata_dir

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        import pytesseract

        tsv = pytesseract.image_to_data(
            image,
            lang=languages.tesseract_string,
            config=f'--psm 3 --tessdata-dir "{self._tessdata_dir}"',
        )
        return parse_tsv(tsv, languages.tesseract_string, has_header=True)


class RapidOcrEngine:
    """RapidOCR: a text detector and a recogniser (PP-OCR, ONNX), with word boxes.

    Built once; the models load on the first read (``warm_up`` at cold start). The
    model files are named explicitly, from the wheel, so RapidOCR's downloader never
    runs. Each detected text line becomes one line; lines stacked closely one above
    the other, overlapping horizontally, form a block (one paragraph), so that a
    column of lines is read as a person would, and two columns stay apart.
    """

    name = "rapidocr"

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._engine: Any = None
        self._lock = threading.Lock()

    def _ocr(self) -> Any:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._build()
        return self._engine

    def _build(self) -> Any:
        import rapidocr

        models = Path(rapidocr.__file__).resolve().parent / "models"
        params = {
            "Global.use_cls": False,  # upright text only; the classifier costs time
            "Global.return_word_box": True,
            "Global.log_level": "error",
            "Global.max_side_len": 4096,  # read crops as they are: no shrinking ...
            "Global.min_side_len": 16,
            "Det.limit_type": "max",  # ... and no enlarging to 736 px
            "Det.limit_side_len": 2560,
            "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
            "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
            # No more threads than OCR may use, so that concurrent requests (or the
            # machine's other work) are not oversubscribed.
            "EngineConfig.onnxruntime.intra_op_num_threads": self._threads or available_cpus(),
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        return rapidocr.RapidOCR(params=params)

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        if image.width < 8 or image.height < 8:
            return []
        result = self._ocr()(np.asarray(image.convert("L") if image.mode != "RGB" else image))
        txts = getattr(result, "txts", None)
        boxes = getattr(result, "boxes", None)
        if not txts or boxes is None:
            return []
        lines = [_polygon_box(polygon) for polygon in boxes]
        word_lines = getattr(result, "word_results", ()) or ()
        words: list[tuple[int, str, float, Box]] = []
        for item in word_lines:
            for text, score, polygon in item:
                if polygon is None or not str(text).strip():
                    continue
                box = _polygon_box(polygon)
                words.append((_line_of(box, lines), str(text).strip(), float(score), box))
        keys = _line_keys(lines)
        language = languages.tesseract_string
        ordered = sorted(words, key=lambda w: (keys[w[0]].block, keys[w[0]].line, w[3].x))
        return [
            OcrWord(text, box, round(100.0 * max(0.0, min(1.0, score)), 1), keys[line], language)
            for line, text, score, box in ordered
        ]


def _polygon_box(polygon: Any) -> Box:
    points = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    left, top = int(np.floor(points[:, 0].min())), int(np.floor(points[:, 1].min()))
    right, bottom = int(np.ceil(points[:, 0].max())), int(np.ceil(points[:, 1].max()))
    return Box(max(0, left), max(0, top), max(1, right - max(0, left)), max(1, bottom - max(0, top)))


def _line_of(word: Box, lines: list[Box]) -> int:
    """The text line that holds most of the word (RapidOCR's word lists need not
    line up with its lines one to one)."""
    best, best_area = 0, -1
    for index, line in enumerate(lines):
        width = min(word.right, line.right) - max(word.x, line.x)
        height = min(word.bottom, line.bottom) - max(word.y, line.y)
        area = max(0, width) * max(0, height)
        if area > best_area:
            best, best_area = index, area
    return best


def _line_keys(lines: list[Box]) -> list[LineKey]:
    """Lines top to bottom; a line joins the block of the line just above it when it
    starts within a line's height below it and the two overlap horizontally."""
    order = sorted(range(len(lines)), key=lambda i: (lines[i].y, lines[i].x))
    keys: list[LineKey] = [LineKey(0, 0, 0)] * len(lines)
    blocks: list[list[int]] = []
    for index in order:
        line = lines[index]
        home = None
        for block in blocks:
            last = lines[block[-1]]
            gap = line.y - last.bottom  # detected boxes may overlap a little
            close = -min(line.height, last.height) // 2 <= gap <= max(line.height, last.height)
            overlapping = line.x < last.right and last.x < line.right
            if close and overlapping:
                home = block
                break
        if home is None:
            blocks.append([index])
        else:
            home.append(index)
    for number, block in enumerate(sorted(blocks, key=lambda b: (lines[b[0]].y, lines[b[0]].x)), 1):
        for position, index in enumerate(block, 1):
            keys[index] = LineKey(number, 1, position)
    return keys


def build_engine(name: str, tessdata_dir: str) -> OcrEngine:
    if name == "pytesseract":
        return PytesseractEngine(tessdata_dir)
    return TesserocrEngine(tessdata_dir)
