from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
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


def event_builder() -> ModuleType:
    """``events/build_events.py``, which builds the API Gateway events of ``events/``."""
    spec = importlib.util.spec_from_file_location("build_events", EVENTS / "build_events.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def header(response: dict[str, Any], name: str) -> str | None:
    """A Lambda proxy answer's header, from ``headers`` or ``multiValueHeaders``, case-insensitively."""
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return str(value)
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower():
            return ",".join(values)
    return None


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dummy credentials and region, no endpoint override: boto3 clients made inside
    talk to moto's in-process mock, never to AWS."""
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield
