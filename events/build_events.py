"""Write the example API Gateway REST proxy events in this folder.

Run from the repository root:

    .venv/bin/python events/build_events.py

The events are real ones: a multipart/form-data body with a fixed boundary,
base64-encoded as API Gateway does for the binary media types, built by the same
``build_event`` that ``image-anonymizer serve`` uses. The output is deterministic:
fixed images, boundary, request id and request time.

Tests import this file (``tests/integration/test_api_handler.py``) to re-render the
images and check the redacted pixels.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.rendering when run as a script

from PIL import Image  # noqa: E402

from image_anonymizer.entrypoints.http.lambda_events import build_event  # noqa: E402
from tests.rendering import Word, encode, render, tokens  # noqa: E402

EMAIL = "maria.garcia@example.com"
PHONE = "(415) 555-0132"
LINES = [
    tokens(f"Contact: {EMAIL}", [EMAIL]),
    tokens(f"Phone: {PHONE} Reference 7781", [PHONE]),
]
SIZE = (900, 220)

BOUNDARY = "----ImageAnonymizerExampleBoundary7MA4YWxkTrZu0gW"
STAGE = "prod"
API_KEY_ID = "example-key-id"
REQUEST_TIME_EPOCH = 1_735_689_600_000  # 2025-01-01T00:00:00Z
HEADERS = {
    "accept": "application/json",
    "host": "abcdef1234.execute-api.eu-west-1.amazonaws.com",
    "user-agent": "curl/8.5.0",
    "x-api-key": "example-api-key-value",
}

# A form field: (name, value) or (name, (filename, content type, bytes)).
Field = tuple[str, str | tuple[str, str, bytes]]


def sample_image() -> tuple[Image.Image, list[Word]]:
    """The image every image event carries, and its words' ground-truth boxes."""
    return render(LINES, size=SIZE)


def png_bytes() -> bytes:
    return encode(sample_image()[0], "PNG")


def jpeg_bytes() -> bytes:
    return encode(sample_image()[0], "JPEG", quality=90)


def multipart(fields: Sequence[Field], boundary: str = BOUNDARY) -> bytes:
    """A multipart/form-data body, as a browser or curl -F sends it."""
    parts: list[bytes] = []
    for name, value in fields:
        if isinstance(value, tuple):
            filename, content_type, data = value
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(f"--{boundary}\r\n".encode() + head.encode() + data + b"\r\n")
        else:
            head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"--{boundary}\r\n{head}{value}\r\n".encode())
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def event(
    method: str,
    path: str,
    fields: Sequence[Field] | None = None,
    request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    accept: str = "application/json",
) -> dict[str, Any]:
    headers = dict(HEADERS, accept=accept)
    body = b""
    if fields is not None:
        body = multipart(fields)
        headers["content-type"] = f"multipart/form-data; boundary={BOUNDARY}"
        headers["content-length"] = str(len(body))
    result = build_event(method, path, headers, body, api_key_id=API_KEY_ID, stage=STAGE)
    context = result["requestContext"]
    context.update(requestId=request_id, extendedRequestId=request_id, requestTimeEpoch=REQUEST_TIME_EPOCH)
    context["identity"]["apiKey"] = HEADERS["x-api-key"]
    return result


def truncated_png() -> bytes:
    data = png_bytes()
    return data[: len(data) // 2]


def events() -> dict[str, dict[str, Any]]:
    """File name → event."""
    png = ("invoice.png", "image/png", png_bytes())
    jpeg = ("invoice.jpg", "image/jpeg", jpeg_bytes())
    return {
        "analyze-image.json": event(
            "POST",
            "/analyze-image",
            [("image", png), ("language", "en")],
            request_id="00000000-0000-4000-8000-000000000001",
        ),
        "redact-image.json": event(
            "POST",
            "/redact-image",
            [("image", png), ("fill_color", "red")],
            request_id="00000000-0000-4000-8000-000000000002",
            accept="image/png",
        ),
        "redact-image-jpeg.json": event(
            "POST",
            "/redact-image",
            [("image", jpeg)],
            request_id="00000000-0000-4000-8000-000000000003",
            accept="image/jpeg",
        ),
        "entities.json": event("GET", "/entities", request_id="00000000-0000-4000-8000-000000000004"),
        "health.json": event("GET", "/health", request_id="00000000-0000-4000-8000-000000000005"),
        "openapi-document.json": event(
            "GET", "/openapi.json", request_id="00000000-0000-4000-8000-000000000011"
        ),
        "error-400-unknown-entity.json": event(
            "POST",
            "/analyze-image",
            [("image", png), ("entities", "NOT_A_TYPE")],
            request_id="00000000-0000-4000-8000-000000000006",
        ),
        "error-400-missing-image.json": event(
            "POST",
            "/redact-image",
            [("language", "en"), ("fill_color", "black")],
            request_id="00000000-0000-4000-8000-000000000007",
        ),
        "error-415-not-an-image.json": event(
            "POST",
            "/redact-image",
            [("image", ("notes.txt", "text/plain", b"Meeting notes: call Maria on Monday.\n"))],
            request_id="00000000-0000-4000-8000-000000000008",
        ),
        "error-422-corrupt-png.json": event(
            "POST",
            "/redact-image",
            [("image", ("broken.png", "image/png", truncated_png()))],
            request_id="00000000-0000-4000-8000-000000000009",
        ),
        "error-400-bad-fill-color.json": event(
            "POST",
            "/redact-image",
            [("image", png), ("fill_color", "chartreuse")],
            request_id="00000000-0000-4000-8000-000000000010",
        ),
    }


def main() -> None:
    for name, payload in events().items():
        path = HERE / name
        path.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
