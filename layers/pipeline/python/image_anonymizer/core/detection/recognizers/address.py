"""LOCATION from address patterns: street lines, PO boxes and rural routes, unit lines,
city + state + ZIP, a City field's value, and Malaysian street addresses.

Street types are USPS Publication 28's suffixes, units its secondary designators, and
states every USPS state, territory and military code with its name (``data/``).
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


@cache
def _states() -> tuple[frozenset[str], frozenset[str]]:
    """USPS state codes and state names."""
    pairs = [line.split("\t") for line in word_list("us_states.txt")]
    return frozenset(code for code, _ in pairs), frozenset(name for _, name in pairs)


_NUMBER_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hundred)"
_DIRECTION = (
    r"(?:[NSEW]\.?|N\.?[EW]\.?|S\.?[EW]\.?|north|south|east|west|northeast|northwest|southeast|southwest)"
)
# A word of a street's or a city's name: capitalised or in capitals, or an ordinal.
_NAME_WORD = r"(?:(?-i:[A-Z])[\w'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_HOUSE_NUMBER = rf"(?:\d{{1,6}}[A-Za-z]?(?:[ \t]?-[ \t]?\d{{1,5}}[A-Za-z]?)?|{_NUMBER_WORDS})"
_MALAYSIAN_STATES = (
    r"johor|kedah|kelantan|melaka|malacca|negeri[ \t]+sembilan|pahang|pulau[ \t]+pinang|penang|perak|perlis"
    r"|sabah|sarawak|selangor|terengganu|kuala[ \t]+lumpur|putrajaya|labuan"
)
_ZIP = r"\d{5}(?:[ \t]?-[ \t]?\d{4})?"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    suffixes = alternatives(word_list("street_suffixes.txt"))
    units = alternatives(word_list("unit_designators.txt"))
    codes, names = _states()
    # "NY", "N. Y.", "Tx.", "New York", "MARYLAND": a code in capitals (its letters
    # may carry periods) or with its second letter small and a period; a name in any case.
    code = "|".join(rf"(?-i:{c[0]}\.?[ \t]?{c[1]}\.?|{c[0]}{c[1].lower()}\.)" for c in sorted(codes))
    state = rf"(?:{code}|(?:{alternatives(names)})\b)"
    unit = (
        rf"(?:(?:{units})\b\.?[ \t]*#?[ \t]*[\w-]{{1,6}}(?![.,]\d)|#[ \t]?[\w-]{{1,6}}"
        r"|(?:\d{1,3}(?:st|nd|rd|th)|ground|first|second|third|upper|lower|mezzanine)"
        r"[ \t]+(?:floor|fl|flr)\b\.?)"
    )
    street = (
        rf"\b{_HOUSE_NUMBER}(?:[ \t]+{_DIRECTION})?(?:[ \t]+{_NAME_WORD}){{1,4}}[ \t]+(?:{suffixes})\b\.?"
        rf"(?:[ \t]+{_DIRECTION}\b\.?)?(?:,?[ \t]+{unit})*"
    )
    city = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}"
    return (
        # "482 South Harlan Street", "2300 East Ave.", "TWO LIBERTY AVENUE 14TH FL", "37 Alder St, Apt 2C"
        re.compile(street, re.IGNORECASE),
        # "P. O. Box 4182", "PO BOX 12", "Route 3 Box 271", "RR 2 Box 7", "Post Office Box 9"
        re.compile(
            r"\b(?:p[ \t]?\.?[ \t]?o\.?[ \t]?|post[ \t]+office[ \t]+)(?:box|b[o0]x|drawer)\b\.?"
            r"[ \t]*#?[ \t]*\d{1,6}"
            r"|\b(?:rural[ \t]+route|route|rr|hc)[ \t]+\d{1,4}[ \t]*,?[ \t]*box[ \t]*\d{1,6}",
            re.IGNORECASE,
        ),
        # A unit alone on its line of an address block, or first: "Suite 1450", "4th Floor",
        # "GROUND FLOOR, NO. 7"
        re.compile(rf"^[ \t]*(?!#){unit}[ \t]*(?:,|$)", re.IGNORECASE | re.MULTILINE),
        # "Baton Rouge, Louisiana 70802", "SYRACUSE, N. Y. 13202", "Waco, Tx. 76701"
        re.compile(rf"(?:\b{city},?[ \t]+)?\b(?:{state})\.?,?[ \t]+{_ZIP}(?!\d)", re.IGNORECASE),
        # A whole line that starts with a house number and ends with state + ZIP:
        # "870 COLFAX LAKEWOOD, CO 80215" (a street with no suffix, then its city).
        re.compile(
            rf"^[ \t]*{_HOUSE_NUMBER}(?:[ \t,]+{_NAME_WORD}){{1,6}},?"
            rf"[ \t]+(?:{state})\.?,?[ \t]+{_ZIP}(?!\d)",
            re.IGNORECASE | re.MULTILINE,
        ),
        # Malaysian: "NO. 12, JALAN SS 21/7A", "LOT 2, LORONG 3", "TAMAN MELATI"; "68100 BATU CAVES"
        re.compile(
            r"(?:\b(?:no|lot)\.?[ \t]*\d{1,5}[A-Z]?(?:[ \t]*[&,-][ \t]*\d{1,5}[A-Z]?)*,?[ \t]*)?"
            r"\b(?:jalan|jln|lorong|lrg|persiaran|lebuh|lebuhraya|taman|tmn|kampung|kg)\.?"
            r"(?:[ \t]+(?-i:[A-Z0-9])[\w/.-]*){1,4}",
            re.IGNORECASE,
        ),
        # "KAJANG SELANGOR", "IPOH PERAK.": a town and a Malaysian state alone on the
        # last line of an address block
        re.compile(
            rf"^[ \t]*(?:{_NAME_WORD},?[ \t]+){{0,2}}(?:{_MALAYSIAN_STATES})\b\.?[ \t]*$",
            re.IGNORECASE | re.MULTILINE,
        ),
        # "68100 BATU CAVES, SELANGOR": a postcode, a town and a Malaysian state
        re.compile(
            rf"(?<![\w-])\d{{5}},?(?:[ \t]+{_NAME_WORD}){{0,3}}?,?[ \t]+(?:{_MALAYSIAN_STATES})\b",
            re.IGNORECASE,
        ),
    )


# The value of a "City" or "Town" field, on its line ("City: Fairbanks").
_CITY_AFTER_LABEL_RE = re.compile(
    r"^[ \t]*(?:city|town|place\s+of\s+birth)[ \t]*\*?[ \t]*:[ \t]*"
    r"((?-i:[A-Z])[A-Za-z'.-]+(?:[ -][A-Z][A-Za-z'.-]+){0,2})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


class AddressRecognizer(RegexRecognizer):
    """Street lines (house number, street, suffix, unit), PO boxes, unit lines, city +
    state + ZIP and a City field's value, as LOCATION: NER finds "Baton Rouge" but
    leaves "1875 Cypress Street" and "LA 70802" readable, and misses a city alone in
    its box."""

    ENTITY = "LOCATION"
    # Not line-bound: a city above its "ST ZIP", or a line wrapped before the ZIP, is
    # found with the paragraph's lines joined.
    TRAITS = Traits(label_trimmed=True, address=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = [self._result(m.start(), m.end(), 0.6) for p in _patterns() for m in p.finditer(text)]
        results += [self._result(m.start(1), m.end(1), 0.6) for m in _CITY_AFTER_LABEL_RE.finditer(text)]
        return results
