"""How long a 15 MB image takes through the local drop-folder flow: `make timing`.

Writes an uncompressed 2600x2000 TIFF (15.6 MB) with PII into a fresh INBOX and
times `image-anonymizer watch INBOX OUTBOX --once` (process start included), and
the warm redaction alone.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from PIL import Image, ImageDraw, ImageFont
from timing import FONT, LINES


def fifteen_megabytes() -> bytes:
    image = Image.new("RGB", (2600, 2000), "white")
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(FONT, 36)
    for index in range(24):
        draw.text((120, 120 + index * 70), LINES[index % len(LINES)], font=face, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="raw")
    return buffer.getvalue()


def main() -> None:
    data = fifteen_megabytes()
    cli = Path(sys.executable).with_name("image-anonymizer")
    with tempfile.TemporaryDirectory() as folder:
        inbox, outbox = Path(folder, "in"), Path(folder, "out")
        inbox.mkdir()
        (inbox / "scan.tiff").write_bytes(data)
        started = time.perf_counter()
        subprocess.run(
            [str(cli), "watch", str(inbox), str(outbox), "--once"], check=True, capture_output=True
        )
        through_watch = time.perf_counter() - started
    from image_anonymizer.core.service import ImageAnonymizer, Options

    anonymizer = ImageAnonymizer()
    anonymizer.warm_up()
    anonymizer.redact(data, Options.parse())
    started = time.perf_counter()
    result = anonymizer.redact(data, Options.parse())
    warm = time.perf_counter() - started
    print(
        json.dumps(
            {
                "image_bytes": len(data),
                "watch_once_total_s": round(through_watch, 2),
                "warm_redact_s": round(warm, 2),
                "entities": len(result.analysis.findings),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
