"""PERSON: Chinese names as they are romanised: a common surname and one or two
syllables of a given name ("WONG PEI YI", "Tan Ah Kow"), and Malay and Indian
names with their patronymic ("AHMAD BIN ISMAIL", "KUMAR A/L RAMASAMY")."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.lexicon import word_list
from image_anonymizer.core.detection.recognizers.base import VocabularyRecognizer

# In capitals or capitalised, each syllable a word of its own or joined by a hyphen.
_SYLLABLE = r"(?:[A-Z]{2,6}|[A-Z][a-z]{1,5})"
_CHINESE_NAME_RE = re.compile(
    rf"(?<![\w'’-])([A-Z][A-Za-z]{{1,5}})[ \t]+({_SYLLABLE})(?:[ \t-]+({_SYLLABLE}))?(?![\w'’])"
)
_NAME_WORD = r"(?:[A-Z][a-z'’-]+|[A-Z]{2,})"
_PATRONYMIC_RE = re.compile(
    rf"(?<![\w'’-])({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})[ \t]+"
    rf"(?i:bin|binti|bte|bt|a/l|a/p|s/o|d/o)\.?[ \t]+{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}(?![\w'’])"
)


class ChineseNameRecognizer(VocabularyRecognizer):
    """A Chinese surname, then one or two given-name syllables that are no English
    words ("LIM SIEW CHING", not "TAN COLOUR" nor "LEE GARDENS"); the words' case
    agrees ("Wong Pei Yi", "WONG PEI YI"). A patronymic ("bin", "a/l") joins two
    names whatever they are."""

    ENTITY = "PERSON"
    TRAITS = Traits(line_bound=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        surnames = word_list("chinese_surnames.txt")
        for match in _CHINESE_NAME_RE.finditer(text):
            surname, *given = (g for g in match.groups() if g)
            if surname.lower() not in surnames or len({w.isupper() for w in (surname, *given)}) > 1:
                continue
            if any(self._vocabulary.is_ordinary(w) for w in given):
                continue
            results.append(self._result(match.start(), match.end(), 0.6))
        results += [self._result(m.start(), m.end(), 0.7) for m in _PATRONYMIC_RE.finditer(text)]
        return results
