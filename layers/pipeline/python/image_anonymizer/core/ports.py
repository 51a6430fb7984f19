"""The collaborators the service is given, as protocols: the real ones and the tests'
fakes both fit them, so neither needs the other."""

from __future__ import annotations

from typing import Protocol

from image_anonymizer.core.detection.findings import Detection


class Detector(Protocol):
    """Finds entities in text (``detection.PresidioDetector`` is the real one)."""

    def warm_up(self, language: str = "en") -> None: ...

    def mode(self, language: str) -> str:
        """``ner`` or ``patterns``: how names are found in ``language``."""
        ...

    def planned_mode(self, language: str) -> str:
        """What ``mode`` will be, without building anything."""
        ...

    def supported_entities(self, language: str) -> frozenset[str]: ...

    def detect(
        self,
        text: str,
        language: str,
        entities: frozenset[str] | None = None,
        score_threshold: float = ...,
    ) -> list[Detection]: ...
