"""The playground's files: shipped in the package, served by ``serve`` without a key and
without the Lambda handler, under a Content-Security-Policy; everything else unchanged."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from image_anonymizer.entrypoints.http import playground
from image_anonymizer.entrypoints.http.local_server import make_server

API_KEY = "testkey"


class StubHandler:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}


@pytest.fixture
def stub() -> StubHandler:
    return StubHandler()


@pytest.fixture
def base_url(stub: StubHandler) -> Iterator[str]:
    server = make_server(stub, "127.0.0.1", 0, API_KEY, "basic")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


def test_given_the_package_then_every_file_the_page_names_is_shipped() -> None:
    page = playground.asset("/")
    assert page is not None
    html = page[0].decode()
    named = re.findall(r'(?:src|href)="([^":]+)"', html)
    assert sorted(named) == ["playground.css", "playground.js"]
    for name in named:
        assert playground.asset(f"/{name}") is not None


def test_given_no_key_then_the_page_and_its_files_are_served_without_the_handler(
    base_url: str, stub: StubHandler
) -> None:
    for path, kind in [
        ("/", "text/html"),
        ("/playground.css", "text/css"),
        ("/playground.js", "text/javascript"),
    ]:
        status, headers, body = get(base_url + path)
        assert status == 200 and body
        assert headers["Content-Type"].startswith(kind)
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert stub.events == []


def test_given_no_key_then_the_api_and_other_paths_are_still_refused(
    base_url: str, stub: StubHandler
) -> None:
    assert get(base_url + "/entities")[0] == 403
    assert get(base_url + "/playground.html")[0] == 403
    assert get(base_url + "/../pyproject.toml")[0] == 403
    assert stub.events == []
