"""Faces and codes: rendered pages with codes of known payloads and photographs with
faces, redacted by the real service (Tesseract, the model, zxing-cpp, OpenCV's
cascades) and checked by their pixels."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from skimage import data as photos

from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.core.visual import HaarFaceDetector
from image_anonymizer.errors import InvalidRequest
from tests.rendering import coverage, decode, encode, render, tokens

RED = (255, 0, 0)
EMAIL = "jane.doe@example.com"
URL = "https://tracking.example.com/parcel/8841"
PRODUCT = "PRD-4711-0815"
TEXT = [
    tokens("Parcel label"),
    tokens("Deliver before noon, ring twice"),
    tokens("Weight 2.4 kg, fragile"),
]


@dataclass(frozen=True)
class Placed:
    """A code pasted on a page: its payload and the box of its dark modules."""

    payload: str
    box: tuple[int, int, int, int]  # left, top, right, bottom (exclusive)


def paste_code(page: Image.Image, payload: str, kind: object, at: tuple[int, int], scale: int) -> Placed:
    code = zxingcpp.create_barcode(payload, kind)
    symbol = np.asarray(code.to_image(scale=scale))
    if symbol.shape[0] < 40:  # a 1-D code is drawn one module high: give it bars
        symbol = np.repeat(symbol[:1], 120, axis=0)
    page.paste(Image.fromarray(symbol), at)
    rows, cols = np.nonzero(symbol < 128)
    return Placed(
        payload, (at[0] + cols.min(), at[1] + rows.min(), at[0] + cols.max() + 1, at[1] + rows.max() + 1)
    )


@pytest.fixture(scope="module")
def label() -> tuple[Image.Image, dict[str, Placed]]:
    """A parcel label: three lines of text, a QR code holding an email, one holding a
    tracking URL, and a Code 128 barcode holding a product number."""
    page, _ = render(TEXT, size=(1500, 1100))
    codes = {
        "email": paste_code(page, EMAIL, zxingcpp.BarcodeFormat.QRCode, (950, 60), 6),
        "url": paste_code(page, URL, zxingcpp.BarcodeFormat.QRCode, (950, 520), 5),
        "product": paste_code(page, PRODUCT, zxingcpp.BarcodeFormat.Code128, (80, 700), 3),
    }
    return page, codes


def redact(
    anonymizer: ImageAnonymizer, page: Image.Image, **options: str
) -> tuple[Image.Image, dict[str, object]]:
    chosen = {"fill_color": "red", "ocr_mode": "fast", "verify": "true", **options}
    result = anonymizer.redact(encode(page, "PNG"), Options.parse(**chosen))  # type: ignore[arg-type]
    return decode(result.image), result.analysis.to_dict()


def entities_of(answer: dict[str, object], entity_type: str) -> list[dict[str, object]]:
    listed = answer["entities"]
    assert isinstance(listed, list)
    return [e for e in listed if e["entity_type"] == entity_type]


def untouched(before: Image.Image, after: Image.Image, box: tuple[int, int, int, int]) -> bool:
    return bool(np.array_equal(np.asarray(before.crop(box)), np.asarray(after.convert("RGB").crop(box))))


def test_given_codes_pii_then_the_email_and_url_codes_are_covered_and_the_product_code_left(
    anonymizer: ImageAnonymizer, label: tuple[Image.Image, dict[str, Placed]]
) -> None:
    page, codes = label
    redacted, answer = redact(anonymizer, page)
    assert coverage(redacted, codes["email"].box, RED) == 1.0
    assert coverage(redacted, codes["url"].box, RED) == 1.0
    assert untouched(page, redacted, codes["product"].box)
    found = entities_of(answer, "CODE")
    assert sorted(tuple(e["payload_types"]) for e in found) == [("EMAIL_ADDRESS",), ("URL",)]  # type: ignore[misc]
    assert {(e["source"], e["symbology"], e["text"]) for e in found} == {("code", "QR Code", "QR Code")}
    assert answer["entity_counts"]["CODE"] == 2  # type: ignore[index]


def test_given_codes_all_then_the_product_code_is_covered_too(
    anonymizer: ImageAnonymizer, label: tuple[Image.Image, dict[str, Placed]]
) -> None:
    page, codes = label
    redacted, answer = redact(anonymizer, page, codes="all")
    for placed in codes.values():
        assert coverage(redacted, placed.box, RED) == 1.0, placed.payload
    product = [e for e in entities_of(answer, "CODE") if e["symbology"] == "Code 128"]
    assert len(product) == 1 and product[0]["payload_types"] == []


def test_given_codes_none_then_no_code_is_touched_nor_reported(
    anonymizer: ImageAnonymizer, label: tuple[Image.Image, dict[str, Placed]]
) -> None:
    page, codes = label
    redacted, answer = redact(anonymizer, page, codes="none")
    for placed in codes.values():
        assert untouched(page, redacted, placed.box), placed.payload
    assert entities_of(answer, "CODE") == []


def test_given_codes_then_no_payload_in_the_answer_nor_in_the_stored_findings(
    anonymizer: ImageAnonymizer, label: tuple[Image.Image, dict[str, Placed]]
) -> None:
    page, _ = label
    result = anonymizer.redact(encode(page, "PNG"), Options.parse(ocr_mode="fast", codes="all"))
    for with_text in (True, False):
        written = json.dumps(result.analysis.to_dict(with_text=with_text, with_words=False))
        for payload in (EMAIL, URL, PRODUCT, "example.com", "4711"):
            assert payload not in written


def test_given_entities_naming_other_types_then_codes_and_faces_are_not_covered(
    anonymizer: ImageAnonymizer, label: tuple[Image.Image, dict[str, Placed]]
) -> None:
    page, codes = label
    redacted, answer = redact(anonymizer, page, entities="EMAIL_ADDRESS")
    assert untouched(page, redacted, codes["email"].box)
    assert entities_of(answer, "CODE") == []
    redacted, answer = redact(anonymizer, page, entities="CODE")
    assert coverage(redacted, codes["email"].box, RED) == 1.0
    assert {e["entity_type"] for e in answer["entities"]} == {"CODE"}  # type: ignore[attr-defined]
    redacted, _ = redact(anonymizer, page, exclude_entities="CODE")
    assert untouched(page, redacted, codes["email"].box)


# skimage's astronaut (Eileen Collins, NASA, public domain): her face in the 512 px photo.
ASTRONAUT_FACE = (177, 66, 272, 161)


def with_photo(size: int, at: tuple[int, int]) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A document with the astronaut's photograph pasted at ``size`` px, and her face's box."""
    page, _ = render(TEXT, size=(1700, 1300))
    page.paste(Image.fromarray(photos.astronaut()).resize((size, size)), at)
    k = size / 512
    left, top, right, bottom = ASTRONAUT_FACE
    return page, (
        at[0] + round(left * k),
        at[1] + round(top * k),
        at[0] + round(right * k),
        at[1] + round(bottom * k),
    )


def test_given_a_photograph_in_a_document_then_the_face_is_covered_and_only_under_faces_true(
    anonymizer: ImageAnonymizer,
) -> None:
    page, face = with_photo(420, (1150, 700))
    redacted, answer = redact(anonymizer, page)
    assert coverage(redacted, face, RED) == 1.0
    found = entities_of(answer, "FACE")
    assert len(found) == 1 and found[0]["source"] == "face"
    box = found[0]["bbox"]
    assert isinstance(box, dict)
    # Padded to the head: wider and taller than the face itself, above it most.
    assert box["x"] < face[0] and box["x"] + box["width"] > face[2]
    assert face[1] - box["y"] > (face[3] - face[1]) // 4
    redacted, answer = redact(anonymizer, page, faces="false")
    assert untouched(page, redacted, face)
    assert entities_of(answer, "FACE") == []


@pytest.mark.parametrize(("size", "at"), [(200, (60, 400)), (900, (700, 350))])
def test_given_a_face_small_or_large_on_the_page_then_it_is_found_on_it(
    size: int, at: tuple[int, int]
) -> None:
    page, (left, top, right, bottom) = with_photo(size, at)
    faces = HaarFaceDetector().detect(page)
    assert len(faces) == 1
    found = faces[0]
    centre = (found.x + found.width // 2, found.y + found.height // 2)
    assert left <= centre[0] < right and top <= centre[1] < bottom


LETTER = [
    tokens("Dear Mr Jonathan Smith,"),
    tokens("Thank you for your order 48213 of 12 March 2024."),
    tokens("OOOO oooo 0000 @@@@ %%%% &&&& 8888 BBBB QQQQ"),
    tokens("Your account manager, Ms Olivia Brown, will call you on +44 20 7946 0958."),
    tokens("Kind regards, The Customer Care Team"),
]


@pytest.mark.parametrize(
    ("font_size", "ink"), [(14, (0, 0, 0)), (28, (0, 0, 0)), (48, (90, 90, 90)), (96, (0, 0, 0))]
)
def test_given_a_text_only_document_then_no_face_is_found(font_size: int, ink: tuple[int, int, int]) -> None:
    page, _ = render(LETTER * 4, size=(2480, 3508), font_size=font_size, ink=ink)
    assert HaarFaceDetector().detect(page) == []


def test_given_a_text_only_document_then_the_analysis_reports_no_face(anonymizer: ImageAnonymizer) -> None:
    page, _ = render(LETTER, size=(1700, 600))
    answer = anonymizer.analyze(encode(page, "PNG"), Options.parse(ocr_mode="fast")).to_dict()
    assert entities_of(answer, "FACE") == [] and entities_of(answer, "CODE") == []
    assert entities_of(answer, "PERSON")  # the text was read and searched as usual


@pytest.mark.parametrize(("name", "value"), [("codes", "some"), ("codes", "true"), ("faces", "maybe")])
def test_given_an_unknown_codes_or_faces_value_then_invalid_request_naming_it(name: str, value: str) -> None:
    with pytest.raises(InvalidRequest, match=name):
        Options.parse(**{name: value})  # type: ignore[arg-type]
