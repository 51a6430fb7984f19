"""Cold start: thorough mode's second engine loads in the background, and a request
waits for it only when it needs it; a failed load fails that request, not silently."""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import service as service_module
from image_anonymizer.core.languages import LanguageSpec, parse_language
from image_anonymizer.core.model import OcrWord
from image_anonymizer.core.ocr.warming import WarmingEngine
from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.errors import ProcessingFailed
from tests.fakes import FakeDetector, FakeOcr
from tests.rendering import encode, render, tokens

BLANK = encode(Image.new("RGB", (300, 60), "white"), "PNG")
TEXT = encode(render([tokens("Call Ana Silva on 0151 496 0000")], size=(900, 120))[0], "PNG")


class SlowToLoad:
    """A second engine whose first reading (its load) blocks until ``release`` is set,
    then fails if asked to."""

    name = "slow"

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.fail = fail
        self.reads = 0

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        self.reads += 1
        if self.reads == 1:
            assert self.release.wait(10), "the test never released the load"
            if self.fail:
                raise MemoryError("model too large")
        return []


@pytest.fixture(autouse=True)
def languages_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_module, "require_installed", lambda spec, folder: None)


def make(second: SlowToLoad) -> ImageAnonymizer:
    return ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=FakeOcr(),
        detector=FakeDetector(),
        second_ocr_engine=second,
    )


def test_given_thorough_warm_up_then_it_returns_before_the_second_engine_has_loaded() -> None:
    second = SlowToLoad()
    anonymizer = make(second)
    anonymizer.warm_up("thorough")
    engine = anonymizer.second_ocr_engine
    assert isinstance(engine, WarmingEngine)
    assert not engine.wait(0.05), "still loading: warm_up did not wait for it"
    # A page with no ink Tesseract struggled with never needs the second engine.
    assert anonymizer.redact(BLANK, Options.parse()).analysis.verification.clean is True
    second.release.set()
    assert engine.wait(5)
    anonymizer.analyze(TEXT, Options.parse())
    assert second.reads == 2, "the load, then the request's reading"


def test_given_a_request_needing_the_second_engine_then_it_waits_for_the_load() -> None:
    second = SlowToLoad()
    anonymizer = make(second)
    anonymizer.warm_up("thorough")
    threading.Timer(0.2, second.release.set).start()
    anonymizer.analyze(TEXT, Options.parse())
    assert second.reads == 2


def test_given_the_background_load_fails_then_the_request_needing_it_fails_closed() -> None:
    second = SlowToLoad(fail=True)
    anonymizer = make(second)
    anonymizer.warm_up("thorough")
    second.release.set()
    with pytest.raises(ProcessingFailed) as raised:
        anonymizer.redact(TEXT, Options.parse())
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert isinstance(raised.value.__cause__.__cause__, MemoryError)
    # Raised once; the next request's reading goes to the engine itself.
    anonymizer.analyze(TEXT, Options.parse())
    assert second.reads == 2


def test_given_fast_warm_up_then_the_second_engine_is_not_loaded() -> None:
    second = SlowToLoad()
    anonymizer = make(second)
    anonymizer.warm_up("fast")
    assert anonymizer.second_ocr_engine is second and second.reads == 0


def test_given_warm_up_twice_then_one_background_load() -> None:
    second = SlowToLoad()
    second.release.set()
    anonymizer = make(second)
    anonymizer.warm_up("thorough")
    first = anonymizer.second_ocr_engine
    anonymizer.warm_up("thorough")
    assert anonymizer.second_ocr_engine is first
    assert isinstance(first, WarmingEngine) and first.wait(5)
    assert second.reads == 1
    assert first.read(Image.new("L", (8, 8), 255), parse_language("en")) == []
