"""The redaction worker's Lambda handler: SQS batches (S3 notifications and
integration requests) and direct invocations (the Step Functions backfill).

Partial batch failures are reported, so one poison image is retried alone and then
dead-lettered; a message the worker refuses (``PoisonMessage``) is dead-lettered the
same way without touching any object. Processing is idempotent on (bucket, key, ETag,
output key, the object's version id or else the S3 event's sequencer), so a duplicate
delivery neither redoes nor double-counts work, while the same bytes dropped again
later are a new event and are redacted again.
"""

import os
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from .errors import PoisonMessage
from .jobs import JobStore
from .object_worker import (
    EventPublisher,
    ObjectRequest,
    ObjectWorker,
    request_from_integration,
    requests_from_message,
)
from .service import ImageAnonymizer


@dataclass(frozen=True)
class WorkerSettings:
    bucket: str
    jobs_table: str
    idempotency_table: str
    event_bus: str
    keep_originals: bool
    retention_days: int
    defaults: dict[str, str]

    @classmethod
    def from_env(cls) -> "WorkerSettings":
        return cls(
            bucket=os.environ["BUCKET_NAME"],
            jobs_table=os.environ["JOBS_TABLE"],
            idempotency_table=os.environ["IDEMPOTENCY_TABLE"],
            event_bus=os.environ.get("EVENT_BUS_NAME", "default"),
            keep_originals=os.environ.get("KEEP_ORIGINALS", "false").lower() in ("1", "true", "yes"),
            retention_days=int(os.environ.get("RESULT_RETENTION_DAYS", "7")),
            defaults={
                "fill_color": os.environ.get("DEFAULT_FILL_COLOR", ""),
                "language": os.environ.get("DEFAULT_LANGUAGE", ""),
                "entities": os.environ.get("DEFAULT_ENTITIES", ""),
                "score_threshold": os.environ.get("DEFAULT_SCORE_THRESHOLD", ""),
                "ocr_mode": os.environ.get("DEFAULT_OCR_MODE", ""),
                "verify": os.environ.get("DEFAULT_VERIFY", ""),
                "codes": os.environ.get("DEFAULT_CODES", ""),
                "faces": os.environ.get("DEFAULT_FACES", ""),
            },
        )


os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "image-anonymizer-worker")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ImageAnonymization")
logger = Logger()
tracer = Tracer()
metrics = Metrics()


def build_worker(settings: WorkerSettings, anonymizer: ImageAnonymizer | None = None) -> ObjectWorker:
    import boto3

    return ObjectWorker(
        anonymizer=anonymizer or ImageAnonymizer(),
        s3_client=boto3.client("s3"),
        events=EventPublisher(boto3.client("events"), settings.event_bus),
        jobs=JobStore(boto3.client("dynamodb"), settings.jobs_table, settings.retention_days),
        keep_originals=settings.keep_originals,
        defaults=settings.defaults,
        bucket=settings.bucket,
    )


settings = WorkerSettings.from_env()
worker = build_worker(settings)
processor = BatchProcessor(event_type=EventType.SQS)
idempotency = IdempotencyConfig(
    event_key_jmespath="[bucket, key, etag, output_key, revision]", expires_after_seconds=86_400
)
persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table)


@idempotent_function(data_keyword_argument="request", config=idempotency, persistence_store=persistence)
def redact_once(request: dict[str, Any]) -> dict[str, Any]:
    outcome = worker.process(ObjectRequest(**request))
    # Counts, types and ids only: never a word read from the image.
    logger.info(
        "object processed",
        extra={"status": outcome.status, "job_id": outcome.job_id, "entity_counts": outcome.entity_counts},
    )
    metrics.add_metric(name=f"objects_{outcome.status}", unit=MetricUnit.Count, value=1)
    return outcome.to_dict()


def handle(request: ObjectRequest) -> dict[str, Any] | None:
    try:
        target = worker.target(request)  # refuses before any object is read
    except PoisonMessage as error:
        logger.warning("request refused", extra={"status": "refused", "reason": str(error)[:300]})
        raise
    if target is None:
        logger.info("object ignored", extra={"status": "ignored"})
        return {"status": "ignored"}
    with_etag = worker.with_etag(request)
    if with_etag is None:
        logger.info("object already gone", extra={"status": "missing"})
        return None
    outcome: dict[str, Any] = redact_once(request=with_etag.to_dict())
    return outcome


def _record_handler(record: SQSRecord) -> None:
    try:
        requests = list(requests_from_message(record.body))
    except PoisonMessage as error:
        logger.warning("message refused", extra={"status": "refused", "reason": str(error)[:300]})
        raise
    for request in requests:
        handle(request)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False, capture_error=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    if "Records" in event:
        response = process_partial_response(
            event=event, record_handler=_record_handler, processor=processor, context=context
        )
        return dict(response)
    # Direct invocation: one request, e.g. an item of the Step Functions backfill.
    return handle(request_from_integration(event, keep_original=True)) or {"status": "missing"}
