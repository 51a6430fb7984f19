"""Benchmark worker for OUR redactor; runs in the project's venv (see workerlib)."""

from __future__ import annotations

from typing import Any

import workerlib


def setup() -> workerlib.Redact:
    from image_anonymizer.service import ImageAnonymizer, Options

    anonymizer = ImageAnonymizer()
    anonymizer.warm_up()
    options = Options.parse(fill_color="black")

    def redact(data: bytes) -> tuple[bytes, dict[str, Any]]:
        result = anonymizer.redact(data, options)
        analysis = result.analysis.to_dict()
        return result.image, {
            "found": [
                {"entity_type": e["entity_type"], "text": e["text"], "score": e["score"], "page": e["page"]}
                for e in analysis["entities"]
            ],
            "ocr_text": analysis["ocr_text"],
        }

    return redact


def is_expected(error: BaseException) -> bool:
    from image_anonymizer.errors import AnonymizerError, ProcessingFailed

    return isinstance(error, AnonymizerError) and not isinstance(error, ProcessingFailed)


if __name__ == "__main__":
    args = workerlib.arguments()
    workerlib.block_network()
    workerlib.run(args, setup, is_expected)
