"""Request latency over localhost and the server's cold start: `make timing`.

Starts `image-anonymizer serve`, times process start → first /health answer, then
POSTs an A4 300-DPI page and a 1280x800 screenshot to /redact-image (warm, median).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import a4, screenshot

RUNS = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="page.png"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def post(port: int, data: bytes) -> float:
    body, content_type = multipart(data)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/redact-image",
        data=body,
        headers={"Content-Type": content_type, "Accept": "image/*", "x-api-key": "bench"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def main() -> None:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("image-anonymizer")),
        "serve",
        "--port",
        str(port),
        "--api-key",
        "bench",
        "--plan",
        "business",
    ]
    started = time.perf_counter()
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
                break
            except OSError:
                if time.perf_counter() - started > 120:
                    raise
                time.sleep(0.05)
        report: dict[str, float] = {"server_cold_start_s": round(time.perf_counter() - started, 2)}
        for name, data in (("a4_300dpi", a4()), ("screenshot_1280x800", screenshot())):
            post(port, data)
            report[f"{name}_http_median_s"] = round(
                statistics.median(post(port, data) for _ in range(RUNS)), 3
            )
        print(json.dumps(report, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
