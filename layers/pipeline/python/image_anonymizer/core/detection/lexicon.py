"""Word lists that tell an NER name from an ordinary word, and a place from a country.

spaCy's small model tags capitalised words of headings, product lines and UI labels
as names ("Roadmap", "Cordless Drill", "Facilities Coordinator"). Such a finding is
dropped when every word of it is an ordinary English word and none is a given name
or a common surname ("Hazel Wood" and "Drew Hunt" stay names). Ordinary words come
from the lemmatizer tables inside the installed spaCy model (WordNet's word index);
names from the 1990 US Census lists bundled in ``data/`` (public domain; see
``scripts/build_name_list.py``). Nothing is downloaded. The other word lists of
detection (field labels, organisation words, ...) are data files there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

_LETTERS_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@cache
def word_list(file: str) -> frozenset[str]:
    """The words of ``data/<file>``, one a line; blank lines and ``#`` comments skipped."""
    text = resources.files(__package__).joinpath("data", file).read_text("utf-8")
    return frozenset(s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#"))


@cache
def given_names() -> frozenset[str]:
    """Given names, lower-case."""
    return word_list("given_names.txt")


def surnames() -> frozenset[str]:
    """The commonest US surnames (1990 Census), lower-case."""
    return word_list("surnames.txt")


@cache
def known_names() -> frozenset[str]:
    """Given names and common surnames, lower-case."""
    return given_names() | word_list("surnames.txt")


def is_known_name(word: str) -> bool:
    """A given name or a common surname, however written ("O'Brien", "OBRIEN")."""
    return word.lower().strip("'’-").replace("'", "").replace("’", "") in known_names()


def is_wide_place(text: str) -> bool:
    """A country, a US state or a continent (``"England,"``, ``"the United States"``):
    HIPAA's Safe Harbor treats only places smaller than a state as identifying; cities,
    streets and ZIP codes stay PII."""
    return " ".join(text.strip(" .,;:()").split()).lower() in word_list("wide_places.txt")


@dataclass(frozen=True)
class Vocabulary:
    """Ordinary English words, and the suffix rules that take a word to its lemma."""

    words: frozenset[str]
    rules: tuple[tuple[str, str], ...]
    # Words that are verbs, adjectives, adverbs or function words: ordinary in more than
    # a noun's sense (the noun index also lists people: "darwin").
    common: frozenset[str] = frozenset()

    @classmethod
    def from_lemmatizer(
        cls,
        index: Mapping[str, Iterable[str]],
        exceptions: Mapping[str, Mapping[str, object]],
        rules: Mapping[str, Iterable[Iterable[str]]],
    ) -> Vocabulary:
        """From spaCy's English lemmatizer tables: ``lemma_index`` (words by part of
        speech), ``lemma_exc`` (irregular forms) and ``lemma_rules`` (suffixes)."""
        words = {w for part in index.values() for w in part}
        words |= {w for part in exceptions.values() for w in part}
        # The noun index holds people too ("gilbert", "morgan", "eugene"): a given name
        # the dictionary knows only as a noun is a name, not an ordinary word (a month
        # stays a word: "June Sale" is no one).
        other_parts = {w for pos in ("verb", "adj", "adv") for w in (index.get(pos) or ())}
        nouns_only = set(index.get("noun") or ()) - other_parts
        words -= (nouns_only & given_names()) - word_list("calendar_words.txt")
        # Function words ("of", "the", "and") are in no part-of-speech index.
        words |= STOP_WORDS
        pairs = {(old, new) for part in rules.values() for old, new in part if old}
        return cls(
            frozenset(words) | word_list("ui_words.txt") | word_list("calendar_words.txt"),
            tuple(sorted(pairs)),
            frozenset(other_parts | STOP_WORDS),
        )

    def is_ordinary(self, word: str) -> bool:
        lower = word.lower().strip("'’-")
        if lower in self.words:
            return True
        return any(
            lower.endswith(old) and lower[: -len(old)] + new in self.words
            for old, new in self.rules
            if len(lower) > len(old) + 1
        )

    def is_common(self, word: str) -> bool:
        """A verb, adjective, adverb or function word ("white", "mill"), as written or
        by its lemma."""
        lower = word.lower().strip("'’-")
        return lower in self.common or any(
            lower.endswith(old) and lower[: -len(old)] + new in self.common
            for old, new in self.rules
            if len(lower) > len(old) + 1
        )

    def names_no_one(self, text: str) -> bool:
        """Every word of ``text`` is an ordinary word, and none is a known name."""
        return all(self.is_ordinary(w) and not is_known_name(w) for w in _LETTERS_RE.findall(text))


def field_labels() -> frozenset[str]:
    """Labels that spaCy's small model tags as names or places when they head a form
    field ("Tel", "Email", "Patient")."""
    return word_list("field_labels.txt")


@cache
def name_labels() -> frozenset[str]:
    """The labels of a form's name fields beyond English, lower-case ("nom", "vorname",
    "nazwisko"): ``data/name_labels.txt``."""
    return word_list("name_labels.txt")


@cache
def name_titles() -> frozenset[str]:
    """Forms of address beyond English, lower-case ("frau", "madame", "pani"):
    ``data/name_titles.txt``."""
    return word_list("name_titles.txt")


def organisation_words() -> frozenset[str]:
    """Words that end an organisation's name ("Norvell Corporation", "Pemberton Ltd")."""
    return word_list("organisation_words.txt")


def addressee_labels() -> frozenset[str]:
    """ "Bill to:", "Ship to": invoice labels that NER reads as the name Bill."""
    return word_list("addressee_labels.txt")
