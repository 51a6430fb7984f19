"""What detection finds, and the properties of a finding that post-processing reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Traits:
    """How a recognizer's findings are read, set on the recognizer class (``TRAITS``)
    rather than looked up by its name.

    - ``from_ner``: spaCy's NER, which runs over line breaks, takes in words around a
      name and tags ordinary capitalised words: its findings are split at lines, have
      labels and filler trimmed off both ends, and a place must not be a country.
    - ``line_bound``: not taken from the text with a paragraph's line breaks joined
      (a name would run on into the next line's words).
    - ``label_trimmed``: a loose capitalised-word pattern that can take a field label
      in ("Email ana@x.org", "ZIP\\nRaleigh NC"); the label is trimmed off.
    - ``address``: a street line, state + ZIP or a City field's value; a value with
      no digit that is only ordinary words is a label beside it, not a place.
    - ``checked_date``: a DATE_TIME whose day and month the recognizer checked itself,
      in forms the generic date evidence does not know ("uly 23,1998" as OCR read it).
    """

    from_ner: bool = False
    line_bound: bool = False
    label_trimmed: bool = False
    address: bool = False
    checked_date: bool = False


NO_TRAITS = Traits()


@dataclass(frozen=True)
class Detection:
    """One finding in a text: a type, a character span and a score; ``recognizer``
    names what found it (for reports only), ``traits`` say how it is post-processed."""

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str
    traits: Traits = field(default=NO_TRAITS)
