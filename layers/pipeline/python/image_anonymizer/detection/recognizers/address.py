"""LOCATION from address patterns: street lines, state + ZIP, a City field's value."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from ..findings import Traits
from .base import RegexRecognizer

_STREET_TYPES = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter"
    r"|parkway|pkwy|highway|hwy|square|sq|circle|cir|trail|trl|crescent|close|row|alley|plaza)"
)
# "1200 Market Street", "42 W. 7th Ave", "Apt 4B": the parts of an address NER leaves out.
# The street's name is words or an ordinal, never a bare number ("15 January 2024\n9285
# Lincoln Place" is a date, then a street).
_STREET_WORD = r"(?:(?-i:[A-Z])[\w'.-]*|\d{1,3}(?:st|nd|rd|th))"
_STREET_RE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:\s+(?:[NSEW]\.?|north|south|east|west))?(?:\s+{_STREET_WORD}){{1,4}}?"
    rf"\s+{_STREET_TYPES}\b\.?(?:,?\s+(?:apt|apartment|suite|ste|unit|#)\.?\s*[\w-]+)?",
    re.IGNORECASE,
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND"
    "|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
# "San Francisco, CA 94102", "NY 10001-1234": a state and its ZIP, with the city before them.
_STATE_ZIP_RE = re.compile(
    rf"(?:\b[A-Z][A-Za-z]+(?:[ -][A-Z][A-Za-z]+){{0,2}},?[ \t]+)?"
    rf"\b(?:{_US_STATES})\.?,?\s+\d{{5}}(?:-\d{{4}})?\b"
)
# The value of a "City" or "Town" field, on its line ("City: Richmond").
_CITY_AFTER_LABEL_RE = re.compile(
    r"^[ \t]*(?:city|town|place\s+of\s+birth)[ \t]*\*?[ \t]*:[ \t]*"
    r"((?-i:[A-Z])[A-Za-z'.-]+(?:[ -][A-Z][A-Za-z'.-]+){0,2})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


class AddressRecognizer(RegexRecognizer):
    """Street lines (house number, street, type, unit), state + ZIP and a City field's
    value, as LOCATION: NER finds "San Francisco" but leaves "1200 Market Street" and
    "CA 94102" readable, and misses a city alone in its box."""

    ENTITY = "LOCATION"
    TRAITS = Traits(label_trimmed=True, address=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = [self._result(m.start(), m.end(), 0.6) for m in _STREET_RE.finditer(text)]
        results += [self._result(m.start(1), m.end(1), 0.6) for m in _CITY_AFTER_LABEL_RE.finditer(text)]
        results += [self._result(m.start(), m.end(), 0.6) for m in _STATE_ZIP_RE.finditer(text)]
        return results
