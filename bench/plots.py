"""Grouped bar charts (ours thorough, ours fast, peer) from the summary run.py writes;
needs matplotlib.

bench/.venv-peer/bin/python bench/plots.py bench/.corpus/summary.json bench/plots
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLORS = {"ours": "#2b6cb0", "ours-fast": "#90cdf4", "peer": "#dd6b20"}
LABELS = {
    "ours": "ours, thorough (image-anonymizer)",
    "ours-fast": "ours, --ocr-mode fast",
    "peer": "presidio-image-redactor",
}


def grouped(
    path: Path,
    title: str,
    groups: list[str],
    values: dict[str, list[float | None]],
    ylabel: str,
    percent: bool,
) -> None:
    figure, axes = plt.subplots(figsize=(max(7.0, 1.1 * len(groups) + 2), 4.2), dpi=110)
    series = [who for who in COLORS if who in values]
    width = 0.8 / len(series)
    for position, who in enumerate(series):
        offset = (position - (len(series) - 1) / 2) * width
        heights = [0.0 if v is None else (100 * v if percent else v) for v in values[who]]
        bars = axes.bar(
            [i + offset for i in range(len(groups))], heights, width, label=LABELS[who], color=COLORS[who]
        )
        axes.bar_label(bars, fmt="%.0f" if percent else "%.2f", fontsize=6, padding=1)
    axes.set_xticks(range(len(groups)), groups, rotation=30, ha="right", fontsize=8)
    axes.set_ylabel(ylabel)
    if percent:
        axes.set_ylim(0, 109)
    axes.set_title(title, fontsize=11)
    axes.legend(fontsize=8, loc="upper right" if not percent or "over" in path.stem else "lower right")
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, metadata={"Software": None})
    plt.close(figure)


def main(summary_path: Path, out: Path) -> None:
    summary: dict[str, Any] = json.loads(summary_path.read_text())
    out.mkdir(parents=True, exist_ok=True)
    categories = ["all", *summary["categories"]]
    types = summary["entity_types"]
    who_all = [w for w in COLORS if w in summary]

    def by_group(who: dict[str, Any], key: str) -> list[float | None]:
        return [who["by_group"].get(c, {}).get(key) for c in categories]

    grouped(
        out / "entity_recall_by_category.png",
        "Entity recall by category (all words of an entity >= 80% covered)",
        categories,
        {w: by_group(summary[w], "entity_recall") for w in who_all},
        "% of entities redacted",
        True,
    )
    grouped(
        out / "over_redaction_by_category.png",
        "Over-redaction by category (non-PII words >= 50% covered)",
        categories,
        {w: by_group(summary[w], "over_redaction") for w in who_all},
        "% of non-PII words covered",
        True,
    )
    grouped(
        out / "entity_recall_by_type.png",
        "Entity recall by entity type",
        types,
        {w: [summary[w]["by_type"].get(t, {}).get("recall") for t in types] for w in who_all},
        "% of entities redacted",
        True,
    )
    grouped(
        out / "seconds_by_category.png",
        "Median seconds per image (1 Tesseract thread)",
        summary["categories"],
        {
            w: [summary[w]["timing"]["by_category_median_s"].get(c) for c in summary["categories"]]
            for w in who_all
        },
        "seconds",
        False,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
