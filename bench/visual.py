"""Faces and codes: precision, recall and the time they add (`make bench`).

Generates its own set (seeded): documents carrying codes of every symbology with PII
payloads (an email, a URL, a phone number, a name card) and without (product numbers,
EAN-13), documents with public-domain photographs pasted at various scales (skimage's
astronaut and cameraman, and faces of its LFW subset), photographs without a face
(a cat, coffee, a rocket) and plain text pages. Each is redacted with the defaults
but fast OCR and no verification (``codes=pii``, ``faces=true``) and judged by pixels:
a code or face counts as covered when every pixel of its box is the fill colour; a
finding of a FACE whose box holds no face's centre is a false face. Then the time
added: a thorough request (the default, verified) on a text page with neither face
nor code, with and without them. Writes its section into bench/RESULTS.md between
markers, or prints it with ``--print``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH.parent / "layers" / "pipeline" / "python")]

import zxingcpp  # noqa: E402
from PIL import Image  # noqa: E402
from skimage import data as photos  # noqa: E402

from image_anonymizer.core.service import ImageAnonymizer, Options  # noqa: E402
from tests.rendering import coverage, decode, encode, render, tokens  # noqa: E402

sys.path.insert(0, str(BENCH))
from sections import write_section  # noqa: E402

START, END = "<!-- visual: bench/visual.py -->", "<!-- /visual -->"
RED = (255, 0, 0)
Rect = tuple[int, int, int, int]  # left, top, right, bottom (exclusive)

PII_PAYLOADS = [
    "mailto:olivia.brown@example.co.uk",
    "https://tracking.example.com/parcel/8841-2291",
    "tel:+44 20 7946 0958",
    "BEGIN:VCARD\nVERSION:3.0\nFN:Jonathan Smith\nEMAIL:j.smith@example.org\nEND:VCARD",
    "patient@hospital.example.org",
]
PLAIN_PAYLOADS = ["PRD-4711-0815", "LOT 2024/117 BATCH 9", "SKU-88213-B", "ITEM 000452 QTY 12"]
SYMBOLOGIES = {
    "QR Code": zxingcpp.BarcodeFormat.QRCode,
    "Data Matrix": zxingcpp.BarcodeFormat.DataMatrix,
    "PDF417": zxingcpp.BarcodeFormat.PDF417,
    "Aztec": zxingcpp.BarcodeFormat.Aztec,
    "Code 128": zxingcpp.BarcodeFormat.Code128,
}
TEXT = [
    "Dear customer, thank you for your order of 12 March 2024.",
    "Please keep this label until the parcel has been delivered.",
    "Weight 2.4 kg  fragile  keep dry  this side up",
    "Returns within thirty days, with the original packaging.",
    "Questions: see the back of this page or our website.",
]
# Faces in skimage's photographs, in their own pixels (left, top, right, bottom), set by eye.
ASTRONAUT_FACE = (177, 66, 272, 161)
CAMERAMAN_FACE = (182, 100, 262, 195)


@dataclass
class Page:
    kind: str
    image: Image.Image
    pii_codes: list[Rect] = field(default_factory=list)
    plain_codes: list[Rect] = field(default_factory=list)
    faces: list[Rect] = field(default_factory=list)


def document(rng: random.Random, size: tuple[int, int] = (1700, 2200)) -> Image.Image:
    lines = [tokens(rng.choice(TEXT)) for _ in range(rng.randint(4, 9))]
    page, _ = render(lines, size=size, font_size=rng.choice((22, 28, 34)))
    return page


def paste_code(page: Image.Image, payload: str, symbology: str, at: tuple[int, int], scale: int) -> Rect:
    symbol = np.asarray(zxingcpp.create_barcode(payload, SYMBOLOGIES[symbology]).to_image(scale=scale))
    if symbol.shape[0] < 40:  # a 1-D code comes one module high
        symbol = np.repeat(symbol[:1], 110, axis=0)
    assert at[0] + symbol.shape[1] <= page.width and at[1] + symbol.shape[0] <= page.height, symbology
    page.paste(Image.fromarray(symbol), at)
    rows, cols = np.nonzero(symbol < 128)
    return (at[0] + cols.min(), at[1] + rows.min(), at[0] + cols.max() + 1, at[1] + rows.max() + 1)


def paste_photo(
    page: Image.Image, photo: Image.Image, face: Rect | None, size: int, at: tuple[int, int]
) -> Rect | None:
    k = size / photo.width
    page.paste(photo.convert("RGB").resize((size, round(photo.height * k))), at)
    if face is None:
        return None
    return (
        at[0] + round(face[0] * k),
        at[1] + round(face[1] * k),
        at[0] + round(face[2] * k),
        at[1] + round(face[3] * k),
    )


def lfw_face(index: int) -> tuple[Image.Image, Rect]:
    """An LFW face (25 px, skimage's subset) on a mid-grey ground, 4 times larger; the
    crop is tight, so the face box is most of it."""
    crop = Image.fromarray((photos.lfw_subset()[index] * 255).astype(np.uint8)).resize((100, 100))
    ground = Image.new("L", (160, 180), 128)
    ground.paste(crop, (30, 40))
    return ground, (40, 50, 120, 130)


def generate(seed: int) -> list[Page]:
    rng = random.Random(seed)
    pages: list[Page] = []
    symbologies = list(SYMBOLOGIES)
    for index in range(8):  # codes: one with a PII payload, one without, in two symbologies
        page = Page("codes", document(rng))
        pii, plain = symbologies[index % 5], symbologies[(index + 2) % 5]
        if pii == "Code 128":  # a 1-D code grows with its payload: a short one, on a row of its own
            payload, at, scale = rng.choice(PII_PAYLOADS[2::2]), (150, 1000), 2
        else:
            payload, at, scale = rng.choice(PII_PAYLOADS), (1050, 150), rng.choice((4, 5))
        page.pii_codes.append(paste_code(page.image, payload, pii, at, scale))
        page.plain_codes.append(paste_code(page.image, rng.choice(PLAIN_PAYLOADS), plain, (150, 1400), 3))
        pages.append(page)
    astronaut = Image.fromarray(photos.astronaut())
    cameraman = Image.fromarray(photos.camera())
    for index, size in enumerate((160, 240, 360, 520, 800)):  # faces at various scales
        page = Page("faces", document(rng))
        photo, face = (astronaut, ASTRONAUT_FACE) if index % 2 == 0 else (cameraman, CAMERAMAN_FACE)
        placed = paste_photo(
            page.image, photo, face, size, (rng.randint(700, 1650 - size), rng.randint(900, 2150 - size))
        )
        page.faces.append(placed)  # type: ignore[arg-type]
        pages.append(page)
    page = Page("faces", document(rng))  # an ID-card-like row of small faces
    for slot, index in enumerate(rng.sample(range(100), 3)):
        photo, face = lfw_face(index)
        page.faces.append(paste_photo(page.image, photo, face, 160, (300 + slot * 400, 1300)))  # type: ignore[arg-type]
    pages.append(page)
    for name in ("chelsea", "coffee", "rocket"):  # photographs without a face
        page = Page("photos without faces", document(rng))
        paste_photo(page.image, Image.fromarray(getattr(photos, name)()), None, 600, (900, 1200))
        pages.append(page)
    for _ in range(3):
        pages.append(Page("plain documents", document(rng)))
    return pages


def centre_in(box: dict[str, int], rect: Rect) -> bool:
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return rect[0] <= x < rect[2] and rect[1] <= y < rect[3]


def inside(rect: Rect, box: dict[str, int]) -> bool:
    x, y = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    return box["x"] <= x < box["x"] + box["width"] and box["y"] <= y < box["y"] + box["height"]


def score(anonymizer: ImageAnonymizer, pages: list[Page]) -> dict[str, Any]:
    options = Options.parse(fill_color="red", ocr_mode="fast", verify="false")
    totals = dict.fromkeys(
        (
            "faces",
            "faces_covered",
            "face_findings",
            "false_faces",
            "pii_codes",
            "pii_covered",
            "plain_codes",
            "plain_covered",
        ),
        0,
    )
    visual_ms: list[float] = []
    for page in pages:
        result = anonymizer.redact(encode(page.image, "PNG"), options)
        out = decode(result.image)
        answer = result.analysis.to_dict()
        timings = answer["timings_ms"]
        visual_ms.append(timings.get("faces", 0.0) + timings.get("codes", 0.0))
        found = [e["bbox"] for e in answer["entities"] if e["entity_type"] == "FACE"]
        totals["faces"] += len(page.faces)
        totals["faces_covered"] += sum(coverage(out, f, RED) == 1.0 for f in page.faces)
        totals["face_findings"] += len(found)
        totals["false_faces"] += sum(not any(inside(f, box) for f in page.faces) for box in found)
        totals["pii_codes"] += len(page.pii_codes)
        totals["pii_covered"] += sum(coverage(out, c, RED) == 1.0 for c in page.pii_codes)
        totals["plain_codes"] += len(page.plain_codes)
        totals["plain_covered"] += sum(coverage(out, c, RED) > 0.5 for c in page.plain_codes)
    totals["visual_ms_median"] = statistics.median(visual_ms)
    totals["visual_ms_max"] = max(visual_ms)
    return totals


def added_time(anonymizer: ImageAnonymizer, seed: int, rounds: int) -> dict[str, float]:
    """Thorough requests (the default, verified) on text pages with neither face nor
    code, with visual PII looked for (the default) and without, interleaved (the order
    swapped every round): wall and CPU seconds (the process's, every thread), and the
    steps' own timings."""
    rng = random.Random(seed + 1)
    pages = [encode(document(rng, (2480, 3508)), "PNG") for _ in range(2)]
    on, off = Options.parse(), Options.parse(codes="none", faces="false")
    wall: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    faces: list[float] = []
    codes: list[float] = []
    for round_ in range(rounds):
        for data in pages:
            order = (("on", on), ("off", off)) if round_ % 2 == 0 else (("off", off), ("on", on))
            for name, options in order:
                started, began = time.perf_counter(), time.process_time()
                result = anonymizer.redact(data, options)
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - began)
                if name == "on":
                    faces.append(result.analysis.timings.get("faces", 0.0))
                    codes.append(result.analysis.timings.get("codes", 0.0))
    median = statistics.median
    return {
        "requests": float(len(wall["on"])),
        "with": median(wall["on"]),
        "without": median(wall["off"]),
        "cpu_with": median(cpu["on"]),
        "cpu_without": median(cpu["off"]),
        "faces": median(faces),
        "codes": median(codes),
        "visual_steps": median([f + c for f, c in zip(faces, codes, strict=True)]),
    }


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def report(
    totals: dict[str, Any], timing: dict[str, float], pages: list[Page], seed: int, commit: str
) -> str:
    kinds: dict[str, int] = {}
    for page in pages:
        kinds[page.kind] = kinds.get(page.kind, 0) + 1
    false_faces = "false face" if totals["false_faces"] == 1 else "false faces"
    face_recall = percent(totals["faces_covered"], totals["faces"])
    difference = timing["with"] - timing["without"]
    cpu_difference = timing["cpu_with"] - timing["cpu_without"]
    face_precision = percent(totals["face_findings"] - totals["false_faces"], totals["face_findings"])
    code_findings = totals["pii_covered"] + totals["plain_covered"]
    step_share = percent(timing["visual_steps"], timing["without"])
    lines = [
        START,
        "## Faces and codes",
        "",
        f"`python bench/visual.py` (in `make bench`; ours at commit {commit}, `OMP_THREAD_LIMIT=1`, "
        f"{os.cpu_count()} CPUs): {len(pages)} generated pages (seed {seed}): "
        + ", ".join(f"{n} {k}" for k, n in kinds.items())
        + ". Codes in QR, Data Matrix, PDF417, Aztec and Code 128, with PII payloads (email, URL, phone, "
        "name card) and plain ones (product and lot numbers); faces from skimage's public-domain "
        "photographs (astronaut, cameraman, LFW subset) at 100–800 px; a cat, coffee and a rocket as "
        "photographs without a face. Redacted with `codes=pii`, `faces=true` (the defaults), fast OCR, "
        "no verification; judged by pixels: covered means every pixel of the code's modules or the "
        "face's box is the fill colour.",
        "",
        "| | Truth | Covered (recall) | Findings | Wrong (precision) |",
        "|---|---|---|---|---|",
        f"| faces | {totals['faces']} | {totals['faces_covered']} ({face_recall}) "
        f"| {totals['face_findings']} | {totals['false_faces']} {false_faces} ({face_precision}) |",
        f"| PII codes (`codes=pii`) | {totals['pii_codes']} | {totals['pii_covered']} "
        f"({percent(totals['pii_covered'], totals['pii_codes'])}) | {code_findings} "
        f"| {totals['plain_covered']} of {totals['plain_codes']} plain codes covered "
        f"({percent(totals['pii_covered'], code_findings)}) |",
        "",
        f"Time of the face and code steps per page of this set: median {totals['visual_ms_median']:.0f} ms, "
        f"at most {totals['visual_ms_max']:.0f} ms (a page with a photograph: the cascades run on it).",
        "",
        f"Time added to a thorough request (the default, verified) on an A4 text page at 300 DPI with "
        f"neither face nor code, {timing['requests']:.0f} requests each way, interleaved: the face and code "
        f"steps take {1000 * timing['visual_steps']:.0f} ms (faces {1000 * timing['faces']:.0f} ms, "
        f"codes {1000 * timing['codes']:.0f} ms, medians), **{step_share} of the request without them** "
        f"({timing['without']:.2f} s; target: under 10 %). Whole requests, medians: "
        f"{timing['without']:.2f} s without (`codes=none`, `faces=false`), {timing['with']:.2f} s with "
        f"({percent(difference, timing['without'])}); CPU {timing['cpu_without']:.2f} s and "
        f"{timing['cpu_with']:.2f} s ({percent(cpu_difference, timing['cpu_without'])}). On such a page the "
        "faces step finds no photograph-like region (at 500 px), so no cascade runs, and zxing-cpp reads "
        "the page once (the codes step is nearly all of it); verification searches again only pages where "
        "a face or a code was covered. Face truth boxes are set by eye; an LFW face is a 25 px crop "
        "enlarged 4 times; the cat counts as a false face.",
        END,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=4, help="timing rounds over two A4 pages (default 4)")
    parser.add_argument(
        "--print", action="store_true", help="print the section instead of writing RESULTS.md"
    )
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    anonymizer = ImageAnonymizer()
    anonymizer.warm_up()
    pages = generate(args.seed)
    commit = os.popen("git rev-parse --short HEAD 2>/dev/null").read().strip() or "unknown"
    timing = added_time(anonymizer, args.seed, args.rounds)
    section = report(score(anonymizer, pages), timing, pages, args.seed, commit)
    if not args.print:
        write_section(section, args.report, START, END)
    print(section)


if __name__ == "__main__":
    main()
