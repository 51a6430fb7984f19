"""Word lists that tell an NER name from an ordinary word, and a place from a country.

spaCy's small model tags capitalised words of headings, product lines and UI labels
as names ("Agenda", "Wireless Mouse", "Customer Service Manager"). Such a finding is
dropped when every word of it is an ordinary English word and none is a given name
or a common surname ("Rose Green" and "Bill King" stay names). Ordinary words come
from the lemmatizer tables inside the installed spaCy model (WordNet's word index);
names from the 1990 US Census lists bundled in ``data/`` (public domain; see
``scripts/build_name_list.py``). Nothing is downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

_LETTERS_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# Words that head headings, mail and UI rows and are in no dictionary as such.
_UI_WORDS = frozenset(
    """re fwd fw cc bcc subject inbox admin login logout signup username userid dashboard
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    qty pcs subtotal ok faq""".split()  # noqa: SIM905
)

# A country, a US state or a continent names no one: HIPAA's Safe Harbor treats only
# places smaller than a state as identifying. Cities, streets and ZIP codes stay PII.
_WIDE_PLACES = frozenset(
    name.strip().lower()
    for name in """
    Afghanistan, Albania, Algeria, Andorra, Angola, Argentina, Armenia, Australia, Austria, Azerbaijan,
    Bahamas, Bahrain, Bangladesh, Barbados, Belarus, Belgium, Belize, Benin, Bhutan, Bolivia, Bosnia,
    Botswana, Brazil, Brunei, Bulgaria, Burkina Faso, Burundi, Cambodia, Cameroon, Canada, Chad, Chile,
    China, Colombia, Comoros, Congo, Costa Rica, Croatia, Cuba, Cyprus, Czechia, Czech Republic,
    Denmark, Djibouti, Dominica, Dominican Republic, Ecuador, Egypt, El Salvador, Eritrea, Estonia,
    Eswatini, Ethiopia, Fiji, Finland, France, Gabon, Gambia, Georgia, Germany, Ghana, Greece, Grenada,
    Guatemala, Guinea, Guyana, Haiti, Honduras, Hungary, Iceland, India, Indonesia, Iran, Iraq, Ireland,
    Israel, Italy, Jamaica, Japan, Jordan, Kazakhstan, Kenya, Kiribati, Korea, Kosovo, Kuwait,
    Kyrgyzstan, Laos, Latvia, Lebanon, Lesotho, Liberia, Libya, Liechtenstein, Lithuania, Luxembourg,
    Madagascar, Malawi, Malaysia, Maldives, Mali, Malta, Mauritania, Mauritius, Mexico, Moldova, Monaco,
    Mongolia, Montenegro, Morocco, Mozambique, Myanmar, Namibia, Nauru, Nepal, Netherlands, New Zealand,
    Nicaragua, Niger, Nigeria, North Korea, North Macedonia, Norway, Oman, Pakistan, Palau, Palestine,
    Panama, Papua New Guinea, Paraguay, Peru, Philippines, Poland, Portugal, Qatar, Romania, Russia,
    Rwanda, Samoa, San Marino, Saudi Arabia, Senegal, Serbia, Seychelles, Sierra Leone, Singapore,
    Slovakia, Slovenia, Somalia, South Africa, South Korea, South Sudan, Spain, Sri Lanka, Sudan,
    Suriname, Sweden, Switzerland, Syria, Taiwan, Tajikistan, Tanzania, Thailand, Togo, Tonga, Tunisia,
    Turkey, Turkmenistan, Tuvalu, Uganda, Ukraine, United Arab Emirates, UAE, United Kingdom, UK,
    Great Britain, Britain, England, Scotland, Wales, Northern Ireland, United States,
    United States of America, USA, US, America, Uruguay, Uzbekistan, Vanuatu, Venezuela, Vietnam,
    Yemen, Zambia, Zimbabwe, Hong Kong, Puerto Rico,
    Africa, Antarctica, Asia, Europe, North America, South America, Oceania, Latin America,
    Middle East, Scandinavia, the Netherlands, the United States, the United Kingdom,
    Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, Florida, Hawaii,
    Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, Maryland, Massachusetts,
    Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, Nevada, New Hampshire, New Jersey,
    New Mexico, New York State, North Carolina, North Dakota, Ohio, Oklahoma, Oregon, Pennsylvania,
    Rhode Island, South Carolina, South Dakota, Tennessee, Texas, Utah, Vermont, Virginia,
    West Virginia, Wisconsin, Wyoming
    """.split(",")  # noqa: SIM905
)


def _names(file: str) -> frozenset[str]:
    text = resources.files(__package__).joinpath("data", file).read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def given_names() -> frozenset[str]:
    """Given names, lower-case."""
    return _names("given_names.txt")


@cache
def known_names() -> frozenset[str]:
    """Given names and common surnames, lower-case."""
    return given_names() | _names("surnames.txt")


def is_known_name(word: str) -> bool:
    """A given name or a common surname, however written ("O'Brien", "OBRIEN")."""
    return word.lower().strip("'’-").replace("'", "").replace("’", "") in known_names()


def is_wide_place(text: str) -> bool:
    """A country, a US state or a continent (``"England,"``, ``"the United States"``)."""
    return " ".join(text.strip(" .,;:()").split()).lower() in _WIDE_PLACES


@dataclass(frozen=True)
class Vocabulary:
    """Ordinary English words, and the suffix rules that take a word to its lemma."""

    words: frozenset[str]
    rules: tuple[tuple[str, str], ...]

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
        pairs = {(old, new) for part in rules.values() for old, new in part if old}
        return cls(frozenset(words) | _UI_WORDS, tuple(sorted(pairs)))

    def is_ordinary(self, word: str) -> bool:
        lower = word.lower().strip("'’-")
        if lower in self.words:
            return True
        return any(
            lower.endswith(old) and lower[: -len(old)] + new in self.words
            for old, new in self.rules
            if len(lower) > len(old) + 1
        )

    def names_no_one(self, text: str) -> bool:
        """Every word of ``text`` is an ordinary word, and none is a known name."""
        return all(self.is_ordinary(w) and not is_known_name(w) for w in _LETTERS_RE.findall(text))
