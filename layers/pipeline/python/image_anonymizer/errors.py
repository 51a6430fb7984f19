"""Domain errors, every one the package raises on purpose. No HTTP in here: the HTTP
layer maps each class to a status in one table (``entrypoints.http.errors``)."""

from __future__ import annotations


class AnonymizerError(Exception):
    """Base of every error the pipeline raises on purpose.

    ``message`` is safe to show a caller: it never carries text read from
    the image, nor internals such as paths or stack traces.
    """

    code = "internal_error"

    def __init_subclass__(cls, code: str | None = None, **kwargs: object) -> None:
        """``class X(AnonymizerError, code="x")``: a subclass's code, where it is named."""
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(AnonymizerError, code="invalid_request"):
    """A field of the request is malformed or names something unknown."""


class UnknownEntityType(InvalidRequest, code="unknown_entity_type"):
    """An entity type the catalogue does not know."""


class UnknownLanguage(InvalidRequest, code="unknown_language"):
    """A language that is not one of the known OCR languages."""


class UnsupportedEntityType(AnonymizerError, code="unsupported_entity_type"):
    """A requested entity type that the chosen language cannot detect on this host."""


class LanguageNotInstalled(AnonymizerError, code="language_not_installed"):
    """A known language whose OCR data is missing on this host."""


class UnsupportedImage(AnonymizerError, code="unsupported_media_type"):
    """The bytes are not an image in one of the supported formats."""


class ImageTooLarge(AnonymizerError, code="image_too_large"):
    """Too many bytes or too many pixels (decompression bomb guard)."""


class UnprocessableImage(AnonymizerError, code="unprocessable_image"):
    """A supported format, but the image cannot be processed (corrupt, tiny)."""


class ProcessingFailed(AnonymizerError, code="internal_error"):
    """An unexpected failure between decoding and encoding: fail closed."""


class VerificationFailed(AnonymizerError, code="verification_failed"):
    """The redacted page still showed PII after the last verification pass allowed:
    fail closed, never return that image."""


class NotConfigured(AnonymizerError, code="not_configured"):
    """A feature this deployment has not been given the resources for."""


class MalformedBody(InvalidRequest, code="invalid_request"):
    """The request's body cannot be parsed (a broken multipart/form-data or JSON body)."""


class JobNotFound(InvalidRequest, code="job_not_found"):
    """No job with this id that the caller may read."""


class PoisonMessage(AnonymizerError, code="poison_message"):
    """A queue message that is not an S3 notification nor a redaction request, or one
    the worker refuses: dead-lettered without touching any object."""
