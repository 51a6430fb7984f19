"""atheris over decode → redact: the long run of what the suite fuzzes for a fixed count.

    make fuzz                     # 300 s
    make fuzz FUZZ_SECONDS=3600

The corpus starts as the suite's seeds (``tests/fuzzing.py``: one small valid file of each
format, and the same page in other modes and codings), written to a temporary folder.
Half the mutations are libFuzzer's own, half the structural ones the suite uses (chunks
repeated or dropped, size fields set to odd values, formats spliced). An input fails the
run if ``redact`` raises anything but a domain error below 500, or returns the upload
unchanged although it found PII; libFuzzer then writes it to ``out/fuzz/`` (``crash-…``,
``timeout-…``, ``oom-…``). Real Tesseract and the real model, fast mode, a 1-megapixel
limit. Its name keeps pytest from collecting it.

Extra arguments go to libFuzzer: ``python tests/fuzz/fuzz_decode.py -runs=1000``.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "layers" / "pipeline" / "python"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["image_anonymizer", "PIL"]):
    from image_anonymizer.config import CoreSettings
    from image_anonymizer.core.service import ImageAnonymizer, Options
    from image_anonymizer.entrypoints.http.errors import STATUS_BY_CODE
    from image_anonymizer.errors import AnonymizerError

from tests import fuzzing  # noqa: E402

SETTINGS = CoreSettings(max_pixels=1_000_000, max_pages=4)
OPTIONS = Options.parse(ocr_mode="fast")
ARTIFACTS = ROOT / "out" / "fuzz"
service: ImageAnonymizer | None = None
PROGRESS_EVERY = 500
STARTED = time.monotonic()
counts = {"inputs": 0, "redacted": 0, "findings": 0, "refused": 0}


class Leak(AssertionError):
    """PII was found and the upload came back as it was."""


def one_input(data: bytes) -> None:
    assert service is not None
    counts["inputs"] += 1
    if counts["inputs"] % PROGRESS_EVERY == 0:
        # libFuzzer ends the process itself, so the tally is printed as it goes.
        print(f"fuzz_decode: {counts} after {time.monotonic() - STARTED:.0f} s", file=sys.stderr)
    try:
        result = service.redact(data, OPTIONS)
    except AnonymizerError as error:
        if STATUS_BY_CODE.get(error.code, 500) >= 500:
            raise
        counts["refused"] += 1
        return
    counts["redacted"] += 1
    if result.analysis.findings:
        counts["findings"] += 1
        if result.image == data:
            raise Leak("PII found, the upload returned unchanged")


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if rng.random() < 0.5:
        mutated: bytes = atheris.Mutate(data, max_size)
        return mutated
    return fuzzing.mutate(data, rng.choice(fuzzing.MUTATIONS), rng)[:max_size]


def main() -> None:
    global service
    warnings.simplefilter("ignore", UserWarning)  # Pillow's notes on each corrupt file
    service = ImageAnonymizer(settings=SETTINGS)
    service.warm_up("fast")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = list(sys.argv[1:])
    if not any(arg.startswith("-max_total_time=") or arg.startswith("-runs=") for arg in args):
        args.append("-max_total_time=300")
    defaults = {"-timeout=": "60", "-rss_limit_mb=": "3072", "-max_len=": "200000"}
    args += [key + value for key, value in defaults.items() if not any(a.startswith(key) for a in args)]
    args.append(f"-artifact_prefix={ARTIFACTS}/")
    with tempfile.TemporaryDirectory(prefix="fuzz-corpus-") as corpus:
        for fmt in fuzzing.FORMATS:
            Path(corpus, f"seed.{fmt.lower()}").write_bytes(fuzzing.seed(fmt))
        for name in fuzzing.VARIANTS:
            Path(corpus, name).write_bytes(fuzzing.variant(name)[1])
        atheris.Setup([sys.argv[0], *args, corpus], one_input, custom_mutator=custom_mutator)
        atheris.Fuzz()


if __name__ == "__main__":
    main()
