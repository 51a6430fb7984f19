"""The redaction worker's Lambda handler: SQS batches (S3 notifications and
integration requests) and direct invocations (the Step Functions backfill).

Partial batch failures are reported, so one poison image is retried alone and then
dead-lettered; a message the worker refuses (``PoisonMessage``) is dead-lettered the
same way without touching any object. Processing is idempotent on (bucket, key, ETag,
output key, the object's version id or else the S3 event's sequencer), so a duplicate
delivery neither redoes nor double-counts work, while the same bytes dropped again
later are a new event and are redacted again.
"""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_anonymizer.config import WorkerSettings
from image_anonymizer.entrypoints.worker.messages import (
    ObjectRequest,
    request_from_integration,
    requests_from_message,
)
from image_anonymizer.entrypoints.worker.object_worker import ObjectWorker
from image_anonymizer.errors import PoisonMessage


class QueueHandler:
    """The worker's Lambda handler over an ``ObjectWorker`` and an idempotency store
    (``bootstrap.build_worker`` passes the real ones; tests may pass others)."""

    def __init__(
        self, settings: WorkerSettings, worker: ObjectWorker, persistence: BasePersistenceLayer
    ) -> None:
        self.settings = settings
        self.worker = worker
        self.logger = Logger(service=settings.service_name)
        self.tracer = Tracer(service=settings.service_name)
        self.metrics = Metrics(namespace=settings.metrics_namespace, service=settings.service_name)
        self.processor = BatchProcessor(event_type=EventType.SQS)
        self.idempotency = IdempotencyConfig(
            event_key_jmespath="[bucket, key, etag, output_key, revision]", expires_after_seconds=86_400
        )
        self._redact_once = self._idempotent(persistence)
        self.lambda_handler = self._handler()

    def _idempotent(self, persistence: BasePersistenceLayer) -> Callable[..., dict[str, Any]]:
        handler = self

        def redact_once(request: dict[str, Any]) -> dict[str, Any]:
            outcome = handler.worker.process(ObjectRequest(**request))
            # Counts, types and ids only: never a word read from the image.
            handler.logger.info(
                "object processed",
                extra={
                    "status": outcome.status,
                    "job_id": outcome.job_id,
                    "entity_counts": outcome.entity_counts,
                },
            )
            handler.metrics.add_metric(name=f"objects_{outcome.status}", unit=MetricUnit.Count, value=1)
            return outcome.to_dict()

        # The idempotency records are keyed by the function's module and name: kept as
        # they were, so that a deployment neither redoes nor loses work in flight.
        redact_once.__module__ = "image_anonymizer.queue_handler"
        redact_once.__qualname__ = "redact_once"
        wrapped: Callable[..., dict[str, Any]] = idempotent_function(
            data_keyword_argument="request", config=self.idempotency, persistence_store=persistence
        )(redact_once)
        return wrapped

    def handle(self, request: ObjectRequest) -> dict[str, Any] | None:
        try:
            target = self.worker.target(request)  # refuses before any object is read
        except PoisonMessage as error:
            self.logger.warning("request refused", extra={"status": "refused", "reason": str(error)[:300]})
            raise
        if target is None:
            self.logger.info("object ignored", extra={"status": "ignored"})
            return {"status": "ignored"}
        with_etag = self.worker.with_etag(request)
        if with_etag is None:
            self.logger.info("object already gone", extra={"status": "missing"})
            return None
        outcome: dict[str, Any] = self._redact_once(request=with_etag.to_dict())
        return outcome

    def _record_handler(self, record: SQSRecord) -> None:
        try:
            requests = list(requests_from_message(record.body))
        except PoisonMessage as error:
            self.logger.warning("message refused", extra={"status": "refused", "reason": str(error)[:300]})
            raise
        for request in requests:
            self.handle(request)

    def _handler(self) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
        handler = self

        @handler.logger.inject_lambda_context(log_event=False)
        @handler.tracer.capture_lambda_handler(capture_response=False, capture_error=False)
        @handler.metrics.log_metrics
        def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
            handler.idempotency.register_lambda_context(context)
            if "Records" in event:
                response = process_partial_response(
                    event=event,
                    record_handler=handler._record_handler,
                    processor=handler.processor,
                    context=context,
                )
                return dict(response)
            # Direct invocation: one request, e.g. an item of the Step Functions backfill.
            return handler.handle(request_from_integration(event, keep_original=True)) or {
                "status": "missing"
            }

        handle: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = lambda_handler
        return handle
