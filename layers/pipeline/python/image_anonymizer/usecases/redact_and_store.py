"""The use case every batch entry point shares (the S3 worker, the drop folder, the
CLI): redact an image, write the redacted copy and its findings beside it; or, for an
image that cannot be redacted, set the original aside with one error record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from image_anonymizer.errors import AnonymizerError

if TYPE_CHECKING:  # the entry points import this module before they load the model
    from image_anonymizer.core.service import ImageAnonymizer, Options, Redaction


class Store(Protocol):
    """Where results go: named blobs, each written whole (never half) or removed.
    ``storage.stores`` has the adapters: ``S3Store`` and ``FolderStore``."""

    def write(self, name: str, data: bytes, content_type: str | None = None) -> None: ...

    def remove(self, name: str) -> None: ...


FINDINGS_SUFFIX = ".json"
ERROR_SUFFIX = ".error.json"
INTERNAL_ERROR = ("internal_error", "The image could not be processed.")


@dataclass(frozen=True)
class ErrorRecord:
    """Why an image was set aside: the one shape every entry point writes, ``error``
    (a code), ``message`` (safe to show: never text read from the image), ``source``
    (where the image came from) and ``job_id`` when there is a job."""

    error: str
    message: str
    source: str
    job_id: str | None = None

    @classmethod
    def of(cls, error: AnonymizerError | None, source: str, job_id: str | None = None) -> ErrorRecord:
        """``error``'s code and message; ``None``, an internal error, says nothing more."""
        code, message = (error.code, error.message) if error is not None else INTERNAL_ERROR
        return cls(code, message, source, job_id)

    def to_dict(self) -> dict[str, str]:
        record = {"error": self.error, "message": self.message, "source": self.source}
        if self.job_id is not None:
            record["job_id"] = self.job_id
        return record


@dataclass(frozen=True)
class Stored:
    """What was written: the redacted copy's name, its findings' (``None`` when not
    written), and those findings as stored."""

    redaction: Redaction
    output: str
    findings: str | None
    summary: dict[str, Any]


class RedactAndStore:
    """Redacts with ``anonymizer`` and writes into ``store``; findings JSON indented by
    ``indent`` (``None``: compact)."""

    def __init__(self, anonymizer: ImageAnonymizer, store: Store, indent: int | None = None) -> None:
        self.anonymizer = anonymizer
        self.target = store
        self._indent = indent

    def redact(self, data: bytes, options: Options) -> Redaction:
        """The service's redaction; raises its errors (the caller decides: set the
        original aside, retry, or report). Nothing is written."""
        return self.anonymizer.redact(data, options)

    def store(
        self, redaction: Redaction, output: str, store_text: bool = False, findings: bool = True
    ) -> Stored:
        """Write the redacted copy as ``output`` and, with ``findings``, ``<output>.json``:
        types, boxes, scores, pages and counts, the text read only with ``store_text``."""
        summary = redaction.analysis.to_dict(with_text=store_text, with_words=False)
        self.target.write(output, redaction.image, redaction.content_type)
        findings_name = None
        if findings:
            findings_name = output + FINDINGS_SUFFIX
            text = json.dumps(summary, indent=self._indent, ensure_ascii=False)
            self.target.write(findings_name, text.encode(), "application/json")
        return Stored(redaction, output, findings_name, summary)

    def set_aside(
        self,
        failed: str,
        data: bytes | None,
        error: AnonymizerError | None,
        source: str,
        job_id: str | None = None,
    ) -> ErrorRecord:
        """Write the original as ``failed`` (unless ``data`` is ``None``: it stays where
        it is) and its ``ErrorRecord`` as ``<failed>.error.json``."""
        record = ErrorRecord.of(error, source, job_id)
        if data is not None:
            self.target.write(failed, data)
        self.target.write(failed + ERROR_SUFFIX, json.dumps(record.to_dict()).encode(), "application/json")
        return record
