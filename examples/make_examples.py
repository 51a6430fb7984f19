"""Draw the sample images in examples/ (synthetic people, made-up numbers).

Run from the repository root: .venv/bin/python examples/make_examples.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def letter() -> Image.Image:
    image = Image.new("RGB", (1240, 1000), "white")
    draw = ImageDraw.Draw(image)
    title, body = ImageFont.truetype(BOLD, 40), ImageFont.truetype(FONT, 26)
    draw.text((80, 70), "Northwind Clinic - Patient intake", font=title, fill="black")
    lines = [
        "Patient: Sarah Johnson (age 39)",
        "DOB: 12/03/1986",
        "Email: sarah.johnson@example.com",
        "Phone: (415) 555-0132",
        "Address: 1200 Market Street, San Francisco, CA 94102",
        "Card on file: 4111 1111 1111 1111",
        "IBAN: GB82 WEST 1234 5698 7654 32",
        "",
        "Follow-up visit in thirty days. Bring your insurance card.",
    ]
    for index, line in enumerate(lines):
        draw.text((80, 170 + index * 70), line, font=body, fill="black")
    return image


def chat() -> Image.Image:
    image = Image.new("RGB", (1280, 800), (24, 26, 33))
    draw = ImageDraw.Draw(image)
    body, small = ImageFont.truetype(FONT, 22), ImageFont.truetype(FONT, 16)
    messages = [
        ("Hi, this is Daniel Lee from support.", "09:41"),
        ("Can you confirm the account email?", "09:42"),
        ("It's daniel.lee@example.org, phone +1 212 555 0187", "09:43"),
        ("Thanks! Your ticket is #48213.", "09:44"),
    ]
    for index, (text, time) in enumerate(messages):
        y = 80 + index * 140
        draw.rounded_rectangle((60, y, 1000, y + 80), radius=18, fill=(52, 56, 70))
        draw.text((90, y + 24), text, font=body, fill=(235, 235, 240))
        draw.text((1020, y + 50), time, font=small, fill=(150, 150, 160))
    return image


if __name__ == "__main__":
    letter().save(HERE / "intake-form.png")
    chat().rotate(0).save(HERE / "chat-screenshot.jpg", quality=92)
    print("wrote", ", ".join(p.name for p in sorted(HERE.glob("*.[pj][np]g"))))
