"""Warm time per image, process cold start and peak memory: `make timing`.

Renders its own inputs (an A4 page at 300 DPI, a 1280x800 dark screenshot and the
largest image the default pixel limit allows), so anyone can run it anywhere.
"""

from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import time

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "Patient: Sarah Johnson (age 39)   DOB: 12/03/1986",
    "Email: sarah.johnson@example.com   Phone: (415) 555-0132",
    "Card 4111 1111 1111 1111   IBAN GB82 WEST 1234 5698 7654 32",
    "Invoice 2024-117 for consulting services, net thirty days.",
]


def page(size: tuple[int, int], font_size: int, background: str, ink: str, repeat: int) -> bytes:
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(FONT, font_size)
    y = font_size * 3
    for index in range(repeat):
        draw.text((font_size * 3, y), LINES[index % len(LINES)], font=face, fill=ink)
        y += int(font_size * 1.8)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def a4() -> bytes:
    return page((2480, 3508), 42, "white", "black", 40)


def screenshot() -> bytes:
    return page((1280, 800), 18, "#1e2028", "#e6e6ea", 20)


def largest() -> bytes:
    return page((7745, 7745), 60, "white", "black", 60)  # 59.98 MP, the default limit is 60 MP


def child(mode: str) -> None:
    started = time.perf_counter()
    from image_anonymizer.core.service import ImageAnonymizer, Options

    anonymizer = ImageAnonymizer()
    anonymizer.warm_up()
    ready = time.perf_counter() - started
    if mode == "cold":
        print(json.dumps({"cold_start_s": round(ready, 2)}))
        return
    data = largest()
    anonymizer.redact(data, Options.parse())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"largest_pixels": 7745 * 7745, "peak_rss_mb": round(peak_mb)}))


def warm(runs: int = 5) -> dict[str, float]:
    from image_anonymizer.core.service import ImageAnonymizer, Options

    anonymizer = ImageAnonymizer()
    anonymizer.warm_up()
    results = {}
    for mode in ("thorough", "fast"):
        options = Options.parse(ocr_mode=mode)
        for name, data in (("a4_300dpi", a4()), ("screenshot_1280x800", screenshot())):
            anonymizer.redact(data, options)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                anonymizer.redact(data, options)
                times.append(time.perf_counter() - started)
            results[f"{name}_{mode}_median_s"] = round(statistics.median(times), 3)
    return results


def main() -> None:
    if len(sys.argv) > 1:
        child(sys.argv[1])
        return
    report: dict[str, object] = {}
    colds = []
    for _ in range(3):
        out = subprocess.run([sys.executable, __file__, "cold"], capture_output=True, text=True, check=True)
        colds.append(json.loads(out.stdout.strip().splitlines()[-1])["cold_start_s"])
    report["cold_start_median_s"] = statistics.median(colds)
    report.update(warm())
    out = subprocess.run([sys.executable, __file__, "memory"], capture_output=True, text=True, check=True)
    report.update(json.loads(out.stdout.strip().splitlines()[-1]))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
