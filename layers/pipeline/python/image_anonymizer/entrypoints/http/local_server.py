"""``image-anonymizer serve``: the API on localhost, through the Lambda handler.

Each HTTP request becomes an API Gateway REST proxy event, handed to the same
``lambda_handler`` that runs on AWS; the answer follows API Gateway's rules
(binary media types, the 6 MB Lambda payload, API keys), so what works with
curl here works against the deployed stage.

Connections are served by a bounded pool of threads (``workers``); one more waits
for a free thread up to ``queue_timeout`` seconds, then gets 503. Every socket read
has a timeout, so an idle or slow client holds one thread, never the server. The
request's framing and API key are checked from its headers alone, before a byte of
the body is read: a missing ``Content-Length`` on a POST is 411, a malformed one 400,
one over the 10 MB cap 413, a wrong key 403; each of these closes the connection
instead of reading (or draining) what the client declared.

``GET /`` (and the page's CSS and JavaScript) is the playground, served here and not
through the handler, without a key: it holds no data, and asks for the key itself.
"""

from __future__ import annotations

import base64
import fnmatch
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from image_anonymizer.config import Settings
from image_anonymizer.entrypoints.http import playground
from image_anonymizer.entrypoints.http.lambda_events import LocalContext, build_event

LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024
API_GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024
KEYLESS_PATHS = ("/health", "/openapi.json")  # no data in either
DEFAULT_WORKERS = 4
DEFAULT_TIMEOUT = 30.0  # seconds a socket read may wait
DEFAULT_QUEUE_TIMEOUT = 10.0  # seconds a connection may wait for a free worker
BODY_DEADLINE_FACTOR = 4  # the whole body must arrive within this many timeouts
_DIGITS = re.compile(r"[0-9]{1,12}")
ROUTES = {
    ("POST", "/analyze-image"),
    ("POST", "/redact-image"),
    ("GET", "/entities"),
    ("GET", "/health"),
    ("GET", "/openapi.json"),
    ("POST", "/uploads"),
    ("GET", "/jobs/*"),
}


def route_exists(method: str, path: str) -> bool:
    """Whether a route serves ``method path``; ``*`` is one path segment, as API
    Gateway's ``{job_id}`` is."""
    return not path.endswith("/") and any(
        method == m and fnmatch.fnmatchcase(path, p) and p.count("/") == path.count("/") for m, p in ROUTES
    )


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class _BadLength(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def declared_length(method: str, headers: Any) -> int:
    """The body's length from ``Content-Length``, validated; raises ``_BadLength``."""
    if headers.get("Transfer-Encoding"):
        raise _BadLength(411, "Length Required")
    values = headers.get_all("Content-Length") or []
    if not values:
        if method == "POST":
            raise _BadLength(411, "Length Required")
        return 0
    if len(set(v.strip() for v in values)) != 1 or not _DIGITS.fullmatch(values[0].strip()):
        raise _BadLength(400, "Bad Request: invalid Content-Length")
    length = int(values[0].strip())
    if length > API_GATEWAY_PAYLOAD_LIMIT:
        raise _BadLength(413, "Request Entity Too Large")
    return length


def key_matches(provided: str | None, expected: str) -> bool:
    """Constant-time comparison of the x-api-key header with the server's key."""
    given = (provided or "").encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, expected.encode("utf-8", "surrogateescape"))


def make_request_handler(
    handler: Handler, api_key: str | None, plan: str, socket_timeout: float = DEFAULT_TIMEOUT
) -> type[BaseHTTPRequestHandler]:
    class ApiGatewayEmulator(BaseHTTPRequestHandler):
        server_version = "image-anonymizer"
        protocol_version = "HTTP/1.1"
        timeout = socket_timeout  # StreamRequestHandler.setup applies it to the socket

        def handle_expect_100(self) -> bool:
            # "100 Continue" only once the headers have passed every check (see _read_body).
            return True

        def end_headers(self) -> None:
            # One request per connection, so that a kept-alive idle client holds no thread.
            self.send_header("Connection", "close")
            super().end_headers()

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_HEAD(self) -> None:
            self.send_response(403 if api_key else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def __getattr__(self, name: str) -> Any:
            # Any other method (PUT, TRACE, or one no standard names): API Gateway answers
            # it as it answers an unknown route, in JSON; http.server would say 501 in HTML.
            if name.startswith("do_"):
                return lambda: self._refuse(403 if api_key else 404, "Missing Authentication Token")
            raise AttributeError(name)

        def _refuse(self, status: int, message: str) -> None:
            """Answer from the headers alone and close: the body is never read."""
            self._reply(status, {"message": message})

        def _handle(self, method: str) -> None:
            path = urlsplit(self.path).path
            try:
                length = declared_length(method, self.headers)
            except _BadLength as error:
                self._refuse(error.status, error.message)
                return
            if method == "GET" and (page := playground.asset(path)) is not None:
                self._reply_asset(*page)
                return
            if not route_exists(method, path):
                self._refuse(403 if api_key else 404, "Missing Authentication Token")
                return
            if (
                api_key
                and path not in KEYLESS_PATHS
                and not key_matches(self.headers.get("x-api-key"), api_key)
            ):
                self._refuse(403, "Forbidden")
                return
            body = self._read_body(length)
            if body is None:
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            event = build_event(
                method, self.path, headers, body, api_key_id=f"local-{plan}" if api_key else None
            )
            if len(json.dumps(event)) > LAMBDA_PAYLOAD_LIMIT:
                self._reply(413, {"message": "Request Too Long"})
                return
            try:
                result = handler(event, LocalContext(aws_request_id=event["requestContext"]["requestId"]))
            except Exception as error:  # noqa: BLE001 - the handler answers its own errors; a bug
                print(f"image-anonymizer: handler failed: {type(error).__name__}", flush=True)
                self._reply(502, {"message": "Internal server error"})
                return
            self._reply_lambda(result)

        def _read_body(self, length: int) -> bytes | None:
            """Exactly ``length`` bytes, in chunks, within a deadline; None if the client stalls."""
            deadline = time.monotonic() + socket_timeout * BODY_DEADLINE_FACTOR
            chunks: list[bytes] = []
            remaining = length
            try:
                if length and (self.headers.get("Expect") or "").lower() == "100-continue":
                    self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                while remaining:
                    if time.monotonic() > deadline:
                        raise TimeoutError
                    chunk = self.rfile.read1(min(remaining, 1 << 16))
                    if not chunk:
                        self.close_connection = True
                        return None  # the client went away before sending what it declared
                    chunks.append(chunk)
                    remaining -= len(chunk)
            except (TimeoutError, OSError):
                self._refuse(408, "Request Timeout")
                return None
            return b"".join(chunks)

        def _reply_lambda(self, result: dict[str, Any]) -> None:
            body = result.get("body") or ""
            headers: dict[str, str] = dict(result.get("headers") or {})
            for name, values in (result.get("multiValueHeaders") or {}).items():
                headers.setdefault(name, ",".join(values))
            payload = body.encode("utf-8")
            if result.get("isBase64Encoded"):
                # With every media type binary, API Gateway returns the bytes, whatever
                # the request's Accept header says: the Content-Type never lies.
                payload = base64.b64decode(body)
            self.send_response(int(result.get("statusCode", 502)))
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _reply_asset(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Security-Policy", playground.CONTENT_SECURITY_POLICY)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _reply(self, status: int, body: dict[str, str]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            # Method, path and status only: never a query string or body.
            path = getattr(self, "path", "")
            if len(args) >= 2 and isinstance(path, str):
                print(f"{getattr(self, 'command', '')} {urlsplit(path).path} {args[1]}", flush=True)

        def log_error(self, format: str, *args: Any) -> None:
            # http.server's own messages may quote the request line (a query string): codes only.
            codes = [str(a) for a in args if isinstance(a, int)]
            print(f"image-anonymizer: request error {' '.join(codes)}".rstrip(), flush=True)

    return ApiGatewayEmulator


_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Content-Length: 29\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
    b'{"message": "Server is busy"}'
)


class BoundedThreadingHTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most ``workers`` at once; a connection waits up to
    ``queue_timeout`` seconds for a free thread (in the listen backlog meanwhile), then 503."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        handler_class: type[BaseHTTPRequestHandler],
        workers: int = DEFAULT_WORKERS,
        queue_timeout: float = DEFAULT_QUEUE_TIMEOUT,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._slots = threading.BoundedSemaphore(workers)
        self._queue_timeout = queue_timeout
        super().__init__(address, handler_class)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(timeout=self._queue_timeout):
            self._answer_busy(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer; no traceback (it could quote a request).
        print("image-anonymizer: connection error", flush=True)

    def _answer_busy(self, request: socket.socket) -> None:
        try:
            request.settimeout(1.0)
            request.sendall(_BUSY)
        except OSError:
            pass
        finally:
            self.shutdown_request(request)


def make_server(
    handler: Handler,
    host: str,
    port: int,
    api_key: str | None,
    plan: str,
    workers: int = DEFAULT_WORKERS,
    timeout: float = DEFAULT_TIMEOUT,
    queue_timeout: float = DEFAULT_QUEUE_TIMEOUT,
) -> BoundedThreadingHTTPServer:
    """The server, bound and not yet serving (tests run it in a thread with a fake handler)."""
    request_handler = make_request_handler(handler, api_key, plan, timeout)
    return BoundedThreadingHTTPServer((host, port), request_handler, workers, queue_timeout)


def with_local_plan(settings: Settings, api_key: str | None, plan: str) -> Settings:
    """With a key and no ``PLAN_BY_API_KEY_ID``: the key's id, as this server passes it
    (``local-<plan>``), on the chosen plan."""
    if not api_key or settings.api.plan_by_api_key_id:
        return settings
    return replace(settings, api=replace(settings.api, plan_by_api_key_id={f"local-{plan}": plan}))


def serve(
    handler: Handler,
    address: tuple[str, int],
    api_key: str | None,
    plan: str,
    workers: int = DEFAULT_WORKERS,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Serve ``handler`` until interrupted, ``workers`` connections at a time."""
    host, port = address
    server = make_server(handler, host, port, api_key, plan, workers, timeout)
    print(
        f"image-anonymizer: serving on http://{host}:{server.server_port} (plan {plan}, {workers} workers)",
        flush=True,
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
