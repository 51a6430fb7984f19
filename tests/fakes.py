"""Fakes shared by the tests: an OCR engine and a detector that fit the service's
protocols, and the "fail on the Nth call" wrapper."""

from __future__ import annotations

from typing import Any

from PIL import Image

from image_anonymizer.core.catalogue import ENTITY_CATALOGUE
from image_anonymizer.core.detection import Detection
from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import OcrWord


class FakeOcr:
    """Reads the same words on every page (or raises ``error``); counts its readings."""

    name = "fake"

    def __init__(self, words: list[OcrWord] | None = None, error: Exception | None = None) -> None:
        self.words = words or []
        self.error = error
        self.calls = 0

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        self.calls += 1
        if self.error:
            raise self.error
        return self.words


class FakeDetector:
    """Finds ``detections`` in any text; supports ``supported`` (default: every type)."""

    def __init__(
        self, detections: list[Detection] | None = None, supported: frozenset[str] | None = None
    ) -> None:
        self.detections = detections or []
        self.supported = ENTITY_CATALOGUE.keys() if supported is None else supported
        self.calls = 0

    def warm_up(self, language: str = "en") -> None:
        return None

    def mode(self, language: str) -> str:
        return "fake"

    def planned_mode(self, language: str) -> str:
        return "fake"

    def supported_entities(self, language: str) -> frozenset[str]:
        return frozenset(self.supported)

    def detect(
        self,
        text: str,
        language: str,
        entities: frozenset[str] | None = None,
        score_threshold: float = 0.0,
    ) -> list[Detection]:
        self.calls += 1
        return list(self.detections)


class FailOnCall:
    """Wraps an OCR engine or a detector and raises ``error`` on its ``fail_on``-th call
    of ``method`` (``read`` or ``detect``) and, with ``and_after``, on every later one;
    counts the calls. Everything else is the wrapped object's."""

    def __init__(
        self,
        wrapped: Any,
        fail_on: int,
        error: Exception | None = None,
        method: str = "read",
        and_after: bool = False,
    ) -> None:
        self.wrapped = wrapped
        self.fail_on = fail_on
        self.error = error or RuntimeError("crashed")
        self.method = method
        self.and_after = and_after
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        if name == self.method:
            return self._call
        return getattr(self.wrapped, name)

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.fail_on or (self.and_after and self.calls > self.fail_on):
            raise self.error
        return getattr(self.wrapped, self.method)(*args, **kwargs)
