"""The redact-and-store use case over its Store port: what it writes, and the one
error record every entry point leaves beside an image it set aside."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core.detection import Detection
from image_anonymizer.core.model import Box, LineKey, OcrWord
from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.errors import UnprocessableImage
from image_anonymizer.storage.stores import FolderStore
from image_anonymizer.usecases.redact_and_store import RedactAndStore
from tests.fakes import FakeDetector, FakeOcr
from tests.rendering import decode, encode

WORDS = [OcrWord("jo@example.com", Box(10, 10, 140, 20), 91.0, LineKey(1, 1, 1), "eng")]
PNG = encode(Image.new("RGB", (300, 60), "white"), "PNG")


class MemoryStore:
    def __init__(self) -> None:
        self.blobs: dict[str, tuple[bytes, str | None]] = {}

    def write(self, name: str, data: bytes, content_type: str | None = None) -> None:
        self.blobs[name] = (data, content_type)

    def remove(self, name: str) -> None:
        del self.blobs[name]


def redactor(store: MemoryStore | FolderStore) -> RedactAndStore:
    service = ImageAnonymizer(
        CoreSettings.from_env({}),  # the installed tessdata: English is there
        ocr_engine=FakeOcr(WORDS),
        detector=FakeDetector([Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")]),
    )
    return RedactAndStore(service, store)


def test_given_a_redaction_then_the_copy_and_its_textless_findings_are_stored() -> None:
    store = MemoryStore()
    use_case = redactor(store)
    stored = use_case.store(use_case.redact(PNG, Options.parse(language="en", verify="false")), "out/a.png")
    image, content_type = store.blobs["out/a.png"]
    assert content_type == "image/png" and decode(image).getpixel((12, 12)) == (0, 0, 0)
    findings = json.loads(store.blobs["out/a.png.json"][0])
    assert findings["entity_counts"] == {"EMAIL_ADDRESS": 1} and "jo@example.com" not in json.dumps(findings)
    assert stored.findings == "out/a.png.json" and sorted(store.blobs) == ["out/a.png", "out/a.png.json"]


def test_given_an_image_set_aside_then_both_stores_write_the_one_error_record(tmp_path: Path) -> None:
    memory = MemoryStore()
    error = UnprocessableImage("The image is truncated.")
    redactor(memory).set_aside("failed/a.png", b"original", error, "drop/a.png", job_id="j1")
    assert memory.blobs["failed/a.png"] == (b"original", None)
    record = json.loads(memory.blobs["failed/a.png.error.json"][0])
    assert record == {
        "error": "unprocessable_image",
        "message": "The image is truncated.",
        "source": "drop/a.png",
        "job_id": "j1",
    }
    redactor(FolderStore(tmp_path)).set_aside("failed/a.png", None, None, "a.png")
    on_disk = json.loads((tmp_path / "failed" / "a.png.error.json").read_text())
    assert on_disk == {
        "error": "internal_error",
        "message": "The image could not be processed.",
        "source": "a.png",
    }
    assert not (tmp_path / "failed" / "a.png").exists(), "no data: the original stays where it is"
