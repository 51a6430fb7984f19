"""What both redaction workers share (stdlib only: it runs in either venv).

A worker is started with ``--jobs FILE --results FILE --launched EPOCH``. It blocks
the network, gets its redactor ready, appends one JSON line ``{"event": "ready",
"cold_start_s": ...}`` (seconds since the orchestrator launched the process), then
one line per image as it goes, flushed, so that a worker that dies mid-run loses
only the image it was on. Jobs already in the results file are skipped, so the
orchestrator can restart a worker after a crash.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Redact one image: bytes in, (bytes out, anything worth keeping about the run).
Redact = Callable[[bytes], tuple[bytes, dict[str, Any]]]

NETWORK_ATTEMPTS: list[str] = []


def block_network() -> None:
    """Refuse and record every attempt to reach another host (Unix sockets still work)."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            real_connect(self, address)
            return
        NETWORK_ATTEMPTS.append(f"connect {address!r}")
        raise OSError("network access is disabled in the benchmark")

    def connect_ex(self: socket.socket, address: Any) -> int:
        connect(self, address)
        return 0

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> list[Any]:
        NETWORK_ATTEMPTS.append(f"resolve {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, "network access is disabled in the benchmark")

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo


def arguments(configure: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """The common arguments; ``configure`` adds a worker's own."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--launched", type=float, required=True, help="time.time() at process launch")
    parser.add_argument("--cold-only", action="store_true", help="get ready, report cold start, exit")
    if configure is not None:
        configure(parser)
    return parser.parse_args()


def run(
    args: argparse.Namespace, setup: Callable[[], Redact], is_expected: Callable[[BaseException], bool]
) -> None:
    """Get ready, then redact every job not yet in the results file.

    ``is_expected`` tells a refusal the redactor raised on purpose (recorded as
    ``refused``) from any other exception (recorded as ``crashed``).
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    redact = setup()
    ready = time.time() - args.launched
    done = set()
    if args.results.exists():
        for line in args.results.read_text().splitlines():
            record = json.loads(line)
            if "name" in record:
                done.add(record["name"])
    with args.results.open("a") as out:
        _write(out, {"event": "ready", "cold_start_s": round(ready, 3), "pid": os.getpid()})
        if args.cold_only:
            return
        for job in json.loads(args.jobs.read_text()):
            if job["name"] in done:
                continue
            data = Path(job["input"]).read_bytes()
            record: dict[str, Any] = {"name": job["name"], "error": None, "error_kind": None}
            started, cpu = time.perf_counter(), cpu_seconds()
            try:
                redacted, extra = redact(data)
            except Exception as error:  # noqa: BLE001 - every failure is a result here
                record["seconds"] = round(time.perf_counter() - started, 4)
                record["cpu_seconds"] = round(cpu_seconds() - cpu, 4)
                record["error_kind"] = "refused" if is_expected(error) else "crashed"
                record["error"] = f"{type(error).__name__}: {error}"[:500]
                record["traceback"] = traceback.format_exc(limit=6)[-2000:]
            else:
                record["seconds"] = round(time.perf_counter() - started, 4)
                record["cpu_seconds"] = round(cpu_seconds() - cpu, 4)
                Path(job["output"]).write_bytes(redacted)
                record.update(extra)
            record["network_attempts"] = list(NETWORK_ATTEMPTS)
            _write(out, record)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the peer runs Tesseract as one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _write(out: Any, record: dict[str, Any]) -> None:
    out.write(json.dumps(record) + "\n")
    out.flush()
