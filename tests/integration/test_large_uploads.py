"""The large-upload flow against moto over real HTTP (ThreadedMotoServer on 127.0.0.1):
presigned POST → S3 notification → SQS → the worker's handler → results, job, event."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import numpy as np
import pytest
import requests
import zxingcpp
from moto.server import ThreadedMotoServer
from PIL import Image

from image_anonymizer.bootstrap import build_api, build_worker
from image_anonymizer.config import Settings
from image_anonymizer.entrypoints.http import schemas
from image_anonymizer.entrypoints.http.api import Api
from image_anonymizer.entrypoints.http.lambda_events import LocalContext, build_event
from image_anonymizer.entrypoints.worker.queue_handler import QueueHandler
from image_anonymizer.storage.plans import PlanResolver
from tests.conftest import real_anonymizer
from tests.rendering import assert_redacted, coverage, decode, encode, render, tokens

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
def worker(aws: dict[str, Any]) -> QueueHandler:
    return build_worker(Settings.from_env(), anonymizer=real_anonymizer())


@pytest.fixture(scope="module")
def api(aws: dict[str, Any]) -> Api:
    return build_api(Settings.from_env(), anonymizer=real_anonymizer(), plans=PlanResolver("business"))


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
    aws: dict[str, Any], api: Api, worker: QueueHandler
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
    aws: dict[str, Any], worker: QueueHandler
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
    aws: dict[str, Any], worker: QueueHandler
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


def test_given_codes_and_faces_in_object_metadata_then_the_worker_covers_every_code_and_stores_no_payload(
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    image, _ = render(LINES, size=(1100, 500))
    symbol = np.asarray(
        zxingcpp.create_barcode("LOT-2024-117", zxingcpp.BarcodeFormat.Code128).to_image(scale=3)
    )
    image.paste(Image.fromarray(np.repeat(symbol[:1], 100, axis=0)), (100, 300))
    dark = np.nonzero(symbol[0] < 128)[0]
    bars = (100 + int(dark.min()), 300, 101 + int(dark.max()), 400)
    metadata = {"codes": "all", "faces": "false", "ocr-mode": "fast", "fill-color": "red"}
    aws["s3"].put_object(Bucket=BUCKET, Key="drop/lot.png", Body=encode(image, "PNG"), Metadata=metadata)
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    out = decode(aws["s3"].get_object(Bucket=BUCKET, Key="redacted/lot.png")["Body"].read())
    assert coverage(out, bars, (255, 0, 0)) == 1.0
    stored = aws["s3"].get_object(Bucket=BUCKET, Key="redacted/lot.png.json")["Body"].read().decode()
    codes = [e for e in json.loads(stored)["entities"] if e["entity_type"] == "CODE"]
    assert [(c["source"], c["symbology"]) for c in codes] == [("code", "Code 128")]
    assert "LOT-2024-117" not in stored
    (announced,) = tap_events(aws)
    assert announced["detail"]["entity_counts"]["CODE"] == 1


def test_given_list_options_on_an_upload_then_the_job_keeps_them_and_the_worker_applies_them(
    aws: dict[str, Any], api: Api, worker: QueueHandler
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
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    image, _ = render(LINES, size=(600, 200))
    metadata = {"deny-list": json.dumps(["x" * 101])}
    aws["s3"].put_object(Bucket=BUCKET, Key="drop/long.png", Body=encode(image, "PNG"), Metadata=metadata)
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    reason = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key="failed/long.png.error.json")["Body"].read())
    assert reason["error"] == "invalid_request" and "deny_list" in reason["message"]
    assert [e["detail-type"] for e in tap_events(aws)] == ["Image Redaction Failed"]


def test_given_a_corrupt_image_then_it_is_moved_aside_with_its_reason_and_announced(
    aws: dict[str, Any], worker: QueueHandler
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
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    aws["s3"].put_object(
        Bucket=BUCKET, Key="redacted/already.png", Body=encode(Image.new("RGB", (50, 50)), "PNG")
    )
    assert aws["sqs"].receive_message(QueueUrl=aws["queue_url"], WaitTimeSeconds=1).get("Messages") is None
    for body in (json.dumps({"bucket": BUCKET, "key": "redacted/already.png"}), "not json at all"):
        aws["sqs"].send_message(QueueUrl=aws["queue_url"], MessageBody=body)
    batch = sqs_batch(aws, 2)
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    # Both are refused (an output is never a source): the batch goes back, then to the DLQ.
    with pytest.raises(BatchProcessingError):
        worker.lambda_handler(batch, LocalContext())
    assert keys(aws, "redacted/already.png") == ["redacted/already.png"]
    assert keys(aws, "redacted/redacted") == [] and tap_events(aws) == []


def test_given_an_integration_request_then_the_object_is_redacted_with_its_options(
    aws: dict[str, Any], worker: QueueHandler
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
    assert keys(aws, "archive/") == ["archive/form.jpg"], "archive/ is read-only: never deleted"
    (announced,) = tap_events(aws)
    assert announced["detail"]["original_deleted"] is False
    aws["s3"].delete_object(Bucket=BUCKET, Key="archive/form.jpg")


def test_given_crafted_messages_then_they_are_dead_lettered_and_no_object_is_touched(
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    image = encode(render(LINES, size=(600, 200))[0], "PNG")
    for key in ("archive/kept.png", "secret/notes.png", "drop/victim.png"):
        aws["s3"].put_object(Bucket=BUCKET, Key=key, Body=image)
    sqs_batch(aws, 1)  # drop/victim.png's own notification: not processed here
    crafted = [
        {"bucket": BUCKET, "key": "archive/kept.png", "output_key": "redacted/k.png", "keep_original": False},
        {"bucket": BUCKET, "key": "secret/notes.png", "output_key": "redacted/notes.png"},
        {"bucket": BUCKET, "key": "drop/victim.png", "output_key": "results/" + "a" * 32 + "/victim.png"},
        {"bucket": BUCKET, "key": "drop/victim.png", "output_key": "redacted/other.png.json"},
        {"bucket": BUCKET, "key": "drop/victim.png", "options": {"fill_color": "nope"}},
        {"bucket": BUCKET, "key": "drop/victim.png", "keep_original": "false"},
        {"bucket": "someone-elses-bucket", "key": "drop/victim.png"},
    ]
    for message in crafted:
        aws["sqs"].send_message(QueueUrl=aws["queue_url"], MessageBody=json.dumps(message))
    batch = sqs_batch(aws, len(crafted))
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    # Every record refused: the whole batch goes back, and after maxReceiveCount to the DLQ.
    with pytest.raises(BatchProcessingError):
        worker.lambda_handler(batch, LocalContext())
    assert keys(aws, "archive/") == ["archive/kept.png"]
    assert keys(aws, "secret/") == ["secret/notes.png"]
    assert keys(aws, "drop/") == ["drop/victim.png"]
    assert keys(aws, "failed/kept") == keys(aws, "failed/notes") == keys(aws, "failed/victim") == []
    assert keys(aws, "results/" + "a" * 32) == []
    assert keys(aws, "redacted/k") == [] and keys(aws, "redacted/notes") == []
    assert keys(aws, "redacted/other") == [] and tap_events(aws) == []
    for key in ("archive/kept.png", "secret/notes.png", "drop/victim.png"):
        aws["s3"].delete_object(Bucket=BUCKET, Key=key)


def test_given_an_archive_image_that_cannot_be_redacted_then_it_stays_and_only_the_reason_is_written(
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    good = encode(render(LINES, size=(600, 200))[0], "PNG")
    aws["s3"].put_object(Bucket=BUCKET, Key="archive/cut.png", Body=good[: len(good) // 2])
    request = {"bucket": BUCKET, "key": "archive/cut.png", "output_key": "redacted/archive/cut.png"}
    aws["sqs"].send_message(QueueUrl=aws["queue_url"], MessageBody=json.dumps(request))
    assert worker.lambda_handler(sqs_batch(aws, 1), LocalContext()) == {"batchItemFailures": []}
    assert keys(aws, "archive/") == ["archive/cut.png"], "never moved nor deleted"
    assert keys(aws, "failed/cut") == ["failed/cut.png.error.json"], "no second copy of the original"
    (announced,) = tap_events(aws)
    assert announced["detail-type"] == "Image Redaction Failed"
    assert announced["detail"]["failed_key"] is None
    for key in ("archive/cut.png", "failed/cut.png.error.json"):
        aws["s3"].delete_object(Bucket=BUCKET, Key=key)


def _with_sequencer(batch: dict[str, Any], sequencer: str) -> dict[str, Any]:
    """S3's notification as S3 sends it, with its sequencer (moto's carries none)."""
    records = []
    for record in batch["Records"]:
        body = json.loads(record["body"])
        for s3_record in body["Records"]:
            s3_record["s3"]["object"]["sequencer"] = sequencer
        records.append({**record, "body": json.dumps(body)})
    return {"Records": records}


def test_given_the_same_bytes_dropped_again_then_they_are_redacted_again_but_a_redelivery_is_not(
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    image, words = render(LINES, size=(1100, 240))
    data = encode(image, "PNG")
    aws["s3"].put_object(Bucket=BUCKET, Key="drop/again.png", Body=data)
    first = _with_sequencer(sqs_batch(aws, 1), "0055AED6DCD90281E5")
    assert worker.lambda_handler(first, LocalContext()) == {"batchItemFailures": []}
    assert keys(aws, "drop/") == [] and [e["detail-type"] for e in tap_events(aws)] == ["Image Redacted"]
    for key in ("redacted/again.png", "redacted/again.png.json"):
        aws["s3"].delete_object(Bucket=BUCKET, Key=key)

    # The same event delivered twice (same sequencer): done once.
    assert worker.lambda_handler(first, LocalContext()) == {"batchItemFailures": []}
    assert tap_events(aws) == [] and keys(aws, "redacted/again") == []

    # The same bytes under the same key, dropped again: a new event, redacted again.
    aws["s3"].put_object(Bucket=BUCKET, Key="drop/again.png", Body=data)
    second = _with_sequencer(sqs_batch(aws, 1), "0055AED6DCD90281F7")
    assert worker.lambda_handler(second, LocalContext()) == {"batchItemFailures": []}
    assert keys(aws, "drop/") == [], "not swallowed by the first drop's idempotency record"
    out = aws["s3"].get_object(Bucket=BUCKET, Key="redacted/again.png")["Body"].read()
    assert_redacted(image, decode(out), words)
    assert [e["detail-type"] for e in tap_events(aws)] == ["Image Redacted"]


def test_given_a_backfill_item_then_the_archive_image_is_redacted_and_kept(
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    from image_anonymizer.errors import PoisonMessage
    from tests.conftest import load_event

    image, words = render(LINES, size=(1100, 240))
    item = {**load_event("stepfunctions-backfill-item.json"), "bucket": BUCKET}
    head = aws["s3"].put_object(Bucket=BUCKET, Key=item["key"], Body=encode(image, "PNG"))
    item["etag"] = head["ETag"]  # quoted, as the Distributed Map's item reader gives it
    outcome = worker.lambda_handler(item, LocalContext())
    assert outcome["status"] == "redacted" and outcome["output_key"] == item["output_key"]
    out = aws["s3"].get_object(Bucket=BUCKET, Key=item["output_key"])["Body"].read()
    assert_redacted(image, decode(out), words)
    assert keys(aws, item["key"]) == [item["key"]]
    tap_events(aws)
    for refused in ({**item, "keep_original": False}, {**item, "output_key": "results/x/form.jpg"}):
        with pytest.raises(PoisonMessage):
            worker.lambda_handler(refused, LocalContext())
    assert keys(aws, item["key"]) == [item["key"]] and tap_events(aws) == []
    aws["s3"].delete_object(Bucket=BUCKET, Key=item["key"])


def test_given_uploads_without_a_bucket_then_501(api: Api) -> None:
    settings = Settings.from_env()
    without_bucket = replace(settings, api=replace(settings.api, bucket=None))
    event = build_event("POST", "/uploads", {"content-type": "application/json"}, b"{}")
    answer = build_api(without_bucket, anonymizer=api.anonymizer).lambda_handler(event, LocalContext())
    assert answer["statusCode"] == 501 and json.loads(answer["body"])["error"] == "not_configured"
    # Unlike a 500's, a 501's message is safe and says what the server lacks.
    assert "BUCKET_NAME" in json.loads(answer["body"])["message"]


def test_given_a_threshold_of_0_on_an_upload_then_the_job_keeps_0_and_the_answers_match_the_contract(
    aws: dict[str, Any], api: Api
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


def test_given_unknown_job_then_404(api: Api) -> None:
    answer = api.lambda_handler(build_event("GET", "/jobs/" + "0" * 32, {}, b""), LocalContext())
    assert answer["statusCode"] == 404


def test_given_a_job_of_one_key_then_another_key_gets_the_404_of_a_job_that_does_not_exist(
    aws: dict[str, Any], api: Api
) -> None:
    headers = {"content-type": "application/json"}
    event = build_event("POST", "/uploads", headers, b'{"filename": "a.png"}', api_key_id="key-a")
    created = api.lambda_handler(event, LocalContext())
    assert created["statusCode"] == 201, created["body"]
    job_id = json.loads(created["body"])["job_id"]

    def status(key_id: str | None, job: str = job_id) -> dict[str, Any]:
        answer: dict[str, Any] = api.lambda_handler(
            build_event("GET", f"/jobs/{job}", {}, b"", api_key_id=key_id), LocalContext()
        )
        return answer

    own = status("key-a")
    assert own["statusCode"] == 200 and json.loads(own["body"])["status"] == "pending"
    assert "key-a" not in own["body"], "the owner's key id is not part of the answer"
    unknown = status("key-b", "f" * 32)
    for other in (status("key-b"), status(None), status("key-a ")):
        assert other["statusCode"] == 404
        assert json.loads(other["body"]) == json.loads(unknown["body"]), "no existence oracle"


def test_given_an_unexpected_failure_then_the_message_is_retried_and_the_original_kept(
    aws: dict[str, Any], worker: QueueHandler
) -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from image_anonymizer.errors import ProcessingFailed

    class Crashing:
        def redact(self, data: bytes, options: object) -> None:
            raise ProcessingFailed("The image could not be processed.")

    crashing = build_worker(Settings.from_env(), anonymizer=Crashing())  # type: ignore[arg-type]
    aws["s3"].put_object(
        Bucket=BUCKET, Key="drop/poison.png", Body=encode(render(LINES, size=(600, 200))[0], "PNG")
    )
    batch = sqs_batch(aws, 1)
    # A batch whose every record failed is raised, so that Lambda returns it all to the
    # queue; after maxReceiveCount the redrive policy moves it to the dead-letter queue.
    with pytest.raises(BatchProcessingError):
        crashing.lambda_handler(batch, LocalContext())
    assert keys(aws, "drop/poison.png") == ["drop/poison.png"], (
        "kept for the retry (and the dead-letter queue)"
    )
    assert keys(aws, "failed/poison") == [] and tap_events(aws) == []
