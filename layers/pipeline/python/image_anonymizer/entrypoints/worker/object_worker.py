"""Redact images that arrive in S3: presigned uploads, the drop folder, integrations
and backfills. Reads the original, writes the redacted copy and its findings, records
the job, announces the outcome on EventBridge, and deletes the original.

Never writes where the trigger listens: outputs go under other prefixes, and keys
outside the input prefixes are ignored. An integration request (any sender that may
write to the queue) is checked before any object is touched: its source must lie
under ``drop/`` or the read-only ``archive/``, its ``output_key`` under ``redacted/``,
its options must parse; anything else is a ``PoisonMessage``, which the queue
dead-letters.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

from image_anonymizer.core.service import ImageAnonymizer, Options, parse_flag
from image_anonymizer.errors import AnonymizerError, PoisonMessage, ProcessingFailed
from image_anonymizer.storage.jobs import JobStore
from image_anonymizer.storage.stores import S3Store
from image_anonymizer.usecases.redact_and_store import ERROR_SUFFIX, RedactAndStore

EVENT_SOURCE = "image-anonymizer"
REDACTED, FAILED_EVENT = "Image Redacted", "Image Redaction Failed"
_OPTION_NAMES = (
    "language",
    "score_threshold",
    "entities",
    "fill_color",
    "ocr_mode",
    "verify",
    "exclude_entities",
    "allow_list",
    "deny_list",
    "codes",
    "faces",
)
# Not a redaction option: whether the findings JSON keeps the text read (PII at rest).
STORE_TEXT = "store_text"
_ACCEPTED_NAMES = (*_OPTION_NAMES, STORE_TEXT)


@dataclass(frozen=True)
class Layout:
    """Where objects come in and where results go."""

    upload_prefix: str = "incoming/"
    drop_prefix: str = "drop/"
    results_prefix: str = "results/"
    output_prefix: str = "redacted/"
    failed_prefix: str = "failed/"
    # Read-only: backfills and integrations redact what is here, never delete nor move it.
    archive_prefix: str = "archive/"

    def output_key(self, key: str) -> str | None:
        """``incoming/<job>/<name>`` → ``results/<job>/<name>``; ``drop/<rel>`` → ``redacted/<rel>``."""
        if key.startswith(self.upload_prefix) and key.count("/") >= 2:
            return self.results_prefix + key[len(self.upload_prefix) :]
        if key.startswith(self.drop_prefix) and len(key) > len(self.drop_prefix):
            return self.output_prefix + key[len(self.drop_prefix) :]
        return None

    def job_id(self, key: str) -> str | None:
        if key.startswith(self.upload_prefix):
            return key[len(self.upload_prefix) :].split("/", 1)[0] or None
        return None

    def is_output(self, key: str) -> bool:
        return key.startswith((self.results_prefix, self.output_prefix, self.failed_prefix))

    def is_read_only(self, key: str) -> bool:
        return key.startswith(self.archive_prefix)

    def requested_target(self, key: str, output_key: str | None) -> str:
        """Check an integration's or a backfill's (source, output) pair; raises ``PoisonMessage``.

        The source lies under ``drop/`` or ``archive/`` (an upload and its output are its
        job's alone); the output, by default a drop's own, under ``redacted/``, with no
        empty, ``.`` or ``..`` segment, and not ending in ``.json``, which is where another
        output keeps its findings."""
        if not _is_plain_key(key, (self.drop_prefix, self.archive_prefix)):
            raise PoisonMessage(f"key must lie under {self.drop_prefix} or {self.archive_prefix}")
        output_key = output_key or self.output_key(key)
        if output_key is None:
            raise PoisonMessage(f"a key under {self.archive_prefix} needs an output_key")
        if not _is_plain_key(output_key, (self.output_prefix,)) or output_key.endswith(".json"):
            raise PoisonMessage(f"output_key must lie under {self.output_prefix} and not end in .json")
        return output_key


def _is_plain_key(key: str, prefixes: tuple[str, ...]) -> bool:
    if not key.startswith(prefixes) or len(key) > 1024:
        return False
    segments = key.split("/")[1:]
    return bool(segments) and all(part not in ("", ".", "..") for part in segments)


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


@dataclass(frozen=True)
class Outcome:
    status: str  # redacted | failed | ignored | missing | superseded
    job_id: str | None = None
    output_key: str | None = None
    findings_key: str | None = None
    reason: str | None = None
    entity_counts: dict[str, int] = field(default_factory=dict)

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
    source and the output may lie is checked by the worker (``Layout.requested_target``)."""
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
    unknown = sorted(str(name) for name in raw if name not in _ACCEPTED_NAMES)
    if unknown:
        raise PoisonMessage(f"unknown options: {', '.join(unknown)[:200]}")
    options: dict[str, str] = {}
    for name, value in raw.items():
        # A list's items are checked by Options.parse, which names the option.
        if not isinstance(value, str | bool | int | float | list):
            raise PoisonMessage(f"option {name} must be a string, a number, a boolean or a list")
        options[name] = _option_text(value)
    try:
        Options.parse(**{k: options.get(k) for k in _OPTION_NAMES})
        parse_flag(options.get(STORE_TEXT), STORE_TEXT)
    except AnonymizerError as error:
        raise PoisonMessage(error.message) from error
    return options


def _option_text(value: Any) -> str:
    """An option as the worker keeps them all, a string: a JSON array stays one
    (``Options.parse`` reads it back, and refuses what is not a list of strings)."""
    return json.dumps(value) if isinstance(value, list) else str(value)


class EventPublisher:
    def __init__(self, events_client: Any, bus_name: str) -> None:
        self._events = events_client
        self._bus = bus_name

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        response = self._events.put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail),
                    "EventBusName": self._bus,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            raise RuntimeError("EventBridge refused the event")


class ObjectWorker:
    def __init__(
        self,
        anonymizer: ImageAnonymizer,
        s3_client: Any,
        events: EventPublisher,
        jobs: JobStore | None = None,
        layout: Layout | None = None,
        keep_originals: bool = False,
        defaults: dict[str, str] | None = None,
        bucket: str | None = None,
    ) -> None:
        self._anonymizer = anonymizer
        self._s3 = s3_client
        self._events = events
        self._jobs = jobs
        self.layout = layout or Layout()
        self._keep_originals = keep_originals
        self._defaults = {k: v for k, v in (defaults or {}).items() if k in _ACCEPTED_NAMES and v}
        self._bucket = bucket

    def target(self, request: ObjectRequest) -> str | None:
        """Where the redacted copy goes; ``None`` to ignore the object (not under an
        input prefix). Raises ``PoisonMessage`` for a request the worker must refuse:
        another bucket, a source or an output outside its prefixes, an original under
        ``archive/`` to delete. Called before any object is read."""
        if self._bucket is not None and request.bucket != self._bucket:
            raise PoisonMessage("the request names another bucket")
        if not request.requested:
            output_key = self.layout.output_key(request.key)
            return None if output_key is None or self.layout.is_output(request.key) else output_key
        output_key = self.layout.requested_target(request.key, request.output_key)
        if self.layout.is_read_only(request.key) and request.keep_original is False:
            raise PoisonMessage(f"originals under {self.layout.archive_prefix} are never deleted")
        return output_key

    def with_etag(self, request: ObjectRequest) -> ObjectRequest | None:
        """Fill in the ETag (the idempotency key needs it); ``None`` if the object is gone."""
        if request.etag:
            return request
        try:
            head = self._s3.head_object(Bucket=request.bucket, Key=request.key)
        except ClientError as error:
            if _is_missing(error):
                return None
            raise
        return ObjectRequest(**{**request.to_dict(), "etag": str(head["ETag"]).strip('"')})

    def process(self, request: ObjectRequest) -> Outcome:
        started = time.perf_counter()
        key = request.key
        output_key = self.target(request)
        if output_key is None:
            return Outcome("ignored", reason="not under an input prefix")
        revision = f"#{request.revision}" if request.revision else ""
        job_id = self.layout.job_id(key) or str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"s3://{request.bucket}/{key}#{request.etag}{revision}")
        )
        try:
            get_args: dict[str, Any] = {"Bucket": request.bucket, "Key": key}
            if request.etag:
                get_args["IfMatch"] = request.etag
            original = self._s3.get_object(**get_args)
        except ClientError as error:
            if _is_missing(error):
                return Outcome("missing", job_id=job_id, reason="the object is gone (already processed)")
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                return Outcome("superseded", job_id=job_id, reason="a newer object replaced it")
            raise
        data = original["Body"].read()
        job = self._jobs.get(job_id) if (self._jobs and self.layout.job_id(key)) else None
        raw_options = {
            **self._defaults,
            **_metadata_options(original.get("Metadata", {})),
            **(job.options if job else {}),
            **request.options,
        }
        try:
            options = Options.parse(**{k: raw_options.get(k) for k in _OPTION_NAMES})
            store_text = bool(parse_flag(raw_options.get(STORE_TEXT), STORE_TEXT))
            result = self._redactor(request.bucket).redact(data, options)
        except ProcessingFailed:
            raise  # transient or unknown: let the queue retry, then dead-letter it
        except AnonymizerError as error:
            return self._fail(request, job_id, error, data, started)
        # Types, boxes, scores, pages and counts; the text read only when asked for.
        stored = self._redactor(request.bucket).store(result, output_key, store_text=store_text)
        findings_key, summary = stored.findings or "", stored.summary
        if job is not None and self._jobs is not None:
            self._jobs.mark_done(job_id, key, output_key, findings_key, summary["entity_counts"])
        if not self._keep(request):
            S3Store(self._s3, request.bucket).remove(key)
        outcome = Outcome(
            "redacted", job_id, output_key, findings_key, entity_counts=summary["entity_counts"]
        )
        self._events.publish(
            REDACTED,
            {
                "job_id": job_id,
                "bucket": request.bucket,
                "input_key": key,
                "output_key": output_key,
                "findings_key": findings_key,
                "entity_counts": summary["entity_counts"],
                "entities": len(summary["entities"]),
                "pages": summary["page_count"],
                "tokens": summary["tokens"],
                "verification": summary["verification"]["status"],
                "format": summary["format"],
                "duration_ms": round((time.perf_counter() - started) * 1000),
                "original_deleted": not self._keep(request),
            },
        )
        return outcome

    def _redactor(self, bucket: str) -> RedactAndStore:
        """The redact-and-store use case over the request's bucket."""
        return RedactAndStore(self._anonymizer, S3Store(self._s3, bucket))

    def _keep(self, request: ObjectRequest) -> bool:
        if self.layout.is_read_only(request.key):
            return True
        return self._keep_originals if request.keep_original is None else request.keep_original

    def _fail(
        self, request: ObjectRequest, job_id: str, error: AnonymizerError, data: bytes, started: float
    ) -> Outcome:
        """A permanent failure: move the original aside with its reason, record it, announce it.
        The original is deleted only after the copy and the reason are written; one under
        ``archive/`` stays where it is, and only the reason is written."""
        relative = request.key.split("/", 1)[1] if "/" in request.key else request.key
        failed_key = self.layout.failed_prefix + relative
        kept = None if self.layout.is_read_only(request.key) else data
        self._redactor(request.bucket).set_aside(failed_key, kept, error, request.key, job_id)
        if self._jobs is not None and self.layout.job_id(request.key):
            self._jobs.mark_failed(job_id, request.key, error.message)
        if not self._keep(request):
            S3Store(self._s3, request.bucket).remove(request.key)
        self._events.publish(
            FAILED_EVENT,
            {
                "job_id": job_id,
                "bucket": request.bucket,
                "input_key": request.key,
                "failed_key": None if self.layout.is_read_only(request.key) else failed_key,
                "error_key": failed_key + ERROR_SUFFIX,
                "error": error.code,
                "duration_ms": round((time.perf_counter() - started) * 1000),
            },
        )
        return Outcome("failed", job_id, reason=error.message)


def _metadata_options(metadata: dict[str, str]) -> dict[str, str]:
    """Options riding on the object: x-amz-meta-fill-color, -entities, -language,
    -score-threshold, -ocr-mode, -verify, -exclude-entities, -codes, -faces, -store-text, and -allow-list
    and -deny-list as JSON arrays (S3 allows 2 KB of user metadata in all, US-ASCII)."""
    options = {}
    for name in _ACCEPTED_NAMES:
        value = metadata.get(name.replace("_", "-")) or metadata.get(name)
        if value:
            options[name] = value
    return options


def _is_missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")
