"""The playground (``GET /`` of ``image-anonymizer serve``) in a real browser.

Debian's chromium (``/usr/bin/chromium``, installed by ``make system``; Playwright never
downloads a browser), driven headless by Playwright, against ``serve`` run as a
subprocess on 127.0.0.1 with the real pipeline. Every request the browser makes to any
other host is refused and fails the test. A missing chromium fails the tests: they are
part of ``make test`` on a fresh machine.

``make screenshot`` (``PLAYGROUND_SCREENSHOT=1``) also writes ``docs/playground.png``.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests.rendering import EMAIL, PHONE, assert_redacted, decode, encode, render, tokens
from tests.servers import ROOT, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
API_KEY = "playground-key"
SCREENSHOT = ROOT / "docs" / "playground.png"
VIEWPORT = {"width": 1200, "height": 800}
PII = {"EMAIL_ADDRESS": EMAIL, "PHONE_NUMBER": PHONE}
LETTER = [
    tokens(f"Contact: {EMAIL}", [EMAIL]),
    tokens(f"Phone: {PHONE} Reference 7781", [PHONE]),
    tokens("Quarterly report attached"),
]
SIZE = (1000, 300)
RED = (255, 0, 0)
# A whole OCR run in thorough mode, with verification, on a loaded 2-core machine.
SLOW_MS = 120_000


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serve(["--api-key", API_KEY, "--plan", "basic"], log) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make system` installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """The playground, loaded from serve, with the API key typed in and the types loaded."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    refused: list[str] = []
    problems: list[str] = []

    def local_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith(
            ("blob:", "data:")
        ):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{base_url}/")
    page.fill("input[name=api_key]", API_KEY)
    page.click("#connection button[type=submit]")
    expect(page.locator("input[name=entity]").first).to_be_visible()
    try:
        yield page
    finally:
        context.close()
    assert not refused, f"the page asked for other hosts: {refused}"
    assert not problems, f"JavaScript errors: {problems}"


def _letter(tmp_path: Path) -> tuple[Path, Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """A PNG with two entities at known pixels, and each PII word's type and box."""
    image, words = render(LETTER, size=SIZE)
    path = tmp_path / "letter.png"
    path.write_bytes(encode(image, "PNG"))
    typed = [(kind, w.box) for w in words if w.pii for kind, text in PII.items() if w.text in text.split()]
    assert len(typed) == sum(w.pii for w in words)
    return path, image, typed


def _result_bytes(page: Page) -> bytes:
    """The result image's bytes, through the download button: the very blob the image shows
    (the page's Content-Security-Policy keeps even a script of the test from fetching it)."""
    result = page.locator("img[data-testid=result]")
    link = page.locator("[data-testid=download]")
    assert result.get_attribute("src") == link.get_attribute("href")
    assert (result.get_attribute("src") or "").startswith("blob:")
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_bytes()


def _wait_for_result(page: Page) -> None:
    """Until the result image is shown, or an error is (then fails with its message)."""
    page.wait_for_function(
        "() => { const img = document.querySelector('img[data-testid=result]');"
        " return !document.querySelector('[data-testid=error]').hidden"
        " || (img.src && img.complete && img.naturalWidth > 0); }",
        timeout=SLOW_MS,
    )
    error = page.locator("[data-testid=error]")
    assert error.is_hidden(), f"the page shows an error: {error.text_content()}"


def test_given_a_letter_when_analysed_then_one_finding_per_entity_and_its_box_over_the_words(
    page: Page, tmp_path: Path
) -> None:
    path, _, typed = _letter(tmp_path)
    page.set_input_files("input[type=file][name=image]", str(path))
    page.click("[data-testid=analyze]")
    findings = page.locator("[data-testid=finding]")
    expect(findings).to_have_count(len(PII), timeout=SLOW_MS)
    assert sorted(findings.evaluate_all("items => items.map(i => i.dataset.type)")) == sorted(PII)
    expect(page.locator("[data-testid=error]")).to_be_hidden()

    # Every PII word's centre, in page coordinates, lies inside a drawn box of its type.
    shown = page.locator("#original").evaluate(
        "img => { const r = img.getBoundingClientRect();"
        " return [r.x, r.y, r.width / img.naturalWidth, r.height / img.naturalHeight]; }"
    )
    left, top, sx, sy = shown
    for kind, (x0, y0, x1, y1) in typed:
        cx, cy = left + (x0 + x1) / 2 * sx, top + (y0 + y1) / 2 * sy
        inside = [
            b
            for b in (
                box.bounding_box() for box in page.locator(f"[data-testid=box][data-type={kind}]").all()
            )
            if b and b["x"] <= cx <= b["x"] + b["width"] and b["y"] <= cy <= b["y"] + b["height"]
        ]
        assert inside, f"no {kind} box drawn over the word at {(x0, y0, x1, y1)}"

    # Hovering a finding highlights its box; a type's toggle hides its boxes.
    email = page.locator("[data-testid=finding][data-type=EMAIL_ADDRESS]")
    email.hover()
    expect(page.locator("[data-testid=box][data-type=EMAIL_ADDRESS]").first).to_have_class("box active")
    expect(page.locator("[data-testid=box].active")).to_have_count(
        page.locator("[data-testid=box][data-type=EMAIL_ADDRESS]").count()
    )
    page.locator("[data-testid=type-toggle][value=EMAIL_ADDRESS]").uncheck()
    expect(page.locator("[data-testid=box][data-type=EMAIL_ADDRESS]").first).to_be_hidden()
    expect(page.locator("[data-testid=box][data-type=PHONE_NUMBER]").first).to_be_visible()


def test_given_a_letter_when_redacted_then_the_image_shown_and_downloaded_covers_the_pii(
    page: Page, tmp_path: Path
) -> None:
    path, original, _ = _letter(tmp_path)
    page.set_input_files("input[type=file][name=image]", str(path))
    page.select_option("select[name=fill_color]", "red")
    page.click("[data-testid=redact]")
    _wait_for_result(page)
    expect(page.locator("#original")).to_be_visible()  # side by side with the original

    assert page.locator("[data-testid=download]").get_attribute("download") == "redacted-letter.png"
    redacted = decode(_result_bytes(page))
    assert redacted.format == "PNG" and redacted.size == original.size
    _, words = render(LETTER, size=SIZE)
    assert_redacted(original, redacted.convert("RGB"), words, RED)


def test_given_an_api_that_answers_base64_text_then_the_result_is_still_the_image(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    # What API Gateway sends when Accept names no binary type: the page must show the image
    # all the same. The answer is fetched beside the browser (an intercepted request loses
    # its file), then given to the page as base64 text.
    path, original, _ = _letter(tmp_path)
    reply = page.request.post(
        f"{base_url}/redact-image",
        multipart={
            "image": {"name": path.name, "mimeType": "image/png", "buffer": path.read_bytes()},
            "ocr_mode": "fast",
        },
        headers={"x-api-key": API_KEY, "Accept": "image/png"},
    )
    assert reply.ok, reply.text()[:300]
    text = base64.b64encode(reply.body())
    page.route(
        "**/redact-image", lambda route: route.fulfill(status=200, content_type="image/png", body=text)
    )
    page.set_input_files("input[type=file][name=image]", str(path))
    page.click("[data-testid=redact]")
    _wait_for_result(page)
    _, words = render(LETTER, size=SIZE)
    assert _result_bytes(page) == reply.body()
    assert_redacted(original, decode(reply.body()).convert("RGB"), words)


def test_given_a_text_file_then_the_error_shows_the_apis_message(page: Page, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Dear Maria, see you on Friday.\n")
    page.set_input_files("input[type=file][name=image]", str(note))
    page.click("[data-testid=analyze]")
    error = page.locator("[data-testid=error]")
    expect(error).to_be_visible(timeout=SLOW_MS)
    expect(error).to_have_text(
        "The upload is not a supported image. Supported formats: JPEG, PNG, TIFF, BMP, WEBP, GIF."
    )
    expect(page.locator("[data-testid=finding]")).to_have_count(0)

    page.click("[data-testid=redact]")
    expect(error).to_contain_text("not a supported image")
    expect(page.locator("img[data-testid=result]")).to_be_hidden()


def test_given_a_wrong_api_key_then_the_error_says_forbidden(page: Page, tmp_path: Path) -> None:
    path, _, _ = _letter(tmp_path)
    page.fill("input[name=api_key]", "not-the-key")
    page.set_input_files("input[type=file][name=image]", str(path))
    page.click("[data-testid=analyze]")
    expect(page.locator("[data-testid=error]")).to_have_text("Forbidden")


def test_screenshot_of_the_playground_after_analysis(page: Page) -> None:
    """docs/playground.png, the README's picture: only with PLAYGROUND_SCREENSHOT=1 (`make screenshot`)."""
    if not os.environ.get("PLAYGROUND_SCREENSHOT"):
        pytest.skip("writes docs/playground.png only when asked: make screenshot")
    page.set_input_files("input[type=file][name=image]", str(ROOT / "examples" / "intake-form.png"))
    page.click("[data-testid=analyze]")
    expect(page.locator("[data-testid=finding]").first).to_be_visible(timeout=SLOW_MS)
    page.locator("[data-testid=finding][data-type=PERSON]").first.hover()
    shot = Image.open(io.BytesIO(page.screenshot()))
    # 256 colours are plenty for a page of flat colours and text, and a third of the size.
    buffer = io.BytesIO()
    shot.convert("RGB").quantize(256).save(buffer, format="PNG", optimize=True)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.write_bytes(buffer.getvalue())
