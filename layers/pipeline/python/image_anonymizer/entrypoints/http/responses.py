"""What each route may answer, for the OpenAPI document: its JSON models, its error
statuses (each naming the codes it carries), and the redacted image with its headers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from image_anonymizer.core.formats import SUPPORTED_FORMATS
from image_anonymizer.entrypoints.http.schemas import JSON, VERIFICATION_STATUSES, ErrorBody, GatewayError

_GATEWAY: dict[int, str] = {
    403: "no API key, a wrong one, or an unknown route (API Gateway's answer, or serve's)",
    429: "the plan's rate or quota is used up (API Gateway)",
    503: "every worker of serve is busy; retry (serve only)",
}


_FRAMING: dict[int, str] = {
    400: "a malformed Content-Length (serve)",
    408: "the body did not arrive in time (serve)",
    411: "a POST without Content-Length (serve)",
    413: "a body over API Gateway's 10 MB or Lambda's 6 MB payload",
}


_REDACTION_HEADERS: dict[str, tuple[str, dict[str, Any]]] = {
    "X-Redacted-Entities": ("How many findings were covered", {"type": "integer"}),
    "X-Entity-Types": ("The types covered, comma-separated", {"type": "string"}),
    "X-Token-Cost": ("What the request cost, in tokens", {"type": "integer"}),
    "X-Pages": ("Pages (or frames) redacted", {"type": "integer"}),
    "X-Verification": ("skipped, clean or covered", {"type": "string", "enum": VERIFICATION_STATUSES}),
    "X-Verification-Added": ("Findings the verification pass covered", {"type": "integer"}),
    "X-Unsupported-Entities": ("Default types not looked for, comma-separated", {"type": "string"}),
    "Cache-Control": ("Never cached", {"type": "string"}),
}


def _json(model: type[BaseModel] | Any, description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"model": model}}, **extra}


def error_responses(
    status_by_code: Mapping[str, int],
    statuses: Iterable[int],
    gateway: bool = True,
    framing: bool = False,
) -> dict[int, Any]:
    """Every error status of one route, each naming the ``error`` codes it carries.
    ``gateway``: the route needs a key (403, 429); ``framing``: it takes a body."""
    answers: dict[int, Any] = {}
    for status in statuses:
        codes = sorted({code for code, s in status_by_code.items() if s == status})
        answers[status] = _json(ErrorBody | GatewayError, f"error: {', '.join(codes)}")
    notes = {**(_GATEWAY if gateway else {503: _GATEWAY[503]}), **(_FRAMING if framing else {})}
    for status, note in notes.items():
        if status in answers:
            answers[status]["description"] += f"; or {note}"
        else:
            answers[status] = _json(GatewayError, note)
    return answers


def redacted_image_response() -> dict[str, Any]:
    """The 200 of /redact-image: the image, encoded like the upload, and what was done."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "description": "The redacted image, in the upload's format, without its metadata",
        "content": {f.mime_type: dict(binary) for f in SUPPORTED_FORMATS},
        "headers": {
            name: {"description": description, "schema": schema, "required": True}
            for name, (description, schema) in _REDACTION_HEADERS.items()
        },
    }


def json_response(model: type[BaseModel], description: str) -> dict[str, Any]:
    return _json(model, description)


HEALTH_ERRORS = error_responses({}, (), gateway=False)


OPENAPI_RESPONSE: Any = {
    "description": "This document",
    "content": {JSON: {"schema": {"type": "object", "additionalProperties": True}}},
}
