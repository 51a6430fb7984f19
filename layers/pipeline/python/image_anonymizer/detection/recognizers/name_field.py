"""PERSON in the value of a name field, in the languages without a spaCy model."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from presidio_analyzer import RecognizerResult

from ..findings import Traits
from ..lexicon import name_labels
from .base import RegexRecognizer

# A word of letters in any alphabet, with inner hyphens or apostrophes ("Jean-Luc", "D'Amico").
_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"


@cache
def _label_value_re() -> re.Pattern[str]:
    """A label at the start of its line or after a gap in it, its colon (French
    puts a space before it), then up to four words on the same line."""
    labels = sorted(name_labels(), key=len, reverse=True)
    alternatives = "|".join(re.escape(label).replace(r"\ ", r"[ \t]+") for label in labels)
    return re.compile(
        rf"(?<![^\W_])(?:{alternatives})[ \t]*[:：][ \t]*({_WORD}(?:[ \t]+{_WORD}){{0,3}})",
        re.IGNORECASE,
    )


class NameFieldRecognizer(RegexRecognizer):
    """Names in a form's name fields ("Nom : Dupont", "Vorname: Hans", "Nazwisko:
    Kowalski"): the capitalised words after the label, up to the next label."""

    ENTITY = "PERSON"
    TRAITS = Traits(line_bound=True, label_trimmed=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        labels = name_labels()
        results = []
        position = 0
        # One match at a time, from the end of the last name: the words after a name
        # may be the next field's label ("Name: Fischer Vorname: Felix").
        while (match := _label_value_re().search(text, position)) is not None:
            end = match.start(1)
            for word in re.finditer(r"\S+", match.group(1)):
                # The next field's label ("Dupont Prénom : Marie") or a word in small
                # letters ends the name.
                if word.group().lower() in labels or not word.group()[0].isupper():
                    break
                end = match.start(1) + word.end()
            if end > match.start(1):
                results.append(self._result(match.start(1), end, 0.7))
            position = max(end, match.start(1) + 1)
        return results
