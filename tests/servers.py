"""``image-anonymizer serve`` as a subprocess on a free port of 127.0.0.1, as a
developer runs it: the end-to-end tests' server and bench/load.py's.

Its output goes to a file, never to a pipe: hundreds of requests would fill a pipe
nobody reads, and the server would stall writing its log.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "image-anonymizer"


class ServerFailed(RuntimeError):
    """The server exited, or did not answer GET /health in time."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def serve(arguments: Sequence[str], log: Path, ready_within: float = 60.0) -> Iterator[str]:
    """``serve`` with ``arguments`` (``--api-key``, ``--plan``, ``--workers`` ...) until
    the block ends; yields its base URL once GET /health answers."""
    port = free_port()
    env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
    env.pop("PLAN_BY_API_KEY_ID", None)
    command = [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port), *arguments]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while not _healthy(url):
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:]
                raise ServerFailed(f"the server exited with {process.returncode}: {tail}")
            if time.monotonic() > deadline:
                raise ServerFailed(f"the server did not answer GET /health within {ready_within:g} s")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
