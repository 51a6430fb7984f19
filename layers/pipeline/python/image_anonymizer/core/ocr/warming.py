"""An OCR engine warmed up in a background thread, so that a cold start need not wait
for a model that the first request may not need."""

from __future__ import annotations

import threading

from PIL import Image

from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import OcrWord
from image_anonymizer.core.ocr import OcrEngine


class WarmingEngine:
    """``engine``, whose first reading (the one that loads its models) runs now, in a
    thread of its own (not a daemon: an exit waits for it rather than interrupting a
    native library half-way through loading).

    ``read`` waits for that reading to finish. If it failed, the failure is raised to
    the first ``read`` (fail closed: a request that needs the engine gets an error,
    never an answer without it); later reads then call the engine itself, which loads
    its models on first use.
    """

    def __init__(self, engine: OcrEngine, sample: Image.Image, languages: LanguageSpec) -> None:
        self.name = engine.name
        self.engine = engine
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._warm, args=(sample, languages), name=f"warm-{engine.name}"
        )
        self._thread.start()

    def _warm(self, sample: Image.Image, languages: LanguageSpec) -> None:
        try:
            self.engine.read(sample, languages)
        except BaseException as error:  # noqa: BLE001 - handed to the first reader
            self._error = error
        finally:
            self._ready.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the warm-up is over; whether it is."""
        return self._ready.wait(timeout)

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        self._ready.wait()
        with self._lock:
            error, self._error = self._error, None
        if error is not None:
            raise RuntimeError(f"{self.name} failed to load") from error
        return self.engine.read(image, languages)
