"""PERSON with no context at all: a known given name with a surname."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.lexicon import given_names, is_known_name
from image_anonymizer.core.detection.recognizers.base import VocabularyRecognizer

# Two capitalised words on a line, an initial between them allowed; tried at every word.
_TWO_WORDS_RE = re.compile(
    r"(?<![\w'’-])(?=([A-Z][a-z'’-]+|[A-Z]{2,})[ \t]+(?:[A-Z]\.[ \t]+)?([A-Z][A-Za-z'’-]+)(?![\w'’-]))"
)


class GivenNameRecognizer(VocabularyRecognizer):
    """A given name and a surname with no context at all, as in a mail list, a chat
    sidebar or a form's value row ("Lorena Whitfield", "HARTLEY OWEN"), which the
    small NER model often misses: one word a known given name (1990 US Census), the
    other a known name or no ordinary word. "Grace Period" and "IVORY PAINT" are not."""

    ENTITY = "PERSON"
    TRAITS = Traits(line_bound=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _TWO_WORDS_RE.finditer(text):
            first, last = match.group(1), match.group(2)
            if first.isupper() != last.isupper() and not last.istitle():
                continue
            if self._names_a_person(first, last) or (first.isupper() and self._names_a_person(last, first)):
                results.append(self._result(match.start(1), match.end(2), 0.6))
        return results

    def _names_a_person(self, given: str, other: str) -> bool:
        if given.lower() not in given_names():
            return False
        if self._vocabulary.is_ordinary(given):  # "June", "Grace": only with a surname that is no word
            return is_known_name(other) and not self._vocabulary.is_ordinary(other)
        return is_known_name(other) or not self._vocabulary.is_ordinary(other)
