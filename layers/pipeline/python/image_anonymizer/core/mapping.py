"""Pure: OCR words → page text that keeps lines and blocks, and character spans → pixel boxes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from image_anonymizer.core.model import Box, LineKey, OcrWord

# Padding on every side of a box, as a fraction of the line's text height:
# enough that no ascender, descender or anti-aliased edge of the glyphs shows.
# Tesseract's word boxes can sit a few pixels inside the ink (a serif, a parenthesis).
PAD_FRACTION = 0.25
MIN_PAD = 3

# OCR sometimes splits one token at punctuation ("jo@example. com"); a gap this much
# narrower than the line's usual word gap, at one of these characters, is no space.
_GLUE_CHARACTERS = ".@-/_:"
# A word taller than this many median lines whose glyphs would be narrower than this
# share of their height is no text (letters are 0.3–0.7 times as wide as high).
_TALL_WORD_RATIO = 2.5
# A gap between two words of a line this many times their height parts two cells.
_COLUMN_GAP_RATIO = 3.0
_MIN_GLYPH_ASPECT = 0.15
_GLUE_GAP_RATIO = 0.6
_STRUCTURED_TOKEN_RE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email
    r"|(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?"  # domain or URL
    r"|\d{1,3}(?:\.\d{1,3}){3}"  # IPv4
    r"|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}",  # IPv6
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageText:
    """The text handed to the detector, and where each word sits in it."""

    text: str
    words: tuple[OcrWord, ...]
    spans: tuple[tuple[int, int], ...]


def layout_text(words: Sequence[OcrWord], holes: Sequence[Box] = ()) -> PageText:
    """Join words as a person reads them: spaces within a line, a newline between
    lines and between the cells of a row, a blank line between paragraphs and blocks
    (so that "Name" in one column and "Smith" in the next are never read as one phrase).

    ``holes``: boxes already painted over (a redacted page read again). Two words of a
    line that a hole parts (see ``_hole_between``) were never neighbours: what stood
    between them is gone, so they are parted by a blank line, and the firm in the
    column after a painted name is not read as the name that follows "Mr."."""
    words = _text_shaped(words)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    previous: LineKey | None = None
    usual_gap = _usual_gap(words)
    for index, word in enumerate(words):
        if previous is not None:
            if word.line == previous and _hole_between(words[index - 1], word, holes):
                separator = "\n\n"
            elif word.line == previous and _column_gap(words[index - 1], word):
                separator = "\n"
            elif word.line == previous:
                separator = "" if _glued(words[index - 1], word, usual_gap) else " "
            elif (word.line.block, word.line.paragraph) == (previous.block, previous.paragraph):
                separator = "\n"
            else:
                separator = "\n\n"
            parts.append(separator)
            length += len(separator)
        parts.append(word.text)
        spans.append((length, length + len(word.text)))
        length += len(word.text)
        previous = word.line
    return PageText("".join(parts), tuple(words), tuple(spans))


def _text_shaped(words: Sequence[OcrWord]) -> list[OcrWord]:
    """Leave out what OCR read into a picture: a "word" many lines tall and a sliver
    wide (a column of avatars read as "Oooo", a rule read as "l"). Its letters are
    noise, and covering its box would blank whole rows of real text beside it."""
    if not words:
        return []
    line_height = median(w.box.height for w in words)
    return [
        w
        for w in words
        if w.box.height <= _TALL_WORD_RATIO * line_height
        or w.box.width >= _MIN_GLYPH_ASPECT * len(w.text) * w.box.height
    ]


def _hole_between(before: OcrWord, after: OcrWord, holes: Sequence[Box]) -> bool:
    """Whether one of ``holes`` parts two words of a line: it lies in the gap between
    them, shares rows with both, and stands apart from one of them by more than a
    word's space (a line height). A hole a word's space from both words was a word
    of their phrase ("Cashier: ▮ Wai", the rest of a name read again); one set apart
    was a cell of its own ("Mr. ▮   Hale & Co", the name, then the firm's column)."""
    height = max(before.box.height, after.box.height)
    top = max(before.box.y, after.box.y)
    bottom = min(before.box.bottom, after.box.bottom)
    return any(
        hole.x >= before.box.x + before.box.width // 2
        and hole.right <= after.box.x + after.box.width // 2
        and hole.y < bottom
        and hole.bottom > top
        and max(hole.x - before.box.right, after.box.x - hole.right) > height
        for hole in holes
    )


def _column_gap(before: OcrWord, after: OcrWord) -> bool:
    """A gap wider than a few characters within one OCR line parts two cells of a row
    (a sender and a date in an inbox, columns of a table): they read as two lines."""
    gap = after.box.x - before.box.right
    return gap > _COLUMN_GAP_RATIO * max(before.box.height, after.box.height)


def _usual_gap(words: Sequence[OcrWord]) -> float | None:
    """The page's median horizontal gap between neighbouring words of a line."""
    gaps = [b.box.x - a.box.right for a, b in pairwise(words) if a.line == b.line]
    return float(median(gaps)) if gaps else None


def _glued(before: OcrWord, after: OcrWord, usual_gap: float | None) -> bool:
    """Whether OCR split one token: at punctuation, and either the gap is narrow or
    the two halves make an email, a domain or an IP address together."""
    at_punctuation = before.text[-1] in _GLUE_CHARACTERS or after.text[0] in _GLUE_CHARACTERS
    if not at_punctuation:
        return False
    gap = after.box.x - before.box.right
    if usual_gap is not None and usual_gap > 0 and gap < _GLUE_GAP_RATIO * usual_gap:
        return True
    height = max(before.box.height, after.box.height)
    joined = before.text + after.text
    if "@" in joined or ":" in joined:  # an email or an IP address: nothing else looks like one
        return gap < height and bool(_STRUCTURED_TOKEN_RE.fullmatch(joined))
    return gap < height / 2 and after.text[0].islower() and bool(_STRUCTURED_TOKEN_RE.fullmatch(joined))


def words_in_span(page: PageText, start: int, end: int) -> list[int]:
    """Indexes of every word that shares at least one character with ``[start, end)``.

    A word only partly inside the span is taken whole: an entity that starts or
    ends inside a token (``(age``, ``39).``, ``email:jo@x.com``) is still covered.
    """
    return [i for i, (s, e) in enumerate(page.spans) if s < end and e > start]


def boxes_for_span(page: PageText, start: int, end: int, width: int, height: int) -> tuple[Box, ...]:
    """One padded box per line segment that the span covers, clipped to the image."""
    groups: dict[LineKey, list[Box]] = {}
    for index in words_in_span(page, start, end):
        word = page.words[index]
        groups.setdefault(word.line, []).append(word.box)
    boxes: list[Box] = []
    for line_boxes in groups.values():
        union = line_boxes[0]
        for box in line_boxes[1:]:
            union = union.union(box)
        text_height = median(b.height for b in line_boxes)
        pad = max(MIN_PAD, round(PAD_FRACTION * text_height))
        padded = union.padded(pad, width, height)
        if padded.width > 0 and padded.height > 0:
            boxes.append(padded)
    return tuple(boxes)


@dataclass(frozen=True)
class FieldLines:
    """Each label of a form and the value it labels, as lines of their own
    ("Age: 62"), for the detector to read what the layout puts apart: a row of
    labels over a row of values, a column of labels beside a column of values.
    ``spans`` place the value words only, ``(start, end, word index)``: a finding
    covers the value, never the label."""

    text: str
    spans: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class _Cell:
    words: tuple[int, ...]
    box: Box
    text: str


# A cell is a label when it is short, has no digit, and names something personal.
_LABEL_WORDS = frozenset(
    """name names surname forename first last given middle maiden full birth born dob age sex gender
    address street city state zip postcode postal town country phone tel telephone mobile cell fax
    email e-mail mail ssn social security nhs nino passport licence license driver account iban card
    holder cardholder contact emergency kin next patient client customer member employee applicant
    insured guardian spouse parent signature signed nationality id number no""".split()  # noqa: SIM905
)
_MAX_LABEL_WORDS = 5
_ROW_TOLERANCE = 0.5  # of the text height: centres this close are on one row
_MAX_GAP_BELOW = 1.6  # of the text height: a value this close under its label


def field_lines(page: PageText) -> FieldLines:
    """Pair every value cell with the label cell left of it on its row, or right above it."""
    cells = _cells(page)
    labels = [c for c in cells if _is_label(c.text)]
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    length = 0
    for value in cells:
        if _is_label(value.text):  # a label beside a label is a row of labels
            continue
        for label in (_label_left_of(value, labels), _label_above(value, labels)):
            if label is None or label is value:
                continue
            prefix = f"{label.text.rstrip(' :*')}: "
            shift = length + len(prefix) - page.spans[value.words[0]][0]
            spans += [(page.spans[i][0] + shift, page.spans[i][1] + shift, i) for i in value.words]
            parts.append(f"{prefix}{value.text}\n")
            length += len(parts[-1])
    return FieldLines("".join(parts), tuple(spans))


def page_span(page: PageText, fields: FieldLines, start: int, end: int) -> tuple[int, int] | None:
    """Where the value words that ``[start, end)`` of the field lines covers sit in the page text."""
    indexes = [i for s, e, i in fields.spans if s < end and e > start]
    if not indexes:
        return None
    return min(page.spans[i][0] for i in indexes), max(page.spans[i][1] for i in indexes)


def _cells(page: PageText) -> list[_Cell]:
    """The page's words in cells: runs of one line with no column gap inside."""
    cells: list[_Cell] = []
    run: list[int] = []
    for index, word in enumerate(page.words):
        if run and (word.line != page.words[run[-1]].line or _column_gap(page.words[run[-1]], word)):
            cells.append(_cell(page, run))
            run = []
        run.append(index)
    if run:
        cells.append(_cell(page, run))
    return cells


def _cell(page: PageText, run: list[int]) -> _Cell:
    box = page.words[run[0]].box
    for index in run[1:]:
        box = box.union(page.words[index].box)
    text = page.text[page.spans[run[0]][0] : page.spans[run[-1]][1]]
    return _Cell(tuple(run), box, text)


def _is_label(text: str) -> bool:
    words = re.findall(r"[a-z][a-z-]*", text.lower())
    return (
        0 < len(text.split()) <= _MAX_LABEL_WORDS
        and not any(c.isdigit() for c in text)
        and any(w in _LABEL_WORDS for w in words)
    )


def _label_left_of(value: _Cell, labels: list[_Cell]) -> _Cell | None:
    centre = value.box.y + value.box.height / 2
    tolerance = _ROW_TOLERANCE * value.box.height
    row = [
        c
        for c in labels
        if c.box.right <= value.box.x and abs(c.box.y + c.box.height / 2 - centre) <= tolerance
    ]
    return max(row, key=lambda c: c.box.right, default=None)


def _label_above(value: _Cell, labels: list[_Cell]) -> _Cell | None:
    height = value.box.height
    above = [
        c
        for c in labels
        if c.box.bottom <= value.box.y + 2
        and value.box.y - c.box.bottom <= _MAX_GAP_BELOW * max(height, c.box.height)
        and (
            max(c.box.x, value.box.x) < min(c.box.right, value.box.right)
            or abs(c.box.x - value.box.x) <= height
        )
    ]
    return max(above, key=lambda c: c.box.bottom, default=None)
