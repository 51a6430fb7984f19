"""Visual PII that no OCR reads: codes (QR, Data Matrix, PDF417, Aztec, 1-D barcodes)
and faces. Two small protocols, ``CodeReader`` and ``FaceDetector``, so either can be
swapped (tests pass fakes); the defaults are zxing-cpp and OpenCV's bundled Haar
cascades, both from PyPI wheels, nothing downloaded.

A code's payload is held in memory only, for the service to run the text detector
over it: ``DecodedCode`` never shows it in its ``repr``, and no finding carries it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
from PIL import Image

from image_anonymizer.core.model import Box
from image_anonymizer.errors import InvalidRequest

CODE, FACE = "CODE", "FACE"
VISUAL_SOURCES = {CODE: "code", FACE: "face"}
CodesMode = Literal["pii", "all", "none"]
CODES_MODES: tuple[CodesMode, ...] = ("pii", "all", "none")
# A decoded code is certain; a face detection is not calibrated, so a fixed score says so.
CODE_SCORE, FACE_SCORE = 1.0, 0.8


@dataclass(frozen=True)
class DecodedCode:
    """One code read on a page: its symbology, its box in page pixels, its payload
    (never in the ``repr``: it may be the very PII the code is covered for)."""

    symbology: str
    box: Box
    payload: str = field(repr=False)


class CodeReader(Protocol):
    """Finds and decodes every code on a page (the service passes it greyscale, mode L)."""

    def read(self, page: Image.Image) -> list[DecodedCode]: ...


class FaceDetector(Protocol):
    """Finds faces on a page (greyscale, mode L, from the service): tight face boxes in
    page pixels (``head_box`` pads them)."""

    def detect(self, page: Image.Image) -> list[Box]: ...


def parse_codes(value: str | None) -> CodesMode:
    """``pii`` (the default: cover a code whose payload holds PII), ``all`` or ``none``."""
    if value is None or str(value).strip() == "":
        return "pii"
    text = str(value).strip().lower()
    for mode in CODES_MODES:
        if text == mode:
            return mode
    raise InvalidRequest(f"codes must be one of: {', '.join(CODES_MODES)}.")


def code_box(corners: Sequence[tuple[int, int]], width: int, height: int) -> Box:
    """The box around a code's corners, grown by 4 % of its size (at least 3 px) so
    that the outer modules, which a decoder's corners may cut, are covered too."""
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    box = Box(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)
    return box.padded(max(3, round(0.04 * max(box.width, box.height))), width, height)


def head_box(face: Box, width: int, height: int) -> Box:
    """A face detector's box grown to the whole head: 25 % of its width on each side,
    40 % of its height above (hair, forehead), 25 % below (chin), clipped to the page."""
    left = max(0, face.x - round(0.25 * face.width))
    right = min(width, face.right + round(0.25 * face.width))
    top = max(0, face.y - round(0.40 * face.height))
    bottom = min(height, face.bottom + round(0.25 * face.height))
    return Box(left, top, max(0, right - left), max(0, bottom - top))


class ZxingCodeReader:
    """zxing-cpp over the whole page once, every symbology it reads."""

    def read(self, page: Image.Image) -> list[DecodedCode]:
        import zxingcpp

        grey = page if page.mode == "L" else page.convert("L")
        found = []
        for code in zxingcpp.read_barcodes(grey):
            if not code.valid:
                continue
            p = code.position
            corners = [(c.x, c.y) for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
            box = code_box(corners, page.width, page.height)
            if box.width > 0 and box.height > 0:
                found.append(DecodedCode(str(code.format), box, code.text))
        return found


# (cascade, on the mirrored image, scale step). alt2 alone: in our trials (skimage's
# photographs and LFW faces) adding the default frontal cascade found no more faces and
# cost half as much again. The profile cascade knows one side, so it also runs on the
# mirrored image, with a coarser step: it is the slow one.
_CASCADES = (
    ("haarcascade_frontalface_alt2.xml", False, 1.1),
    ("haarcascade_profileface.xml", False, 1.2),
    ("haarcascade_profileface.xml", True, 1.2),
)


class HaarFaceDetector:
    """OpenCV's bundled Haar cascades, frontal and profile, on photo regions only.

    A page is first looked at small (``region_side`` px) for areas dense in mid-tones:
    photographs are, printed text and white paper are not (text is ink on paper, its
    grey only at the strokes' edges). Only those areas go through the cascades, each
    at up to ``max_side`` px (a face down to ``min_face`` px there): a text page costs
    almost nothing and shows the cascades no text to take for faces, and a small photo
    on a large scan is searched at its own resolution. Detections of all cascades are
    merged (non-maximum suppression) into one box per face.
    """

    def __init__(
        self,
        max_side: int = 640,
        region_side: int = 500,
        min_face: int = 24,
        min_neighbors: int = 5,
    ) -> None:
        self.max_side = max_side
        self.region_side = region_side
        self.min_face = min_face
        self.min_neighbors = min_neighbors
        self._cascades: list[tuple[Any, bool, float]] | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the cascades now (at cold start) rather than on the first request."""
        self._loaded()

    def detect(self, page: Image.Image) -> list[Box]:
        import cv2

        grey = page if page.mode == "L" else page.convert("L")
        faces: list[tuple[Box, int]] = []
        for region in photo_regions(grey, self.region_side, self.min_face):
            crop = np.asarray(grey.crop((region.x, region.y, region.right, region.bottom)))
            scale = min(1.0, self.max_side / max(crop.shape))
            if scale < 1.0:
                size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
                crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
            for box, votes in self._faces_in(crop):
                faces.append(
                    (
                        Box(
                            region.x + round(box.x / scale),
                            region.y + round(box.y / scale),
                            round(box.width / scale),
                            round(box.height / scale),
                        ),
                        votes,
                    )
                )
        return merge_boxes(faces)

    def _faces_in(self, grey: np.ndarray) -> list[tuple[Box, int]]:
        found: list[tuple[Box, int]] = []
        if min(grey.shape) < self.min_face:
            return found
        mirrored = np.ascontiguousarray(grey[:, ::-1])
        for cascade, mirror, step in self._loaded():
            boxes, votes = cascade.detectMultiScale2(
                mirrored if mirror else grey,
                scaleFactor=step,
                minNeighbors=self.min_neighbors,
                minSize=(self.min_face, self.min_face),
            )
            for (x, y, w, h), n in zip(boxes, votes, strict=False):
                left = grey.shape[1] - int(x) - int(w) if mirror else int(x)
                found.append((Box(left, int(y), int(w), int(h)), int(n)))
        return found

    def _loaded(self) -> list[tuple[Any, bool, float]]:
        with self._lock:
            if self._cascades is None:
                import cv2

                folder = cv2.data.haarcascades  # type: ignore[attr-defined]
                self._cascades = [
                    (cv2.CascadeClassifier(folder + name), mirror, step) for name, mirror, step in _CASCADES
                ]
                if any(c.empty() for c, _, _ in self._cascades):
                    raise RuntimeError("an OpenCV face cascade did not load")
            return self._cascades


def photo_regions(grey: Image.Image, side: int = 500, min_size: int = 24) -> list[Box]:
    """The areas of a greyscale page dense in mid-tones (photographs), in page pixels:
    at about ``side`` px (the page reduced by a whole factor, each pixel the mean of its
    block), a pixel whose 9×9 neighbourhood is at least half mid-tone (48–207) belongs
    to one; connected areas at least ``min_size`` page px wide and high, each grown by
    an eighth of its size (a face at a photo's edge keeps its context)."""
    import cv2

    factor = max(1, -(-max(grey.size) // side))
    small = np.asarray(grey.reduce(factor) if factor > 1 else grey)
    scale = 1.0 / factor
    mid = ((small > 47) & (small < 208)).astype(np.float32)
    dense = (cv2.boxFilter(mid, -1, (9, 9)) >= 0.5).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(dense, connectivity=8)
    width, height = grey.size
    regions = []
    for x, y, w, h, _ in stats[1:count]:
        box = Box(int(x / scale), int(y / scale), int(np.ceil(w / scale)), int(np.ceil(h / scale)))
        if box.width >= min_size and box.height >= min_size:
            regions.append(box.padded(max(box.width, box.height) // 8, width, height))
    return _without_nested(regions)


def _without_nested(boxes: list[Box]) -> list[Box]:
    """Boxes that lie inside another one dropped: the outer one is searched anyway."""
    kept = []
    for i, box in enumerate(boxes):
        inside = any(
            j != i
            and other.x <= box.x
            and other.y <= box.y
            and other.right >= box.right
            and other.bottom >= box.bottom
            and (other != box or j < i)
            for j, other in enumerate(boxes)
        )
        if not inside:
            kept.append(box)
    return kept


def merge_boxes(detections: Sequence[tuple[Box, int]], overlap: float = 0.3) -> list[Box]:
    """Non-maximum merging: detections that overlap (intersection over the smaller box
    ≥ ``overlap``) are one face; it gets the union of their boxes, so the paint
    covers what every cascade saw. Most votes first decides the order."""
    ordered = sorted(detections, key=lambda d: -d[1])
    merged: list[Box] = []
    for box, _ in ordered:
        for index, kept in enumerate(merged):
            if _overlap(box, kept) >= overlap:
                merged[index] = kept.union(box)
                break
        else:
            merged.append(box)
    return merged


def _overlap(a: Box, b: Box) -> float:
    width = min(a.right, b.right) - max(a.x, b.x)
    height = min(a.bottom, b.bottom) - max(a.y, b.y)
    if width <= 0 or height <= 0:
        return 0.0
    return (width * height) / max(1, min(a.width * a.height, b.width * b.height))
