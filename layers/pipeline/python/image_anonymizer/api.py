"""The HTTP API as one Powertools resolver: the Lambda handler behind API Gateway,
and the same handler behind ``image-anonymizer serve`` on localhost.

Routes only coordinate (parse, call the service, shape the answer); domain errors
become responses in one place, ``_error_response``.
"""

import os
import time
from dataclasses import dataclass
from typing import Annotated, Any

os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "image-anonymizer")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ImageAnonymization")

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import File, Form, UploadFile
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from . import errors, request_lists
from .catalogue import describe
from .jobs import JobStore
from .plans import MB, PlanResolver, plan_limit_bytes
from .service import ImageAnonymizer, Options, parse_flag
from .uploads import JobNotFound, UploadService

# Domain error code → HTTP status. The only place that knows both.
STATUS_BY_CODE: dict[str, int] = {
    errors.InvalidRequest.code: 400,
    errors.UnknownEntityType.code: 400,
    errors.UnknownLanguage.code: 400,
    errors.LanguageNotInstalled.code: 422,
    errors.UnsupportedEntityType.code: 422,
    errors.UnsupportedImage.code: 415,
    errors.ImageTooLarge.code: 413,
    errors.UnprocessableImage.code: 422,
    errors.ProcessingFailed.code: 500,
    errors.VerificationFailed.code: 500,
    errors.NotConfigured.code: 501,
    JobNotFound.code: 404,
}


@dataclass(frozen=True)
class ApiSettings:
    """The HTTP layer's settings, read and checked once at cold start."""

    sync_max_bytes: int
    default_plan: str

    @classmethod
    def from_env(cls) -> "ApiSettings":
        # A Lambda invocation carries at most 6 MB both ways; a base64 image response
        # grows by a third, so 4 MB is the largest image the synchronous path can return.
        sync_max = int(os.environ.get("SYNC_MAX_BYTES", str(4 * MB)))
        default_plan = os.environ.get("DEFAULT_PLAN", "basic").lower()
        plan_limit_bytes(default_plan)  # raises on an unknown plan
        return cls(sync_max_bytes=sync_max, default_plan=default_plan)


def _build_uploads() -> UploadService | None:
    """The large-upload flow needs a bucket and a jobs table; without them its routes answer 501."""
    bucket, table = os.environ.get("BUCKET_NAME"), os.environ.get("JOBS_TABLE")
    if not (bucket and table):
        return None
    import boto3

    days = int(os.environ.get("RESULT_RETENTION_DAYS", "7"))
    return UploadService(boto3.client("s3"), JobStore(boto3.client("dynamodb"), table, days), bucket)


logger = Logger()
# Every capture below passes capture_response=False and capture_error=False: an answer
# holds the OCR text and each entity's text, and X-Ray metadata keeps them for 30 days.
tracer = Tracer()
metrics = Metrics()
app = APIGatewayRestResolver(enable_validation=True)
settings = ApiSettings.from_env()
plans = PlanResolver(settings.default_plan)
uploads = _build_uploads()
anonymizer = ImageAnonymizer()
anonymizer.warm_up()


def _checked_bytes(image: UploadFile) -> bytes:
    """The checks every image route makes before the service sees the bytes:
    the caller's plan cap, then the synchronous path's cap."""
    plan = plans.plan_for(app.current_event.request_context.identity.api_key_id)
    limit = plan_limit_bytes(plan)
    size = len(image.content)
    if size > limit:
        raise errors.ImageTooLarge(
            f"The image is {size} bytes; the {plan} plan allows up to {limit / MB:g} MB."
        )
    if size > settings.sync_max_bytes:
        raise errors.ImageTooLarge(
            f"The image is {size} bytes; this synchronous endpoint takes up to "
            f"{settings.sync_max_bytes / MB:g} MB. Larger images go through the large-upload flow "
            "(POST /uploads)."
        )
    app.append_context(plan=plan)
    return image.content


def _options(
    language: str | None,
    score_threshold: str | None,
    entities: list[str] | str | None,
    fill_color: str | None,
    ocr_mode: str | None = None,
    verify: bool | str | None = None,
    exclude_entities: list[str] | str | None = None,
    allow_list: object = None,
    deny_list: object = None,
    include_words: str | None = None,
    codes: str | None = None,
    faces: bool | str | None = None,
) -> Options:
    return Options.parse(
        language=language,
        score_threshold=score_threshold,
        entities=entities,
        fill_color=fill_color,
        ocr_mode=ocr_mode,
        verify=verify,
        exclude_entities=exclude_entities,
        allow_list=allow_list,
        deny_list=deny_list,
        include_words=include_words,
        codes=codes,
        faces=faces,
    )


_CODES_HELP = (
    "pii (default): cover a QR code or barcode whose payload holds PII; all: every code; "
    "none: no code. Reported as CODE with its symbology and the payload's types, never the payload"
)
_FACES_HELP = "true (default)|false: cover faces in photographs, reported as FACE"
_OCR_MODE_HELP = (
    "thorough (default): Tesseract, then RapidOCR where Tesseract struggled; "
    "fast: one Tesseract pass, about twice as fast, misses more"
)
_EXCLUDE_HELP = "types never covered, comma-separated or repeated: taken from entities (or the defaults)"
_ALLOW_HELP = (
    "words or phrases never covered (a finding equal to one, ignoring case and spacing): "
    "repeat the field, or one value as a JSON array or one entry per line; never comma-separated"
)
_DENY_HELP = (
    "words or phrases always covered where they stand as whole words, ignoring case, "
    "reported as DENY_LIST: repeat the field, or one value as a JSON array or one entry per line"
)
_WORDS_HELP = "true (default)|false: list every word read, with its box, confidence (0-100), language, page"
_VERIFY_HELP = (
    "true|false: read the redacted image again and cover what is still found "
    "(default: true in thorough mode, false in fast mode)"
)


@app.get("/health")
def health() -> dict[str, str]:
    metrics.add_metric(name="health_checks", unit=MetricUnit.Count, value=1)
    return {"status": "ok"}


@app.get("/entities")
def entities() -> dict[str, Any]:
    metrics.add_metric(name="catalogue_requests", unit=MetricUnit.Count, value=1)
    return {"entities": describe(), "languages": anonymizer.languages()}


@app.post("/analyze-image")
@tracer.capture_method(capture_response=False, capture_error=False)
def analyze_image(
    image: Annotated[UploadFile, File(description="The image: JPEG, PNG, TIFF, BMP, WebP or GIF")],
    language: Annotated[str, Form()] = "en",
    score_threshold: Annotated[str | None, Form()] = None,
    entities: Annotated[list[str] | str | None, Form()] = None,
    ocr_mode: Annotated[str | None, Form(description=_OCR_MODE_HELP)] = None,
    exclude_entities: Annotated[list[str] | str | None, Form(description=_EXCLUDE_HELP)] = None,
    allow_list: Annotated[list[str] | str | None, Form(description=_ALLOW_HELP)] = None,
    deny_list: Annotated[list[str] | str | None, Form(description=_DENY_HELP)] = None,
    include_words: Annotated[str | None, Form(description=_WORDS_HELP)] = None,
    codes: Annotated[str | None, Form(description=_CODES_HELP)] = None,
    faces: Annotated[str | None, Form(description=_FACES_HELP)] = None,
) -> dict[str, Any]:
    options = _options(
        language,
        score_threshold,
        entities,
        None,
        ocr_mode,
        None,
        exclude_entities,
        allow_list,
        deny_list,
        include_words=include_words,
        codes=codes,
        faces=faces,
    )
    started = time.perf_counter()
    analysis = anonymizer.analyze(_checked_bytes(image), options)
    _record("analyze", analysis, started)
    return analysis.to_dict()


@app.post("/redact-image")
@tracer.capture_method(capture_response=False, capture_error=False)
def redact_image(
    image: Annotated[UploadFile, File(description="The image: JPEG, PNG, TIFF, BMP, WebP or GIF")],
    language: Annotated[str, Form()] = "en",
    score_threshold: Annotated[str | None, Form()] = None,
    entities: Annotated[list[str] | str | None, Form()] = None,
    fill_color: Annotated[str, Form()] = "black",
    ocr_mode: Annotated[str | None, Form(description=_OCR_MODE_HELP)] = None,
    verify: Annotated[str | None, Form(description=_VERIFY_HELP)] = None,
    exclude_entities: Annotated[list[str] | str | None, Form(description=_EXCLUDE_HELP)] = None,
    allow_list: Annotated[list[str] | str | None, Form(description=_ALLOW_HELP)] = None,
    deny_list: Annotated[list[str] | str | None, Form(description=_DENY_HELP)] = None,
    codes: Annotated[str | None, Form(description=_CODES_HELP)] = None,
    faces: Annotated[str | None, Form(description=_FACES_HELP)] = None,
):
    # Deliberately unannotated: Powertools validates an annotated return value, and
    # would try to serialise the image bytes as JSON.
    options = _options(
        language,
        score_threshold,
        entities,
        fill_color,
        ocr_mode,
        verify,
        exclude_entities,
        allow_list,
        deny_list,
        codes=codes,
        faces=faces,
    )
    started = time.perf_counter()
    result = anonymizer.redact(_checked_bytes(image), options)
    _record("redact", result.analysis, started)
    analysis = result.analysis
    return Response(
        status_code=200,
        content_type=result.content_type,
        body=result.image,
        headers={
            "X-Redacted-Entities": str(len(analysis.findings)),
            "X-Entity-Types": ",".join(analysis.entity_counts()),
            "X-Token-Cost": str(analysis.tokens),
            "X-Pages": str(len(analysis.pages)),
            "X-Verification": analysis.verification.status,
            "X-Verification-Added": str(analysis.verification.added),
            "X-Unsupported-Entities": ",".join(analysis.unsupported_entities),
            "Cache-Control": "no-store",
        },
    )


class UploadRequest(BaseModel):
    """What POST /uploads takes (JSON): the file's name and the redaction options."""

    filename: str | None = Field(default=None, max_length=255)
    language: str | None = None
    score_threshold: float | str | None = None
    entities: list[str] | str | None = None
    fill_color: str | None = None
    ocr_mode: str | None = None
    verify: bool | str | None = None
    exclude_entities: list[str] | str | None = None
    # Any items: a non-string entry is refused by Options.parse with its own message.
    allow_list: list[Any] | str | None = None
    deny_list: list[Any] | str | None = None
    codes: str | None = None
    faces: bool | str | None = None
    # Stores each finding's text and the OCR text in the findings JSON: PII at rest.
    store_text: bool | str | None = None


@app.post("/uploads")
def create_upload(request: UploadRequest):
    service = _uploads()
    options = _options(
        request.language,
        str(request.score_threshold or "") or None,
        request.entities,
        request.fill_color,
        request.ocr_mode,
        request.verify,
        request.exclude_entities,
        request.allow_list,
        request.deny_list,
        codes=request.codes,
        faces=request.faces,
    )
    plan = plans.plan_for(app.current_event.request_context.identity.api_key_id)
    chosen = {
        "language": "+".join(options.language.tesseract),
        "score_threshold": str(options.score_threshold),
        "fill_color": options.fill_color,
        "ocr_mode": options.ocr_mode,
        "codes": options.codes,
        "faces": str(options.faces).lower(),
    }
    if options.entities:
        chosen["entities"] = ",".join(sorted(options.entities))
    if options.verify is not None:
        chosen["verify"] = str(options.verify).lower()
    if options.exclude_entities:
        chosen["exclude_entities"] = ",".join(sorted(options.exclude_entities))
    if options.allow_list:
        chosen["allow_list"] = request_lists.to_json(options.allow_list)
    if options.deny_list:
        chosen["deny_list"] = request_lists.to_json(options.deny_list)
    if parse_flag(request.store_text, "store_text"):
        chosen["store_text"] = "true"
    owner = app.current_event.request_context.identity.api_key_id
    answer = service.create(plan, request.filename, chosen, owner=owner)
    logger.info("upload created", extra={"job_id": answer["job_id"], "plan": plan})
    return Response(status_code=201, content_type="application/json", body=answer)


@app.get("/jobs/<job_id>")
def job_status(job_id: str) -> dict[str, Any]:
    # Only the key that created the job reads it; any other key gets the same 404.
    owner = app.current_event.request_context.identity.api_key_id
    answer: dict[str, Any] = _uploads().status(job_id, owner=owner)
    return answer


def _uploads() -> UploadService:
    if uploads is None:
        raise errors.NotConfigured(
            "Large uploads need an S3 bucket and a jobs table (BUCKET_NAME, JOBS_TABLE); "
            "this server has none."
        )
    return uploads


def _record(operation: str, analysis: Any, started: float) -> None:
    """Counts, types and timings only: never a word read from the image."""
    elapsed_ms = (time.perf_counter() - started) * 1000
    plan = str(app.context.get("plan", settings.default_plan))
    metrics.add_dimension(name="plan", value=plan)
    metrics.add_metric(name=f"{operation}_latency", unit=MetricUnit.Milliseconds, value=elapsed_ms)
    metrics.add_metric(name="pages", unit=MetricUnit.Count, value=len(analysis.pages))
    metrics.add_metric(name="entities", unit=MetricUnit.Count, value=len(analysis.findings))
    metrics.add_metric(name="tokens", unit=MetricUnit.Count, value=analysis.tokens)
    if analysis.verification.performed:
        metrics.add_metric(
            name="verification_added", unit=MetricUnit.Count, value=analysis.verification.added
        )
    logger.info(
        f"{operation} done",
        extra={
            "operation": operation,
            "plan": plan,
            "format": analysis.image_format.name,
            "pages": len(analysis.pages),
            "entity_counts": analysis.entity_counts(),
            "tokens": analysis.tokens,
            "verification": analysis.verification.status,
            "verification_added": analysis.verification.added,
            "elapsed_ms": round(elapsed_ms, 1),
        },
    )


def _error_response(status: int, code: str, message: str) -> Response[dict[str, str]]:
    metrics.add_dimension(name="code", value=code)
    metrics.add_metric(name="errors", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=status,
        content_type="application/json",
        body={"error": code, "message": message},
        headers={"Cache-Control": "no-store"},
    )


@app.exception_handler(errors.AnonymizerError)
def handle_domain_error(error: errors.AnonymizerError) -> Response[dict[str, str]]:
    status = STATUS_BY_CODE.get(error.code, 500)
    logger.warning("request refused", extra={"error": error.code, "status": status})
    message = error.message if status < 500 else "The image could not be processed."
    return _error_response(status, error.code, message)


@app.exception_handler(RequestValidationError)
def handle_validation_error(error: RequestValidationError) -> Response[dict[str, str]]:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item.get("loc", ()) if part != "body") or "body"
        problems.append(f"{field}: {str(item.get('msg', 'invalid'))[:120]}")
    logger.warning("request refused", extra={"error": "invalid_request", "status": 400})
    return _error_response(400, "invalid_request", "Invalid request. " + "; ".join(problems[:5]))


@app.exception_handler(RequestUnsupportedContentType)
def handle_content_type(error: RequestUnsupportedContentType) -> Response[dict[str, str]]:
    return _error_response(415, "unsupported_media_type", "Send the image as multipart/form-data.")


@app.exception_handler(ValueError)
def handle_malformed_body(error: ValueError) -> Response[dict[str, str]]:
    logger.warning("request refused", extra={"error": "invalid_request", "status": 400})
    return _error_response(400, "invalid_request", "The multipart/form-data body is malformed.")


@app.exception_handler(Exception)
def handle_unexpected(error: Exception) -> Response[dict[str, str]]:
    # The type only: an exception's message could quote text read from the image.
    logger.error("internal error", extra={"error_type": type(error).__name__})
    return _error_response(500, "internal_error", "The image could not be processed.")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False, capture_error=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
