"""What every postprocessing rule reads: the ``Page`` (its text, vocabulary and the
types asked for), the rules' two shapes, and the small word tests they share."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from image_anonymizer.core.catalogue import DEFAULT_ENTITIES
from image_anonymizer.core.detection.findings import Detection
from image_anonymizer.core.detection.lexicon import (
    Vocabulary,
    field_labels,
    name_labels,
)


@dataclass(frozen=True)
class Page:
    """The text the findings are in, and what goes with it."""

    text: str
    vocabulary: Vocabulary | None = None  # ordinary words, to tell NER's false names
    entities: frozenset[str] = DEFAULT_ENTITIES  # the types asked for


FindingRule = Callable[[Detection, Page], Detection | None]


PageRule = Callable[[list[Detection], Page], list[Detection]]


# The types whose label-trimmed findings are trimmed and judged as names and places.
_NAME_AND_PLACE_TYPES = ("PERSON", "LOCATION", "NRP")


def _trimmed_name_or_place(detection: Detection) -> bool:
    return detection.traits.label_trimmed and detection.entity_type in _NAME_AND_PLACE_TYPES


def _found(detection: Detection, page: Page) -> str:
    return page.text[detection.start : detection.end]


@cache
def _all_field_labels() -> frozenset[str]:
    """English field labels and the name fields' labels of other languages ("Prénom")."""
    return field_labels() | name_labels()


def _latin_letters(word: str) -> str:
    """Accented Latin letters without their accents ("Prénom" → "Prenom", "Łukasz" →
    "Lukasz"), so that name shapes written in ASCII read them too."""
    plain = word.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(c))


def _has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _line_before(text: str, start: int) -> str:
    return text[max(0, start - 48) : start].rsplit("\n", 1)[-1]
