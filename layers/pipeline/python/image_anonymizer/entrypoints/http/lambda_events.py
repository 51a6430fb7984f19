"""An HTTP request as the Lambda handler receives it from API Gateway: the REST (v1)
proxy event, and the context Powertools reads. ``serve``, the tests and
``events/build_events.py`` build them the same way."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit


def build_event(
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    api_key_id: str | None = None,
    stage: str = "local",
) -> dict[str, Any]:
    """An API Gateway REST (v1) proxy event, as the deployed API sends it."""
    url = urlsplit(path)
    query = dict(parse_qsl(url.query)) or None
    # Every media type is binary to the deployed API: every body arrives base64-encoded.
    encoded_body = base64.b64encode(body).decode("ascii") if body else None
    request_id = str(uuid.uuid4())
    return {
        "resource": url.path,
        "path": url.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": url.path,
            "httpMethod": method,
            "path": f"/{stage}{url.path}",
            "stage": stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTimeEpoch": int(time.time() * 1000),
            "protocol": "HTTP/1.1",
            "accountId": "123456789012",
            "apiId": "local",
            "identity": {
                "apiKeyId": api_key_id,
                "apiKey": None,
                "sourceIp": "127.0.0.1",
                "userAgent": headers.get("user-agent") or headers.get("User-Agent"),
            },
        },
        "body": encoded_body,
        "isBase64Encoded": bool(body),
    }


@dataclass
class LocalContext:
    """What Powertools reads from a Lambda context."""

    function_name: str = "image-anonymizer-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 3008
    invoked_function_arn: str = "arn:aws:lambda:local:123456789012:function:image-anonymizer-local"
    aws_request_id: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 29_000
