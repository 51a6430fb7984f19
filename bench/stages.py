"""Where a request's time goes, stage by stage: `make profile` (and `make bench`).

Redacts a fixed set of images (a synthetic seed, and with `--real DIR` the labelled
scans too) in one process with the default request, and times each stage of the
pipeline by wrapping the functions that do it: decode, flatten, every Tesseract read,
RapidOCR's text detection and recognition, detection (Presidio, spaCy and our
recognisers), verification (which reads again and detects again, so its time also
shows in the OCR and detection rows), painting and encoding. Wall and CPU seconds, summed
over the threads a stage runs in (so a stage can pass 100 %); the share is of the
whole run's wall time. The table goes between markers into
bench/RESULTS.md, so that the before/after of a speed change is one diff.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from sections import write_section  # noqa: E402

START, END = "<!-- stages: bench/stages.py -->", "<!-- /stages -->"

# (row, module, attribute path): the functions each stage's time is measured in.
STAGES: list[tuple[str, str, str]] = [
    ("decode", "image_anonymizer.core.formats", "decode"),
    ("flatten (greyscale, inversion of dark regions)", "image_anonymizer.core.ocr.passes", "_flatten"),
    ("Tesseract reads (every pass)", "image_anonymizer.core.ocr.engines", "TesserocrEngine.read"),
    ("RapidOCR text detection", "rapidocr.ch_ppocr_det.main", "TextDetector.__call__"),
    ("RapidOCR recognition", "rapidocr.ch_ppocr_rec.main", "TextRecognizer.__call__"),
    (
        "detection (Presidio, spaCy, recognisers)",
        "image_anonymizer.core.detection.detector",
        "PresidioDetector.detect",
    ),
    (
        "faces (OpenCV cascades on photograph-like regions)",
        "image_anonymizer.core.visual",
        "HaarFaceDetector.detect",
    ),
    ("codes (zxing-cpp)", "image_anonymizer.core.visual", "ZxingCodeReader.read"),
    ("verification (re-read and detect again)", "image_anonymizer.core.service", "ImageAnonymizer._verify"),
    ("painting", "image_anonymizer.core.redaction", "redact_page"),
    ("encode", "image_anonymizer.core.formats", "encode"),
]


class Clock:
    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._local = threading.local()  # the nesting depth per stage, per thread
        self._lock = threading.Lock()

    def wrap(self, row: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            depths: dict[str, int] = self._local.__dict__.setdefault("depths", {})
            depth = depths.get(row, 0)
            depths[row] = depth + 1
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                depths[row] = depth
                if depth == 0:  # a stage calling itself counts once
                    with self._lock:
                        self._add(row, time.perf_counter() - wall, time.thread_time() - cpu)

        return timed

    def _add(self, row: str, wall: float, cpu: float) -> None:
        self.wall[row] = self.wall.get(row, 0.0) + wall
        self.cpu[row] = self.cpu.get(row, 0.0) + cpu
        self.calls[row] = self.calls.get(row, 0) + 1


@contextmanager
def instrumented(clock: Clock) -> Iterator[None]:
    import importlib

    undo: list[tuple[Any, str, Any]] = []
    for row, module_name, path in STAGES:
        holder: Any = importlib.import_module(module_name)
        *owners, name = path.split(".")
        for owner in owners:
            holder = getattr(holder, owner)
        original = getattr(holder, name)
        setattr(holder, name, clock.wrap(row, original))
        undo.append((holder, name, original))
    try:
        yield
    finally:
        for holder, name, original in reversed(undo):
            setattr(holder, name, original)


def images(seed: int, count: int, real: Path | None, work: Path) -> list[Path]:
    import corpus

    corpus.generate(work, count, seed)
    files = sorted(p for p in work.iterdir() if p.suffix.lower() != ".json")
    if real is not None:
        import realset

        truths, root = realset.load(real)
        files += [root / t["file"] for t in truths if (root / t["file"]).is_file()]
    return files


def measure(files: list[Path], mode: str) -> dict[str, Any]:
    from image_anonymizer.core.service import ImageAnonymizer, Options

    anonymizer = ImageAnonymizer()
    anonymizer.warm_up(mode)  # type: ignore[arg-type]
    options = Options.parse(ocr_mode=mode)
    clock = Clock()
    per_image: list[float] = []
    failed = 0
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    with instrumented(clock):
        for file in files:
            started = time.perf_counter()
            try:
                anonymizer.redact(file.read_bytes(), options)
            except Exception:  # noqa: BLE001 - a refused image still costs its time
                failed += 1
            per_image.append(time.perf_counter() - started)
    return {
        "mode": mode,
        "images": len(files),
        "failed": failed,
        "wall": time.perf_counter() - wall_start,
        "cpu": time.process_time() - cpu_start,
        "median": statistics.median(per_image) if per_image else 0.0,
        "stages": [
            (row, clock.wall.get(row, 0.0), clock.cpu.get(row, 0.0), clock.calls.get(row, 0))
            for row, *_ in STAGES
        ],
    }


def report(results: list[dict[str, Any]], label: str, commit: str) -> str:
    lines = [
        START,
        "## Where the time goes: per-stage profile",
        "",
        f"`make profile` ({label}; ours at commit {commit}, `OMP_THREAD_LIMIT=1`, one process). "
        "Each stage is timed in the functions that do it; verification reads and detects again, "
        "so its seconds are also in the OCR and detection rows. CPU seconds are the calling "
        "thread's (RapidOCR's onnxruntime threads are not in them; its wall time is).",
        "",
    ]
    for result in results:
        total = result["wall"] or 1.0
        lines += [
            f"**{result['mode']}**: {result['images']} images, {result['failed']} refused, "
            f"{result['wall']:.1f} s wall, {result['cpu']:.1f} CPU s (process), "
            f"median {result['median']:.2f} s per image.",
            "",
            "| Stage | Calls | Wall s | Share of wall | Thread CPU s |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row, wall, cpu, calls in result["stages"]:
            lines.append(f"| {row} | {calls} | {wall:.2f} | {100 * wall / total:.1f} % | {cpu:.2f} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--count", type=int, default=12, help="synthetic images (default 12)")
    parser.add_argument("--real", type=Path, help="folder with labels/*.json and the scans they name")
    parser.add_argument("--modes", default="thorough,fast")
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--print", action="store_true", help="print the section, do not write it")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory() as work:
        files = images(args.seed, args.count, args.real, Path(work))
        results = [measure(files, mode) for mode in args.modes.split(",")]
    label = f"seed {args.seed}: {args.count} synthetic images" + (
        f", plus {len(files) - args.count} labelled scans from `--real`" if args.real else ""
    )
    commit = os.popen("git rev-parse --short HEAD 2>/dev/null").read().strip() or "unknown"
    section = report(results, label, commit)
    print(section)
    if not args.print:
        write_section(section, args.report, START, END)


if __name__ == "__main__":
    main()
