from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from image_anonymizer.service import ImageAnonymizer

EVENTS = Path(__file__).resolve().parent.parent / "events"


@pytest.fixture(scope="session")
def anonymizer() -> ImageAnonymizer:
    """The real thing: tesserocr, Debian's tessdata and the pinned spaCy model."""
    service = ImageAnonymizer()
    service.warm_up()
    return service


def load_event(name: str) -> dict[str, Any]:
    """A real event payload from events/, as API Gateway, S3 or SQS sends it."""
    data: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return data
