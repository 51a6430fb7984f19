"""``serve`` under 8 concurrent clients for 15 s: every request answered, 2xx, PII found.

The bounded version of ``bench/load.py`` (which runs 60 s in ``make bench`` and reports
latencies in ``bench/RESULTS.md``); here only the counts are asserted, never a time.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", BENCH / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


load = _load_bench()


@pytest.mark.slow
def test_given_8_clients_for_15_s_then_no_error_and_no_request_lost() -> None:
    figures = load.run(duration=15, clients=8, size="small")
    assert figures["errors"] == 0 and figures["lost"] == 0, figures
    assert figures["sent"] == figures["answered"] >= 8, figures
    assert set(figures["statuses"]) == {200}, figures
    assert figures["latency_s"]["/analyze-image"]["n"] and figures["latency_s"]["/redact-image"]["n"]


@pytest.fixture
def fake_server() -> Iterator[Callable[[bytes | None], int]]:
    """A one-connection server on 127.0.0.1 that reads the request, then sends ``reply``
    (``None``: closes without a word). Returns its port."""
    sockets: list[socket.socket] = []

    def start(reply: bytes | None) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        sockets.append(listener)

        def serve() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.settimeout(10)
                received = b""
                while b"--\r\n" not in received[-8:]:  # the multipart body's last line
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    received += chunk
                if reply is not None:
                    connection.sendall(reply)

        threading.Thread(target=serve, daemon=True).start()
        port: int = listener.getsockname()[1]
        return port

    yield start
    for listener in sockets:
        listener.close()


def test_given_a_server_that_closes_without_answering_then_the_request_counts_as_lost(
    fake_server: Callable[[bytes | None], int],
) -> None:
    tally = load.Tally()
    load.one_request(fake_server(None), "/redact-image", load.images("small")[0], tally)
    assert (tally.sent, tally.answered, tally.lost) == (1, 0, 1)


def test_given_a_503_or_a_2xx_without_pii_then_each_counts_as_an_error(
    fake_server: Callable[[bytes | None], int],
) -> None:
    tally = load.Tally()
    upload = load.images("small")[0]
    busy = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    empty = b'HTTP/1.1 200 OK\r\nContent-Length: 16\r\nConnection: close\r\n\r\n{"entities": []}'
    load.one_request(fake_server(busy), "/analyze-image", upload, tally)
    load.one_request(fake_server(empty), "/analyze-image", upload, tally)
    assert (tally.sent, tally.answered, tally.lost, tally.errors) == (2, 2, 0, 2)
    assert tally.statuses == {503: 1, 200: 1}
