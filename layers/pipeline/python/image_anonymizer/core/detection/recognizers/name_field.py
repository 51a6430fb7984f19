"""PERSON in the value of a name field or after a title, in languages other than English."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.lexicon import name_labels, name_titles
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

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


@cache
def _title_name_re() -> re.Pattern[str]:
    """A form of address, then one to three capitalised words on its line."""
    titles = "|".join(re.escape(t) for t in sorted(name_titles(), key=len, reverse=True))
    return re.compile(
        rf"(?<![^\W_])(?:{titles})(?![^\W_])[ \t]+({_WORD}(?:[ \t]+{_WORD}){{0,2}})",
        re.IGNORECASE,
    )


class NameFieldRecognizer(RegexRecognizer):
    """Names in a form's name fields ("Nom : Dupont", "Vorname: Hans", "Nazwisko:
    Kowalski"): the capitalised words after the label, up to the next label; and
    after a form of address ("Sehr geehrte Frau Müller", "Gentile signora Rossi")."""

    ENTITY = "PERSON"
    TRAITS = Traits(line_bound=True, label_trimmed=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        position = 0
        # One match at a time, from the end of the last name: the words after a name
        # may be the next field's label ("Name: Fischer Vorname: Felix").
        while (match := _label_value_re().search(text, position)) is not None:
            end = _name_end(match)
            if end > match.start(1):
                results.append(self._result(match.start(1), end, 0.7))
            position = max(end, match.start(1) + 1)
        for match in _title_name_re().finditer(text):
            end = _name_end(match)
            if end > match.start(1):
                results.append(self._result(match.start(1), end, 0.6))
        return results


def _name_end(match: re.Match[str]) -> int:
    """Where the name in group 1 ends: before the next field's label ("Dupont Prénom :
    Marie") or a word in small letters."""
    labels = name_labels()
    end = match.start(1)
    for word in re.finditer(r"\S+", match.group(1)):
        if word.group().lower() in labels or not word.group()[0].isupper():
            break
        end = match.start(1) + word.end()
    return end
