"""``image-anonymizer serve``: the API on localhost, through the Lambda handler.

Each HTTP request becomes an API Gateway REST proxy event, handed to the same
``lambda_handler`` that runs on AWS; the answer follows API Gateway's rules
(binary media types, the 6 MB Lambda payload, API keys), so what works with
curl here works against the deployed stage.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# As in template.yaml's BinaryMediaTypes (there written multipart~1form-data, image~1*).
BINARY_MEDIA_TYPES = ("multipart/form-data", "image/*")
LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024
API_GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024
KEYLESS_PATHS = ("/health",)
ROUTES = {
    ("POST", "/analyze-image"),
    ("POST", "/redact-image"),
    ("GET", "/entities"),
    ("GET", "/health"),
    ("POST", "/uploads"),
    ("GET", "/jobs/*"),
}


def is_binary(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";")[0].strip().lower()
    return any(fnmatch.fnmatch(media_type, pattern) for pattern in BINARY_MEDIA_TYPES)


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
    binary = is_binary(headers.get("content-type") or headers.get("Content-Type"))
    encoded_body: str | None
    if not body:
        encoded_body = None
    elif binary:
        encoded_body = base64.b64encode(body).decode("ascii")
    else:
        encoded_body = body.decode("utf-8", errors="replace")
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
        "isBase64Encoded": binary and bool(body),
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


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def make_request_handler(handler: Handler, api_key: str | None, plan: str) -> type[BaseHTTPRequestHandler]:
    class ApiGatewayEmulator(BaseHTTPRequestHandler):
        server_version = "image-anonymizer"

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def _handle(self, method: str) -> None:
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            if length > API_GATEWAY_PAYLOAD_LIMIT:
                self._reply(413, {"message": "Request Entity Too Large"})
                return
            body = self.rfile.read(length) if length else b""
            if not any(method == m and fnmatch.fnmatch(path, p) for m, p in ROUTES):
                self._reply(403 if api_key else 404, {"message": "Missing Authentication Token"})
                return
            if api_key and path not in KEYLESS_PATHS and self.headers.get("x-api-key") != api_key:
                self._reply(403, {"message": "Forbidden"})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            event = build_event(
                method, self.path, headers, body, api_key_id=f"local-{plan}" if api_key else None
            )
            if len(json.dumps(event)) > LAMBDA_PAYLOAD_LIMIT:
                self._reply(413, {"message": "Request Too Long"})
                return
            result = handler(event, LocalContext(aws_request_id=event["requestContext"]["requestId"]))
            self._reply_lambda(result)

        def _reply_lambda(self, result: dict[str, Any]) -> None:
            body = result.get("body") or ""
            headers: dict[str, str] = dict(result.get("headers") or {})
            for name, values in (result.get("multiValueHeaders") or {}).items():
                headers.setdefault(name, ",".join(values))
            payload = body.encode("utf-8")
            if result.get("isBase64Encoded"):
                accept = (self.headers.get("Accept") or "").split(",")[0]
                # API Gateway returns bytes only when the Accept header names a binary type.
                payload = base64.b64decode(body) if is_binary(accept) else body.encode("ascii")
            self.send_response(int(result.get("statusCode", 502)))
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _reply(self, status: int, body: dict[str, str]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            # Method, path and status only: never a query string or body.
            if len(args) >= 2:
                print(f"{self.command} {urlsplit(self.path).path} {args[1]}", flush=True)

    return ApiGatewayEmulator


def serve(host: str, port: int, api_key: str | None, plan: str) -> None:
    """Serve until interrupted. One request at a time, like one Lambda instance."""
    import os

    if api_key:
        os.environ.setdefault("PLAN_BY_API_KEY_ID", json.dumps({f"local-{plan}": plan}))
    from .api import lambda_handler  # builds the analyzer and OCR engine once, now

    server = HTTPServer((host, port), make_request_handler(lambda_handler, api_key, plan))
    print(f"image-anonymizer: serving on http://{host}:{server.server_port} (plan {plan})", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
