"""What the worker is asked to do: S3 notifications and integration requests read from
a queue message, each field and option checked before any object is touched; anything
else is a ``PoisonMessage``, which the queue dead-letters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from image_anonymizer.core.options import STORED_OPTIONS
from image_anonymizer.core.service import Options, parse_flag
from image_anonymizer.errors import AnonymizerError, PoisonMessage

OPTION_NAMES = STORED_OPTIONS


# Not a redaction option: whether the findings JSON keeps the text read (PII at rest).
STORE_TEXT = "store_text"


ACCEPTED_NAMES = (*OPTION_NAMES, STORE_TEXT)


@dataclass(frozen=True)
class ObjectRequest:
    """One object to redact; ``output_key`` set only by backfills and integrations.

    ``revision`` is the object's version id, else the S3 event's sequencer: part of
    the idempotency key, so the same bytes dropped again are a new request while a
    redelivered event is not."""

    bucket: str
    key: str
    etag: str | None = None
    output_key: str | None = None
    keep_original: bool | None = None
    options: dict[str, str] = field(default_factory=dict)
    revision: str | None = None
    # Sent by an integration or a backfill, not by S3: checked by ``Layout.requested_target``.
    requested: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def requests_from_message(body: str) -> Iterator[ObjectRequest]:
    """S3 notifications (keys are URL-encoded: unquote_plus each) and integration requests."""
    try:
        message = json.loads(body)
    except json.JSONDecodeError as error:
        raise PoisonMessage("message body is not JSON") from error
    if not isinstance(message, dict):
        raise PoisonMessage("message body is not a JSON object")
    if message.get("Event") == "s3:TestEvent":
        return
    if "Records" in message:
        yield from _notified_requests(message["Records"])
        return
    if "bucket" in message and "key" in message:
        yield request_from_integration(message)
        return
    raise PoisonMessage("message is neither an S3 notification nor a redaction request")


def _notified_requests(records: Any) -> list[ObjectRequest]:
    """Every ObjectCreated record; a malformed record spoils the whole message."""
    requests = []
    try:
        for record in records:
            if not str(record.get("eventName", "")).startswith("ObjectCreated"):
                continue
            s3_object = record["s3"]["object"]
            bucket, key = record["s3"]["bucket"]["name"], s3_object["key"]
            if not (isinstance(bucket, str) and isinstance(key, str)):
                raise PoisonMessage("an S3 record without a bucket name or a key")
            revision = s3_object.get("versionId") or s3_object.get("sequencer")
            requests.append(
                ObjectRequest(
                    bucket=bucket,
                    key=unquote_plus(key),
                    etag=str(s3_object.get("eTag") or "").strip('"') or None,
                    revision=str(revision) if revision else None,
                )
            )
    except (AttributeError, KeyError, TypeError) as error:
        raise PoisonMessage("a malformed S3 record") from error
    return requests


def request_from_integration(message: dict[str, Any], keep_original: bool | None = None) -> ObjectRequest:
    """An integration request (or a backfill item, whose originals are kept by default),
    its fields' types and its options checked; raises ``PoisonMessage``. Where the
    source and the output may lie is checked by the worker (``Layout.requested_target``,
    in ``storage.layout``)."""
    bucket, key, output_key = message.get("bucket"), message.get("key"), message.get("output_key")
    etag, keep = message.get("etag"), message.get("keep_original", keep_original)
    if not (isinstance(bucket, str) and bucket and isinstance(key, str) and key):
        raise PoisonMessage("bucket and key must be non-empty strings")
    if output_key is not None and not (isinstance(output_key, str) and output_key):
        raise PoisonMessage("output_key must be a non-empty string")
    if etag is not None and not isinstance(etag, str):
        raise PoisonMessage("etag must be a string")
    if keep is not None and not isinstance(keep, bool):
        raise PoisonMessage("keep_original must be true or false")
    unknown = set(message) - {"bucket", "key", "output_key", "etag", "keep_original", "options"}
    if unknown:
        raise PoisonMessage(f"unknown fields: {', '.join(sorted(unknown))[:200]}")
    return ObjectRequest(
        bucket=bucket,
        key=key,
        etag=(etag or "").strip('"') or None,
        output_key=output_key,
        keep_original=keep,
        options=_checked_options(message.get("options")),
        requested=True,
    )


def _checked_options(raw: Any) -> dict[str, str]:
    """The request's options as the worker keeps them (strings), each name known and
    every value one that ``Options.parse`` accepts."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise PoisonMessage("options must be a JSON object")
    unknown = sorted(str(name) for name in raw if name not in ACCEPTED_NAMES)
    if unknown:
        raise PoisonMessage(f"unknown options: {', '.join(unknown)[:200]}")
    options: dict[str, str] = {}
    for name, value in raw.items():
        # A list's items are checked by Options.parse, which names the option.
        if not isinstance(value, str | bool | int | float | list):
            raise PoisonMessage(f"option {name} must be a string, a number, a boolean or a list")
        options[name] = _option_text(value)
    try:
        Options.parse(**{k: options.get(k) for k in OPTION_NAMES})
        parse_flag(options.get(STORE_TEXT), STORE_TEXT)
    except AnonymizerError as error:
        raise PoisonMessage(error.message) from error
    return options


def _option_text(value: Any) -> str:
    """An option as the worker keeps them all, a string: a JSON array stays one
    (``Options.parse`` reads it back, and refuses what is not a list of strings)."""
    return json.dumps(value) if isinstance(value, list) else str(value)


def _metadata_options(metadata: dict[str, str]) -> dict[str, str]:
    """Options riding on the object: x-amz-meta-fill-color, -entities, -language,
    -score-threshold, -ocr-mode, -verify, -exclude-entities, -codes, -faces, -store-text, and -allow-list
    and -deny-list as JSON arrays (S3 allows 2 KB of user metadata in all, US-ASCII)."""
    options = {}
    for name in ACCEPTED_NAMES:
        value = metadata.get(name.replace("_", "-")) or metadata.get(name)
        if value:
            options[name] = value
    return options
