"""The verification pass with real Tesseract and the real model: a clean redaction is
left alone to the pixel; what the first reading missed is caught and covered; a
failure while verifying is an error, never an image."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import OcrWord
from image_anonymizer.core.ocr import OcrEngine
from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.errors import ProcessingFailed
from tests.fakes import FailOnCall
from tests.rendering import (
    EMAIL,
    LETTER,
    assert_redacted,
    changed,
    coverage,
    decode,
    encode,
    render,
    render_cells,
)

BLACK = (0, 0, 0)


class ForgetfulOcr:
    """The real engine, except that its first readings drop some words: an OCR miss,
    made to order. ``forget`` maps a word's text to the number of readings it is
    missing from."""

    def __init__(self, engine: OcrEngine, forget: dict[str, int]) -> None:
        self.name = engine.name
        self.engine = engine
        self.forget = forget
        self.reads = 0

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        self.reads += 1
        words = self.engine.read(image, languages)
        return [w for w in words if self.reads > self.forget.get(w.text, 0)]


def with_engine(anonymizer: ImageAnonymizer, engine: object) -> ImageAnonymizer:
    """The shared service's model and second engine, with another first engine."""
    return ImageAnonymizer(
        anonymizer.settings,
        ocr_engine=engine,  # type: ignore[arg-type]
        detector=anonymizer.detector,
        second_ocr_engine=anonymizer.second_ocr_engine,
    )


@pytest.fixture(scope="module")
def letter() -> tuple[Image.Image, bytes]:
    image, _ = render(LETTER)
    return image, encode(image, "PNG")


def test_given_a_clean_redaction_then_verification_reports_clean_and_changes_no_pixel(
    anonymizer: ImageAnonymizer, letter: tuple[Image.Image, bytes]
) -> None:
    image, data = letter
    _, words = render(LETTER)
    verified = anonymizer.redact(data, Options.parse())  # thorough: verification is on
    unverified = anonymizer.redact(data, Options.parse(verify="false"))
    report = verified.analysis.to_dict()["verification"]
    assert report == {
        "performed": True,
        "status": "clean",
        "clean": True,
        "added": 0,
        "passes": 1,
        "last_pass_clean": True,
    }
    assert unverified.analysis.to_dict()["verification"]["status"] == "skipped"
    out = decode(verified.image)
    assert np.array_equal(np.asarray(out), np.asarray(decode(unverified.image)))
    assert_redacted(image, out, words)
    assert {e["source"] for e in verified.analysis.to_dict()["entities"]} == {"analysis"}


def test_given_the_first_reading_misses_an_email_then_verification_covers_it(
    anonymizer: ImageAnonymizer, letter: tuple[Image.Image, bytes]
) -> None:
    image, data = letter
    _, words = render(LETTER)
    options = Options.parse(ocr_mode="fast", verify="true")  # one reading per pass: countable
    missed = with_engine(anonymizer, ForgetfulOcr(anonymizer.ocr_engine, {EMAIL: 1}))
    unverified = with_engine(anonymizer, ForgetfulOcr(anonymizer.ocr_engine, {EMAIL: 1}))
    email_box = next(w.box for w in words if w.text == EMAIL)

    leaked = decode(unverified.redact(data, Options.parse(ocr_mode="fast")).image)
    assert changed(image, leaked, email_box) == 0, "the first reading alone leaves the email"

    result = missed.redact(data, options)
    found = result.analysis.to_dict()
    assert found["verification"]["status"] == "covered"
    assert found["verification"]["added"] == 1 and found["verification"]["clean"] is False
    assert found["verification"]["passes"] == 2 and found["verification"]["last_pass_clean"] is True
    added = [e for e in found["entities"] if e["source"] == "verification"]
    assert [e["entity_type"] for e in added] == ["EMAIL_ADDRESS"]
    assert found["entity_counts"]["EMAIL_ADDRESS"] == 1
    assert_redacted(image, decode(result.image), words)


def test_given_the_second_pass_still_finds_something_then_it_is_covered_and_read_once_more(
    anonymizer: ImageAnonymizer, letter: tuple[Image.Image, bytes]
) -> None:
    image, data = letter
    _, words = render(LETTER)
    # The email is missed by the analysis; the phone by the analysis and the first
    # verification pass as well.
    engine = ForgetfulOcr(anonymizer.ocr_engine, {EMAIL: 1, "(415)": 2, "555-0132": 2})
    result = with_engine(anonymizer, engine).redact(data, Options.parse(ocr_mode="fast", verify="true"))
    report = result.analysis.to_dict()["verification"]
    assert report["added"] == 2 and report["passes"] == 3
    assert report["last_pass_clean"] is True and report["status"] == "covered"
    assert engine.reads == 4, "the analysis, two covering passes and the reading after the last"
    assert_redacted(image, decode(result.image), words)


@pytest.mark.parametrize("mode", ["thorough", "fast"])
def test_given_verification_fails_then_processing_failed_and_no_image(
    anonymizer: ImageAnonymizer, letter: tuple[Image.Image, bytes], mode: str
) -> None:
    _, data = letter
    # The verification's reading is the engine's last: the second in fast mode; in
    # thorough mode the analysis reads once (the text is large: no enlarged pass).
    crashing = FailOnCall(anonymizer.ocr_engine, fail_on=2, error=RuntimeError(f"crashed reading {EMAIL}"))
    failing = with_engine(anonymizer, crashing)
    with pytest.raises(ProcessingFailed) as raised:
        failing.redact(data, Options.parse(ocr_mode=mode, verify="true"))
    assert EMAIL not in raised.value.message
    assert crashing.calls == 2


def test_given_a_column_beside_painted_names_then_verification_reads_no_name_into_it(
    anonymizer: ImageAnonymizer,
) -> None:
    # A fax cover sheet's recipient table: "Mr. <name>" and, across a column gap, the
    # firm. With the names painted, "Mr." and the firm's first word are neighbours on
    # the re-read line; they were never one phrase, and the firm is not a name.
    rows = [
        ("Mr. Peter J. Hollis", "Hale, Brandt & Monroe", "(212) 555-0148"),
        ("Ms. Grace Whitman", "Fairview Holdings Inc.", "(502) 555-0190"),
        ("Mr. Omar K. Bennett", "Ortega & Lund", "(312) 555-0175"),
    ]
    cells = [("Recipient:", 40, 40, False), ("Company:", 520, 40, False), ("Fax:", 1000, 40, False)]
    for row, (person, firm, fax) in enumerate(rows):
        top = 110 + 70 * row
        cells += [(person, 40, top, True), (firm, 520, top, False), (fax, 1000, top, True)]
    image, words = render_cells(cells, size=(1400, 400))

    result = anonymizer.redact(encode(image, "PNG"), Options.parse(ocr_mode="fast", verify="true"))

    assert result.analysis.to_dict()["verification"]["status"] == "clean"
    out = decode(result.image)
    honorifics = {"Mr.", "Ms."}
    leaks = [
        w.text for w in words if w.pii and w.text not in honorifics and coverage(out, w.box, BLACK) < 0.99
    ]
    assert not leaks, f"PII words not covered: {leaks}"
    touched = [w.text for w in words if not w.pii and changed(image, out, w.box) > 0.05]
    assert not touched, f"non-PII words painted over: {touched}"
