"""Mutated files of every format through the real ``redact``: a result or a 4xx, nothing else.

A small valid file of each format (``tests/fuzzing.py``: an e-mail address on a small page,
TIFF, GIF and WebP with two pages or frames) is mutated by Hypothesis: bits flipped, cut
short, bytes inserted and deleted, whole chunks deleted or repeated (frame and page counts),
size and count fields set to odd values (width, height, chunk lengths, the next TIFF page),
two formats spliced. Each result goes through decode → OCR → detection → redaction → encode
on real Tesseract and the real model (fast mode, a 1-megapixel limit so that a grown canvas
is refused or stays cheap). Every outcome must be a redacted image or a domain error whose
status is below 500; an image whose analysis found PII must come back with its boxes painted.

The run is fixed: ``derandomize=True``, no example database, 40 examples a format (240 in
all), and 8 each of 17 files in other modes and codings (grey, 16-bit, bilevel, CMYK,
float, palette with transparency, alpha, an APNG; TIFF's JPEG and group 4), 376 in all;
a generous per-example deadline and an alarm per test turn a hang into a failure.
"""

from __future__ import annotations

import base64
import io
import json
import signal
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageSequence

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import formats
from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.entrypoints.http.errors import STATUS_BY_CODE
from image_anonymizer.entrypoints.http.lambda_events import LocalContext
from image_anonymizer.errors import AnonymizerError, UnprocessableImage
from tests import fuzzing
from tests.conftest import event_builder, header, real_api
from tests.rendering import coverage

pytestmark = pytest.mark.filterwarnings(
    "ignore::UserWarning", "ignore:No application metrics to publish:UserWarning"
)

EXAMPLES_PER_FORMAT = 40
EXAMPLES_PER_VARIANT = 8
LAMBDA_EXAMPLES = 6
# Hang guards, not speed checks: an example takes well under a second here.
EXAMPLE_DEADLINE = timedelta(seconds=20)
FORMAT_BOUND_SECONDS = 240
SMALL = CoreSettings(max_pixels=1_000_000, max_pages=4)
OPTIONS = Options.parse(ocr_mode="fast")
BLACK = (0, 0, 0)
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_FORMAT,
    derandomize=True,
    database=None,
    deadline=EXAMPLE_DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
ODD_VALUES = st.one_of(
    st.sampled_from([0, 1, 2, 7, 8, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 60_000, 0x7FFFFFFF]),
    st.sampled_from([0x80000000, 0xFFFFFFFF, 1 << 24]),
    st.integers(min_value=0, max_value=(1 << 32) - 1),
)


class BoundExceeded(BaseException):
    """Raised by the alarm: a BaseException, so Hypothesis stops instead of shrinking it."""


@pytest.fixture
def bounded() -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise BoundExceeded(f"the fuzz run took over {FORMAT_BOUND_SECONDS} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(FORMAT_BOUND_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def small_service(anonymizer: ImageAnonymizer) -> Iterator[ImageAnonymizer]:
    """The session's real engines and model, with a small pixel and page limit."""
    # decode sets Pillow's own limit to the settings'; later tests get theirs back.
    pillow_limit = Image.MAX_IMAGE_PIXELS
    yield ImageAnonymizer(
        settings=SMALL,
        ocr_engine=anonymizer.ocr_engine,
        detector=anonymizer.detector,
        second_ocr_engine=anonymizer.second_ocr_engine,
        language_detector=anonymizer.language_detector,
    )
    Image.MAX_IMAGE_PIXELS = pillow_limit


@st.composite
def mutated(draw: st.DrawFn, fmt: str, start: bytes | None = None) -> bytes:
    """``start`` (default the seed of ``fmt``) after 0 to 3 mutations (0: unchanged,
    Hypothesis' first try)."""
    data = fuzzing.seed(fmt) if start is None else start
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "chunk", "field", "splice"]))
        data = draw(_mutation(kind, data, fmt))
    return data


def _mutation(kind: str, data: bytes, fmt: str) -> st.SearchStrategy[bytes]:
    size = len(data)
    # Mostly past the magic bytes, so that most examples reach the format's decoder.
    position = st.one_of(st.integers(min(8, size), size), st.integers(0, size))
    if kind == "flip" and size:
        at = st.one_of(st.integers(min(8, size - 1), size - 1), st.integers(0, size - 1))
        flips = st.lists(st.tuples(at, st.integers(0, 7)), min_size=1, max_size=8)
        return flips.map(lambda pairs: _flip(data, pairs))
    if kind == "truncate":
        return position.map(lambda cut: data[:cut])
    if kind == "insert":
        return st.tuples(position, st.binary(min_size=1, max_size=64)).map(
            lambda p: data[: p[0]] + p[1] + data[p[0] :]
        )
    if kind == "delete":
        return st.tuples(position, st.integers(1, 256)).map(lambda p: data[: p[0]] + data[p[0] + p[1] :])
    units = fuzzing.chunks(data, fmt)
    if kind == "chunk" and units:
        return st.tuples(st.sampled_from(units), st.integers(0, 20)).map(
            lambda p: data[: p[0][0]] + data[p[0][0] : p[0][1]] * p[1] + data[p[0][1] :]
        )
    fields = fuzzing.header_fields(data, fmt)
    if kind == "field" and fields:
        return st.tuples(st.sampled_from(fields), ODD_VALUES, st.booleans()).map(
            lambda p: _set(data, fmt, p[0][0], p[0][1], p[1], p[2])
        )
    if kind == "splice":
        others = st.sampled_from([f for f in fuzzing.FORMATS if f != fmt]).map(fuzzing.seed)
        return st.tuples(position, others, st.floats(0, 1)).map(
            lambda p: data[: p[0]] + p[1][int(p[2] * len(p[1])) :]
        )
    return st.just(data)


def _flip(data: bytes, pairs: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, bit in pairs:
        out[at] ^= 1 << bit
    return bytes(out)


def _set(data: bytes, fmt: str, at: int, spec: str, value: int, fix_crc: bool) -> bytes:
    changed = fuzzing.set_field(data, at, spec, value)
    # A wrong CRC stops PNG at the checksum; mostly make the field reach the decoder.
    return fuzzing.fix_png_crcs(changed) if fmt == "PNG" and fix_crc else changed


def redact_or_refuse(service: ImageAnonymizer, data: bytes) -> str:
    """Run one upload; fail on anything but a redacted image or a refusal below 500.
    Returns what happened: ``refused:<code>``, ``redacted`` or ``redacted-with-findings``."""
    try:
        result = service.redact(data, OPTIONS)
    except AnonymizerError as error:
        status = STATUS_BY_CODE.get(error.code, 500)
        assert status < 500, f"{type(error).__name__} ({error.code}) would be a {status}: {error.message}"
        return f"refused:{error.code}"
    output = Image.open(io.BytesIO(result.image))
    assert result.content_type == formats.detect_format(result.image).mime_type
    frames = [frame.copy() for frame in ImageSequence.Iterator(output)]
    findings = result.analysis.findings
    if not findings:
        return "redacted"
    assert result.image != data, "PII was found and the upload came back unchanged"
    for page, finding in findings:
        if page >= len(frames):
            continue  # a GIF writer merges identical frames
        for box in finding.boxes:
            painted = coverage(frames[page], (box.x, box.y, box.right, box.bottom), BLACK, 64)
            assert painted > 0.9, f"a {finding.entity_type} box on page {page} is {painted:.0%} painted"
    return "redacted-with-findings"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", fuzzing.FORMATS)
def test_given_mutated_file_then_redacted_or_refused_below_500(
    fmt: str, small_service: ImageAnonymizer, bounded: None
) -> None:
    outcomes: Counter[str] = Counter()

    @FUZZ_SETTINGS
    @given(data=mutated(fmt))
    def run(data: bytes) -> None:
        outcomes[redact_or_refuse(small_service, data)] += 1

    run()
    # The seed itself is among the examples: the pipeline was reached and painted PII.
    assert outcomes["redacted-with-findings"] >= 1, outcomes
    assert sum(outcomes.values()) >= EXAMPLES_PER_FORMAT, outcomes


@pytest.mark.slow
@pytest.mark.parametrize("name", fuzzing.VARIANTS)
def test_given_mutated_file_in_another_mode_then_redacted_or_refused_below_500(
    name: str, small_service: ImageAnonymizer, bounded: None
) -> None:
    fmt, start = fuzzing.variant(name)
    outcomes: Counter[str] = Counter()

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES_PER_VARIANT)
    @given(data=mutated(fmt, start))
    def run(data: bytes) -> None:
        outcomes[redact_or_refuse(small_service, data)] += 1

    run()
    assert outcomes["redacted-with-findings"] >= 1, outcomes


@pytest.mark.parametrize("fmt", fuzzing.FORMATS)
def test_given_seed_then_its_email_is_found_and_covered_on_every_page(
    fmt: str, small_service: ImageAnonymizer
) -> None:
    result = small_service.redact(fuzzing.seed(fmt), OPTIONS)
    pages = {page for page, finding in result.analysis.findings if finding.entity_type == "EMAIL_ADDRESS"}
    frames = list(ImageSequence.Iterator(Image.open(io.BytesIO(result.image))))
    assert pages == set(range(len(frames))) and len(frames) == (2 if fmt in ("TIFF", "GIF", "WEBP") else 1)


# ---------------------------------------------------------------- regressions the fuzzing found


def _second_tiff_page_compression(value: int) -> bytes:
    data = fuzzing.seed("TIFF")
    offset, count = list(fuzzing.tiff_ifds(data))[1]
    for entry in range(count):
        at = offset + 2 + 12 * entry
        if int.from_bytes(data[at : at + 2], "little") == 259:  # Compression, a SHORT
            return fuzzing.set_field(data, at + 8, "<H", value)
    raise AssertionError("no Compression tag")


def _gif_cut_in_last_descriptor() -> bytes:
    data = fuzzing.seed("GIF")
    last = [start for start, _ in fuzzing.gif_blocks(data) if data[start] == 0x2C][-1]
    return data[: last + 6]  # the separator, left and top, half of the width


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_second_tiff_page_compression(0), id="tiff-page-2-compression-0"),
        pytest.param(_gif_cut_in_last_descriptor(), id="gif-descriptor-cut-short"),
    ],
)
def test_given_corruption_the_decoder_raises_oddly_on_then_422(data: bytes) -> None:
    # Pillow raised KeyError and struct.error here, which became a 500.
    with pytest.raises(UnprocessableImage):
        formats.decode(data, CoreSettings())


# ---------------------------------------------------------------- the same through the Lambda handler


@pytest.mark.slow
def test_given_mutated_uploads_through_the_lambda_handler_then_200_or_4xx(bounded: None) -> None:
    builder = event_builder()
    statuses: Counter[int] = Counter()

    @settings(FUZZ_SETTINGS, max_examples=LAMBDA_EXAMPLES)
    @given(
        data=st.sampled_from(fuzzing.FORMATS).flatmap(mutated), path=st.sampled_from(["analyze", "redact"])
    )
    def run(data: bytes, path: str) -> None:
        form = [("image", ("upload.bin", "application/octet-stream", data)), ("ocr_mode", "fast")]
        event = builder.event("POST", f"/{path}-image", form)
        response = real_api().lambda_handler(event, LocalContext())
        status = response["statusCode"]
        assert status == 200 or 400 <= status < 500, response["body"][:300]
        if status != 200:
            body = json.loads(response["body"])
            assert set(body) == {"error", "message"} and "Traceback" not in body["message"]
        elif path == "redact" and int(header(response, "X-Redacted-Entities") or 0):
            assert base64.b64decode(response["body"]) != data, "PII found, the upload came back"
        statuses[status] += 1

    run()
    assert sum(statuses.values()) >= LAMBDA_EXAMPLES
