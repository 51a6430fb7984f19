"""Pure: what a verification pass over a redacted page found, and whether a finding
read there is already under the paint.

The service reads the redacted page again (one fast Tesseract pass over
``readable_view``) and runs the same detector; a finding whose words all lie under
the paint is already covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from image_anonymizer.core import redaction
from image_anonymizer.core.detection.lexicon import is_known_name
from image_anonymizer.core.model import Box, Finding

# Verification passes that may cover something; each is followed by another reading,
# and a reading after the last of them that still finds something fails the request.
MAX_PASSES = 2


@dataclass(frozen=True)
class Verification:
    """What re-reading the redacted output found.

    ``clean``: the first re-reading found nothing the analysis had left readable (the
    output is exactly the unverified one). ``added``: findings covered because of it.
    ``passes``: re-readings made (another after each one that added something).
    ``last_pass_clean``: the last re-reading found nothing new. Always true of an
    image returned: when the reading after the last covering pass still finds
    something, the service raises ``VerificationFailed`` instead (fail closed).
    """

    performed: bool
    clean: bool | None = None
    added: int = 0
    passes: int = 0
    last_pass_clean: bool | None = None

    @property
    def status(self) -> str:
        """``skipped`` (not asked for), ``clean`` or ``covered``."""
        if not self.performed:
            return "skipped"
        return "clean" if self.clean else "covered"

    def to_dict(self) -> dict[str, Any]:
        return {
            "performed": self.performed,
            "status": self.status,
            "clean": self.clean,
            "added": self.added,
            "passes": self.passes,
            "last_pass_clean": self.last_pass_clean,
        }


SKIPPED = Verification(performed=False)


def combined(pages: Sequence[Verification]) -> Verification:
    """One request's verification from its pages'."""
    if not pages or not all(p.performed for p in pages):
        return SKIPPED
    return Verification(
        performed=True,
        clean=all(bool(p.clean) for p in pages),
        added=sum(p.added for p in pages),
        passes=max(p.passes for p in pages),
        last_pass_clean=all(bool(p.last_pass_clean) for p in pages),
    )


def worth_covering(finding: Finding) -> bool:
    """Whether a finding of the re-reading is evidence of a leak. Patterns and labels
    are; NER on a page with holes in it mostly is not: its "names" are words misread
    at the paint's edges ("KESCrIDUON", "Ma Search"). An NER name counts only with a
    known given name or surname in it; an NER place or group not at all (the first
    reading had the page whole)."""
    if finding.recognizer != "SpacyRecognizer":
        return True
    if finding.entity_type != "PERSON":
        return False
    return any(is_known_name(word.strip(".,:;()")) for word in finding.text.split())


def painted_share(box: Box, painted: Sequence[Box]) -> float:
    """The share of ``box``'s pixels that lie under the union of ``painted`` boxes."""
    if box.width <= 0 or box.height <= 0:
        return 1.0
    return float(_painted_mask(box, painted).mean())


def is_painted(word: Box, painted: Sequence[Box]) -> bool:
    """Whether every pixel of the word's box is already under the paint."""
    return painted_share(word, painted) >= 1.0


def readable_view(page: Image.Image, painted: Sequence[Box]) -> Image.Image:
    """The redacted page as a reader sees it, for OCR: every pixel outside the boxes is
    the page's own, and each box is filled with its surroundings' ground (white on a
    light ground, black on a dark one) instead of the fill colour.

    The fill carries nothing, but Tesseract reads a box's edges as strokes glued onto
    the neighbouring words ("card▮" read as "cardZ"), which would hand the detector
    invented names; blended into the ground, a box reads as the gap it is.
    """
    grey = page.convert("L")
    light: list[Box] = []
    dark: list[Box] = []
    for box in painted:
        (light if _ground_is_light(grey, box, painted) else dark).append(box)
    view = redaction.redact_page(page, light, "white") if light else page
    return redaction.redact_page(view, dark, "black") if dark else view


def _ground_is_light(grey: Image.Image, box: Box, painted: Sequence[Box]) -> bool:
    """Whether the median of a ring around the box (outside every painted box) is light."""
    ring = box.padded(max(2, box.height // 4), grey.width, grey.height)
    pixels = np.asarray(grey.crop((ring.x, ring.y, ring.right, ring.bottom)))
    outside = ~_painted_mask(ring, painted)
    values = pixels[outside] if outside.any() else np.asarray(grey)
    return float(np.median(values)) >= 128


def _painted_mask(region: Box, painted: Sequence[Box]) -> np.ndarray:
    """For each pixel of ``region``: whether it lies under one of the ``painted`` boxes."""
    mask = np.zeros((region.height, region.width), dtype=bool)
    for paint in painted:
        left, top = max(region.x, paint.x), max(region.y, paint.y)
        right, bottom = min(region.right, paint.right), min(region.bottom, paint.bottom)
        if left < right and top < bottom:
            mask[top - region.y : bottom - region.y, left - region.x : right - region.x] = True
    return mask
