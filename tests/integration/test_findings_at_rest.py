"""What is written next to a result holds no text read from the image unless the caller
asked for it: the worker's findings JSON (results/…, redacted/…) and what findings_url
serves, the drop folder's <name>.json, the CLI's --findings. moto in-process, the service
with a fake OCR engine and detector (no Tesseract, no model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
import pytest
from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import service as service_module
from image_anonymizer.core.detection import Detection
from image_anonymizer.core.model import Box, LineKey, OcrWord
from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.entrypoints import cli
from image_anonymizer.entrypoints.drop_folder import DropFolder
from image_anonymizer.entrypoints.http.uploads import UploadService
from image_anonymizer.entrypoints.worker.messages import ObjectRequest
from image_anonymizer.entrypoints.worker.object_worker import ObjectWorker
from image_anonymizer.storage.jobs import JobStore
from tests.fakes import FakeDetector, FakeOcr
from tests.rendering import encode

BUCKET = "findings-at-rest"
EMAIL, PHONE = "jo@example.com", "415-555-0132"
SECRETS = (EMAIL, "example.com", PHONE, "555-0132")
PNG = encode(Image.new("RGB", (400, 60), "white"), "PNG")


WORDS = [
    OcrWord(EMAIL, Box(10, 10, 140, 20), 91.0, LineKey(1, 1, 1), "eng"),
    OcrWord(PHONE, Box(170, 10, 130, 20), 93.0, LineKey(1, 1, 1), "eng"),
]


class PageDetector(FakeDetector):
    """Finds the email and the phone of the fake page, in its text only."""

    def detect(
        self,
        text: str,
        language: str,
        entities: frozenset[str] | None = None,
        score_threshold: float = 0.0,
    ) -> list[Detection]:
        found = []
        for kind, value in (("EMAIL_ADDRESS", EMAIL), ("PHONE_NUMBER", PHONE)):
            start = text.find(value)
            if start >= 0:
                found.append(Detection(kind, start, start + len(value), 0.9, "fake"))
        return found


class Quiet:
    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        assert not any(secret in json.dumps(detail) for secret in SECRETS)


@pytest.fixture
def fake_service(monkeypatch: pytest.MonkeyPatch) -> ImageAnonymizer:
    monkeypatch.setattr(service_module, "require_installed", lambda spec, folder: None)
    return ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=FakeOcr(WORDS),
        detector=PageDetector(),
    )


@pytest.fixture
def s3(fake_aws: None) -> Any:
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def assert_no_text(findings: dict[str, Any]) -> None:
    assert "ocr_text" not in findings
    assert findings["entities"] and all("text" not in e for e in findings["entities"])
    dumped = json.dumps(findings)
    for secret in SECRETS:
        assert secret not in dumped, f"{secret!r} stored at rest"
    assert findings["entity_counts"] == {"EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1}
    assert all(e["boxes"] and e["score"] and e["page"] == 0 for e in findings["entities"])


def stored(s3: Any, key: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    return data


def worker(service: ImageAnonymizer, s3: Any, jobs: JobStore | None = None) -> ObjectWorker:
    return ObjectWorker(service, s3, Quiet(), jobs=jobs)  # type: ignore[arg-type]


def test_given_a_drop_object_then_the_stored_findings_have_no_text(
    fake_service: ImageAnonymizer, s3: Any
) -> None:
    s3.put_object(Bucket=BUCKET, Key="drop/scan.png", Body=PNG)
    outcome = worker(fake_service, s3).process(ObjectRequest(BUCKET, "drop/scan.png"))
    assert outcome.status == "redacted" and outcome.findings_key == "redacted/scan.png.json"
    assert_no_text(stored(s3, "redacted/scan.png.json"))


@pytest.mark.parametrize(
    ("how", "metadata", "options"),
    [
        ("object metadata x-amz-meta-store-text", {"store-text": "true"}, {}),
        ("an integration message's option", {}, {"store_text": "True"}),
    ],
)
def test_given_store_text_asked_for_then_the_stored_findings_keep_the_text(
    fake_service: ImageAnonymizer, s3: Any, how: str, metadata: dict[str, str], options: dict[str, str]
) -> None:
    s3.put_object(Bucket=BUCKET, Key="drop/asked.png", Body=PNG, Metadata=metadata)
    worker(fake_service, s3).process(ObjectRequest(BUCKET, "drop/asked.png", options=options))
    findings = stored(s3, "redacted/asked.png.json")
    assert EMAIL in findings["ocr_text"], how
    assert sorted(e["text"] for e in findings["entities"]) == sorted([EMAIL, PHONE])


def test_given_an_integration_message_with_store_text_then_the_option_is_kept() -> None:
    from image_anonymizer.entrypoints.worker.messages import requests_from_message

    body = json.dumps({"bucket": BUCKET, "key": "drop/x.png", "options": {"store_text": True}})
    (request,) = requests_from_message(body)
    assert request.options == {"store_text": "True"}


def test_given_an_upload_job_then_results_and_findings_url_carry_no_text_unless_asked(
    fake_service: ImageAnonymizer, s3: Any
) -> None:
    import requests

    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    dynamodb.create_table(
        TableName="jobs",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "job_id", "AttributeType": "S"}],
    )
    jobs = JobStore(dynamodb, "jobs")
    uploads = UploadService(s3, jobs, BUCKET)
    plain = uploads.create("basic", "plain.png", {"ocr_mode": "fast"})["job_id"]
    asked = uploads.create("basic", "asked.png", {"ocr_mode": "fast", "store_text": "true"})["job_id"]
    for job_id, name in ((plain, "plain.png"), (asked, "asked.png")):
        s3.put_object(Bucket=BUCKET, Key=f"incoming/{job_id}/{name}", Body=PNG)
        outcome = worker(fake_service, s3, jobs).process(ObjectRequest(BUCKET, f"incoming/{job_id}/{name}"))
        assert outcome.status == "redacted"
    assert_no_text(stored(s3, f"results/{plain}/plain.png.json"))
    assert EMAIL in stored(s3, f"results/{asked}/asked.png.json")["ocr_text"]
    url = uploads.status(plain)["findings_url"]
    assert unquote(urlparse(url).path).endswith(f"results/{plain}/plain.png.json")
    served = requests.get(url, timeout=10)
    assert served.status_code == 200
    assert_no_text(served.json())


def test_given_the_drop_folder_then_name_json_has_no_text_unless_store_text(
    fake_service: ImageAnonymizer, tmp_path: Path
) -> None:
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    options = Options.parse(ocr_mode="fast")
    (inbox / "a.png").write_bytes(PNG)
    (result,) = DropFolder(inbox, outbox, fake_service, options).process_once()
    assert result.status == "redacted" and result.entities == 2
    assert_no_text(json.loads((outbox / "a.png.json").read_text()))
    (inbox / "b.png").write_bytes(PNG)
    DropFolder(inbox, outbox, fake_service, options, store_text=True).process_once()
    with_text = json.loads((outbox / "b.png.json").read_text())
    assert EMAIL in with_text["ocr_text"]


@pytest.mark.parametrize("flag", ["--findings", "--findings-with-text"])
def test_given_the_cli_findings_flags_then_text_only_with_findings_with_text(
    fake_service: ImageAnonymizer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    monkeypatch.setattr(service_module, "ImageAnonymizer", lambda: fake_service)
    (tmp_path / "scan.png").write_bytes(PNG)
    out = tmp_path / "out"
    assert cli.main(["redact", str(tmp_path / "scan.png"), "-o", str(out), "--ocr-mode", "fast", flag]) == 0
    findings = json.loads((out / "scan.png.json").read_text())
    if flag == "--findings":
        assert_no_text(findings)
    else:
        assert EMAIL in findings["ocr_text"] and {e["text"] for e in findings["entities"]} == {EMAIL, PHONE}
