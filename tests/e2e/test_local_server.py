"""``serve``'s HTTP layer under hostile clients, over real sockets on 127.0.0.1.

The server is the one ``image-anonymizer serve`` runs (``make_server``), in a thread
of the test with a stub Lambda handler that records what it was given, so that these
tests need no model and can watch what the server reads.
"""

from __future__ import annotations

import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from image_anonymizer.entrypoints.http.local_server import make_server

API_KEY = "testkey"


class StubHandler:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"ok": true}'}


@pytest.fixture
def stub() -> StubHandler:
    return StubHandler()


def start(stub: StubHandler, **options: Any) -> Iterator[tuple[str, int]]:
    server = make_server(stub, "127.0.0.1", 0, API_KEY, "basic", **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def address(stub: StubHandler) -> Iterator[tuple[str, int]]:
    yield from start(stub, workers=4, timeout=20.0)


def exchange(address: tuple[str, int], raw: bytes, timeout: float = 5.0) -> tuple[int, bytes]:
    """Send ``raw`` (and nothing more), read until the server closes: status and body."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(raw)
        return read_reply(sock)


def read_reply(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head, "the server closed without answering"
    return int(head.split(b" ")[1]), body


def post_head(length: str, key: str = API_KEY, extra: str = "") -> bytes:
    return (
        f"POST /redact-image HTTP/1.1\r\nHost: x\r\nx-api-key: {key}\r\n"
        f"Content-Type: image/png\r\nContent-Length: {length}\r\n{extra}\r\n"
    ).encode()


HEALTH = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"


def test_given_an_idle_connection_then_other_clients_are_still_answered(
    address: tuple[str, int], stub: StubHandler
) -> None:
    with socket.create_connection(address, timeout=5) as idle:
        idle.sendall(b"POST /redact-image HTTP/1.1\r\n")  # and then nothing, for the whole test
        half_open = socket.create_connection(address, timeout=5)  # sends not even a request line
        try:
            started = time.monotonic()
            status, body = exchange(address, HEALTH)
            assert (status, json.loads(body)) == (200, {"ok": True})
            assert time.monotonic() - started < 3, "an idle client delayed another's answer"
        finally:
            half_open.close()


def test_given_an_idle_connection_then_its_socket_times_out_and_frees_the_worker(
    stub: StubHandler,
) -> None:
    for address in start(stub, workers=1, timeout=1.0, queue_timeout=10.0):
        with socket.create_connection(address, timeout=10) as idle:
            started = time.monotonic()
            status, _ = exchange(address, HEALTH, timeout=10)  # waits for the only worker
            assert status == 200
            assert time.monotonic() - started < 5
            idle.settimeout(5)
            assert idle.recv(1024) == b"", "the idle connection is closed after its timeout"


def test_given_more_connections_than_workers_then_the_excess_waits_and_then_gets_503(
    stub: StubHandler,
) -> None:
    for address in start(stub, workers=1, timeout=30.0, queue_timeout=0.5):
        with socket.create_connection(address, timeout=10):
            time.sleep(0.2)  # the first connection now holds the only worker
            status, body = exchange(address, HEALTH, timeout=10)
            assert status == 503 and json.loads(body) == {"message": "Server is busy"}


@pytest.mark.parametrize("length", ["-1", "abc", "1_000", "+5", "0x10", "99999999999999999999"])
def test_given_a_malformed_content_length_then_400_and_the_server_answers_others(
    address: tuple[str, int], stub: StubHandler, length: str
) -> None:
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(post_head(length) + b"x" * 100)  # the stream stays open: never read to its end
        status, body = read_reply(sock)
    assert status == 400 and b"Content-Length" in body
    assert stub.events == []
    assert exchange(address, HEALTH)[0] == 200


def test_given_two_different_content_lengths_then_400(address: tuple[str, int], stub: StubHandler) -> None:
    raw = post_head("10", extra="Content-Length: 20\r\n")
    assert exchange(address, raw)[0] == 400
    assert stub.events == []


def test_given_a_post_without_content_length_then_411(address: tuple[str, int], stub: StubHandler) -> None:
    raw = f"POST /redact-image HTTP/1.1\r\nHost: x\r\nx-api-key: {API_KEY}\r\n\r\n".encode()
    assert exchange(address, raw)[0] == 411
    chunked = f"POST /redact-image HTTP/1.1\r\nx-api-key: {API_KEY}\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert exchange(address, chunked.encode())[0] == 411
    assert stub.events == []


def test_given_a_body_over_the_cap_then_413_without_reading_it(
    address: tuple[str, int], stub: StubHandler
) -> None:
    status, body = exchange(address, post_head(str(10 * 1024 * 1024 + 1)))  # headers only
    assert status == 413 and json.loads(body) == {"message": "Request Entity Too Large"}
    assert stub.events == []


@pytest.mark.parametrize("key", ["wrongkey", "testkey2", ""], ids=["wrong", "longer", "empty"])
def test_given_a_wrong_key_and_a_large_declared_body_then_403_before_the_body_is_sent(
    address: tuple[str, int], stub: StubHandler, key: str
) -> None:
    # Only the headers go out; had the server waited for the 5 MB it declared, this would time out.
    started = time.monotonic()
    status, body = exchange(address, post_head(str(5 * 1024 * 1024), key=key), timeout=5)
    assert status == 403 and json.loads(body) == {"message": "Forbidden"}
    assert time.monotonic() - started < 3
    assert stub.events == []


def test_given_expect_100_continue_and_a_wrong_key_then_403_and_no_100_continue(
    address: tuple[str, int],
) -> None:
    status, _ = exchange(address, post_head("4096", key="nope", extra="Expect: 100-continue\r\n"))
    assert status == 403


def test_given_expect_100_continue_and_the_right_key_then_100_continue_and_the_body_is_read(
    address: tuple[str, int], stub: StubHandler
) -> None:
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(post_head("5", extra="Expect: 100-continue\r\n"))
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"hello")
        status, _ = read_reply(sock)
    assert status == 200
    assert stub.events[0]["isBase64Encoded"] and stub.events[0]["body"] == "aGVsbG8="


def test_given_the_right_key_and_a_body_sent_in_pieces_then_the_handler_gets_all_of_it(
    address: tuple[str, int], stub: StubHandler
) -> None:
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(post_head("6"))
        time.sleep(0.2)
        sock.sendall(b"abc")
        time.sleep(0.2)
        sock.sendall(b"def")
        status, _ = read_reply(sock)
    assert status == 200
    assert stub.events[0]["body"] == "YWJjZGVm"


def test_given_a_body_shorter_than_declared_then_408_after_the_timeout(stub: StubHandler) -> None:
    for address in start(stub, workers=2, timeout=0.5):
        status, _ = exchange(address, post_head("100") + b"short", timeout=10)
        assert status == 408
        assert stub.events == []


def test_the_key_is_compared_with_hmac_compare_digest(
    address: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    raw = f"GET /entities HTTP/1.1\r\nx-api-key: {API_KEY}\r\n\r\n".encode()
    assert exchange(address, raw)[0] == 200
    assert exchange(address, raw.replace(API_KEY.encode(), b"other"))[0] == 403
    assert calls == [(b"testkey", b"testkey"), (b"other", b"testkey")]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "QUERY", "BREW"])
def test_given_a_method_no_route_has_then_api_gateways_json_403_not_html(
    address: tuple[str, int], stub: StubHandler, method: str
) -> None:
    raw = f"{method} /redact-image HTTP/1.1\r\nHost: x\r\nx-api-key: {API_KEY}\r\n\r\n".encode()
    status, body = exchange(address, raw)
    assert status == 403
    assert json.loads(body) == {"message": "Missing Authentication Token"}
    assert stub.events == []


def test_given_head_then_403_without_a_body(address: tuple[str, int], stub: StubHandler) -> None:
    status, body = exchange(
        address, f"HEAD /health HTTP/1.1\r\nHost: x\r\nx-api-key: {API_KEY}\r\n\r\n".encode()
    )
    assert (status, body) == (403, b"")
    assert stub.events == []


@pytest.mark.parametrize("path", ["/jobs/", "/jobs/a/b", "/jobs/a/", "/health/x", "/openapi.json/x"])
def test_given_a_path_past_a_route_then_403_as_api_gateway_and_the_handler_never_called(
    address: tuple[str, int], stub: StubHandler, path: str
) -> None:
    status, body = exchange(
        address, f"GET {path} HTTP/1.1\r\nHost: x\r\nx-api-key: {API_KEY}\r\n\r\n".encode()
    )
    assert status == 403 and json.loads(body) == {"message": "Missing Authentication Token"}
    assert stub.events == []


@pytest.mark.parametrize("path", ["/jobs/0123abcd", "/openapi.json", "/health"])
def test_given_a_route_then_the_handler_gets_it(
    address: tuple[str, int], stub: StubHandler, path: str
) -> None:
    # /openapi.json and /health without a key: neither holds data.
    key = f"x-api-key: {API_KEY}\r\n" if path.startswith("/jobs") else ""
    status, _ = exchange(address, f"GET {path} HTTP/1.1\r\nHost: x\r\n{key}\r\n".encode())
    assert status == 200
    assert [e["path"] for e in stub.events] == [path]
