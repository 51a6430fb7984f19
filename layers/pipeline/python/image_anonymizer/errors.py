"""Domain errors, every one the package raises on purpose. No HTTP in here: the HTTP
layer maps each class to a status in one table (``http_errors``)."""

from __future__ import annotations


class AnonymizerError(Exception):
    """Base of every error the pipeline raises on purpose.

    ``message`` is safe to show a caller: it never carries text read from
    the image, nor internals such as paths or stack traces.
    """

    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(AnonymizerError):
    """A field of the request is malformed or names something unknown."""

    code = "invalid_request"


class UnknownEntityType(InvalidRequest):
    code = "unknown_entity_type"


class UnknownLanguage(InvalidRequest):
    code = "unknown_language"


class UnsupportedEntityType(AnonymizerError):
    """A requested entity type that the chosen language cannot detect on this host."""

    code = "unsupported_entity_type"


class LanguageNotInstalled(AnonymizerError):
    """A known language whose OCR data is missing on this host."""

    code = "language_not_installed"


class UnsupportedImage(AnonymizerError):
    """The bytes are not an image in one of the supported formats."""

    code = "unsupported_media_type"


class ImageTooLarge(AnonymizerError):
    """Too many bytes or too many pixels (decompression bomb guard)."""

    code = "image_too_large"


class UnprocessableImage(AnonymizerError):
    """A supported format, but the image cannot be processed (corrupt, tiny)."""

    code = "unprocessable_image"


class ProcessingFailed(AnonymizerError):
    """An unexpected failure between decoding and encoding: fail closed."""

    code = "internal_error"


class VerificationFailed(AnonymizerError):
    """The redacted page still showed PII after the last verification pass allowed:
    fail closed, never return that image."""

    code = "verification_failed"


class NotConfigured(AnonymizerError):
    """A feature this deployment has not been given the resources for."""

    code = "not_configured"


class MalformedBody(InvalidRequest):
    """The request's body cannot be parsed (a broken multipart/form-data or JSON body)."""

    code = "invalid_request"


class JobNotFound(InvalidRequest):
    """No job with this id that the caller may read."""

    code = "job_not_found"


class PoisonMessage(AnonymizerError):
    """A queue message that is not an S3 notification nor a redaction request, or one
    the worker refuses: dead-lettered without touching any object."""

    code = "poison_message"
