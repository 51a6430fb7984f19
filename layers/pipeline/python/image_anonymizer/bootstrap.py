"""Builds each entry point from the settings, once, at start-up: the one place that
constructs the heavy collaborators (the service, boto3 clients). Every argument but
``settings`` is optional: tests pass fakes, or a service built once for many."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from image_anonymizer.config import Settings
from image_anonymizer.errors import NotConfigured

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

    from image_anonymizer.core.service import ImageAnonymizer
    from image_anonymizer.entrypoints.http.api import Api
    from image_anonymizer.entrypoints.http.uploads import UploadService
    from image_anonymizer.entrypoints.worker.queue_handler import QueueHandler
    from image_anonymizer.storage.plans import PlanResolver


def build_anonymizer(settings: Settings) -> ImageAnonymizer:
    """The service, warmed up: the model and Tesseract loaded now, at cold start."""
    from image_anonymizer.core.service import ImageAnonymizer

    anonymizer = ImageAnonymizer(settings.core)
    anonymizer.warm_up()
    return anonymizer


def build_api(
    settings: Settings,
    anonymizer: ImageAnonymizer | None = None,
    plans: PlanResolver | None = None,
    uploads: UploadService | None = None,
    s3_client: Any = None,
    dynamodb_client: Any = None,
) -> Api:
    """The HTTP API. Without ``uploads``, the large-upload flow is built when the settings
    name a bucket and a jobs table (else its routes answer 501)."""
    from image_anonymizer.entrypoints.http.api import Api
    from image_anonymizer.entrypoints.http.uploads import UploadService
    from image_anonymizer.storage.jobs import JobStore
    from image_anonymizer.storage.plans import PlanResolver

    api = settings.api
    if plans is None:
        plans = PlanResolver(api.default_plan, static=api.plan_by_api_key_id, on_aws=api.on_aws)
    if uploads is None and api.bucket and api.jobs_table:
        s3_client = s3_client or _client("s3")
        jobs = JobStore(dynamodb_client or _client("dynamodb"), api.jobs_table, api.retention_days)
        uploads = UploadService(s3_client, jobs, api.bucket)
    return Api(api, anonymizer or build_anonymizer(settings), plans, uploads)


def build_worker(
    settings: Settings,
    anonymizer: ImageAnonymizer | None = None,
    s3_client: Any = None,
    events_client: Any = None,
    dynamodb_client: Any = None,
    persistence: BasePersistenceLayer | None = None,
) -> QueueHandler:
    """The redaction worker's handler; it needs a bucket, a jobs table and an
    idempotency table (``BUCKET_NAME``, ``JOBS_TABLE``, ``IDEMPOTENCY_TABLE``)."""
    from image_anonymizer.entrypoints.worker.object_worker import EventPublisher, ObjectWorker
    from image_anonymizer.entrypoints.worker.queue_handler import QueueHandler
    from image_anonymizer.storage.jobs import JobStore

    worker = settings.worker
    if not (worker.bucket and worker.jobs_table and worker.idempotency_table):
        raise NotConfigured("The worker needs BUCKET_NAME, JOBS_TABLE and IDEMPOTENCY_TABLE.")
    if persistence is None:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        persistence = DynamoDBPersistenceLayer(table_name=worker.idempotency_table)
    dynamodb_client = dynamodb_client or _client("dynamodb")
    object_worker = ObjectWorker(
        anonymizer=anonymizer or _unwarmed(settings),
        s3_client=s3_client or _client("s3"),
        events=EventPublisher(events_client or _client("events"), worker.event_bus),
        jobs=JobStore(dynamodb_client, worker.jobs_table, worker.retention_days),
        keep_originals=worker.keep_originals,
        defaults=dict(worker.defaults),
        bucket=worker.bucket,
    )
    return QueueHandler(worker, object_worker, persistence)


def _client(name: str) -> Any:
    import boto3

    return boto3.client(name)


def _unwarmed(settings: Settings) -> ImageAnonymizer:
    # The worker never warmed up its service: its first message loads what it needs.
    from image_anonymizer.core.service import ImageAnonymizer

    return ImageAnonymizer(settings.core)
