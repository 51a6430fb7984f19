"""Load on ``image-anonymizer serve``: concurrent clients for a while, nothing lost.

    python bench/load.py                      # 8 clients, 60 s, writes its section of RESULTS.md
    python bench/load.py --duration 20 --print

Starts the server on 127.0.0.1 (a free port, ``--workers`` as many as the clients, so that
none waits for a worker), then each client thread posts, one connection per request as the
server serves them, rendered pages with an e-mail address and a phone number to
``/analyze-image`` and ``/redact-image`` in turn (PNG and JPEG in turn) until the duration is
up, and finishes the request it is in. Counted: requests sent (the whole request written),
answered (a whole response read), errors (an answer other than 2xx, a 2xx that found no PII,
a connection refused or broken before the request was sent) and lost (sent, never answered);
latency from the first byte sent to the last byte read, per endpoint. Exits 1 if any error
or lost request. ``make bench`` runs it and it rewrites only its own section of
``bench/RESULTS.md`` (between its markers); ``tests/e2e/test_load.py`` runs it for 15 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (ROOT, ROOT / "layers" / "pipeline" / "python", BENCH):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from sections import write_section  # noqa: E402

from tests.rendering import EMAIL, PHONE, encode, render, tokens  # noqa: E402

START, END = "<!-- load: bench/load.py -->", "<!-- /load -->"
API_KEY = "load-test-key"
ENDPOINTS = ("/analyze-image", "/redact-image")
LINES = [
    tokens(f"Contact: {EMAIL}", [EMAIL]),
    tokens(f"Phone: {PHONE} Reference 7781", [PHONE]),
    tokens("Invoice for consulting services, March"),
]
SIZES = {"page": (1240, 420), "small": (620, 180)}
CLIENT_TIMEOUT = 300.0  # a request's answer waits this long before it counts as lost


def images(size: str) -> list[tuple[str, str, bytes]]:
    """``(name, content type, bytes)``: the same letter as PNG and as JPEG."""
    font_size = 28 if size == "page" else 16
    page, _ = render(LINES, size=SIZES[size], font_size=font_size, origin=(30, 30))
    return [
        ("letter.png", "image/png", encode(page, "PNG")),
        ("letter.jpg", "image/jpeg", encode(page, "JPEG", quality=92)),
    ]


def multipart(name: str, content_type: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(workers: int, log: IO[bytes]) -> Iterator[int]:
    """``image-anonymizer serve`` on 127.0.0.1 until the block ends; yields its port."""
    port = free_port()
    env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "layers" / "pipeline" / "python"), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.pop("PLAN_BY_API_KEY_ID", None)
    command = [sys.executable, "-m", "image_anonymizer.entrypoints.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--api-key", API_KEY, "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode} before answering")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    connection.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer GET /health within 120 s")
            time.sleep(0.25)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Tally:
    """What the clients saw; one lock for all of them."""

    sent: int = 0
    answered: int = 0
    errors: int = 0
    lost: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, why: str) -> None:
        self.errors += 1
        self.failures[why] = self.failures.get(why, 0) + 1


def one_request(port: int, endpoint: str, upload: tuple[str, str, bytes], tally: Tally) -> None:
    body, content_type = multipart(*upload)
    headers = {"Content-Type": content_type, "x-api-key": API_KEY, "Accept": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    started = time.perf_counter()
    try:
        try:
            connection.request("POST", endpoint, body=body, headers=headers)
        except OSError as error:
            with tally.lock:
                tally.fail(f"not sent: {type(error).__name__}")
            return
        with tally.lock:
            tally.sent += 1
        try:
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as error:
            with tally.lock:
                tally.lost += 1
                tally.failures[f"lost: {type(error).__name__}"] = (
                    tally.failures.get(f"lost: {type(error).__name__}", 0) + 1
                )
            return
        elapsed = time.perf_counter() - started
        found = _found(endpoint, response, answer)
        with tally.lock:
            tally.answered += 1
            tally.statuses[response.status] = tally.statuses.get(response.status, 0) + 1
            tally.latencies[endpoint].append(elapsed)
            if not 200 <= response.status < 300:
                tally.fail(f"HTTP {response.status}")
            elif not found:
                tally.fail(f"{endpoint}: no PII found")
    finally:
        connection.close()


def _found(endpoint: str, response: http.client.HTTPResponse, answer: bytes) -> bool:
    """Whether a 2xx answer found the letter's PII (and, redacted, came back an image)."""
    if not 200 <= response.status < 300:
        return False
    if endpoint == "/redact-image":
        return int(response.getheader("X-Redacted-Entities") or 0) >= 2 and not answer.startswith(b"{")
    try:
        types = {e["entity_type"] for e in json.loads(answer)["entities"]}
    except (ValueError, KeyError, TypeError):
        return False
    return {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= types


def run(duration: float, clients: int, workers: int | None = None, size: str = "page") -> dict[str, object]:
    """Serve, load for ``duration`` seconds with ``clients`` threads, and return the figures."""
    uploads = images(size)
    tally = Tally()
    with tempfile.TemporaryFile() as log, served(workers or clients, log) as port:
        stop = time.monotonic() + duration

        def client(index: int) -> None:
            turn = index
            while time.monotonic() < stop:
                one_request(port, ENDPOINTS[turn % 2], uploads[(turn // 2) % 2], tally)
                turn += 1

        threads = [threading.Thread(target=client, args=(i,), name=f"client-{i}") for i in range(clients)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        log.seek(0)
        server_log = log.read().decode(errors="replace")
    every = sorted(t for values in tally.latencies.values() for t in values)
    return {
        "duration_s": duration,
        "wall_s": round(wall, 1),
        "clients": clients,
        "workers": workers or clients,
        "size": size,
        "image": "x".join(map(str, SIZES[size])),
        "image_bytes": {name: len(data) for name, _, data in uploads},
        "sent": tally.sent,
        "answered": tally.answered,
        "errors": tally.errors,
        "lost": tally.lost,
        "statuses": dict(sorted(tally.statuses.items())),
        "failures": tally.failures,
        "throughput_per_s": round(tally.answered / wall, 2) if wall else 0.0,
        "latency_s": {
            "all": percentiles(every),
            **{endpoint: percentiles(sorted(v)) for endpoint, v in tally.latencies.items()},
        },
        "server_log_tail": server_log[-1500:] if tally.errors or tally.lost else "",
    }


def percentiles(ordered: list[float]) -> dict[str, float]:
    if not ordered:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "max": 0.0}

    def nearest(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)

    return {"n": len(ordered), "p50": nearest(0.5), "p95": nearest(0.95), "max": round(ordered[-1], 2)}


def section(figures: dict[str, object], command: str) -> str:
    latency: dict[str, dict[str, float]] = figures["latency_s"]  # type: ignore[assignment]
    rows = [
        f"| {name} | {stats['n']} | {stats['p50']:.2f} | {stats['p95']:.2f} | {stats['max']:.2f} |"
        for name, stats in latency.items()
    ]
    sizes = ", ".join(f"{name} {size // 1024} KB" for name, size in figures["image_bytes"].items())  # type: ignore[attr-defined]
    return "\n".join(
        [
            START,
            "## Load: `serve` on 127.0.0.1, concurrent clients",
            "",
            f"`{command}` (in `make bench`) · {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()}, commit {commit()}. `image-anonymizer serve --workers "
            f"{figures['workers']}` on 127.0.0.1; {figures['clients']} client threads (stdlib "
            f"`http.client`, one connection per request) for {figures['duration_s']:.0f} s "
            f"({figures['wall_s']} s with the last requests finished), posting a {figures['image']} "
            f"letter with an e-mail address and a phone number ({sizes}) to `/analyze-image` and "
            "`/redact-image` in turn, default options (thorough OCR). An error is an answer other "
            "than 2xx, a 2xx that did not find both, or a request that could not be sent; lost: "
            "sent and never answered.",
            "",
            "| sent | answered | errors | lost | statuses | answers/s |",
            "|---|---|---|---|---|---|",
            f"| {figures['sent']} | {figures['answered']} | {figures['errors']} | {figures['lost']} | "
            + ", ".join(f"{code}: {n}" for code, n in figures["statuses"].items())  # type: ignore[attr-defined]
            + f" | {figures['throughput_per_s']} |",
            "",
            "| latency (s) | answers | p50 | p95 | max |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "Latency is a request's whole time, first byte sent to last byte read; with "
            f"{figures['clients']} requests at once on these cores each waits for the others' OCR.",
            END,
        ]
    )


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=None, help="serve --workers (default: clients)")
    parser.add_argument("--size", choices=sorted(SIZES), default="page", help="the letter's size")
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--print", action="store_true", help="print the section, write nothing")
    args = parser.parse_args()
    figures = run(args.duration, args.clients, args.workers, args.size)
    print(json.dumps(figures, indent=1))
    command = "python bench/load.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    text = section(figures, command)
    if args.print:
        print(text)
    else:
        write_section(text, args.report, START, END)
        print(f"wrote its section of {args.report}")
    failed = bool(figures["errors"] or figures["lost"])
    if failed:
        print(f"load: {figures['errors']} error(s), {figures['lost']} lost", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
