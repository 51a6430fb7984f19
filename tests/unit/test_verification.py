"""The verification's pure parts: paint coverage, the view OCR reads, the request's outcome."""

from __future__ import annotations

import numpy as np
from PIL import Image

from image_anonymizer.core.model import Box, Finding
from image_anonymizer.core.verification import (
    SKIPPED,
    Verification,
    combined,
    is_painted,
    painted_share,
    readable_view,
    worth_covering,
)


def test_given_a_word_under_two_touching_boxes_then_it_is_painted() -> None:
    painted = [Box(0, 0, 50, 20), Box(50, 0, 50, 20)]
    assert is_painted(Box(40, 5, 20, 10), painted)
    assert painted_share(Box(90, 5, 20, 10), painted) == 0.5
    assert not is_painted(Box(90, 5, 20, 10), painted)
    assert painted_share(Box(200, 5, 20, 10), painted) == 0.0


def test_given_boxes_on_light_and_dark_grounds_then_the_view_fills_each_with_its_ground() -> None:
    page = Image.new("RGB", (200, 100), (250, 250, 250))
    page.paste((20, 20, 20), (100, 0, 200, 100))  # a dark-mode half
    light, dark = Box(10, 10, 40, 20), Box(140, 10, 40, 20)
    view = np.asarray(readable_view(page, [light, dark]))
    assert (view[10:30, 10:50] == 255).all(), "white on the light ground"
    assert (view[10:30, 140:180] == 0).all(), "black on the dark ground"
    assert (view[50:, :100] == 250).all() and (view[50:, 100:] == 20).all(), "the rest is the page's own"


def test_given_pages_then_the_request_is_clean_only_if_every_page_is() -> None:
    clean = Verification(True, clean=True, added=0, passes=1, last_pass_clean=True)
    covered = Verification(True, clean=False, added=2, passes=2, last_pass_clean=True)
    assert combined([clean, clean]).status == "clean"
    both = combined([clean, covered])
    assert (both.status, both.added, both.passes, both.last_pass_clean) == ("covered", 2, 2, True)
    assert combined([clean, SKIPPED]) is SKIPPED
    assert combined([]) is SKIPPED


def test_given_ner_on_a_page_with_holes_then_only_names_that_are_names_count() -> None:
    def finding(kind: str, text: str, recognizer: str) -> Finding:
        return Finding(kind, text, 0.85, 0, len(text), (Box(0, 0, 10, 10),), recognizer)

    assert not worth_covering(finding("PERSON", "KESCrIDUON", "SpacyRecognizer"))
    assert not worth_covering(finding("NRP", "GREEK", "SpacyRecognizer"))
    assert worth_covering(finding("PERSON", "Kirsten Dahl", "SpacyRecognizer"))
    assert worth_covering(finding("EMAIL_ADDRESS", "a@b.co", "OfflineEmailRecognizer"))
