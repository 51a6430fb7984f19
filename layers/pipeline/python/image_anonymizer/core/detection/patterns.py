"""Regular-expression fragments that several recognizers and post-processing rules share."""

from __future__ import annotations

import re
from collections.abc import Iterable

MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)


def alternatives(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first: a space in one matches any blank,
    and a trailing period is optional ("ul." matches "ul" too)."""
    return "|".join(
        re.escape(w.removesuffix(".")).replace(r"\ ", r"[ \t]+") + (r"\.?" if w.endswith(".") else "")
        for w in sorted(words, key=lambda w: (-len(w), w))
    )
