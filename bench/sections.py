"""Sections of bench/RESULTS.md that a script other than bench/run.py owns.

Each lies between its own start and end markers: a script rewrites its section in
place (or appends it the first time), and bench/run.py writes every such section back
after it rewrites the rest.
"""

from __future__ import annotations

import re
from pathlib import Path


def write_section(section: str, path: Path, start: str, end: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section.rstrip("\n") + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


_SECTION = re.compile(r"<!-- ([\w-]+): [^>]*-->.*?<!-- /\1 -->", re.DOTALL)


def kept_sections(path: Path) -> str:
    """Every marked section of the report as it is, to write back after its rest."""
    if not path.exists():
        return ""
    found = [match.group(0) for match in _SECTION.finditer(path.read_text(encoding="utf-8"))]
    return "".join("\n\n" + section for section in found)
