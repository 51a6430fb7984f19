"""Verification of faces and codes, with fakes: a code that still decodes on the
redacted page, or a face still found there, is covered in another pass, and the
request fails closed when one is still found after the last."""

from __future__ import annotations

import pytest
from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import service as service_module
from image_anonymizer.core.model import Box
from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.core.verification import MAX_PASSES
from image_anonymizer.core.visual import DecodedCode
from image_anonymizer.errors import VerificationFailed
from tests.fakes import FakeDetector, FakeOcr
from tests.rendering import coverage, decode, encode


@pytest.fixture(autouse=True)
def languages_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_module, "require_installed", lambda spec, folder: None)


PNG = encode(Image.new("RGB", (400, 300), "white"), "PNG")
RED = (255, 0, 0)


class ScriptedReader:
    """Reads, call after call, the codes of its script (the last entry once it runs out)."""

    def __init__(self, *script: list[DecodedCode]) -> None:
        self.script = script
        self.calls = 0

    def read(self, page: Image.Image) -> list[DecodedCode]:
        self.calls += 1
        return list(self.script[min(self.calls, len(self.script)) - 1])


class ScriptedFaces:
    def __init__(self, *script: list[Box]) -> None:
        self.script = script
        self.calls = 0

    def detect(self, page: Image.Image) -> list[Box]:
        self.calls += 1
        return list(self.script[min(self.calls, len(self.script)) - 1])


def make(reader: ScriptedReader, faces: ScriptedFaces | None = None) -> ImageAnonymizer:
    return ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=FakeOcr(),
        detector=FakeDetector(),
        second_ocr_engine=FakeOcr(),
        code_reader=reader,
        face_detector=faces or ScriptedFaces([]),
    )


def code(x: int, y: int) -> DecodedCode:
    return DecodedCode("QR Code", Box(x, y, 60, 60), "not looked at under codes=all")


OPTIONS = Options.parse(codes="all", verify="true", fill_color="red", ocr_mode="fast")


def test_given_a_code_found_again_outside_the_paint_then_a_second_pass_covers_it() -> None:
    reader = ScriptedReader([code(10, 10)], [code(10, 10), code(200, 150)], [code(10, 10)])
    result = make(reader).redact(PNG, OPTIONS)
    image = decode(result.image)
    assert coverage(image, (10, 10, 70, 70), RED) == 1.0
    assert coverage(image, (200, 150, 260, 210), RED) == 1.0
    verification = result.analysis.verification
    assert (verification.status, verification.added, verification.passes) == ("covered", 1, 2)
    added = [e for e in result.analysis.to_dict()["entities"] if e["bbox"]["x"] == 200]
    assert [(e["entity_type"], e["source"]) for e in added] == [("CODE", "code")]


def test_given_a_code_that_keeps_decoding_then_verification_fails_closed() -> None:
    moving = [[code(10 + 20 * i, 10)] for i in range(MAX_PASSES + 3)]
    with pytest.raises(VerificationFailed):
        make(ScriptedReader(*moving)).redact(PNG, OPTIONS)


def test_given_a_face_still_found_beside_its_paint_then_it_is_covered_again() -> None:
    faces = ScriptedFaces([Box(100, 100, 60, 60)], [Box(150, 100, 60, 60)], [])
    result = make(ScriptedReader([]), faces).redact(PNG, OPTIONS)
    assert result.analysis.verification.added == 1
    assert {e["entity_type"] for e in result.analysis.to_dict()["entities"]} == {"FACE"}


def test_given_no_face_nor_code_on_the_page_then_verification_does_not_search_again() -> None:
    reader, faces = ScriptedReader([]), ScriptedFaces([])
    result = make(reader, faces).redact(PNG, OPTIONS)
    assert result.analysis.verification.status == "clean"
    assert (reader.calls, faces.calls) == (1, 1)
