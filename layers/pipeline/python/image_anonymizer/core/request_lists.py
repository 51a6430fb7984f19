"""A request's allow and deny lists: parsing, validation and matching. Pure: no OCR,
no Presidio, no logging (the entries are the caller's words, often names).

- An **allow list** entry is never covered: a finding whose text, whitespace-normalised
  and case-insensitively, equals an entry is dropped.
- A **deny list** entry is always covered wherever it stands as whole words in the
  page text (case-insensitive; a phrase's words may be apart by any whitespace,
  line breaks included), reported as ``DENY_LIST`` with score 1.0.

How a list arrives: ``None``; one string, which is a JSON array of strings when it
starts with ``[`` and ends with ``]``, else one entry per line; or a sequence of
strings (a form field repeated, a CLI flag repeated), each one entry per line.
Commas never separate entries: a phrase may hold one. Whitespace inside an entry is
collapsed, empty entries are ignored, duplicates (ignoring case) are kept once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache

from image_anonymizer.errors import InvalidRequest

DENY_LIST = "DENY_LIST"
DENY_LIST_DESCRIPTION = (
    "A word or phrase of the request's deny_list: always covered, whatever the entities asked for"
)
DENY_LIST_RECOGNIZER = "DenyList"
MAX_ENTRIES = 1000
MAX_ENTRY_LENGTH = 100


def parse_list(value: object, name: str) -> tuple[str, ...]:
    """The entries of a raw list value, checked; every bad value raises ``InvalidRequest``
    naming the field (never quoting an entry)."""
    if value is None:
        return ()
    if isinstance(value, str):
        raw = _decode(value, name)
    elif isinstance(value, (list, tuple)):
        raw = []
        for item in value:
            if not isinstance(item, str):
                raise InvalidRequest(f"{name} must be a list of strings.")
            raw += item.splitlines()
    else:
        raise InvalidRequest(f"{name} must be a list of strings.")
    entries = [normalise(entry) for entry in raw]
    entries = [entry for entry in entries if entry]
    if len(entries) > MAX_ENTRIES:
        raise InvalidRequest(f"{name} has {len(entries)} entries; at most {MAX_ENTRIES} are allowed.")
    for position, entry in enumerate(entries, start=1):
        if len(entry) > MAX_ENTRY_LENGTH:
            raise InvalidRequest(
                f"{name} entry {position} has {len(entry)} characters; "
                f"at most {MAX_ENTRY_LENGTH} are allowed."
            )
    unique: dict[str, str] = {}
    for entry in entries:
        unique.setdefault(entry.casefold(), entry)
    return tuple(unique.values())


def _decode(text: str, name: str) -> list[str]:
    stripped = text.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")):
        return text.splitlines()
    try:
        decoded = json.loads(stripped)
    except json.JSONDecodeError:
        raise InvalidRequest(
            f"{name} is not a valid JSON array of strings (a value in brackets is read as JSON)."
        ) from None
    if not isinstance(decoded, list) or not all(isinstance(item, str) for item in decoded):
        raise InvalidRequest(f"{name} must be a list of strings.")
    return decoded


def normalise(text: str) -> str:
    """Runs of whitespace (line breaks too) as one space, none at the ends."""
    return " ".join(text.split())


def to_json(entries: Iterable[str]) -> str:
    """The entries as a JSON array in ASCII (S3 metadata must be US-ASCII; a job stores
    the same), which ``parse_list`` reads back."""
    return json.dumps(list(entries))


def is_allowed(text: str, allow_list: tuple[str, ...]) -> bool:
    """Whether a finding's text equals an allow-list entry, ignoring case and spacing."""
    return bool(allow_list) and normalise(text).casefold() in _folded(allow_list)


def deny_spans(text: str, deny_list: tuple[str, ...]) -> list[tuple[int, int]]:
    """Every ``[start, end)`` of ``text`` where a deny-list entry stands as whole words,
    overlapping ones included, in order."""
    spans: set[tuple[int, int]] = set()
    for pattern in _patterns(deny_list):
        position = 0
        while (match := pattern.search(text, position)) is not None:
            spans.add(match.span())
            position = match.start() + 1
    return sorted(spans)


@lru_cache(maxsize=64)
def _folded(entries: tuple[str, ...]) -> frozenset[str]:
    return frozenset(entry.casefold() for entry in entries)


@lru_cache(maxsize=64)
def _patterns(entries: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """One pattern per entry: its words in order, apart by any whitespace, with no
    letter, digit or underscore touching either end."""
    return tuple(
        re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in entry.split()) + r"(?!\w)", re.I)
        for entry in entries
        if entry.split()
    )
