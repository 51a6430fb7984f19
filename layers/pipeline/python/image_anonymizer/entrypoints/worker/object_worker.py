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
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from image_anonymizer.core.service import ImageAnonymizer, Options, parse_flag
from image_anonymizer.entrypoints.worker.messages import (
    ACCEPTED_NAMES,
    OPTION_NAMES,
    STORE_TEXT,
    ObjectRequest,
    _metadata_options,
)
from image_anonymizer.errors import AnonymizerError, PoisonMessage, ProcessingFailed
from image_anonymizer.storage.jobs import JobStore
from image_anonymizer.storage.layout import Layout
from image_anonymizer.storage.stores import S3Store
from image_anonymizer.usecases.redact_and_store import ERROR_SUFFIX, RedactAndStore

EVENT_SOURCE = "image-anonymizer"
REDACTED, FAILED_EVENT = "Image Redacted", "Image Redaction Failed"


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
        self._defaults = {k: v for k, v in (defaults or {}).items() if k in ACCEPTED_NAMES and v}
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
            options = Options.parse(**{k: raw_options.get(k) for k in OPTION_NAMES})
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


def _is_missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")
