"""Domain errors → HTTP: the one table that knows both, and the request parsing that
turns only a body that cannot be parsed into a 400."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
    OpenAPIResponseValidationMiddleware,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from image_anonymizer import errors

# Domain error class → HTTP status; a subclass takes its nearest listed ancestor's.
STATUS_BY_ERROR: dict[type[errors.AnonymizerError], int] = {
    errors.InvalidRequest: 400,
    errors.JobNotFound: 404,
    errors.ImageTooLarge: 413,
    errors.UnsupportedImage: 415,
    errors.LanguageNotInstalled: 422,
    errors.UnsupportedEntityType: 422,
    errors.UnprocessableImage: 422,
    errors.ProcessingFailed: 500,
    errors.VerificationFailed: 500,
    errors.NotConfigured: 501,
}
MALFORMED_BODY = "The multipart/form-data body is malformed."


def status_of(error_class: type[errors.AnonymizerError]) -> int:
    """The status of a domain error class: its own, else its nearest listed ancestor's,
    else 500."""
    for cls in error_class.__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def status_for(error: errors.AnonymizerError) -> int:
    return status_of(type(error))


def _mapped_classes() -> list[type[errors.AnonymizerError]]:
    found: list[type[errors.AnonymizerError]] = []
    pending = list(STATUS_BY_ERROR)
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.append(cls)
            pending += cls.__subclasses__()
    return found


# Error code → status, for the OpenAPI document: every code a route may answer.
STATUS_BY_CODE: dict[str, int] = {cls.code: status_of(cls) for cls in _mapped_classes()}


class _BodyParsing(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, with a body it cannot parse (a multipart body
    without its boundary or cut short, bytes that are not UTF-8) raised as
    ``MalformedBody``, instead of the bare ``ValueError`` it lets through. Every other
    ``ValueError``, a bug, stays one: a 500."""

    def _get_body(self, app: Any) -> dict[str, Any]:
        try:
            body: dict[str, Any] = super()._get_body(app)
        except (RequestValidationError, RequestUnsupportedContentType):
            raise
        except ValueError as error:
            raise errors.MalformedBody(MALFORMED_BODY) from error
        return body


def install_body_parsing(app: Any) -> None:
    """Use ``_BodyParsing`` for ``app``'s request validation (before any route runs;
    Powertools builds its own only when the app has none)."""
    app._request_validation_middleware = _BodyParsing()  # type: ignore[no-untyped-call]
    app._response_validation_middleware = OpenAPIResponseValidationMiddleware(
        validation_serializer=app._serializer,
        has_response_validation_error=app._has_response_validation_error,
    )
