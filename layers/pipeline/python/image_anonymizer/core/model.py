"""The domain's small frozen types, shared by every step of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """An axis-aligned pixel rectangle; ``x``/``y`` is the top-left corner."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def union(self, other: Box) -> Box:
        left, top = min(self.x, other.x), min(self.y, other.y)
        right, bottom = max(self.right, other.right), max(self.bottom, other.bottom)
        return Box(left, top, right - left, bottom - top)

    def padded(self, pad: int, limit_width: int, limit_height: int) -> Box:
        """Grow by ``pad`` on every side, clipped to the image."""
        left, top = max(0, self.x - pad), max(0, self.y - pad)
        right, bottom = min(limit_width, self.right + pad), min(limit_height, self.bottom + pad)
        return Box(left, top, max(0, right - left), max(0, bottom - top))

    def to_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class LineKey:
    """Where a word sits in Tesseract's layout: block, paragraph, line."""

    block: int
    paragraph: int
    line: int


@dataclass(frozen=True)
class OcrWord:
    """One word as OCR read it. Low-confidence words are kept: a badly read digit is still PII."""

    text: str
    box: Box
    confidence: float
    line: LineKey
    language: str


@dataclass(frozen=True)
class Finding:
    """One detected entity: its span in the page text and the boxes that cover it."""

    entity_type: str
    text: str
    score: float
    start: int
    end: int
    boxes: tuple[Box, ...]
    recognizer: str = ""
    # Visual findings: ``source`` is "code" or "face" ("" for text); a code's
    # ``symbology`` and the types found in its payload (its ``text`` is the symbology,
    # never the payload).
    source: str = ""
    symbology: str = ""
    payload_types: tuple[str, ...] = ()

    @property
    def bbox(self) -> Box:
        """The union of the line boxes: the contract's single ``bbox``."""
        box = self.boxes[0]
        for other in self.boxes[1:]:
            box = box.union(other)
        return box
