"""Benchmark worker for OUR redactor; runs in the project's venv (see workerlib).

--ocr-mode thorough|fast   the option every image is redacted with (default thorough)
"""

from __future__ import annotations

import argparse
from typing import Any

import workerlib


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ocr-mode", choices=("thorough", "fast"), default="thorough")


def setup(ocr_mode: str) -> workerlib.Redact:
    from image_anonymizer.core.service import ImageAnonymizer, Options

    options = Options.parse(fill_color="black", ocr_mode=ocr_mode)
    anonymizer = ImageAnonymizer()
    anonymizer.warm_up(options.ocr_mode)

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
    args = workerlib.arguments(configure)
    workerlib.block_network()
    workerlib.run(args, lambda: setup(args.ocr_mode), is_expected)
