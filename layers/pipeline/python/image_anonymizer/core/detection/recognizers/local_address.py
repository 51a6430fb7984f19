"""LOCATION from the street and postcode lines of addresses beyond English.

A street is a street type of the language (``data/street_types.txt``) with a name and
a house number, in the order the country writes it: "12 rue de la Paix", "Via Roma
10", "ul. Długa 5", "Hauptstraße 12", "Berliner Straße 5", "Kerkstraat 7". A postcode
in the country's format (``data/postcodes.txt``) followed by a town, where an address
line starts (after a street, a comma or a field's colon, or at the start of a line),
is the rest of the address: "10115 Berlin", "00-950 Warszawa", "1100-048 Lisboa".
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.lexicon import word_list
from image_anonymizer.core.detection.patterns import alternatives
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

# A capitalised word of a name (with an elided article: "d'Alésia", "l'Église").
_CAPITAL = r"(?-i:[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻ])"
_CAP = rf"(?:[dl]['’])?{_CAPITAL}[\w'’.-]*"
# The small words inside a street's or a town's name.
_PARTICLE = (
    r"(?:de|la|le|les|du|des|del|della|delle|dei|degli|di|da|do|dos|das|y|e|i|van|der|den|het|"
    r"am|an|im|sur|sous|lès)"
)
_NAME = rf"(?:{_PARTICLE}[ \t]+)*{_CAP}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_CAP}){{0,3}}"
_HOUSE_NUMBER = r"\d{1,4}(?:[ \t]?[a-z](?![\w]))?(?:[ \t]?[-/][ \t]?\d{1,4}[a-z]?)?"
_NUMBER_SIGN = r"(?:n\.?[°ºo]?\.?|nr\.?)[ \t]*"
_TOWN = rf"{_CAP}(?:[ \t-]+(?:{_PARTICLE}[ \t-]+)?{_CAP}){{0,2}}"


@cache
def _street_types() -> dict[str, dict[str, frozenset[str]]]:
    """Each language's street types, by where they stand: before or after the name."""
    types: dict[str, dict[str, frozenset[str]]] = {}
    for line in word_list("street_types.txt"):
        language, place, *words = line.split()
        types.setdefault(language, {})[place] = frozenset(words)
    return types


@cache
def _postcodes() -> dict[str, str]:
    pairs = (line.split(maxsplit=1) for line in word_list("postcodes.txt"))
    return {language: pattern for language, pattern in pairs}


@cache
def _patterns(language: str) -> tuple[re.Pattern[str], ...]:
    types = _street_types().get(language, {})
    postcode = _postcodes().get(language)
    # After a street, a town's postcode may be written loosely (no letters, no prefix).
    rest = rf"(?:,?[ \t]+(?:{postcode}|\d{{4,5}})[ \t]+{_TOWN})?" if postcode else ""
    patterns: list[re.Pattern[str]] = []
    if before := types.get("before"):
        # "12 rue de la Paix", "12, rue des Lilas", "Via Roma 10", "C/ Mayor, 5", "Rua do Ouro, n.º 12"
        patterns.append(
            re.compile(
                rf"(?:(?<![\w.,])(?P<first>{_HOUSE_NUMBER})(?:[ \t]*,|[ \t]+(?:bis|ter))?[ \t]+)?"
                rf"(?<![\w])(?:{alternatives(before)})(?![\w])[ \t]*{_NAME}"
                rf"(?:[ \t]*,?[ \t]*(?:{_NUMBER_SIGN})?(?P<last>{_HOUSE_NUMBER})(?!\w|[.,]\d))?{rest}",
                re.IGNORECASE,
            )
        )
    if after := types.get("after"):
        ends = alternatives(after)
        # "Hauptstraße 12", "Kerkstraat 7-9", "Berliner Straße 5", "Am Alten Markt 3a"
        patterns.append(
            re.compile(
                rf"(?<![\w])(?:(?:(?={_CAPITAL})(?:{_PARTICLE})[ \t]+)?{_CAP}[ \t]+(?={_CAPITAL})(?:{ends})"
                rf"|(?={_CAPITAL})\w*?(?:{ends}))(?!\w)"
                rf"[ \t]*,?[ \t]*(?:{_NUMBER_SIGN})?(?P<last>{_HOUSE_NUMBER})(?!\w|[.,]\d){rest}",
                re.IGNORECASE,
            )
        )
    if postcode:
        # "10115 Berlin", "PLZ/Ort: 80331 München", "…, 00-950 Warszawa"
        patterns.append(
            re.compile(
                rf"(?:^|(?<=[,:;])|(?<=[,:;][ \t]))[ \t]*(?<![\w-])(?P<code>{postcode})[ \t]+{_TOWN}",
                re.IGNORECASE | re.MULTILINE,
            )
        )
    return tuple(patterns)


class LocalAddressRecognizer(RegexRecognizer):
    """Street lines and postcode + town lines in the page's language, as LOCATION."""

    ENTITY = "LOCATION"
    TRAITS = Traits(label_trimmed=True, address=True)

    @staticmethod
    def covers(language: str) -> bool:
        """Whether the data files know the language's streets or postcodes."""
        return language in _street_types() or language in _postcodes()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for pattern in _patterns(self.supported_language):
            for match in pattern.finditer(text):
                groups = match.groupdict()
                if "last" in groups and not (groups.get("first") or groups.get("last")):
                    continue  # a street type and a name, but no house number: not an address
                start = match.start("code") if groups.get("code") else match.start()
                results.append(self._result(start, match.end(), 0.6))
        return results
