from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from image_anonymizer.core.service import ImageAnonymizer

if TYPE_CHECKING:
    from image_anonymizer.entrypoints.http.api import Api

EVENTS = Path(__file__).resolve().parent.parent / "events"


@functools.cache
def real_anonymizer() -> ImageAnonymizer:
    """The real thing: tesserocr, Debian's tessdata and the pinned spaCy model, built
    and warmed up once for the whole run."""
    service = ImageAnonymizer()
    service.warm_up()
    return service


@functools.cache
def real_api() -> Api:
    """The HTTP API as ``bootstrap`` builds it from the environment, over the shared
    service; built once for the whole run."""
    from image_anonymizer.bootstrap import build_api
    from image_anonymizer.config import Settings

    return build_api(Settings.from_env(), anonymizer=real_anonymizer())


@pytest.fixture(scope="session")
def anonymizer() -> ImageAnonymizer:
    """The real service (see ``real_anonymizer``)."""
    return real_anonymizer()


def load_event(name: str) -> dict[str, Any]:
    """A real event payload from events/, as API Gateway, S3 or SQS sends it."""
    data: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return data
