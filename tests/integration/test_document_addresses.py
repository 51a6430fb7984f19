"""Addresses with real Tesseract and the real model: USPS street suffixes beyond the
common ones, unit designators, PO boxes and rural routes, full state names and
territory codes, multi-line blocks, Malaysian addresses, checked by pixels.

All addresses are invented for these tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PIL import Image

from image_anonymizer.core.service import ImageAnonymizer, Options
from tests.rendering import Line, Word, assert_redacted, decode, encode, render, tokens

FONT_SIZE = 32


def page(lines: Sequence[Line], width: int = 1300) -> tuple[Image.Image, list[Word]]:
    height = 80 + int(FONT_SIZE * 2) * len(lines)
    return render(lines, size=(width, height), font_name="sans", font_size=FONT_SIZE)


def redact_locations(anonymizer: ImageAnonymizer, image: Image.Image) -> tuple[Image.Image, dict]:
    result = anonymizer.redact(encode(image, "PNG"), Options.parse(entities=["LOCATION"]))
    return decode(result.image), result.analysis.to_dict()


# Each block: its lines, every word of them an address word; a label line stays readable.
ADDRESS_BLOCKS = {
    "crossing_with_suite": ["4410 Heron Crossing, Suite 310", "Dayton, OH 45402"],
    "hollow_with_apartment": ["77 Birch Hollow Apt 12B", "Concord, New Hampshire 03301"],
    "trafficway_and_floor": ["2301 Harbor Trafficway", "3rd Floor", "Wichita, KS 67202"],
    "po_box_and_territory": ["P. O. Box 8812", "Hagatna, GU 96910"],
    "rural_route": ["Route 3 Box 45", "Millbrook, AL 36054"],
    "full_state_name_capitals": ["906 WILLOW UNDERPASS", "TOPEKA, KANSAS 66603"],
    "malaysian": ["NO. 12, JALAN MERANTI 3/2", "43000 KAJANG, SELANGOR"],
}


@pytest.mark.parametrize("case", list(ADDRESS_BLOCKS), ids=list(ADDRESS_BLOCKS))
def test_given_an_address_block_then_every_line_is_covered_and_the_label_is_not(
    anonymizer: ImageAnonymizer, case: str
) -> None:
    lines = [tokens("Ship to the customer at:")]
    lines += [tokens(line, [line]) for line in ADDRESS_BLOCKS[case]]
    lines.append(tokens("Thank you for your order"))
    image, words = page(lines)
    out, found = redact_locations(anonymizer, image)
    assert_redacted(image, out, words)
    assert set(found["entity_counts"]) <= {"LOCATION"}, found["entity_counts"]


def test_given_numbers_and_ordinary_words_then_no_address_is_made_of_them(
    anonymizer: ImageAnonymizer,
) -> None:
    # A house number and a capitalised word before a common word are no street.
    image, words = page([tokens("We ordered 3 Cases of Water"), tokens("Table 15 Park view seats")])
    out, found = redact_locations(anonymizer, image)
    assert_redacted(image, out, words)
    assert found["entity_counts"] == {}, found["entity_counts"]
