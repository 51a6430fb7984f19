"""The HTTP API as one Powertools resolver: the Lambda handler behind API Gateway,
and the same handler behind ``image-anonymizer serve`` on localhost.

``bootstrap.build_api`` builds it (nothing is built at import). Routes only coordinate
(parse, call the service, shape the answer); domain errors become responses in one
place, ``http_errors`` and ``handle_domain_error``.
"""

import functools
import inspect
import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import File, UploadFile
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_anonymizer import __version__, errors
from image_anonymizer.config import ApiSettings
from image_anonymizer.core import request_lists
from image_anonymizer.core.catalogue import describe
from image_anonymizer.core.options import STORED_OPTIONS
from image_anonymizer.core.service import ImageAnonymizer, Options, parse_flag
from image_anonymizer.entrypoints.http import responses, schemas
from image_anonymizer.entrypoints.http.errors import STATUS_BY_CODE, install_body_parsing, status_for
from image_anonymizer.entrypoints.http.uploads import UploadService
from image_anonymizer.storage.plans import MB, PlanResolver, plan_limit_bytes


class Api:
    """The resolver, its routes and its Lambda handler, over the collaborators given
    (``bootstrap.build_api`` passes the real ones; tests may pass fakes)."""

    def __init__(
        self,
        settings: ApiSettings,
        anonymizer: ImageAnonymizer,
        plans: PlanResolver,
        uploads: UploadService | None,
    ) -> None:
        self.settings = settings
        self.anonymizer = anonymizer
        self.plans = plans
        self.uploads = uploads
        self.logger = Logger(service=settings.service_name)
        # Every capture passes capture_response=False and capture_error=False: an answer
        # holds the OCR text and each entity's text, and X-Ray metadata keeps them for 30 days.
        self.tracer = Tracer(service=settings.service_name)
        self.metrics = Metrics(namespace=settings.metrics_namespace, service=settings.service_name)
        self.app = APIGatewayRestResolver(enable_validation=True)
        install_body_parsing(self.app)
        _routes(self)
        self.lambda_handler = self._handler()

    def _handler(self) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
        logger, tracer, metrics, app = self.logger, self.tracer, self.metrics, self.app

        @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
        @tracer.capture_lambda_handler(capture_response=False, capture_error=False)
        @metrics.log_metrics
        def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
            return app.resolve(event, context)

        handle: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = lambda_handler
        return handle

    @functools.cached_property
    def openapi_json(self) -> str:
        return schemas.openapi_document(self.app, __version__)


_F = TypeVar("_F", bound=Callable[..., Any])


def _form_fields(
    language: schemas.Language = schemas.DEFAULT_LANGUAGE,
    score_threshold: schemas.ScoreThreshold = schemas.DEFAULT_THRESHOLD,
    entities: schemas.EntityNames = None,
    fill_color: schemas.FillColor = schemas.DEFAULT_FILL_COLOR,
    ocr_mode: schemas.OcrMode = schemas.DEFAULT_OCR_MODE,
    verify: schemas.Verify = None,
    exclude_entities: schemas.ExcludedNames = None,
    allow_list: schemas.AllowList = None,
    deny_list: schemas.DenyList = None,
    include_words: schemas.IncludeWords = "true",
    codes: schemas.Codes = None,
    faces: schemas.Faces = None,
) -> None:
    """The image routes' form fields besides ``image``, each with its type (limits, enums,
    help) and default, declared once: each route names its own (``ANALYZE_FIELDS``,
    ``REDACT_FIELDS``), in the order its OpenAPI document lists them."""


# The redaction's form is what a job or a queued request stores; the analysis' has no
# fill nor verification, and lists every word read unless told not to.
REDACT_FIELDS = STORED_OPTIONS
_PAINTING = ("fill_color", "verify")
ANALYZE_FIELDS = (
    *(name for name in STORED_OPTIONS[:-2] if name not in _PAINTING),
    "include_words",
    *STORED_OPTIONS[-2:],
)


def _form(route: Callable[..., Any], image: Any, fields: tuple[str, ...], returns: Any) -> None:
    """Give ``route(image, **fields)`` the signature Powertools reads its form from:
    ``image``, then each of ``fields`` with its type and default (``_form_fields``)."""
    declared = inspect.signature(_form_fields).parameters
    image_parameter = inspect.Parameter("image", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=image)
    parameters = [image_parameter, *(declared[name] for name in fields)]
    route.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]


def _traced_as_route(route: _F) -> _F:
    """Name a route as the tracer names its subsegment, ``## image_anonymizer.api.<name>``:
    the names the routes had in the flat package, which traces and their alarms already know."""
    route.__module__ = "image_anonymizer.api"
    route.__qualname__ = route.__name__
    return route


def _routes(api: Api) -> None:
    """Declare every route and error handler on ``api.app``."""
    app, logger, tracer, metrics, settings = api.app, api.logger, api.tracer, api.metrics, api.settings

    # What each route may answer, for GET /openapi.json (see schemas).
    image_help = schemas.image_description(settings.sync_max_bytes)
    _image_errors = responses.error_responses(STATUS_BY_CODE, (400, 413, 415, 422, 500), framing=True)
    analyze_responses = {200: responses.json_response(schemas.Analysis, "What was found"), **_image_errors}
    redact_responses = {200: responses.redacted_image_response(), **_image_errors}
    upload_responses = {
        201: responses.json_response(schemas.UploadCreated, "A job, and where to POST the image"),
        **responses.error_responses(STATUS_BY_CODE, (400, 415, 422, 500, 501), framing=True),
    }
    job_responses = {
        200: responses.json_response(schemas.JobStatus, "The job's state; its results' URLs once done"),
        **responses.error_responses(STATUS_BY_CODE, (404, 500, 501)),
    }
    entities_responses = {
        200: responses.json_response(schemas.Catalogue, "The entity types and the installed languages"),
        **responses.error_responses(STATUS_BY_CODE, (500,)),
    }
    health_responses = {200: responses.json_response(schemas.Health, "Alive"), **responses.HEALTH_ERRORS}

    def _checked_bytes(image: UploadFile) -> bytes:
        """The checks every image route makes before the service sees the bytes:
        the caller's plan cap, then the synchronous path's cap."""
        plan = api.plans.plan_for(app.current_event.request_context.identity.api_key_id)
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

    image_field = Annotated[UploadFile, File(description=image_help)]

    def image_route(
        path: str, responses: dict[int, Any], fields: tuple[str, ...], returns: Any = inspect.Signature.empty
    ) -> Callable[[_F], _F]:
        """A keyed POST of an image and the form ``fields`` (see ``_form``), traced
        without its answer or its errors."""

        def register(route: _F) -> _F:
            _form(route, image_field, fields, returns)
            traced = tracer.capture_method(capture_response=False, capture_error=False)(
                _traced_as_route(route)
            )
            registered: _F = app.post(path, responses=responses, security=schemas.KEYED)(traced)
            return registered

        return register

    @app.get("/health", responses=health_responses)
    def health() -> dict[str, str]:
        metrics.add_metric(name="health_checks", unit=MetricUnit.Count, value=1)
        return {"status": "ok"}

    @app.get("/entities", responses=entities_responses, security=schemas.KEYED)
    def entities() -> dict[str, Any]:
        metrics.add_metric(name="catalogue_requests", unit=MetricUnit.Count, value=1)
        return {"entities": describe(), "languages": api.anonymizer.languages()}

    @image_route("/analyze-image", analyze_responses, ANALYZE_FIELDS, returns=dict[str, Any])
    def analyze_image(image: UploadFile, **fields: Any) -> dict[str, Any]:
        options = Options.parse(**fields)
        started = time.perf_counter()
        analysis = api.anonymizer.analyze(_checked_bytes(image), options)
        _record("analyze", analysis, started)
        return analysis.to_dict()

    # Deliberately unannotated: Powertools validates an annotated return value, and
    # would try to serialise the image bytes as JSON.
    @image_route("/redact-image", redact_responses, REDACT_FIELDS)
    def redact_image(image: UploadFile, **fields: Any):
        options = Options.parse(**fields)
        started = time.perf_counter()
        result = api.anonymizer.redact(_checked_bytes(image), options)
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

    @app.post("/uploads", status_code=201, responses=upload_responses, security=schemas.KEYED)
    def create_upload(request: schemas.UploadRequest):
        service = _uploads()
        options = Options.parse(**{name: getattr(request, name) for name in STORED_OPTIONS})
        plan = api.plans.plan_for(app.current_event.request_context.identity.api_key_id)
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

    @app.get("/jobs/<job_id>", responses=job_responses, security=schemas.KEYED)
    def job_status(job_id: str) -> dict[str, Any]:
        # Only the key that created the job reads it; any other key gets the same 404.
        owner = app.current_event.request_context.identity.api_key_id
        answer: dict[str, Any] = _uploads().status(job_id, owner=owner)
        return answer

    @app.get("/openapi.json", responses={200: responses.OPENAPI_RESPONSE, **responses.HEALTH_ERRORS})
    def openapi_document():
        """This API's OpenAPI 3.1 document, generated from the routes' own declarations."""
        return Response(200, content_type="application/json", body=api.openapi_json)

    def _uploads() -> UploadService:
        if api.uploads is None:
            raise errors.NotConfigured(
                "Large uploads need an S3 bucket and a jobs table (BUCKET_NAME, JOBS_TABLE); "
                "this server has none."
            )
        return api.uploads

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
        status = status_for(error)
        logger.warning("request refused", extra={"error": error.code, "status": status})
        # A 500's message could come from deep inside; a 501 says what this server lacks.
        message = error.message if status != 500 else "The image could not be processed."
        return _error_response(status, error.code, message)

    @app.exception_handler(RequestValidationError)
    def handle_validation_error(error: RequestValidationError) -> Response[dict[str, str]]:
        problems = []
        for item in error.errors():
            # ("body", 0): the body as a whole (not JSON at all); ("body", "entities", 0): an item.
            loc = [part for part in item.get("loc", ()) if part != "body"]
            field = (
                ".".join(str(part) for part in loc[1 if loc and isinstance(loc[0], int) else 0 :]) or "body"
            )
            problems.append(f"{field}: {str(item.get('msg', 'invalid'))[:120]}")
        logger.warning("request refused", extra={"error": "invalid_request", "status": 400})
        return _error_response(400, "invalid_request", "Invalid request. " + "; ".join(problems[:5]))

    @app.exception_handler(RequestUnsupportedContentType)
    def handle_content_type(error: RequestUnsupportedContentType) -> Response[dict[str, str]]:
        if app.current_event.resource == "/uploads":
            return _error_response(415, "unsupported_media_type", "Send the options as application/json.")
        return _error_response(415, "unsupported_media_type", "Send the image as multipart/form-data.")

    @app.exception_handler(Exception)
    def handle_unexpected(error: Exception) -> Response[dict[str, str]]:
        # The type only: an exception's message could quote text read from the image.
        logger.error("internal error", extra={"error_type": type(error).__name__})
        return _error_response(500, "internal_error", "The image could not be processed.")
