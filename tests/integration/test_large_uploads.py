"""The large-upload flow against moto over real HTTP (ThreadedMotoServer on 127.0.0.1):
presigned POST → S3 notification → SQS → the worker's handler → results, job, event."""

from __future__ import annotations

import importlib
import json
import socket
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer
from PIL import Image

from image_anonymizer import schemas
from image_anonymizer.local_server import LocalContext, build_event
from tests.rendering import assert_redacted, decode, encode, render, tokens

BUCKET = "image-anonymizer-test"
EMAIL = "noor.haddad@example.com"
PHONE = "(415) 555-0132"
LINES = [tokens(f"Contact {EMAIL} today", [EMAIL]), tokens(f"Phone {PHONE} office", [PHONE])]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def aws() -> Iterator[dict[str, Any]]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    patch = pytest.MonkeyPatch()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "BUCKET_NAME": BUCKET,
        "JOBS_TABLE": "jobs",
        "IDEMPOTENCY_TABLE": "idempotency",
        "EVENT_BUS_NAME": "image-anonymizer",
    }.items():
        patch.setenv(name, value)
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    dynamodb, events = boto3.client("dynamodb"), boto3.client("events")
    s3.create_bucket(Bucket=BUCKET)
    queue_url = sqs.create_queue(QueueName="redaction-requests")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
                }
                for prefix in ("incoming/", "drop/")
            ]
        },
    )
    for table in ("jobs", "idempotency"):
        key = "job_id" if table == "jobs" else "id"
        dynamodb.create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        )
    events.create_event_bus(Name="image-anonymizer")
    tap_url = sqs.create_queue(QueueName="events-tap")["QueueUrl"]
    tap_arn = sqs.get_queue_attributes(QueueUrl=tap_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events.put_rule(
        Name="all-outcomes",
        EventBusName="image-anonymizer",
        EventPattern=json.dumps({"source": ["image-anonymizer"]}),
    )
    events.put_targets(
        Rule="all-outcomes", EventBusName="image-anonymizer", Targets=[{"Id": "tap", "Arn": tap_arn}]
    )
    sqs.purge_queue(QueueUrl=queue_url)  # the test event S3 sends when notifications are set
    yield {"s3": s3, "sqs": sqs, "queue_url": queue_url, "tap_url": tap_url, "endpoint": endpoint}
    patch.undo()
    server.stop()


@pytest.fixture(scope="module")
def worker(aws: dict[str, Any]) -> ModuleType:
    import image_anonymizer.queue_handler as module

    return importlib.reload(module)


@pytest.fixture(scope="module")
def api(aws: dict[str, Any]) -> ModuleType:
    from image_anonymizer import api as module
    from image_anonymizer.plans import PlanResolver

    patch = pytest.MonkeyPatch()
    patch.setattr(module, "uploads", module._build_uploads())
    patch.setattr(module, "plans", PlanResolver("business"))
    yield module
    patch.undo()


def sqs_batch(aws: dict[str, Any], expected: int) -> dict[str, Any]:
    """The real messages on the queue, shaped as Lambda's SQS event."""
    messages: list[dict[str, Any]] = []
    deadline = time.time() + 10
    while len(messages) < expected and time.time() < deadline:
        got = aws["sqs"].receive_message(
            QueueUrl=aws["queue_url"], MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]
        )
        messages += got.get("Messages", [])
    assert len(messages) == expected, f"expected {expected} messages, got {len(messages)}"
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:redaction-requests",
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


def tap_events(aws: dict[str, Any]) -> list[dict[str, Any]]:
    got = aws["sqs"].receive_message(QueueUrl=aws["tap_url"], MaxNumberOfMessages=10, WaitTimeSeconds=1)
    for message in got.get("Messages", []):
        aws["sqs"].delete_message(QueueUrl=aws["tap_url"], ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(m["Body"]) for m in got.get("Messages", [])]


def keys(aws: dict[str, Any], prefix: str) -> list[str]:
    return [o["Key"] for o in aws["s3"].list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def fifteen_megabyte_tiff() -> tuple[bytes, Image.Image, list]:
    image, words = render(LINES, size=(2600, 2000), font_size=36)
    data = encode(image, "TIFF", compression="raw")
    assert len(data) > 15_000_000
    return data, image, words


def test_given_a_15_mb_upload_then_the_worker_redacts_it_and_announces_it(
    aws: dict[str, Any], api: ModuleType, worker: ModuleType
) -> None:
    body = json.dumps(
        {"filename": "big scan.tiff", "fill_color": "red", "ocr_mode": "fast", "verify": True}
    ).encode()
    event = build_event("POST", "/uploads", {"content-type": "application/json"}, body, api_key_id="k")
    created = api.lambda_handler(event, LocalContext())
    assert created["statusCode"] == 201, created["body"]
    upload = json.loads(created["body"])
    assert upload["max_bytes"] == 20 * 1024 * 1024
    assert upload["options"]["ocr_mode"] == "fast"
    assert upload["options"]["verify"] == "true"
    data, image, words = fifteen_megabyte_tiff()
    posted = requests.post(
        upload["upload"]["url"],
        data={**upload["upload"]["fields"], "Content-Type": "image/tiff"},
        files={"file": ("big scan.tiff", data, "image/tiff")},
        timeout=60,
    )
    assert posted.status_code in (200, 204), posted.text
    batch = sqs_batch(aws, 1)
    result = worker.lambda_handler(batch, LocalContext())
    assert result == {"batchItemFailures": []}
    job_id = upload["job_id"]
    assert keys(aws, f"incoming/{job_id}/") == [], "the original is deleted after redaction"
    redacted = aws["s3"].get_object(Bucket=BUCKET, Key=f"results/{job_id}/big_scan.tiff")["Body"].read()
    assert_redacted(image, decode(redacted), words, (255, 0, 0))
    findings_key = f"results/{job_id}/big_scan.tiff.json"
    findings = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key=findings_key)["Body"].read())
    assert findings["ocr_mode"] == "fast", "the job's options reach the worker"
    assert findings["verification"]["performed"] is True, "verify reaches the worker too"
    status_event = build_event("GET", f"/jobs/{job_id}", {}, b"", api_key_id="k")
    status = json.loads(api.lambda_handler(status_event, LocalContext())["body"])
    assert status["status"] == "done" and status["entity_counts"]["EMAIL_ADDRESS"] == 1
    downloaded = requests.get(status["redacted_image_url"], timeout=30).content
    assert downloaded == redacted
    (announced,) = tap_events(aws)
    assert announced["detail-type"] == "Image Redacted"
    assert announced["detail"]["job_id"] == job_id and announced["detail"]["pages"] == 1
    assert announced["detail"]["verification"] == "clean"
    assert EMAIL not in json.dumps(announced) and "555-0132" not in json.dumps(announced)

    # At least once: the same batch again neither redoes nor re-announces the work.
    again = worker.lambda_handler(batch, LocalContext())
    assert again == {"batchItemFailures": []}
    assert tap_events(aws) == []


def test_given_drop_folder_keys_with_spaces_and_unicode_then_output_keeps_the_relative_key(
    aws: dict[str, Any], worker: ModuleType
) -> None:
    image, words = render(LINES, size=(1100, 240))
    key = "drop/Scans 2024/résumé copy+1.png"
    aws["s3"].put_object(Bucket=BUCKET, Key=key, Body=encode(image, "PNG"), Metadata={"fill-color": "blue"})
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    out = aws["s3"].get_object(Bucket=BUCKET, Key="redacted/Scans 2024/résumé copy+1.png")["Body"].read()
    assert_redacted(image, decode(out), words, (0, 0, 255))
    findings = json.loads(
        aws["s3"].get_object(Bucket=BUCKET, Key="redacted/Scans 2024/résumé copy+1.png.json")["Body"].read()
    )
    assert findings["entity_counts"]["PHONE_NUMBER"] == 1
    assert keys(aws, "drop/") == []
    assert [e["detail-type"] for e in tap_events(aws)] == ["Image Redacted"]


def test_given_list_options_in_object_metadata_then_the_worker_applies_them(
    aws: dict[str, Any], worker: ModuleType
) -> None:
    image, words = render(LINES, size=(1100, 240))
    metadata = {
        "exclude-entities": "PHONE_NUMBER",
        "deny-list": json.dumps(["OFFICE"]),
        "allow-list": json.dumps(["nobody@example.com"]),
    }
    key = "drop/lists.png"
    aws["s3"].put_object(Bucket=BUCKET, Key=key, Body=encode(image, "PNG"), Metadata=metadata)
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    out = aws["s3"].get_object(Bucket=BUCKET, Key="redacted/lists.png")["Body"].read()
    covered = {EMAIL, "office"}
    assert_redacted(image, decode(out), [type(w)(w.text, w.box, w.text in covered) for w in words])
    findings = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key="redacted/lists.png.json")["Body"].read())
    assert findings["entity_counts"] == {"DENY_LIST": 1, "EMAIL_ADDRESS": 1}
    (announced,) = tap_events(aws)
    assert announced["detail"]["entity_counts"] == {"DENY_LIST": 1, "EMAIL_ADDRESS": 1}
    assert "office" not in json.dumps(announced).lower()


def test_given_list_options_on_an_upload_then_the_job_keeps_them_and_the_worker_applies_them(
    aws: dict[str, Any], api: ModuleType, worker: ModuleType
) -> None:
    body = json.dumps(
        {
            "filename": "scan.png",
            "ocr_mode": "fast",
            "exclude_entities": ["EMAIL_ADDRESS"],
            "allow_list": ["Acme, Inc."],
            "deny_list": "Contact\ntoday",
        }
    ).encode()
    event = build_event("POST", "/uploads", {"content-type": "application/json"}, body, api_key_id="k")
    created = api.lambda_handler(event, LocalContext())
    assert created["statusCode"] == 201, created["body"]
    upload = json.loads(created["body"])
    assert upload["options"]["exclude_entities"] == "EMAIL_ADDRESS"
    assert json.loads(upload["options"]["allow_list"]) == ["Acme, Inc."]
    assert json.loads(upload["options"]["deny_list"]) == ["Contact", "today"]
    image, words = render(LINES, size=(1100, 240))
    posted = requests.post(
        upload["upload"]["url"],
        data={**upload["upload"]["fields"], "Content-Type": "image/png"},
        files={"file": ("scan.png", encode(image, "PNG"), "image/png")},
        timeout=60,
    )
    assert posted.status_code in (200, 204), posted.text
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    job_id = upload["job_id"]
    out = aws["s3"].get_object(Bucket=BUCKET, Key=f"results/{job_id}/scan.png")["Body"].read()
    covered = {"Contact", "today", *PHONE.split()}
    assert_redacted(image, decode(out), [type(w)(w.text, w.box, w.text in covered) for w in words])
    status_event = build_event("GET", f"/jobs/{job_id}", {}, b"", api_key_id="k")
    status = json.loads(api.lambda_handler(status_event, LocalContext())["body"])
    assert status["entity_counts"] == {"DENY_LIST": 2, "PHONE_NUMBER": 1}
    tap_events(aws)


def test_given_an_invalid_list_in_metadata_then_the_object_fails_with_the_reason(
    aws: dict[str, Any], worker: ModuleType
) -> None:
    image, _ = render(LINES, size=(600, 200))
    metadata = {"deny-list": json.dumps(["x" * 101])}
    aws["s3"].put_object(Bucket=BUCKET, Key="drop/long.png", Body=encode(image, "PNG"), Metadata=metadata)
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    reason = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key="failed/long.png.error.json")["Body"].read())
    assert reason["error"] == "invalid_request" and "deny_list" in reason["message"]
    assert [e["detail-type"] for e in tap_events(aws)] == ["Image Redaction Failed"]


def test_given_a_corrupt_image_then_it_is_moved_aside_with_its_reason_and_announced(
    aws: dict[str, Any], worker: ModuleType
) -> None:
    good = encode(render(LINES, size=(600, 200))[0], "PNG")
    aws["s3"].put_object(Bucket=BUCKET, Key="drop/broken.png", Body=good[: len(good) // 2])
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    assert (
        aws["s3"].get_object(Bucket=BUCKET, Key="failed/broken.png")["Body"].read() == good[: len(good) // 2]
    )
    reason = json.loads(
        aws["s3"].get_object(Bucket=BUCKET, Key="failed/broken.png.error.json")["Body"].read()
    )
    assert reason["error"] == "unprocessable_image"
    assert keys(aws, "drop/") == [] and keys(aws, "redacted/broken") == []
    (announced,) = tap_events(aws)
    assert announced["detail-type"] == "Image Redaction Failed"


def test_given_output_prefix_or_poison_messages_then_nothing_is_redacted_and_poison_is_reported(
    aws: dict[str, Any], worker: ModuleType
) -> None:
    aws["s3"].put_object(
        Bucket=BUCKET, Key="redacted/already.png", Body=encode(Image.new("RGB", (50, 50)), "PNG")
    )
    assert aws["sqs"].receive_message(QueueUrl=aws["queue_url"], WaitTimeSeconds=1).get("Messages") is None
    for body in (json.dumps({"bucket": BUCKET, "key": "redacted/already.png"}), "not json at all"):
        aws["sqs"].send_message(QueueUrl=aws["queue_url"], MessageBody=body)
    batch = sqs_batch(aws, 2)
    result = worker.lambda_handler(batch, LocalContext())
    poison = [r["messageId"] for r in batch["Records"] if r["body"] == "not json at all"]
    assert result == {"batchItemFailures": [{"itemIdentifier": poison[0]}]}
    assert keys(aws, "redacted/already.png") == ["redacted/already.png"]
    assert keys(aws, "redacted/redacted") == [] and tap_events(aws) == []


def test_given_an_integration_request_then_the_object_is_redacted_with_its_options(
    aws: dict[str, Any], worker: ModuleType
) -> None:
    image, _ = render(LINES, size=(1100, 240))
    aws["s3"].put_object(Bucket=BUCKET, Key="archive/form.jpg", Body=encode(image, "JPEG", quality=95))
    request = {
        "bucket": BUCKET,
        "key": "archive/form.jpg",
        "output_key": "redacted/archive/form.jpg",
        "options": {"entities": "EMAIL_ADDRESS", "ocr_mode": "fast"},
    }
    aws["sqs"].send_message(QueueUrl=aws["queue_url"], MessageBody=json.dumps(request))
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    findings = json.loads(
        aws["s3"].get_object(Bucket=BUCKET, Key="redacted/archive/form.jpg.json")["Body"].read()
    )
    assert set(findings["entity_counts"]) == {"EMAIL_ADDRESS"}
    assert findings["ocr_mode"] == "fast"
    assert findings["verification"]["status"] == "skipped", "fast mode does not verify by default"
    assert keys(aws, "archive/") == [], "originals are deleted unless KEEP_ORIGINALS or keep_original"
    tap_events(aws)


def test_given_uploads_without_a_bucket_then_501(api: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "uploads", None)
    event = build_event("POST", "/uploads", {"content-type": "application/json"}, b"{}")
    answer = api.lambda_handler(event, LocalContext())
    assert answer["statusCode"] == 501 and json.loads(answer["body"])["error"] == "not_configured"
    # Unlike a 500's, a 501's message is safe and says what the server lacks.
    assert "BUCKET_NAME" in json.loads(answer["body"])["message"]


def test_given_a_threshold_of_0_on_an_upload_then_the_job_keeps_0_and_the_answers_match_the_contract(
    aws: dict[str, Any], api: ModuleType
) -> None:
    body = json.dumps({"filename": "scan.png", "score_threshold": 0}).encode()
    event = build_event("POST", "/uploads", {"content-type": "application/json"}, body, api_key_id="k")
    created = api.lambda_handler(event, LocalContext())
    assert created["statusCode"] == 201, created["body"]
    upload = json.loads(created["body"])
    assert upload["options"]["score_threshold"] == "0.0", "0 is a threshold, not 'use the default'"
    schemas.UploadCreated.model_validate(upload)
    assert set(upload) <= set(schemas.UploadCreated.model_fields)
    status_event = build_event("GET", f"/jobs/{upload['job_id']}", {}, b"", api_key_id="k")
    status = json.loads(api.lambda_handler(status_event, LocalContext())["body"])
    schemas.JobStatus.model_validate(status)
    assert set(status) <= set(schemas.JobStatus.model_fields)
    assert status["status"] == "pending" and status["options"]["score_threshold"] == "0.0"


def test_given_unknown_job_then_404(api: ModuleType) -> None:
    answer = api.lambda_handler(build_event("GET", "/jobs/" + "0" * 32, {}, b""), LocalContext())
    assert answer["statusCode"] == 404


def test_given_an_unexpected_failure_then_the_message_is_retried_and_the_original_kept(
    aws: dict[str, Any], worker: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from image_anonymizer.errors import ProcessingFailed

    class Crashing:
        def redact(self, data: bytes, options: object) -> None:
            raise ProcessingFailed("The image could not be processed.")

    monkeypatch.setattr(worker.worker, "_anonymizer", Crashing())
    aws["s3"].put_object(
        Bucket=BUCKET, Key="drop/poison.png", Body=encode(render(LINES, size=(600, 200))[0], "PNG")
    )
    batch = sqs_batch(aws, 1)
    # A batch whose every record failed is raised, so that Lambda returns it all to the
    # queue; after maxReceiveCount the redrive policy moves it to the dead-letter queue.
    with pytest.raises(BatchProcessingError):
        worker.lambda_handler(batch, LocalContext())
    assert keys(aws, "drop/poison.png") == ["drop/poison.png"], (
        "kept for the retry (and the dead-letter queue)"
    )
    assert keys(aws, "failed/poison") == [] and tap_events(aws) == []
