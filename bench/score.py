"""Judge redacted images by their pixels against the corpus ground truth.

The rule, per word (its tight ink box from the ground truth):

* Both the original and the redacted page are turned upright and to RGB. A pixel
  is *fill-coloured* when every channel is within ``TOLERANCE`` (40) of the fill
  colour (black); the tolerance absorbs JPEG and WebP ringing and palettes.
* The pixels that count are those of the box that were *not* fill-coloured in
  the original: the background around dark ink, or the light ink itself on a
  near-black dark-mode background. Ink that was black already proves nothing.
* coverage = share of those pixels that are fill-coloured in the output. (If
  under 5 % of the box could count, the share of the whole box is used.)
* A PII word is *covered* at coverage >= 0.8; an entity is *redacted* only if all
  its words are covered. A non-PII word is *over-redacted* at coverage >= 0.5.
  Optional words (a business's own address or phone) count for neither.
* A page the redactor did not return (a crash, a dropped page or frame) has
  coverage 0 for every word: its PII was not redacted in any output. Such cases
  are also counted on their own (crashes, frames preserved).
* Output that lost an EXIF orientation the input had (same pixels, sideways) is
  turned upright for judging and flagged ``orientation_lost``; output of another
  size altogether is judged as not redacted and flagged ``size_mismatch``.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
from PIL import Image, ImageSequence

FILL = (0, 0, 0)
TOLERANCE = 40
COVERED = 0.8
OVER = 0.5
MIN_COUNTED = 0.05

_TRANSPOSE = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


def _rgb(frame: Image.Image) -> Image.Image:
    return frame.convert("RGB")


def frames(data: bytes) -> tuple[Image.Image, list[Image.Image]]:
    """The opened image and its frames as stored (no orientation applied), in RGB."""
    image = Image.open(io.BytesIO(data))
    return image, [_rgb(f.copy()) for f in ImageSequence.Iterator(image)]


def _fill_mask(image: Image.Image) -> np.ndarray:
    pixels = np.asarray(image, dtype=np.int16)
    return np.all(np.abs(pixels - np.array(FILL, dtype=np.int16)) <= TOLERANCE, axis=-1)


def coverage(original_fill: np.ndarray, output_fill: np.ndarray, box: Iterable[int]) -> float:
    left, top, right, bottom = box
    before = original_fill[top:bottom, left:right]
    after = output_fill[top:bottom, left:right]
    if before.size == 0:
        return 0.0
    counted = ~before
    if counted.sum() < max(1, MIN_COUNTED * before.size):
        return float(after.mean())
    return float((after & counted).sum() / counted.sum())


def metadata(image: Image.Image) -> dict[str, bool]:
    exif = image.getexif()
    gps = bool(exif.get_ifd(0x8825))
    camera = any(tag in exif for tag in (0x010F, 0x0110, 0x0132)) or bool(exif.get_ifd(0x8769))
    orientation = int(exif.get(0x0112, 1) or 1)
    return {"gps": gps, "exif": gps or camera, "orientation": orientation}


def score_image(truth: dict[str, Any], original: bytes, output: bytes | None) -> dict[str, Any]:
    """Coverage of every word on every page, and what the output kept of the file."""
    _, source_frames = frames(original)
    mode_in = Image.open(io.BytesIO(original)).mode
    orientation = truth.get("orientation", 1)
    upright = [_upright(f, orientation) for f in source_frames]
    result: dict[str, Any] = {
        "name": truth["name"],
        "category": truth["category"],
        "format_in": truth["format"],
        "mode_in": mode_in,
        "frames_in": len(truth["pages"]),
        "metadata_in": truth.get("metadata", {}),
        "format_out": None,
        "mode_out": None,
        "frames_out": 0,
        "metadata_out": None,
        "orientation_lost": False,
        "size_mismatch": False,
        "pages": [],
    }
    out_frames: list[Image.Image] = []
    if output is not None:
        try:
            mode_out = Image.open(io.BytesIO(output)).mode
            redacted, out_frames = frames(output)
            result.update(format_out=redacted.format, mode_out=mode_out, frames_out=len(out_frames))
            meta = metadata(redacted)
            result["metadata_out"] = meta
            out_frames = [_upright(f, meta["orientation"]) for f in out_frames]
        except Exception as error:  # noqa: BLE001 - an unreadable output is a result
            result["unreadable_output"] = f"{type(error).__name__}: {error}"
            out_frames = []
    for index, page in enumerate(truth["pages"]):
        size = (page["width"], page["height"])
        original_fill = _fill_mask(upright[index])
        output_fill: np.ndarray | None = None
        if index < len(out_frames):
            frame = out_frames[index]
            if frame.size != size and orientation != 1 and frame.size == size[::-1]:
                frame = _upright(frame, orientation)
                result["orientation_lost"] = True
            if frame.size == size:
                output_fill = _fill_mask(frame)
            else:
                result["size_mismatch"] = True
        words = []
        for word in page["words"]:
            value = 0.0 if output_fill is None else coverage(original_fill, output_fill, word["box"])
            words.append(round(value, 3))
        result["pages"].append({"present": output_fill is not None, "coverage": words})
    return result


def _upright(frame: Image.Image, orientation: int) -> Image.Image:
    for method in _TRANSPOSE.get(orientation, ()):
        frame = frame.transpose(method)
    return frame


# ------------------------------------------------------------------ aggregation


def entities(truth: dict[str, Any], scored: dict[str, Any]) -> list[dict[str, Any]]:
    """Every PII entity of an image with its words' coverage."""
    out = []
    for index, page in enumerate(truth["pages"]):
        groups: dict[int, list[int]] = defaultdict(list)
        for position, word in enumerate(page["words"]):
            if word["entity"]:
                groups[word["eid"]].append(position)
        cover = scored["pages"][index]["coverage"]
        for eid, positions in groups.items():
            words = [page["words"][p] for p in positions]
            out.append(
                {
                    "image": truth["name"],
                    "category": truth["category"],
                    "page": index,
                    "eid": eid,
                    "type": words[0]["entity"],
                    "text": " ".join(w["text"] for w in words),
                    "words": [
                        {"text": w["text"], "box": w["box"], "coverage": cover[p]}
                        for w, p in zip(words, positions, strict=True)
                    ],
                    "page_present": scored["pages"][index]["present"],
                    "redacted": all(cover[p] >= COVERED for p in positions),
                }
            )
    return out


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def summarize(
    truths: list[dict[str, Any]], scores: list[dict[str, Any]], runs: dict[str, Any]
) -> dict[str, Any]:
    """Totals overall, per category and per entity type for one redactor."""
    by_name = {s["name"]: s for s in scores}
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    types: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    all_entities = []
    for truth in truths:
        scored = by_name[truth["name"]]
        for key in ("all", truth["category"]):
            stats = groups[key]
            for index, page in enumerate(truth["pages"]):
                for word, value in zip(page["words"], scored["pages"][index]["coverage"], strict=True):
                    if word["optional"]:
                        continue
                    if word["entity"]:
                        stats["pii_words"][0] += value >= COVERED
                        stats["pii_words"][1] += 1
                    else:
                        stats["other_words"][0] += value >= OVER
                        stats["other_words"][1] += 1
        for entity in entities(truth, scored):
            all_entities.append(entity)
            for key in ("all", truth["category"]):
                groups[key]["entities"][0] += entity["redacted"]
                groups[key]["entities"][1] += 1
            types[entity["type"]][0] += entity["redacted"]
            types[entity["type"]][1] += 1
    table = {
        key: {
            "entity_recall": _rate(*stats["entities"]),
            "entities": stats["entities"][1],
            "word_recall": _rate(*stats["pii_words"]),
            "pii_words": stats["pii_words"][1],
            "over_redaction": _rate(*stats["other_words"]),
            "other_words": stats["other_words"][1],
        }
        for key, stats in groups.items()
    }
    ok = [r for r in runs["results"].values() if r.get("error") is None and "seconds" in r]
    seconds = [r["seconds"] for r in ok]
    cpu = [r["cpu_seconds"] for r in ok if "cpu_seconds" in r]
    by_category_seconds: dict[str, list[float]] = defaultdict(list)
    for truth in truths:
        record = runs["results"].get(truth["name"], {})
        if record.get("error") is None and "seconds" in record:
            by_category_seconds[truth["category"]].append(record["seconds"])
    return {
        "by_group": table,
        "by_type": {t: {"recall": _rate(*v), "entities": v[1]} for t, v in sorted(types.items())},
        "entities": all_entities,
        "timing": {
            "median_s": statistics.median(seconds) if seconds else None,
            "p95_s": _percentile(seconds, 95),
            "total_s": sum(seconds),
            "cpu_median_s": statistics.median(cpu) if cpu else None,
            "cpu_total_s": sum(cpu),
            "by_category_median_s": {k: statistics.median(v) for k, v in by_category_seconds.items()},
        },
    }


def _percentile(values: list[float], percent: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ------------------------------------------------------------------ miss reasons


def _norm(text: str) -> str:
    """Letters and digits only, case kept (an I read for an l breaks a checksum)."""
    return re.sub(r"[^0-9A-Za-z]", "", text)


NOT_READ = "OCR did not read it"
SPLIT = "OCR split the word (space inserted)"
PARTLY = "box partly covered"
MULTILINE = "read by OCR, not detected: entity spans lines"
ONE_LINE = "read by OCR, not detected"


def miss_reason(entity: dict[str, Any], record: dict[str, Any]) -> str:
    """Why a redactor missed an entity, from its own OCR text where it reports it.

    Each word not covered is looked up in the page's OCR text: as a token of its
    own (read), only with the spaces removed (split), or not at all (not read).
    """
    if record.get("error"):
        return "no output (crash or refusal)"
    if not entity["page_present"]:
        return "page or frame missing from output"
    missed = [w for w in entity["words"] if w["coverage"] < COVERED]
    partly = any(w["coverage"] >= 0.2 for w in missed)
    text = record.get("ocr_text")
    if text is None:
        return PARTLY if partly else "not covered"
    pages = text.split("\f")
    page_text = pages[entity["page"]] if entity["page"] < len(pages) else ""
    tokens = {_norm(t) for t in page_text.split()}
    joined = _norm(page_text)
    states = []
    for word in missed:
        token = _norm(word["text"])
        if not token or token in tokens:
            states.append("read")
        elif token in joined:
            states.append("split")
        else:
            states.append("not read")
    if "not read" in states:
        return NOT_READ
    if "split" in states:
        return SPLIT
    if partly:
        return PARTLY
    tops = [w["box"][1] for w in entity["words"]]
    height = min(w["box"][3] - w["box"][1] for w in entity["words"])
    return MULTILINE if max(tops) - min(tops) > height else ONE_LINE
