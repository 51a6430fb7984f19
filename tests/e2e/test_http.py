"""``image-anonymizer serve`` over real HTTP: API keys, binary media types, every format.

The server runs as a subprocess, as a developer runs it; requests go through
``urllib`` with hand-built multipart bodies, as curl sends them.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PIL import Image

from tests.rendering import EMAIL, PHONE, Word, assert_redacted, decode, encode, render, tokens
from tests.servers import serve

API_KEY = "testkey"
LINES = [
    tokens(f"Contact: {EMAIL}", [EMAIL]),
    tokens(f"Phone: {PHONE} Reference 7781", [PHONE]),
    tokens("Quarterly report attached"),
]
RED = (255, 0, 0)
# Per format: encoder options and the per-channel tolerance of the redacted pixels.
FORMATS: dict[str, tuple[dict[str, object], int]] = {
    "JPEG": ({"quality": 95}, 24),
    "PNG": ({}, 0),
    "TIFF": ({"compression": "tiff_lzw"}, 0),
    "BMP": ({}, 0),
    "WEBP": ({"lossless": True}, 0),
    "GIF": ({}, 2),
}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.body)
        return data


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serve(["--api-key", API_KEY, "--plan", "basic"], log) as url:
        yield url


def request(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return Reply(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, dict(error.headers.items()), error.read())


def multipart(fields: dict[str, str | tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            filename, content_type, data = value
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        else:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post(
    base_url: str,
    path: str,
    fields: dict[str, str | tuple[str, str, bytes]],
    accept: str | None = "application/json",
    api_key: str | None = API_KEY,
) -> Reply:
    body, content_type = multipart(fields)
    headers = {"Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    if api_key is not None:
        headers["x-api-key"] = api_key
    return request("POST", f"{base_url}{path}", body, headers)


def sample(fmt: str) -> tuple[bytes, Image.Image, list[Word]]:
    """The upload, what it decodes to, and the ground-truth word boxes."""
    image, words = render(LINES, size=(1000, 300))
    data = encode(image, fmt, **FORMATS[fmt][0])
    return data, decode(data), words


def upload(fmt: str, data: bytes) -> tuple[str, str, bytes]:
    return (f"letter.{fmt.lower()}", f"image/{fmt.lower()}", data)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_given_each_format_then_redact_returns_the_same_format_with_pii_covered(
    base_url: str, fmt: str
) -> None:
    data, sent, words = sample(fmt)
    reply = post(
        base_url, "/redact-image", {"image": upload(fmt, data), "fill_color": "red"}, accept="image/*"
    )
    assert reply.status == 200, reply.body[:300]
    assert reply.headers["Content-Type"] == f"image/{fmt.lower()}"
    assert int(reply.headers["X-Redacted-Entities"]) >= 2
    assert int(reply.headers["X-Token-Cost"]) >= 1
    out = decode(reply.body)
    assert out.format == fmt
    assert out.size == sent.size
    assert_redacted(sent.convert("RGB"), out.convert("RGB"), words, RED, FORMATS[fmt][1])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_given_each_format_then_analyze_boxes_cover_the_pii_words(base_url: str, fmt: str) -> None:
    data, _, words = sample(fmt)
    reply = post(base_url, "/analyze-image", {"image": upload(fmt, data)})
    assert reply.status == 200, reply.body[:300]
    assert reply.headers["Content-Type"] == "application/json"
    found = reply.json()
    entities = found["entities"]
    assert isinstance(entities, list)
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= {e["entity_type"] for e in entities}
    boxes = [e["bbox"] for e in entities] + [b for e in entities for b in e["boxes"]]
    for word in (w for w in words if w.pii):
        left, top, right, bottom = word.box
        assert any(
            b["x"] <= left
            and b["y"] <= top
            and b["x"] + b["width"] >= right
            and b["y"] + b["height"] >= bottom
            for b in boxes
        ), f"no box covers {word.text!r} at {word.box}"
    clean = {w.text for w in words if not w.pii}
    assert not any(e["text"] in clean for e in entities), "a non-PII word was reported"


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"], ids=["none", "any", "json"])
def test_given_any_accept_header_then_the_image_comes_back_as_bytes(
    base_url: str, accept: str | None
) -> None:
    # As `curl -F image=@x.png .../redact-image -o out.png` sends it: the file written
    # is the image its Content-Type names, not base64 text.
    data, sent, words = sample("PNG")
    reply = post(base_url, "/redact-image", {"image": upload("PNG", data)}, accept=accept)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "image/png"
    assert reply.body.startswith(b"\x89PNG")
    out = decode(reply.body)
    assert out.format == "PNG"
    assert_redacted(sent, out, words)


@pytest.mark.parametrize("key", ["wrongkey", None], ids=["wrong-key", "missing-key"])
def test_given_bad_api_key_then_403_forbidden(base_url: str, key: str | None) -> None:
    data, _, _ = sample("PNG")
    reply = post(base_url, "/redact-image", {"image": upload("PNG", data)}, api_key=key)
    assert reply.status == 403
    assert reply.json() == {"message": "Forbidden"}


def test_given_a_text_file_as_image_then_415(base_url: str) -> None:
    reply = post(base_url, "/redact-image", {"image": ("notes.txt", "text/plain", b"call Maria on Monday\n")})
    assert reply.status == 415
    body = reply.json()
    assert body["error"] == "unsupported_media_type" and set(body) == {"error", "message"}
    assert b"Traceback" not in reply.body


def test_given_health_without_a_key_then_200(base_url: str) -> None:
    reply = request("GET", f"{base_url}/health")
    assert reply.status == 200
    assert reply.json() == {"status": "ok"}


def test_given_entities_with_the_key_then_the_catalogue(base_url: str) -> None:
    reply = request("GET", f"{base_url}/entities", headers={"x-api-key": API_KEY})
    assert reply.status == 200
    entities = reply.json()["entities"]
    assert isinstance(entities, list)
    assert "EMAIL_ADDRESS" in {e["entity_type"] for e in entities}


def test_given_an_unknown_route_then_403_as_api_gateway_answers(base_url: str) -> None:
    reply = request("GET", f"{base_url}/nope", headers={"x-api-key": API_KEY})
    assert reply.status == 403
    assert reply.json() == {"message": "Missing Authentication Token"}


def test_given_an_idle_connection_then_the_cli_server_still_answers_others(base_url: str) -> None:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as idle:
        idle.sendall(b"POST /redact-image HTTP/1.1\r\n")  # and nothing more
        started = time.monotonic()
        assert request("GET", f"{base_url}/health").status == 200
        assert time.monotonic() - started < 5


def test_given_content_length_minus_one_then_400_and_the_cli_server_still_answers(base_url: str) -> None:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST /redact-image HTTP/1.1\r\nx-api-key: {API_KEY}\r\nContent-Type: image/png\r\n"
            "Content-Length: -1\r\n\r\n".encode()
        )
        reply = sock.recv(4096)  # the stream stays open: the server must answer, not read to its end
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert request("GET", f"{base_url}/health").status == 200
