"""The postprocessing rules of names and places: what NER and the name recognizers
get wrong on OCR'd pages (headings, labels, ordinary words, organisations), fixed or
dropped; and a name found once, found wherever it recurs."""

from __future__ import annotations

import re
from dataclasses import replace

from image_anonymizer.core.detection.findings import Detection
from image_anonymizer.core.detection.lexicon import (
    addressee_labels,
    field_labels,
    given_names,
    is_known_name,
    is_wide_place,
    organisation_words,
    word_list,
)
from image_anonymizer.core.detection.pages import (
    Page,
    _all_field_labels,
    _found,
    _has_digit,
    _has_letter,
    _latin_letters,
    _trimmed_name_or_place,
)

_TO_RE = re.compile(r"[ \t]*to\b", re.IGNORECASE)


_WORD_RE = re.compile(r"\S+")


# An initial of a name ("K.", "J.J."): a letter, but no filler.
_INITIAL_RE = re.compile(r"(?:[A-Z]\.){1,3},?")


# How the words of a name are written: capitalised, in capitals, with a prefix
# ("McLean", "DeVries", "O'Neil"), an initial glued on ("StephenM"), initials, or a
# particle in small letters ("van", "bin").
_NAME_WORD_SHAPE_RE = re.compile(
    r"(?:[A-Z][a-z'’]+|[A-Z'’]{2,}|(?:Mc|Mac|O['’]|D['’]|De|Di|Du|La|Le|Van|Von)[A-Z][a-z]+"
    r"|[A-Z][a-z]{2,}[A-Z]|(?:[A-Z]\.?)+|[a-z]{1,5})"
)


_LEADING_INITIALS_RE = re.compile(r"(?:[A-Z]\.[ \t]?){2,3}")


_LABEL_PUNCTUATION = ".,:;()[]"


def split_ner_lines(detections: list[Detection], page: Page) -> list[Detection]:
    """An NER entity that runs over a line break ("Owen Hartley\\nBriefing") is one
    finding per line, each judged on its own."""
    pieces = []
    for detection in detections:
        if not detection.traits.from_ner:
            pieces.append(detection)
            continue
        start = detection.start
        for line in page.text[detection.start : detection.end].split("\n"):
            if line.strip():
                pieces.append(replace(detection, start=start, end=start + len(line)))
            start += len(line) + 1
    return pieces


def ner_names_are_capitalised(detection: Detection, page: Page) -> Detection | None:
    """An NER name or group is written with capitals: its words in small letters at
    either end are trimmed off ("tra ulme.nop" is OCR's reading of a smudge, "Ned
    said" is Ned); an NER group in small letters ("intended") is dropped."""
    if not (detection.traits.from_ner and detection.entity_type in ("PERSON", "NRP")):
        return detection
    words = list(_WORD_RE.finditer(page.text, detection.start, detection.end))
    # Words with a digit or an "@" are no words of a name; other rules judge them.
    capitalised = [
        i
        for i, m in enumerate(words)
        if m.group(0).lstrip("\"'(“‘")[:1].isupper() or any(c.isdigit() or c == "@" for c in m.group(0))
    ]
    if not capitalised:
        return None
    start, end = words[capitalised[0]].start(), words[capitalised[-1]].end()
    if detection.entity_type == "NRP" and (start, end) != (detection.start, detection.end):
        return None
    return replace(detection, start=start, end=end)


def ner_names_are_spelled_as_names(detection: Detection, page: Page) -> Detection | None:
    """An NER name with a word in which a small letter runs into a capital ("GTRicTey",
    "TaN") or letters into digits ("Hofveia9") is OCR's reading of fine print or a
    smudge; "McLean", "DeVries", "O'Neil" and an initial glued on ("StephenM.") are names."""
    if not (detection.traits.from_ner and detection.entity_type in ("PERSON", "NRP", "LOCATION")):
        return detection
    for word in _found(detection, page).split():
        if "@" in word:  # an email taken into a name: other rules trim it
            continue
        for part in re.split(r"[-/&]", _latin_letters(word).strip(_LABEL_PUNCTUATION + "'\"“”‘’/")):
            if part.strip(_LABEL_PUNCTUATION) and not _NAME_WORD_SHAPE_RE.fullmatch(
                part.strip(_LABEL_PUNCTUATION)
            ):
                return None
    return detection


def labelled_values_need_a_name(detection: Detection, page: Page) -> Detection | None:
    """A value after a name label (not NER's) with no given name in it, made of common
    words ("RETURN TO IT") or of ordinary words with a role among them ("APPROVED BY:
    DISTRICT OPERATIONS DIRECTOR", "To: All Staff"), is no name, even where a word is also a
    surname ("Sales")."""
    vocabulary = page.vocabulary
    traits = detection.traits
    if (
        detection.entity_type != "PERSON"
        or vocabulary is None
        or not traits.label_trimmed
        or traits.from_ner
        or traits.address
    ):
        return detection
    words = [w.strip(_LABEL_PUNCTUATION) for w in _found(detection, page).split()]
    words = [w for w in words if w and not _INITIAL_RE.fullmatch(w + ".")]
    if not words or any(w.lower() in given_names() for w in words):
        return detection
    roles = word_list("role_words.txt")
    if all(vocabulary.is_common(w) for w in words) or (
        all(vocabulary.is_ordinary(w) for w in words) and any(w.lower() in roles for w in words)
    ):
        return None
    return detection


def trim_field_labels(detection: Detection, page: Page) -> Detection | None:
    """Field labels taken into a name or a place ("Email ana@x.org", "ZIP\\nDuluth MN")
    are trimmed off its start (and, for NER's, its end, with a PERSON's words that have
    no letter), then spaces and punctuation; nothing left, it is dropped."""
    if not _trimmed_name_or_place(detection):
        return detection
    text, labels = page.text, _all_field_labels()
    start, end = detection.start, detection.end
    for match in _WORD_RE.finditer(text, start, end):
        if match.group(0).strip(_LABEL_PUNCTUATION).lower() not in labels:
            break
        start = match.end()
    for match in reversed(list(_WORD_RE.finditer(text, start, end))):
        word = match.group(0).strip(_LABEL_PUNCTUATION)
        if not detection.traits.from_ner or (
            word.lower() not in labels and not (detection.entity_type == "PERSON" and not _has_letter(word))
        ):
            break
        end = match.start()
    while start < end and text[start] in " \n\t" + _LABEL_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in " \n\t,;:":
        end -= 1
    if end <= start:
        return None
    return replace(detection, start=start, end=end)


def trim_filler(detection: Detection, page: Page) -> Detection | None:
    """Ordinary words are trimmed off both ends of an NER name ("Junk Lorena",
    "Gavin Holt Updated", "Marcus Webb Oct3"); a name of nothing but such words is
    left whole (``not_a_name`` drops it)."""
    vocabulary = page.vocabulary
    if not (
        _trimmed_name_or_place(detection)
        and detection.traits.from_ner
        and detection.entity_type == "PERSON"
        and vocabulary is not None
    ):
        return detection
    words = list(_WORD_RE.finditer(page.text, detection.start, detection.end))
    kept = [
        i
        for i, m in enumerate(words)
        if _INITIAL_RE.fullmatch(m.group(0)) or not vocabulary.names_no_one(m.group(0))
    ]
    if not kept:
        return detection
    return replace(detection, start=words[kept[0]].start(), end=words[kept[-1]].end())


def abbreviations_are_no_initials(detection: Detection, page: Page) -> Detection | None:
    """A "name" whose initials stand for a place or an institution ("P. O. Box",
    "U. S. Navy") is dropped."""
    if detection.entity_type != "PERSON":
        return detection
    initials = _LEADING_INITIALS_RE.match(_found(detection, page))
    if initials and re.sub(r"[^A-Z]", "", initials.group(0)) in word_list("initial_abbreviations.txt"):
        return None
    return detection


def organisations_are_no_one(detection: Detection, page: Page) -> Detection | None:
    """A "name" that ends with an organisation's word ("Norvell Corporation", "R.J.T.
    SDN BHD") is a company, whatever found it."""
    if detection.entity_type != "PERSON":
        return detection
    words = _found(detection, page).split()
    if words and words[-1].strip(_LABEL_PUNCTUATION).lower() in organisation_words():
        return None
    return detection


def short_ner_names_are_known(detection: Detection, page: Page) -> Detection | None:
    """A one-word NER name of four letters or fewer that is nobody's given name or
    surname ("Adj", "Qty", "Uom", "Tota") is a receipt's abbreviation or OCR's misreading."""
    if not (detection.traits.from_ner and detection.entity_type == "PERSON"):
        return detection
    words = [w.strip(_LABEL_PUNCTUATION) for w in _found(detection, page).split()]
    if len(words) == 1 and len(words[0]) <= 4 and not is_known_name(words[0]):
        return None
    return detection


def not_a_name(detection: Detection, page: Page) -> Detection | None:
    """A name (NER's or after a label) that is the "Bill" of "Bill to", or made only of
    ordinary words that are nobody's names ("Roadmap", "Cordless Drill"), is dropped."""
    if not (
        _trimmed_name_or_place(detection)
        and detection.entity_type == "PERSON"
        and not detection.traits.address
    ):
        return detection
    name, after, vocabulary = _found(detection, page), page.text[detection.end :], page.vocabulary
    words = name.split()
    if len(words) == 1 and name.lower() in addressee_labels() and _TO_RE.match(after):
        return None
    if vocabulary is not None and vocabulary.names_no_one(name):
        return None
    return detection


def no_wide_places(detection: Detection, page: Page) -> Detection | None:
    """An NER place that is a country, a US state or a continent (not identifying), or
    is lower-case, is dropped."""
    if not (
        _trimmed_name_or_place(detection)
        and detection.traits.from_ner
        and detection.entity_type == "LOCATION"
    ):
        return detection
    name = _found(detection, page)
    if name[0].islower() or is_wide_place(name):
        return None
    return detection


def city_values_are_not_words(detection: Detection, page: Page) -> Detection | None:
    """An address finding with no digit that is only ordinary words (a City field's
    "value" that is "Occupation", a label beside it) is dropped."""
    vocabulary = page.vocabulary
    if (
        _trimmed_name_or_place(detection)
        and detection.traits.address
        and not _has_digit(_found(detection, page))
        and vocabulary is not None
        and vocabulary.names_no_one(_found(detection, page))
    ):
        return None
    return detection


def names_elsewhere_on_the_page(detections: list[Detection], page: Page) -> list[Detection]:
    """A surname found once ("Dear Ms. Varga") is a name wherever it recurs on the page
    ("Lucinda Varga" in the address block), with the capitalised word before it (when
    PERSON is asked for)."""
    if "PERSON" not in page.entities:
        return detections
    text, vocabulary, labels = page.text, page.vocabulary, field_labels()
    names = {
        word
        for d in detections
        if d.entity_type == "PERSON"
        for found in re.findall(r"[A-Z][A-Za-z'’-]{2,}", text[d.start : d.end])
        if found.lower() not in labels
        # An ordinary word ("White", "DIVISION") or a short abbreviation ("AVP") found
        # in one name is no name wherever it recurs.
        and not (
            vocabulary is not None
            and (vocabulary.is_common(found) or (vocabulary.is_ordinary(found) and not is_known_name(found)))
        )
        and not (found.isupper() and len(found) < 4)
        for word in (found, found.upper())  # "Owen Hartley" is also "HARTLEY" on a licence
    }
    if not names:
        return detections
    # A recurrence inside a name already found is that name, not another finding.
    covered = [(d.start, d.end) for d in detections if d.entity_type == "PERSON"]
    pattern = re.compile(rf"(\b[A-Z][a-z'’-]+[ \t]+)?\b(?:{'|'.join(map(re.escape, sorted(names)))})\b")
    found = []
    for match in pattern.finditer(text):
        before = match.group(1)
        # The capitalised word before the name is its first name, unless it is a label
        # ("Dear") or an ordinary word ("Junk").
        ordinary = vocabulary is not None and vocabulary.names_no_one(before or "")
        start = match.end(1) if before and (before.strip().lower() in labels or ordinary) else match.start()
        if not any(a <= start and match.end() <= b for a, b in covered):
            found.append(Detection("PERSON", start, match.end(), 0.6, "NamePropagation"))
    return detections + found
