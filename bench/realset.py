"""The real development set: hand-labelled scans, read from a folder given at run time.

``--real PATH`` names a folder holding ``labels/*.json`` (one per document) and the
images those labels point to (``image`` is relative to PATH); PATH may also be the
labels folder itself, its parent then being the images' root. Nothing of it is ever
copied into the project: run.py keeps the redacted outputs in a temporary folder and
RESULTS.md shows document ids, entity types and word counts only.

One label file::

    {"image": "funsd/…/82092117.png", "corpus": "funsd", "format": "PNG", "width", "height",
     "words": [{"text", "bbox": {"x", "y", "width", "height"}, "entity_id": int | null,
                "neutral": bool}],
     "entities": [{"id", "entity_type", "text"}]}

Each is turned into the ground truth bench/score.py judges (the synthetic corpus's
shape): one page, a word's box ``[left, top, right, bottom]`` clipped to the image,
``entity`` its entity's type, ``optional`` for a neutral word (it counts neither way).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

CORPORA = ("funsd", "sroie")


def locate(path: Path) -> tuple[Path, Path] | None:
    """(labels folder, images root) for PATH, or None when there is no labelled set there."""
    for labels, root in ((path / "labels", path), (path, path.parent)):
        if labels.is_dir() and any(labels.glob("*.json")):
            return labels, root
    return None


def load(path: Path) -> tuple[list[dict[str, Any]], Path]:
    """The ground truths of every labelled document under PATH, and the images' root."""
    found = locate(path)
    if found is None:
        raise FileNotFoundError(f"no labels/*.json under {path}")
    labels, root = found
    truths = []
    for file in sorted(labels.glob("*.json")):
        label = json.loads(file.read_text())
        if "image" not in label or "words" not in label:
            continue
        truths.append(truth(file.stem, label))
    return truths, root


def truth(name: str, label: dict[str, Any]) -> dict[str, Any]:
    width, height = label["width"], label["height"]
    types = {e["id"]: e["entity_type"] for e in label["entities"]}
    words = []
    for word in label["words"]:
        b = word["bbox"]
        box = [
            max(0, b["x"]),
            max(0, b["y"]),
            min(width, b["x"] + b["width"]),
            min(height, b["y"] + b["height"]),
        ]
        eid = word.get("entity_id")
        words.append(
            {
                "text": word["text"],
                "box": box,
                "entity": types[eid] if eid is not None else None,
                "eid": eid,
                "optional": bool(word.get("neutral")) and eid is None,
            }
        )
    return {
        "name": name,
        "file": label["image"],
        "category": label.get("corpus", "real"),
        "format": label.get("format"),
        "features": [],
        "orientation": 1,
        "metadata": {"exif": False, "gps": False},
        "pages": [{"width": width, "height": height, "words": words}],
    }


# ------------------------------------------------------------------ OCR ceiling


def fold(text: str) -> str:
    """A word as the ceiling compares it: case-folded, all but letters and digits removed."""
    return re.sub(r"[\W_]", "", text.casefold())


def ocr_read(entity: dict[str, Any], record: dict[str, Any]) -> bool | None:
    """Whether the OCR read every word of ``entity`` on its page.

    A word (folded) is read when it is a token of the page's OCR text (folded), or part
    of a token made only of this entity's words: the labels split ``335-7392`` into
    ``335-`` and ``7392``, FUNSD's ``12 /10 /98`` is one OCR token. A word the OCR split
    in two is not read. A word that is all punctuation counts as read. None when the
    redactor reported no OCR text for the image (a crash).
    """
    text = record.get("ocr_text")
    if text is None or record.get("error"):
        return None
    pages = text.split("\f")
    page = pages[entity["page"]] if entity["page"] < len(pages) else ""
    tokens = {fold(t) for t in page.split()} - {""}
    words = [fold(w["text"]) for w in entity["words"]]
    joined = "".join(words)
    merged = [t for t in tokens if t in joined]
    return all(not w or w in tokens or any(w in t for t in merged) for w in words)
