"""PERSON: names written with initials, as letters, memos, forms and signature blocks print them."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.lexicon import given_names, is_known_name, word_list
from image_anonymizer.core.detection.recognizers.base import VocabularyRecognizer

# A name written with initials: "H. L. Brandt", "T M. PRESTON", "M.R. Castellano",
# "G. Everett Doyle", "D. E. HOLLOWAY"; a given name, a middle initial and a surname:
# "Glen T. Foster"; the surname first: "BRANDT, H. L.".
_SURNAME = r"(?:(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]{2,}(?:-[A-Z]{2,})?)"
# Each initial a capital followed by its period or a space, never by another letter
# ("DUE. If" is no "D. U. E. If").
# OCR often drops the period between two initials ("DW. McGrath", "RT. Voss").
_INITIALS = r"(?:(?:[A-Z](?:\.[ \t]?|[ \t])){0,2}[A-Z]\.|[A-Z]{2}\.)"
_INITIALS_FIRST_RE = re.compile(
    rf"(?<![\w.])({_INITIALS})[ \t]*({_SURNAME})(?:[ \t]+({_SURNAME}))?(?![\w'’])"
)
_MIDDLE_INITIAL_RE = re.compile(rf"(?<![\w.])({_SURNAME})[ \t]+[A-Z]\.[ \t]*({_SURNAME})(?![\w'’])")
_SURNAME_FIRST_RE = re.compile(rf"(?<![\w.])({_SURNAME}),[ \t]*((?:[A-Z]\.[ \t]?){{1,3}})(?![\w])")


class InitialsNameRecognizer(VocabularyRecognizer):
    """Names written with initials, as letters, memos, forms and signature blocks
    print them. The surname must be a known name or no ordinary word ("P. O. Box",
    "U. S. Navy" are not names); a given name before a middle initial likewise."""

    ENTITY = "PERSON"
    TRAITS = Traits(line_bound=True)

    def _surname(self, word: str) -> bool:
        # In capitals after initials, a common word is a code's ("A.P. BLACK", "M.X.ROUND").
        if word.isupper() and self._vocabulary.is_common(word):
            return False
        return is_known_name(word) or not self._vocabulary.is_ordinary(word)

    def _given(self, word: str) -> bool:
        return word.lower() in given_names() or not self._vocabulary.is_ordinary(word)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _INITIALS_FIRST_RE.finditer(text):
            initials, first, second = match.groups()
            letters = re.sub(r"[^A-Z]", "", initials)
            if letters in word_list("initial_abbreviations.txt") or (
                "." not in initials[:-1] and letters in word_list("title_abbreviations.txt")
            ):
                continue
            if second is not None and self._given(first) and self._surname(second):
                results.append(self._result(match.start(), match.end(), 0.7))
            # Two initials make a name of an ordinary word too ("H. L. Brandt").
            elif self._surname(first) or (
                len(letters) > 1 and not (first.isupper() and self._vocabulary.is_common(first))
            ):
                results.append(self._result(match.start(), match.end(2), 0.7))
        for match in _MIDDLE_INITIAL_RE.finditer(text):
            if self._given(match.group(1)) and self._surname(match.group(2)):
                results.append(self._result(match.start(), match.end(), 0.7))
        for match in _SURNAME_FIRST_RE.finditer(text):
            if self._surname(match.group(1)):
                results.append(self._result(match.start(), match.end(), 0.7))
        return results
