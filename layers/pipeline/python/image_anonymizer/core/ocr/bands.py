"""Pure: where a page can be cut into horizontal bands that OCR can read apart.

A cut lies only in a wide run of blank rows, in its middle, so no text line is
ever cut and each band keeps white above and below its ink. The run must be wider
than the page's text lines are tall: the blank between two lines of one paragraph
is narrower than that, so a paragraph is never split (OCR would then read its lines
as two blocks, and an address wrapped onto the next line would fall apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

MIN_GAP_PX = 12  # a cut needs at least this many blank rows: 6 px of white each side
GAP_LINE_HEIGHTS = 1.0  # ... and at least this many text-line heights of blank rows
_MIN_LINE_PX = 4  # ink runs lower than this are specks or rules, not text lines


@dataclass(frozen=True)
class Band:
    """Rows ``[top, bottom)`` of a page."""

    top: int
    bottom: int

    @property
    def height(self) -> int:
        return self.bottom - self.top


def row_runs(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (exclusive) of the runs of ``True`` in a 1-D boolean array."""
    edges = np.diff(np.concatenate(([0], rows.astype(np.int8), [0])))
    return np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]


def text_line_count(ink: np.ndarray) -> int:
    """The runs of inked rows tall enough to be text: about the page's text lines."""
    starts, ends = row_runs(np.asarray(ink.any(axis=1)))
    return int(np.count_nonzero(ends - starts >= _MIN_LINE_PX))


def split_bands(ink: np.ndarray, count: int) -> list[Band]:
    """At most ``count`` bands that together cover every row of ``ink`` (a 2-D boolean
    array, ``True`` where there is ink), cut only in the middle of blank runs wide
    enough (see the module docstring), so that the bands hold about the same ink."""
    height = ink.shape[0]
    whole = [Band(0, height)]
    if count < 2 or height == 0:
        return whole
    per_row = np.count_nonzero(ink, axis=1)
    starts, ends = row_runs(per_row > 0)
    lines = ends - starts
    lines = lines[lines >= _MIN_LINE_PX]
    if lines.size < 2:
        return whole
    wide = max(MIN_GAP_PX, int(np.ceil(GAP_LINE_HEIGHTS * float(np.median(lines)))))
    # Blank runs between two inked rows (not the page's top or bottom margin).
    gap_starts, gap_ends = ends[:-1], starts[1:]
    middles = [(int(s) + int(e)) // 2 for s, e in zip(gap_starts, gap_ends, strict=True) if e - s >= wide]
    if not middles:
        return whole
    before = np.concatenate(([0], np.cumsum(per_row)))  # ink above each row
    total = float(before[-1])
    # For each share of the ink, the cut nearest to it; the ink above a row only grows,
    # so the cuts come out in order (two shares may pick the same cut).
    cuts = {
        min(middles, key=lambda m: abs(float(before[m]) - total * part / count)) for part in range(1, count)
    }
    edges = [0, *sorted(cuts), height]
    return [Band(top, bottom) for top, bottom in pairwise(edges)]
