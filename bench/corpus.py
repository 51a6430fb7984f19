"""Deterministic synthetic corpus for the redaction benchmark: images plus ground truth.

Every word is drawn on its own, so its tight ink box is known exactly; each word is
marked with the entity it belongs to (or none). Degraded scans transform the boxes
with the pixels (the box of a rotated word is the bounding box of its rotated
corners). Multi-page and multi-frame images carry ground truth per page.

    python bench/corpus.py --out bench/.corpus/images --count 60 --seed 7

Ground truth of one image (``<name>.json``, and all of them in ``manifest.json``)::

    {"name", "file", "category", "format", "features": [...], "orientation": 1|6,
     "metadata": {"exif": bool, "gps": bool},
     "pages": [{"width", "height",
                "words": [{"text", "box": [left, top, right, bottom],  # exclusive
                           "entity": "PERSON" | ... | null, "eid": int | null,
                           "optional": bool}]}]}

``optional`` words (a business's own address, phone or web site on a letterhead or
receipt) count neither as PII to find nor as text to leave alone. Every calendar date
with a day (an invoice or letter date, a receipt's date with its time, a card's expiry,
an inbox's "Mar 12") is PII of type ``DATE_TIME``, as the real-scan labels have it; a
date of birth stays ``DATE_OF_BIRTH``; a time alone ("10:45 AM", "yesterday") is not PII.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from PIL.TiffImagePlugin import IFDRational

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
    "lsans": "LiberationSans-Regular.ttf",
    "lsans-bold": "LiberationSans-Bold.ttf",
    "lserif": "LiberationSerif-Regular.ttf",
    "lserif-bold": "LiberationSerif-Bold.ttf",
    "lserif-italic": "LiberationSerif-Italic.ttf",
    "lmono": "LiberationMono-Regular.ttf",
}
OPTIONAL = "OPTIONAL"

CATEGORIES = (
    "letters",
    "forms",
    "invoices",
    "receipts",
    "id-cards",
    "chat",
    "email-inbox",
    "app",
    "degraded-scans",
)
# Share of the corpus per category, in CATEGORIES order (60 images → 7,7,7,7,6,7,6,6,7).
WEIGHTS = (7, 7, 7, 7, 6, 7, 6, 6, 7)

# ---------------------------------------------------------------------------- data

# fmt: off
FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles",
    "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Steven",
    "Sandra", "Paul", "Ashley", "Andrew", "Emily", "Joshua", "Michelle", "Kevin", "Amanda", "Brian",
    "Melissa", "George", "Rebecca", "Priya", "Wei", "Aisha", "Mateo", "Sofia", "Liam", "Olivia", "Noah",
    "Hannah", "Ethan", "Chloe", "Lucas", "Grace", "Oliver", "Amelia", "Isabella", "Ahmed", "Yuki",
    "Fatima", "Diego", "Ingrid", "Tomasz",
)
# fmt: on
# fmt: off
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
    "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell",
    "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Patel", "Nguyen", "Kowalski",
    "O'Brien", "Schneider", "Fischer", "Okafor", "Tanaka", "Haddad", "Novak", "Lindqvist", "Murphy",
    "Kelly", "Sullivan", "Reyes", "Chen", "Dubois", "Rossi", "Becker",
)
# fmt: on
# fmt: off
STREETS = (
    "Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Sunset", "Highland",
    "Meadow", "Willow", "Ridge", "Church", "Mill", "River", "Spring", "Chestnut", "Walnut", "Jefferson",
    "Franklin", "Lincoln", "Madison", "Birch", "Juniper", "Magnolia",
)
# fmt: on
STREET_SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place")
CITIES = (
    ("Springfield", "IL", "627"),
    ("Portland", "OR", "972"),
    ("Austin", "TX", "787"),
    ("Denver", "CO", "802"),
    ("Columbus", "OH", "432"),
    ("Madison", "WI", "537"),
    ("Raleigh", "NC", "276"),
    ("Sacramento", "CA", "958"),
    ("Boise", "ID", "837"),
    ("Albany", "NY", "122"),
    ("Tucson", "AZ", "857"),
    ("Richmond", "VA", "232"),
    ("Omaha", "NE", "681"),
    ("Spokane", "WA", "992"),
    ("Savannah", "GA", "314"),
    ("Burlington", "VT", "054"),
    ("Fresno", "CA", "937"),
    ("Lexington", "KY", "405"),
)
AREA_CODES = ("212", "312", "415", "617", "206", "303", "512", "404", "503", "614", "702", "919", "801")
EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "example.com", "proton.me", "icloud.com")
COMPANIES = (
    "Northwind Traders",
    "Contoso Ltd",
    "Globex Corporation",
    "Initech Supplies",
    "Acme Office Goods",
    "Blue Harbor Insurance",
    "Summit Health Clinic",
    "Riverside Dental Care",
    "Brightline Bank",
    "Pioneer Utilities",
    "Fabrikam Furniture",
    "Tailspin Travel",
)
PRODUCTS = (
    ("Wireless Mouse", 24.99),
    ("USB-C Charging Cable 2m", 12.50),
    ("Ergonomic Office Chair", 219.00),
    ("27-inch Monitor", 189.90),
    ("Printer Paper A4 (500 sheets)", 6.75),
    ("Coffee Beans 1kg", 18.40),
    ("Bluetooth Speaker", 45.00),
    ("Desk Lamp LED", 32.95),
    ("Ruled Notebook", 3.20),
    ("Heavy Duty Stapler", 14.10),
    ("Laptop Stand Aluminium", 39.99),
    ("Mechanical Keyboard", 89.00),
    ("Whiteboard Markers (4 pack)", 5.60),
    ("Annual Software Licence", 120.00),
    ("Consulting services, March", 850.00),
)
GROCERIES = (
    ("BANANAS 1.2KG", 1.44),
    ("WHOLE MILK 2L", 2.19),
    ("SOURDOUGH LOAF", 3.50),
    ("FREE RANGE EGGS 12", 4.25),
    ("CHEDDAR 400G", 3.99),
    ("APPLES GALA", 2.80),
    ("OLIVE OIL 500ML", 6.49),
    ("PASTA PENNE 1KG", 1.89),
    ("TOMATOES VINE", 2.35),
    ("GREEK YOGURT", 2.60),
    ("COFFEE FILTER", 1.99),
    ("DISH SOAP", 2.45),
    ("ORANGE JUICE 1L", 2.99),
    ("RICE BASMATI 2KG", 4.79),
)
BOILERPLATE = (
    "We are writing to confirm the recent changes to your account.",
    "This letter contains important information about your policy, so please keep it safe.",
    "If you have any questions, please do not hesitate to contact our customer service team.",
    "Our records show that the following details are currently held for you.",
    "Please check them carefully and tell us within thirty days if anything is wrong.",
    "The new terms take effect from the start of the next billing period.",
    "There is nothing else you need to do at this stage.",
    "Thank you for being a valued customer of ours for many years.",
    "We review these details every year to make sure they are still correct.",
    "You can read the full terms and conditions on our website or ask for a printed copy.",
)
CHAT_FILLER = (
    "Hey, are we still on for lunch tomorrow?",
    "Sounds good to me",
    "The wifi at the office is down again",
    "Meeting moved to 3pm, same room",
    "Can you review the slides before Friday?",
    "lol yes",
    "I will be there in ten minutes",
    "Did you see the new budget numbers?",
    "Thanks, that helps a lot",
    "Ok, talk later",
    "The build is green again",
    "Who is bringing the cake on Thursday?",
)
EMAIL_SUBJECTS = (
    "Quarterly report draft",
    "Your order has shipped",
    "Re: Team offsite agenda",
    "Invoice for March",
    "Password reset request",
    "Weekly newsletter",
    "Re: Contract renewal",
    "Lunch on Friday?",
    "Updated travel itinerary",
    "Welcome to the team",
    "Security alert",
    "Re: Apartment viewing",
)
MERCHANTS = (
    "Coffee House",
    "City Grocers",
    "Metro Transit",
    "Online Bookstore",
    "Fuel Station",
    "Streaming Plus",
    "Hardware Depot",
    "Pharmacy",
)
# fmt: off
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)
# fmt: on
BTC_KNOWN = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# ----------------------------------------------------------------- PII generation


def luhn_check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for index, value in enumerate(reversed(digits)):
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_with_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


def iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def nhs_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = sum(d * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return len(digits) == 10 and check != 10 and check == digits[9]


def base58check(version: bytes, payload: bytes) -> str:
    data = version + payload
    data += hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4]
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


class Fake:
    """Seeded fake PII, every checksum valid."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def first(self) -> str:
        return self.rng.choice(FIRST_NAMES)

    def last(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def person(self) -> tuple[str, str]:
        return self.first(), self.last()

    def street(self) -> str:
        return f"{self.rng.randint(2, 9899)} {self.rng.choice(STREETS)} {self.rng.choice(STREET_SUFFIXES)}"

    def city_line(self) -> str:
        city, state, zip3 = self.rng.choice(CITIES)
        return f"{city}, {state} {zip3}{self.rng.randint(0, 99):02d}"

    def email(self, first: str | None = None, last: str | None = None) -> str:
        first = (first or self.first()).lower()
        last = (last or self.last()).lower().replace("'", "")
        local = self.rng.choice(
            (f"{first}.{last}", f"{first[0]}{last}", f"{first}{last[0]}{self.rng.randint(1, 99)}")
        )
        return f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"

    def phone(self) -> str:
        area = self.rng.choice(AREA_CODES)
        if self.rng.random() < 0.5:
            exchange, line = "555", f"01{self.rng.randint(0, 99):02d}"
        else:
            exchange, line = str(self.rng.randint(201, 989)), f"{self.rng.randint(0, 9999):04d}"
            if exchange.endswith("11"):
                exchange = "472"
        return self.rng.choice(
            (
                f"({area}) {exchange}-{line}",
                f"{area}-{exchange}-{line}",
                f"{area}.{exchange}.{line}",
                f"+1 {area} {exchange} {line}",
                f"+44 20 7946 0{self.rng.randint(0, 999):03d}",
            )
        )

    def credit_card(self) -> str:
        kind = self.rng.choice(("visa", "visa", "mastercard", "amex", "discover"))
        prefix, length = {
            "visa": ("4", 16),
            "mastercard": (str(self.rng.randint(51, 55)), 16),
            "amex": (self.rng.choice(("34", "37")), 15),
            "discover": ("6011", 16),
        }[kind]
        body = prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
        number = body + luhn_check_digit(body)
        assert luhn_valid(number)
        style = self.rng.choice(("space", "space", "dash", "plain"))
        if kind == "amex":
            groups = [number[:4], number[4:10], number[10:]]
        else:
            groups = [number[i : i + 4] for i in range(0, 16, 4)]
        return {"space": " ".join(groups), "dash": "-".join(groups), "plain": number}[style]

    def iban(self) -> str:
        country = self.rng.choice(("GB", "GB", "DE", "NL", "FR"))
        digits = lambda n: "".join(str(self.rng.randint(0, 9)) for _ in range(n))  # noqa: E731
        if country == "GB":
            bban = self.rng.choice(("NWBK", "BARC", "LOYD", "HBUK", "MIDL")) + digits(14)
        elif country == "DE":
            bban = digits(18)
        elif country == "NL":
            bban = self.rng.choice(("ABNA", "INGB", "RABO")) + digits(10)
        else:
            bban = digits(23)
        iban = iban_with_check(country, bban)
        assert iban_valid(iban)
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))

    def nhs(self) -> str:
        while True:
            digits = [self.rng.randint(0, 9) for _ in range(9)]
            check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
            check = 0 if check == 11 else check
            if check != 10:
                number = "".join(map(str, digits)) + str(check)
                assert nhs_valid(number)
                return f"{number[:3]} {number[3:6]} {number[6:]}"

    def ssn(self) -> str:
        while True:
            area = self.rng.randint(1, 899)
            group, serial = self.rng.randint(1, 99), self.rng.randint(1, 9999)
            text = f"{area:03d}-{group:02d}-{serial:04d}"
            digits = text.replace("-", "")
            banned = ("078-05-1120", "219-09-9999", "123-45-6789")
            if area != 666 and text not in banned and len(set(digits)) > 2:
                return text if self.rng.random() < 0.85 else text.replace("-", " ")

    def url(self, first: str | None = None, last: str | None = None) -> str:
        first = (first or self.first()).lower()
        last = (last or self.last()).lower().replace("'", "")
        return self.rng.choice(
            (
                f"https://www.linkedin.com/in/{first}-{last}-{self.rng.randint(100, 999)}",
                f"https://github.com/{first[0]}{last}",
                f"www.{first}{last}.dev",
                f"https://{last}photography.com/portfolio",
                f"http://myblog.net/{first}{last[0]}",
            )
        )

    def ip(self) -> str:
        return self.rng.choice(
            (
                f"203.0.113.{self.rng.randint(1, 254)}",
                f"198.51.100.{self.rng.randint(1, 254)}",
                f"192.168.{self.rng.randint(0, 20)}.{self.rng.randint(2, 254)}",
                f"10.{self.rng.randint(0, 99)}.{self.rng.randint(0, 99)}.{self.rng.randint(2, 254)}",
                f"2001:db8:{self.rng.randint(4096, 65535):x}::{self.rng.randint(1, 65535):x}",
            )
        )

    def dob(self) -> str:
        year, month, day = self.rng.randint(1942, 2004), self.rng.randint(1, 12), self.rng.randint(1, 28)
        return self.rng.choice(
            (
                f"{month:02d}/{day:02d}/{year}",
                f"{day:02d}/{month:02d}/{year}",
                f"{year}-{month:02d}-{day:02d}",
                f"{day} {MONTHS[month - 1]} {year}",
                f"{MONTHS[month - 1][:3]} {day}, {year}",
            )
        )

    def age(self) -> str:
        return str(self.rng.randint(19, 88))

    def crypto(self) -> str:
        if self.rng.random() < 0.4:
            return BTC_KNOWN
        version = b"\x00" if self.rng.random() < 0.7 else b"\x05"
        return base58check(version, self.rng.randbytes(20))

    def licence(self) -> str:
        return f"{self.rng.choice('ABDFGHKNSTWY')}{self.rng.randint(1000000, 9999999)}"

    def plain_date(self) -> str:
        year, month, day = self.rng.randint(2022, 2025), self.rng.randint(1, 12), self.rng.randint(1, 28)
        return self.rng.choice((f"{day} {MONTHS[month - 1]} {year}", f"{year}-{month:02d}-{day:02d}"))

    def date(self) -> Seg:
        """A calendar date with a day: PII (DATE_TIME), as the product contract and the real labels say."""
        return pii("DATE_TIME", self.plain_date())

    def time(self) -> str:
        return f"{self.rng.randint(1, 12)}:{self.rng.randint(0, 59):02d} {self.rng.choice(('AM', 'PM'))}"


# ------------------------------------------------------------------- drawing


@dataclass
class Seg:
    """A run of text: non-PII (kind None), PII of entity ``kind``, or OPTIONAL."""

    text: str
    kind: str | None = None
    eid: int | None = None


Segs = Sequence["Seg | str"]


def pii(kind: str, text: str, eid: int | None = None) -> Seg:
    return Seg(text, kind, eid)


def opt(text: str) -> Seg:
    return Seg(text, OPTIONAL)


@lru_cache(maxsize=256)
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[name]
        if path.exists():
            return ImageFont.truetype(str(path), size)
    raise FileNotFoundError(f"font {FONT_FILES[name]} missing: install fonts-dejavu-core fonts-liberation")


@lru_cache(maxsize=65536)
def ink_offset(text: str, name: str, size: int) -> tuple[int, int, int, int]:
    """The tight box of the pixels a word inks when drawn at (0, 0)."""
    face = font(name, size)
    left, top, right, bottom = (
        int(v) for v in ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=face)
    )
    mask = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(mask).text((2 - left, 2 - top), text, font=face, fill=255)
    ink = mask.getbbox()
    if ink is None:
        raise ValueError(f"nothing inked for {text!r}")
    return (left - 2 + ink[0], top - 2 + ink[1], left - 2 + ink[2], top - 2 + ink[3])


@dataclass
class Word:
    text: str
    box: tuple[int, int, int, int]
    entity: str | None
    eid: int | None
    optional: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "box": list(self.box),
            "entity": self.entity,
            "eid": self.eid,
            "optional": self.optional,
        }


@dataclass
class Page:
    doc: Doc
    image: Image.Image
    words: list[Word] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    def rect(
        self, box: Sequence[float], fill: Any = None, outline: Any = None, radius: int = 0, width: int = 1
    ) -> None:
        coords = [round(v) for v in box]
        if radius:
            self.draw.rounded_rectangle(coords, radius=radius, fill=fill, outline=outline, width=width)
        else:
            self.draw.rectangle(coords, fill=fill, outline=outline, width=width)

    def line(self, points: Sequence[float], fill: Any, width: int = 1) -> None:
        self.draw.line([round(v) for v in points], fill=fill, width=width)

    def _tokens(self, segs: Segs) -> list[tuple[str, str | None, int | None]]:
        out = []
        for raw in segs:
            seg = Seg(raw) if isinstance(raw, str) else raw
            eid = seg.eid
            if seg.kind not in (None, OPTIONAL) and eid is None:
                eid = self.doc.new_eid()
            out.extend((word, seg.kind, eid) for word in seg.text.split())
        return out

    def measure(self, segs: Segs, name: str, size: int) -> float:
        face = font(name, size)
        words = [w for w, _, _ in self._tokens([Seg(s) if isinstance(s, str) else Seg(s.text) for s in segs])]
        if not words:
            return 0.0
        return sum(face.getlength(w) for w in words) + face.getlength(" ") * (len(words) - 1)

    def _word(
        self,
        x: float,
        y: float,
        text: str,
        kind: str | None,
        eid: int | None,
        name: str,
        size: int,
        fill: Any,
    ) -> None:
        ix, iy = round(x), round(y)
        self.draw.text((ix, iy), text, font=font(name, size), fill=fill)
        dx0, dy0, dx1, dy1 = ink_offset(text, name, size)
        box = (max(0, ix + dx0), max(0, iy + dy0), min(self.width, ix + dx1), min(self.height, iy + dy1))
        if box[2] > box[0] and box[3] > box[1]:
            entity = None if kind in (None, OPTIONAL) else kind
            self.words.append(Word(text, box, entity, eid, kind == OPTIONAL))

    def text(
        self, x: float, y: float, segs: Segs, name: str, size: int, fill: Any = (0, 0, 0), align: str = "left"
    ) -> float:
        """Draw a run of words on one line; returns the x where it ends."""
        if align != "left":
            width = self.measure(segs, name, size)
            x = x - width if align == "right" else x - width / 2
        face = font(name, size)
        space = face.getlength(" ")
        for word, kind, eid in self._tokens(segs):
            self._word(x, y, word, kind, eid, name, size, fill)
            x += face.getlength(word) + space
        return x - space

    def flow(
        self,
        x: float,
        y: float,
        width: float,
        segs: Segs,
        name: str,
        size: int,
        fill: Any = (0, 0, 0),
        leading: float = 1.45,
    ) -> float:
        """Draw words wrapped to ``width``; returns the y below the last line."""
        face = font(name, size)
        space = face.getlength(" ")
        cursor = x
        for word, kind, eid in self._tokens(segs):
            length = face.getlength(word)
            if cursor > x and cursor + length > x + width:
                cursor, y = x, y + size * leading
            self._word(cursor, y, word, kind, eid, name, size, fill)
            cursor += length + space
        return y + size * leading

    def wrap_lines(self, segs: Segs, name: str, size: int, width: float) -> int:
        """How many lines ``flow`` would take."""
        face = font(name, size)
        space = face.getlength(" ")
        lines, cursor = 1, 0.0
        for word, _, _ in self._tokens([Seg(s) if isinstance(s, str) else Seg(s.text) for s in segs]):
            length = face.getlength(word)
            if cursor > 0 and cursor + length > width:
                lines, cursor = lines + 1, 0.0
            cursor += length + space
        return lines


@dataclass
class Doc:
    name: str
    category: str
    rng: random.Random
    pages: list[Page] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    _eid: int = 0

    def new_eid(self) -> int:
        self._eid += 1
        return self._eid

    def page(self, size: tuple[int, int], background: Any = "white", mode: str = "RGB") -> Page:
        page = Page(self, Image.new(mode, size, background))
        self.pages.append(page)
        return page

    @property
    def fake(self) -> Fake:
        return Fake(self.rng)


# --------------------------------------------------------------- PII sentences

Sentence = Callable[[Fake, str, str], list["Seg | str"]]


def _pii_sentences() -> list[Sentence]:
    return [
        lambda f, fi, la: [
            "Our records list your date of birth as",
            pii("DATE_OF_BIRTH", f.dob()),
            "and your contact number as",
            pii("PHONE_NUMBER", f.phone() + "."),
        ],
        lambda f, fi, la: ["Your replacement card", pii("CREDIT_CARD", f.credit_card()), "is now active."],
        lambda f, fi, la: [
            "Refunds will be paid to account",
            pii("IBAN_CODE", f.iban()),
            "within thirty days.",
        ],
        lambda f, fi, la: [
            "Your NHS number is",
            pii("UK_NHS", f.nhs()),
            "and your GP practice is unchanged.",
        ],
        lambda f, fi, la: [
            "We hold Social Security number",
            pii("US_SSN", f.ssn()),
            "on file for tax purposes.",
        ],
        lambda f, fi, la: ["You may also write to", pii("EMAIL_ADDRESS", f.email(fi, la)), "at any time."],
        lambda f, fi, la: [
            "We noticed a sign-in from IP address",
            pii("IP_ADDRESS", f.ip()),
            "last Tuesday.",
        ],
        lambda f, fi, la: [
            "The policyholder,",
            pii("PERSON", f"{f.first()} {f.last()},"),
            "aged",
            pii("AGE", f.age() + ","),
            "is covered from next month.",
        ],
        lambda f, fi, la: [
            "Payments may also be sent to bitcoin address",
            pii("CRYPTO", f.crypto()),
            "if you prefer.",
        ],
        lambda f, fi, la: [
            "Your public profile",
            pii("URL", f.url(fi, la)),
            "will be linked to the account.",
        ],
        lambda f, fi, la: [
            "Your previous address,",
            pii("ADDRESS", f"{f.street()}, {f.city_line()},"),
            "has been removed.",
        ],
    ]


PII_SENTENCES = _pii_sentences()


# --------------------------------------------------------------------- categories


def doc_geometry(dpi: int, letter: bool) -> tuple[int, int]:
    inches = (8.5, 11.0) if letter else (8.27, 11.69)
    return round(inches[0] * dpi), round(inches[1] * dpi)


def pt(dpi: int, points: float) -> int:
    return max(8, round(points * dpi / 72))


def gen_letter(doc: Doc, dpi: int) -> None:
    rng, f = doc.rng, doc.fake
    page = doc.page(doc_geometry(dpi, rng.random() < 0.5))
    body, bold = rng.choice(
        (("serif", "serif-bold"), ("lserif", "lserif-bold"), ("sans", "sans-bold"), ("lsans", "lsans-bold"))
    )
    size = pt(dpi, rng.choice((10.5, 11, 12)))
    margin = dpi
    width = page.width - 2 * margin
    y = dpi * 0.6
    company = rng.choice(COMPANIES)
    page.text(margin, y, [company], bold, pt(dpi, 18), fill=(20, 40, 90))
    y += pt(dpi, 18) * 1.5
    small = pt(dpi, 8.5)
    grey = (90, 90, 90)
    page.text(margin, y, [opt(f"{f.street()}, {f.city_line()}")], body, small, fill=grey)
    y += small * 1.4
    page.text(
        margin,
        y,
        ["Tel", opt(f.phone()), "·", opt(f"www.{company.split()[0].lower()}.com")],
        body,
        small,
        fill=grey,
    )
    y += small * 2
    page.line((margin, y, page.width - margin, y), fill=(20, 40, 90), width=max(1, dpi // 100))
    y += size * 2
    page.text(page.width - margin, y, [f.date()], body, size, align="right")
    first, last = f.person()
    page.text(margin, y, [pii("PERSON", f"{first} {last}")], body, size)
    y += size * 1.4
    address = doc.new_eid()
    page.text(margin, y, [pii("ADDRESS", f.street(), address)], body, size)
    y += size * 1.4
    page.text(margin, y, [pii("ADDRESS", f.city_line(), address)], body, size)
    y += size * 3
    page.text(margin, y, [f"Our reference: ACC-{rng.randint(100000, 999999)}"], body, size)
    y += size * 2.2
    page.text(margin, y, ["Dear", rng.choice(("Ms.", "Mr.", "Dr.")), pii("PERSON", f"{last},")], body, size)
    y += size * 2.2
    sentences = rng.sample(PII_SENTENCES, k=rng.randint(3, 5))
    paragraphs: list[list[Seg | str]] = [
        rng.sample(BOILERPLATE, k=2),
        [part for s in sentences[:2] for part in s(f, first, last)],
        [rng.choice(BOILERPLATE)] + [part for s in sentences[2:] for part in s(f, first, last)],
        [rng.choice(BOILERPLATE)],
    ]
    for paragraph in paragraphs:
        y = page.flow(margin, y, width, paragraph, body, size) + size * 0.8
    page.text(margin, y, [rng.choice(("Yours sincerely,", "Kind regards,", "Yours faithfully,"))], body, size)
    y += size * 3.5
    page.text(margin, y, [pii("PERSON", " ".join(f.person()))], body, size)
    y += size * 1.4
    page.text(
        margin,
        y,
        [rng.choice(("Customer Service Manager", "Head of Accounts", "Claims Officer"))],
        body,
        size,
    )
    footer = page.height - dpi * 0.7
    page.text(
        margin,
        footer,
        [f"{company} is registered in England, company number 0{rng.randint(1000000, 9999999)}."],
        body,
        small,
        fill=grey,
    )


def _field(
    page: Page,
    x: float,
    y: float,
    w: float,
    label: str,
    value: Segs,
    label_font: str,
    value_font: str,
    size: int,
) -> None:
    label_size = max(10, int(size * 0.7))
    page.text(x, y, [label], label_font, label_size, fill=(80, 80, 110))
    top = y + label_size * 1.5
    page.rect((x, top, x + w, top + size * 1.9), outline=(120, 120, 140), width=max(1, size // 18))
    page.text(x + size * 0.4, top + size * 0.4, value, value_font, size, fill=(10, 10, 60))


def gen_form(doc: Doc, dpi: int, pages: int = 1) -> None:
    rng, f = doc.rng, doc.fake
    label_font, value_font = rng.choice(
        (("sans", "mono"), ("lsans", "lsans"), ("sans", "sans"), ("lsans", "lmono"))
    )
    size = pt(dpi, 10.5)
    title = rng.choice(
        ("Patient Registration Form", "Employment Application", "Account Opening Form", "Tenancy Application")
    )
    first, last = f.person()
    for number in range(pages):
        page = doc.page(doc_geometry(dpi, True))
        margin = dpi * 0.8
        width = page.width - 2 * margin
        col = (width - size) / 2
        y = dpi * 0.6
        page.rect((0, 0, page.width, dpi * 0.45), fill=(30, 70, 120))
        page.text(margin, dpi * 0.12, [rng.choice(COMPANIES)], "sans-bold", pt(dpi, 12), fill="white")
        page.text(margin, y, [title if number == 0 else f"{title} (continued)"], "sans-bold", pt(dpi, 16))
        y += pt(dpi, 16) * 1.6
        page.text(
            margin,
            y,
            ["Please complete all sections in block capitals. Fields marked * are required."],
            label_font,
            int(size * 0.8),
            fill=(90, 90, 90),
        )
        y += size * 2.4
        step = size * 4.4
        if number == 0:
            person = doc.new_eid()
            address = doc.new_eid()
            city, state, zip3 = rng.choice(CITIES)
            rows: list[list[tuple[str, Segs]]] = [
                [
                    ("Surname *", [pii("PERSON", last, person)]),
                    ("First name(s) *", [pii("PERSON", first, person)]),
                ],
                [("Date of birth *", [pii("DATE_OF_BIRTH", f.dob())]), ("Age", [pii("AGE", f.age())])],
                [("Home address *", [pii("ADDRESS", f.street(), address)])],
                [
                    ("City", [pii("ADDRESS", city, address)]),
                    ("State / ZIP", [pii("ADDRESS", f"{state} {zip3}{rng.randint(0, 99):02d}", address)]),
                ],
                [
                    ("Phone", [pii("PHONE_NUMBER", f.phone())]),
                    ("Email", [pii("EMAIL_ADDRESS", f.email(first, last))]),
                ],
                [
                    ("Social Security number", [pii("US_SSN", f.ssn())]),
                    ("NHS number (if any)", [pii("UK_NHS", f.nhs())]),
                ],
                [
                    ("Emergency contact", [pii("PERSON", " ".join(f.person()))]),
                    ("Contact phone", [pii("PHONE_NUMBER", f.phone())]),
                ],
                [
                    (
                        "Occupation",
                        [rng.choice(("Teacher", "Nurse", "Software engineer", "Accountant", "Retired"))],
                    ),
                    ("Date of application", [f.date()]),
                ],
            ]
        else:
            rows = [
                [("Card number for deposits", [pii("CREDIT_CARD", f.credit_card())])],
                [("Bank account (IBAN)", [pii("IBAN_CODE", f.iban())])],
                [("Previous address", [pii("ADDRESS", f"{f.street()}, {f.city_line()}")])],
                [
                    ("Referee name", [pii("PERSON", " ".join(f.person()))]),
                    ("Referee email", [pii("EMAIL_ADDRESS", f.email())]),
                ],
                [
                    ("Personal website", [pii("URL", f.url(first, last))]),
                    ("Preferred contact time", ["Weekday mornings"]),
                ],
            ]
        for row in rows:
            w = width if len(row) == 1 else col
            for index, (label, value) in enumerate(row):
                _field(page, margin + index * (col + size), y, w, label, value, label_font, value_font, size)
            y += step
        y += size
        page.text(margin, y, ["Declaration"], "sans-bold", int(size * 1.1))
        y += size * 1.8
        y = page.flow(
            margin,
            y,
            width,
            [
                "I confirm that the information given on this form is correct and complete.",
                "I understand that giving false information may lead to my application being refused.",
                "Your data is processed in line with our privacy notice, available on request.",
            ],
            label_font,
            int(size * 0.85),
            fill=(40, 40, 40),
        )
        y += size
        page.text(margin, y, ["[x] I agree to the terms and conditions"], label_font, int(size * 0.9))
        if number == 0:
            y += size * 2.5
            page.text(margin, y, ["Signed:"], label_font, size)
            page.text(
                margin + size * 6,
                y - size * 0.3,
                [pii("PERSON", f"{first} {last}")],
                "lserif-italic",
                int(size * 1.4),
                fill=(20, 30, 120),
            )
        page.text(
            margin,
            page.height - dpi * 0.6,
            [f"Form {rng.choice('ABCHR')}-{rng.randint(10, 99)} rev. 2023 · page {number + 1} of {pages}"],
            label_font,
            int(size * 0.75),
            fill=(110, 110, 110),
        )


def gen_invoice(doc: Doc, dpi: int) -> None:
    rng, f = doc.rng, doc.fake
    page = doc.page(doc_geometry(dpi, rng.random() < 0.5))
    regular, bold = rng.choice((("sans", "sans-bold"), ("lsans", "lsans-bold")))
    size = pt(dpi, 10)
    margin = dpi * 0.75
    right = page.width - margin
    accent = rng.choice(((200, 60, 40), (30, 90, 160), (40, 120, 80)))
    company = rng.choice(COMPANIES)
    y = dpi * 0.6
    page.text(margin, y, [company], bold, pt(dpi, 16), fill=accent)
    page.text(right, y, ["INVOICE"], bold, pt(dpi, 22), fill=accent, align="right")
    y += pt(dpi, 16) * 1.6
    page.text(margin, y, [opt(f.street())], regular, size, fill=(80, 80, 80))
    page.text(
        right,
        y,
        [f"Invoice no. INV-{rng.randint(2022, 2025)}-{rng.randint(1, 9999):04d}"],
        regular,
        size,
        align="right",
    )
    y += size * 1.4
    page.text(margin, y, [opt(f.city_line())], regular, size, fill=(80, 80, 80))
    page.text(right, y, ["Date:", f.date()], regular, size, align="right")
    y += size * 1.4
    page.text(margin, y, ["Tel", opt(f.phone())], regular, size, fill=(80, 80, 80))
    page.text(right, y, ["Terms: net thirty days"], regular, size, align="right")
    y += size * 3
    page.text(margin, y, ["Bill to"], bold, size, fill=accent)
    y += size * 1.5
    first, last = f.person()
    address = doc.new_eid()
    for segs in (
        [pii("PERSON", f"{first} {last}")],
        [pii("ADDRESS", f.street(), address)],
        [pii("ADDRESS", f.city_line(), address)],
        [pii("EMAIL_ADDRESS", f.email(first, last))],
        [pii("PHONE_NUMBER", f.phone())],
    ):
        page.text(margin, y, segs, regular, size)
        y += size * 1.4
    y += size * 2
    columns = (margin, right - size * 19, right - size * 11, right)
    page.rect((margin - size * 0.4, y - size * 0.4, right + size * 0.4, y + size * 1.6), fill=accent)
    page.text(columns[0], y, ["Description"], bold, size, fill="white")
    page.text(columns[1], y, ["Qty"], bold, size, fill="white", align="right")
    page.text(columns[2], y, ["Unit price"], bold, size, fill="white", align="right")
    page.text(columns[3], y, ["Amount"], bold, size, fill="white", align="right")
    y += size * 2.4
    subtotal = 0.0
    for name, price in rng.sample(PRODUCTS, k=rng.randint(3, 7)):
        qty = rng.randint(1, 5)
        subtotal += qty * price
        page.text(columns[0], y, [name], regular, size)
        page.text(columns[1], y, [str(qty)], regular, size, align="right")
        page.text(columns[2], y, [f"{price:,.2f}"], regular, size, align="right")
        page.text(columns[3], y, [f"{qty * price:,.2f}"], regular, size, align="right")
        y += size * 1.3
        page.line((margin, y, right, y), fill=(210, 210, 210))
        y += size * 0.5
    y += size
    tax = subtotal * 0.2
    for label, amount in (("Subtotal", subtotal), ("VAT 20%", tax), ("Total due", subtotal + tax)):
        page.text(columns[2], y, [label], bold if label == "Total due" else regular, size, align="right")
        page.text(
            columns[3],
            y,
            [f"USD {amount:,.2f}"],
            bold if label == "Total due" else regular,
            size,
            align="right",
        )
        y += size * 1.5
    y += size * 2
    page.text(margin, y, ["Payment details"], bold, size, fill=accent)
    y += size * 1.6
    page.text(margin, y, ["Card on file:", pii("CREDIT_CARD", f.credit_card())], regular, size)
    y += size * 1.5
    page.text(margin, y, ["Refund account (IBAN):", pii("IBAN_CODE", f.iban())], regular, size)
    y += size * 3
    y = page.flow(
        margin,
        y,
        right - margin,
        [
            "Payment is due within thirty days of the invoice date.",
            "Please quote the invoice number with your payment.",
            "Late payments may incur interest at 2% per month.",
        ],
        regular,
        int(size * 0.85),
        fill=(70, 70, 70),
    )
    page.text(margin, y + size, ["Thank you for your business!"], bold, size, fill=accent)


def gen_receipt(doc: Doc, photo: bool = False) -> None:
    rng, f = doc.rng, doc.fake
    width = 576
    items = rng.sample(GROCERIES, k=rng.randint(4, 9))
    size = rng.choice((20, 21, 22))
    name = rng.choice(("mono", "lmono"))
    height = int(size * (31 + len(items) * 1.35))
    if photo:
        page = doc.page((width + 420, height + 300), (96, 82, 70))
        gradient = np.linspace(0.8, 1.15, page.width)[None, :, None]
        base = np.asarray(page.image, dtype=np.float32) * gradient
        page.image.paste(Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)))
        ox, oy = 210, 150
        page.rect((ox, oy, ox + width, oy + height), fill=(246, 244, 236))
    else:
        page = doc.page((width, height), (255, 255, 255))
        ox, oy = 0, 0
    ink = (30, 30, 30)
    cx = ox + width / 2
    y = oy + size * 1.5
    store = rng.choice(("FRESH MART", "CORNER GROCER", "GREENLEAF FOODS", "VALUE MARKET"))
    page.text(cx, y, [store], "mono-bold", int(size * 1.4), fill=ink, align="center")
    y += size * 2.2
    page.text(cx, y, [opt(f.street())], name, size, fill=ink, align="center")
    y += size * 1.3
    page.text(cx, y, [opt(f.city_line())], name, size, fill=ink, align="center")
    y += size * 1.3
    page.text(cx, y, ["Tel", opt(f.phone())], name, size, fill=ink, align="center")
    y += size * 2
    left, right = ox + size, ox + width - size
    page.text(left, y, [pii("DATE_TIME", f"{f.plain_date()} {f.time()}")], name, size, fill=ink)
    y += size * 1.3
    page.text(left, y, ["Cashier:", pii("PERSON", f.first())], name, size, fill=ink)
    page.text(right, y, [f"Till {rng.randint(1, 12)}"], name, size, fill=ink, align="right")
    y += size * 1.8
    total = 0.0
    for item, price in items:
        total += price
        page.text(left, y, [item], name, size, fill=ink)
        page.text(right, y, [f"{price:.2f}"], name, size, fill=ink, align="right")
        y += size * 1.35
    y += size * 0.6
    for label, amount in (("SUBTOTAL", total), ("TAX", total * 0.08), ("TOTAL", total * 1.08)):
        page.text(left, y, [label], name, size, fill=ink)
        page.text(right, y, [f"{amount:.2f}"], name, size, fill=ink, align="right")
        y += size * 1.35
    y += size * 0.6
    page.text(left, y, [f"VISA ************{rng.randint(1000, 9999)}"], name, size, fill=ink)
    y += size * 1.8
    first, last = f.person()
    page.text(left, y, ["Member:", pii("PERSON", f"{first} {last}")], name, size, fill=ink)
    y += size * 1.35
    page.text(left, y, ["Phone:", pii("PHONE_NUMBER", f.phone())], name, size, fill=ink)
    y += size * 1.35
    page.text(left, y, ["Receipt sent to:"], name, size, fill=ink)
    y += size * 1.35
    page.text(left, y, [pii("EMAIL_ADDRESS", f.email(first, last))], name, size, fill=ink)
    y += size * 1.8
    page.text(cx, y, ["Returns accepted within"], name, size, fill=ink, align="center")
    y += size * 1.3
    page.text(cx, y, ["fourteen days with receipt."], name, size, fill=ink, align="center")
    y += size * 1.3
    page.text(cx, y, ["THANK YOU FOR SHOPPING"], name, size, fill=ink, align="center")


def gen_id_card(doc: Doc, dpi: int, transparent: bool = False) -> None:
    rng, f = doc.rng, doc.fake
    w, h = round(3.37 * dpi), round(2.125 * dpi)
    variant = rng.choice(("licence", "nhs", "badge"))
    tint = rng.choice(((225, 235, 245), (240, 232, 215), (226, 240, 228)))
    band = rng.choice(((30, 60, 120), (150, 30, 40), (20, 100, 70)))
    if transparent:
        page = doc.page((w, h), (0, 0, 0, 0), mode="RGBA")
        page.rect((0, 0, w - 1, h - 1), fill=(*tint, 255), radius=int(dpi * 0.12))
    else:
        page = doc.page((w, h), tint)
    s = dpi / 300
    page.rect((0, 0, w, 95 * s), fill=band if not transparent else (*band, 255))
    if transparent:
        # keep the rounded top corners transparent
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=int(dpi * 0.12), fill=255)
        page.image.putalpha(mask)
    label, value = ("sans-bold", "lsans") if rng.random() < 0.5 else ("lsans-bold", "sans")
    title = {"licence": "DRIVER LICENSE", "nhs": "NHS HEALTH CARD", "badge": "STAFF IDENTITY CARD"}[variant]
    issuer = {
        "licence": rng.choice(("CALIFORNIA", "OREGON", "TEXAS")),
        "nhs": "National Health Service",
        "badge": rng.choice(COMPANIES),
    }[variant]
    page.text(30 * s, 14 * s, [issuer], label, int(30 * s), fill="white")
    page.text(30 * s, 54 * s, [title], label, int(26 * s), fill=(230, 230, 230))
    photo = Image.new("RGB", (round(220 * s), round(295 * s)), (175, 180, 190))
    sketch = ImageDraw.Draw(photo)
    sketch.ellipse([round(55 * s), round(40 * s), round(165 * s), round(160 * s)], fill=(120, 125, 135))
    sketch.ellipse([round(15 * s), round(175 * s), round(205 * s), round(345 * s)], fill=(120, 125, 135))
    page.image.paste(photo, (round(30 * s), round(125 * s)))
    x = 290 * s
    y = 125 * s
    lab, val = int(19 * s), int(30 * s)
    red = (170, 30, 40)
    first, last = f.person()
    person = doc.new_eid()

    def row(caption: str, segs: Segs, dx: float = 0) -> None:
        page.text(x + dx, y, [caption], label, lab, fill=red)
        page.text(x + dx, y + lab * 1.25, segs, value, val, fill=(15, 15, 15))

    if variant == "licence":
        row("DL", [pii("US_DRIVER_LICENSE", f.licence())])
        expiry = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(2026, 2031)}"
        row("EXP", [pii("DATE_TIME", expiry)], 330 * s)
        y += 75 * s
        row("LN", [pii("PERSON", last.upper(), person)])
        y += 65 * s
        row("FN", [pii("PERSON", first.upper(), person)])
        y += 70 * s
        address = doc.new_eid()
        page.text(x, y, [pii("ADDRESS", f.street().upper(), address)], value, int(25 * s))
        page.text(x, y + 32 * s, [pii("ADDRESS", f.city_line().upper(), address)], value, int(25 * s))
        y += 80 * s
        row("DOB", [pii("DATE_OF_BIRTH", f.dob())])
        row("SEX", [rng.choice("FM")], 330 * s)
        row("HGT", [f"{rng.randint(5, 6)}'-{rng.randint(0, 11):02d}\""], 440 * s)
    elif variant == "nhs":
        row("NAME", [pii("PERSON", f"{first} {last}", person)])
        y += 80 * s
        row("NHS NUMBER", [pii("UK_NHS", f.nhs())])
        y += 80 * s
        row("DATE OF BIRTH", [pii("DATE_OF_BIRTH", f.dob())])
        y += 80 * s
        row(
            "GP PRACTICE",
            [rng.choice(("Riverside Surgery", "Park Lane Medical Centre", "Hillview Practice"))],
        )
    else:
        row("NAME", [pii("PERSON", f"{first} {last}", person)])
        y += 80 * s
        row("EMAIL", [pii("EMAIL_ADDRESS", f.email(first, last))])
        y += 80 * s
        row("PHONE", [pii("PHONE_NUMBER", f.phone())])
        y += 80 * s
        row("DEPARTMENT", [rng.choice(("Finance", "Engineering", "Facilities", "Sales"))])
        row("STAFF NO.", [f"E{rng.randint(10000, 99999)}"], 330 * s)
    page.text(
        30 * s,
        h - 70 * s,
        [pii("PERSON", f"{first} {last}")],
        "lserif-italic",
        int(38 * s),
        fill=(20, 30, 110),
    )


# Screenshots ---------------------------------------------------------------------


def chat_messages(f: Fake, rng: random.Random, count: int) -> list[tuple[bool, list[Seg | str]]]:
    first, last = f.person()
    pii_msgs: list[Callable[[], list[Seg | str]]] = [
        lambda: ["Sure! My new number is", pii("PHONE_NUMBER", f.phone())],
        lambda: ["Can you send the invoice to", pii("EMAIL_ADDRESS", f.email(first, last)), "please"],
        lambda: ["I'm at", pii("ADDRESS", f"{f.street()}, {f.city_line()}"), "now"],
        lambda: ["card for the booking is", pii("CREDIT_CARD", f.credit_card()), "exp 09/27"],
        lambda: ["my SSN is", pii("US_SSN", f.ssn()), "for the form"],
        lambda: ["the server is on", pii("IP_ADDRESS", f.ip()), "again"],
        lambda: ["send the btc to", pii("CRYPTO", f.crypto())],
        lambda: ["Happy birthday", pii("PERSON", f"{f.first()}!")],
        lambda: ["IBAN for the rent is", pii("IBAN_CODE", f.iban())],
        lambda: ["DOB is", pii("DATE_OF_BIRTH", f.dob()), "if they ask"],
        lambda: ["my portfolio is at", pii("URL", f.url(first, last))],
        lambda: ["she turns", pii("AGE", f.age()), "next week"],
        lambda: ["ask", pii("PERSON", " ".join(f.person())), "about the keys"],
        lambda: ["NHS no.", pii("UK_NHS", f.nhs()), "for the appointment"],
    ]
    picked = rng.sample(pii_msgs, k=min(len(pii_msgs), max(2, count * 2 // 3)))
    out: list[tuple[bool, list[Seg | str]]] = []
    for index in range(count):
        if index % 3 == 1 or not picked:
            out.append((rng.random() < 0.5, [rng.choice(CHAT_FILLER)]))
        else:
            out.append((rng.random() < 0.5, picked.pop()()))
    return out


def gen_chat_mobile(doc: Doc, frames: int = 1) -> None:
    rng, f = doc.rng, doc.fake
    dark = rng.random() < 0.5
    size = rng.choice((15, 16, 17))
    bg, fg = ((0, 0, 0), (240, 240, 240)) if dark else ((255, 255, 255), (20, 20, 20))
    incoming = (38, 38, 41) if dark else (233, 233, 235)
    outgoing = rng.choice(((10, 132, 255), (52, 199, 89), (88, 86, 214)))
    grey = (142, 142, 147)
    contact = f.person()
    total = rng.randint(7, 9)
    messages = chat_messages(f, rng, total)
    stamps = [f.time() for _ in range(total)]
    contact_eid = doc.new_eid()
    shown = [total - 2 * (frames - 1 - k) for k in range(frames)] if frames > 1 else [total]
    fonts = [rng.choice(("sans", "lsans")) for _ in messages]
    for count in shown:
        page = doc.page((390, 844), bg)
        page.text(24, 14, ["9:41"], "sans-bold", 15, fill=fg)
        page.text(366, 14, ["5G 84%"], "sans", 13, fill=fg, align="right")
        page.rect((0, 44, 390, 104), fill=(28, 28, 30) if dark else (246, 246, 246))
        page.text(
            195,
            58,
            [pii("PERSON", f"{contact[0]} {contact[1]}", contact_eid)],
            "sans-bold",
            17,
            fill=fg,
            align="center",
        )
        page.text(195, 82, ["online"], "sans", 13, fill=grey, align="center")
        y = 120.0
        for index, (mine, segs) in enumerate(messages[:count]):
            if index % 3 == 0:
                page.text(
                    195, y, ["Today", stamps[index]], "sans", 12 + (size > 15), fill=grey, align="center"
                )
                y += 26
            name = fonts[index]
            lines = page.wrap_lines(segs, name, size, 240)
            text_w = min(240, page.measure(segs, name, size)) if lines == 1 else 240
            bubble_h = lines * size * 1.35 + 16
            if y + bubble_h > 830:
                break
            x0 = 390 - 16 - text_w - 24 if mine else 16
            page.rect((x0, y, x0 + text_w + 24, y + bubble_h), fill=outgoing if mine else incoming, radius=16)
            page.flow(x0 + 12, y + 8, 240, segs, name, size, fill="white" if mine else fg, leading=1.35)
            y += bubble_h + 10


def gen_chat_desktop(doc: Doc) -> None:
    rng, f = doc.rng, doc.fake
    theme = rng.choice(("slack", "discord"))
    size = rng.choice((14, 15, 16))
    if theme == "slack":
        page = doc.page((1280, 800), (255, 255, 255))
        side, side_fg, fg, grey = (63, 14, 64), (220, 205, 220), (29, 28, 29), (97, 96, 97)
    else:
        page = doc.page((1280, 800), (49, 51, 56))
        side, side_fg, fg, grey = (43, 45, 49), (148, 155, 164), (219, 222, 225), (148, 155, 164)
    page.rect((0, 0, 260, 800), fill=side)
    page.text(20, 18, [rng.choice(COMPANIES)], "sans-bold", 17, fill="white")
    y = 70
    for channel in ("# general", "# random", "# design", "# support"):
        page.text(24, y, [channel], "sans", size, fill=side_fg)
        y += 30
    y += 20
    page.text(20, y, ["Direct messages"], "sans-bold", 13, fill=side_fg)
    y += 30
    people = [f.person() for _ in range(4)]
    for first, last in people:
        page.text(24, y, [pii("PERSON", f"{first} {last}")], "sans", size, fill=side_fg)
        y += 30
    page.text(290, 18, ["# general"], "sans-bold", 18, fill=fg)
    page.text(290, 44, ["Company-wide announcements and work-based matters"], "sans", 13, fill=grey)
    page.line((260, 72, 1280, 72), fill=(221, 221, 221) if theme == "slack" else (63, 65, 71))
    y = 92
    for mine, segs in chat_messages(f, rng, rng.randint(7, 10)):
        first, last = people[0] if mine else rng.choice(people[1:])
        if y > 740:
            break
        page.rect(
            (290, y, 326, y + 36),
            fill=(rng.randint(60, 200), rng.randint(60, 200), rng.randint(60, 200)),
            radius=6,
        )
        end = page.text(
            340,
            y,
            [pii("PERSON", f"{first} {last}")],
            "sans-bold",
            size,
            fill=fg if theme == "slack" else (242, 63, 66),
        )
        page.text(end + 10, y + 2, [f.time()], "sans", 12, fill=grey)
        y = page.flow(
            340,
            y + size * 1.5,
            880,
            segs,
            "lsans" if theme == "slack" else "sans",
            size,
            fill=fg,
            leading=1.4,
        )
        y += 14


def gen_email_inbox(doc: Doc) -> None:
    rng, f = doc.rng, doc.fake
    dark = rng.random() < 0.35
    bg, fg, grey = (
        ((32, 33, 36), (232, 234, 237), (154, 160, 166))
        if dark
        else ((255, 255, 255), (32, 33, 36), (95, 99, 104))
    )
    page = doc.page(rng.choice(((1280, 800), (1440, 900))), bg)
    size = rng.choice((13, 14))
    body_font = rng.choice(("sans", "lsans"))
    page.rect((0, 0, page.width, 56), fill=(45, 46, 50) if dark else (242, 246, 252))
    page.text(20, 18, ["Mail"], "sans-bold", 18, fill=fg)
    page.rect((200, 10, 700, 46), fill=(60, 64, 67) if dark else (234, 241, 251), radius=18)
    page.text(230, 20, ["Search mail"], "sans", 15, fill=grey)
    y = 80
    for item in ("Inbox 24", "Starred", "Snoozed", "Sent", "Drafts 3", "Spam"):
        page.text(24, y, [item], "sans-bold" if item.startswith("Inbox") else "sans", size, fill=fg)
        y += 32
    list_x, list_w = 190, 560
    reading_x = list_x + list_w + 20
    y = 70
    selected = rng.randint(1, 4)
    rows = rng.randint(9, 12)
    snippets: list[Callable[[], list[Seg | str]]] = [
        lambda: ["- Please call me back on", pii("PHONE_NUMBER", f.phone())],
        lambda: ["- The parcel goes to", pii("ADDRESS", f"{f.street()}, {f.city_line()}")],
        lambda: ["- Your reset code was requested from", pii("IP_ADDRESS", f.ip())],
        lambda: ["- Agenda attached, see you there"],
        lambda: ["- Here is the summary you asked for"],
        lambda: ["- Reply to", pii("EMAIL_ADDRESS", f.email()), "with questions"],
        lambda: ["- Thanks again for the quick turnaround"],
        lambda: ["- Card", pii("CREDIT_CARD", f.credit_card()), "was charged"],
    ]
    for index in range(rows):
        row_h = 52
        if index == selected:
            page.rect((list_x, y, list_x + list_w, y + row_h), fill=(26, 115, 232))
        color = "white" if index == selected else fg
        sub_color = (220, 230, 255) if index == selected else grey
        unread = rng.random() < 0.4
        page.text(
            list_x + 12,
            y + 8,
            [pii("PERSON", " ".join(f.person()))],
            "sans-bold" if unread else "sans",
            size,
            fill=color,
        )
        page.text(
            list_x + list_w - 12,
            y + 8,
            [
                f.time()
                if index < 4
                else pii("DATE_TIME", f"{MONTHS[rng.randint(0, 11)][:3]} {rng.randint(1, 28)}")
            ],
            "sans",
            12,
            fill=sub_color,
            align="right",
        )
        segs = [rng.choice(EMAIL_SUBJECTS), *rng.choice(snippets)()]
        if page.measure(segs, body_font, size - 1) > list_w - 24:
            segs = [rng.choice(EMAIL_SUBJECTS)]
        page.text(list_x + 12, y + 29, segs, body_font, size - 1, fill=sub_color)
        y += row_h
        page.line((list_x, y, list_x + list_w, y), fill=(60, 64, 67) if dark else (230, 230, 230))
    first, last = f.person()
    y = 80
    page.text(reading_x, y, [rng.choice(EMAIL_SUBJECTS)], "sans-bold", 20, fill=fg)
    y += 40
    page.text(
        reading_x,
        y,
        [pii("PERSON", f"{first} {last}"), pii("EMAIL_ADDRESS", f"<{f.email(first, last)}>")],
        "sans",
        size + 1,
        fill=fg,
    )
    y += 24
    page.text(reading_x, y, ["to me ·", f.time()], "sans", 12, fill=grey)
    y += 40
    width = page.width - reading_x - 30
    sentences = rng.sample(PII_SENTENCES, k=3)
    for paragraph in (
        ["Hi,"],
        [rng.choice(BOILERPLATE), *sentences[0](f, first, last)],
        [*sentences[1](f, first, last), rng.choice(BOILERPLATE)],
        [*sentences[2](f, first, last)],
        ["Best,"],
    ):
        y = page.flow(reading_x, y, width, paragraph, body_font, size + 1, fill=fg) + 10
    page.text(reading_x, y, [pii("PERSON", f"{first} {last}")], body_font, size + 1, fill=fg)
    y += 22
    page.text(reading_x, y, ["Mobile:", pii("PHONE_NUMBER", f.phone())], body_font, size, fill=grey)


def gen_app(doc: Doc) -> None:
    rng = doc.rng
    rng.choice((gen_app_bank, gen_app_profile, gen_app_admin))(doc)


def gen_app_bank(doc: Doc) -> None:
    rng, f = doc.rng, doc.fake
    dark = rng.random() < 0.5
    bg, fg, grey = (
        ((18, 18, 24), (240, 240, 245), (140, 140, 150))
        if dark
        else ((245, 246, 250), (20, 20, 30), (120, 120, 130))
    )
    page = doc.page((390, 844), bg)
    first, last = f.person()
    page.text(24, 14, ["9:41"], "sans-bold", 15, fill=fg)
    page.text(24, 60, ["Good morning,", pii("PERSON", first + "!")], "sans-bold", 20, fill=fg)
    card_color = rng.choice(((40, 80, 200), (20, 20, 20), (140, 40, 120)))
    page.rect((24, 110, 366, 320), fill=card_color, radius=18)
    page.text(44, 130, ["Brightline Bank"], "sans-bold", 16, fill="white")
    page.text(44, 210, [pii("CREDIT_CARD", f.credit_card())], "mono", 18, fill="white")
    page.text(44, 262, [pii("PERSON", f"{first} {last}".upper())], "sans", 14, fill=(230, 230, 240))
    page.text(346, 262, ["VALID THRU 09/27"], "sans", 12, fill=(230, 230, 240), align="right")
    page.text(24, 344, ["Current account"], "sans", 14, fill=grey)
    page.text(24, 366, [pii("IBAN_CODE", f.iban())], "sans", 15, fill=fg)
    page.text(24, 400, ["Balance"], "sans", 14, fill=grey)
    page.text(24, 420, [f"$ {rng.randint(100, 9999):,}.{rng.randint(0, 99):02d}"], "sans-bold", 26, fill=fg)
    page.text(24, 480, ["Recent transactions"], "sans-bold", 16, fill=fg)
    y = 516
    for merchant in rng.sample(MERCHANTS, k=5):
        page.text(24, y, [merchant], "sans", 15, fill=fg)
        page.text(
            366, y, [f"-{rng.randint(2, 120)}.{rng.randint(0, 99):02d}"], "sans", 15, fill=fg, align="right"
        )
        page.text(24, y + 22, [f.date()], "sans", 13, fill=grey)
        y += 56
    page.text(24, y + 6, ["Transfer to", pii("PERSON", " ".join(f.person()))], "sans", 15, fill=fg)


def gen_app_profile(doc: Doc) -> None:
    rng, f = doc.rng, doc.fake
    dark = rng.random() < 0.5
    bg, panel, fg, grey = (
        ((24, 26, 31), (34, 37, 43), (230, 232, 236), (150, 155, 165))
        if dark
        else ((243, 244, 246), (255, 255, 255), (17, 24, 39), (107, 114, 128))
    )
    page = doc.page((1280, 800), bg)
    accent = rng.choice(((79, 70, 229), (5, 150, 105), (220, 38, 38)))
    page.rect((0, 0, 1280, 60), fill=accent)
    page.text(30, 19, [rng.choice(COMPANIES)], "sans-bold", 18, fill="white")
    page.text(1250, 21, ["Settings", "·", "Help", "·", "Sign out"], "sans", 14, fill="white", align="right")
    page.rect((240, 90, 1040, 780), fill=panel, radius=10)
    page.text(280, 115, ["Your profile"], "sans-bold", 22, fill=fg)
    page.text(
        280, 150, ["This information is visible to administrators of your workspace."], "sans", 14, fill=grey
    )
    first, last = f.person()
    address = doc.new_eid()
    rows: list[tuple[str, Segs]] = [
        ("Full name", [pii("PERSON", f"{first} {last}")]),
        ("Email", [pii("EMAIL_ADDRESS", f.email(first, last))]),
        ("Phone", [pii("PHONE_NUMBER", f.phone())]),
        ("Street address", [pii("ADDRESS", f.street(), address)]),
        ("City / State / ZIP", [pii("ADDRESS", f.city_line(), address)]),
        ("Date of birth", [pii("DATE_OF_BIRTH", f.dob())]),
        ("Last sign-in from", [pii("IP_ADDRESS", f.ip())]),
        ("Payout wallet", [pii("CRYPTO", f.crypto())]),
        ("Website", [pii("URL", f.url(first, last))]),
        ("Plan", ["Business, billed annually"]),
    ]
    y = 190
    size = rng.choice((14, 15, 16))
    for label, value in rows:
        page.text(280, y + 10, [label], "sans", 14, fill=grey)
        page.rect(
            (480, y, 1000, y + 38), outline=(70, 74, 82) if dark else (209, 213, 219), fill=bg, radius=6
        )
        page.text(494, y + 10, value, rng.choice(("sans", "lsans")), size, fill=fg)
        y += 52
    page.rect((480, y + 10, 620, y + 48), fill=accent, radius=6)
    page.text(550, y + 20, ["Save changes"], "sans-bold", 14, fill="white", align="center")


def gen_app_admin(doc: Doc) -> None:
    rng, f = doc.rng, doc.fake
    dark = rng.random() < 0.5
    bg, fg, grey, line = (
        ((17, 24, 39), (229, 231, 235), (156, 163, 175), (55, 65, 81))
        if dark
        else ((255, 255, 255), (31, 41, 55), (107, 114, 128), (229, 231, 235))
    )
    page = doc.page((1440, 900), bg)
    page.rect((0, 0, 220, 900), fill=(31, 41, 55) if dark else (249, 250, 251))
    page.text(24, 24, ["Admin console"], "sans-bold", 18, fill=fg)
    y = 80
    for item in ("Dashboard", "Users", "Billing", "Audit log", "Settings"):
        page.text(30, y, [item], "sans", 15, fill=fg if item != "Users" else (59, 130, 246))
        y += 36
    page.text(260, 30, ["Users"], "sans-bold", 24, fill=fg)
    users = rng.randint(40, 400)
    page.text(260, 66, [f"{users} active users · exported", f.date()], "sans", 14, fill=grey)
    columns = (260, 470, 790, 980, 1180, 1320)
    y = 120
    for x, head in zip(columns, ("Name", "Email", "IP address", "Last seen", "Plan", "Status"), strict=True):
        page.text(x, y, [head], "sans-bold", 13, fill=grey)
    y += 34
    size = rng.choice((13, 14, 15))
    for _ in range(rng.randint(10, 14)):
        first, last = f.person()
        page.line((260, y - 10, 1410, y - 10), fill=line)
        page.text(columns[0], y, [pii("PERSON", f"{first} {last}")], "sans", size, fill=fg)
        page.text(columns[1], y, [pii("EMAIL_ADDRESS", f.email(first, last))], "sans", size, fill=fg)
        page.text(columns[2], y, [pii("IP_ADDRESS", f.ip())], "mono", size, fill=fg)
        page.text(
            columns[3],
            y,
            [rng.choice(("2 hours ago", "yesterday", "3 days ago", "just now"))],
            "sans",
            size,
            fill=grey,
        )
        page.text(columns[4], y, [rng.choice(("Free", "Pro", "Team", "Enterprise"))], "sans", size, fill=fg)
        active = rng.random() < 0.8
        page.rect(
            (columns[5] - 6, y - 4, columns[5] + 70, y + size + 6),
            fill=(22, 163, 74) if active else (107, 114, 128),
            radius=10,
        )
        page.text(
            columns[5] + 32, y, ["Active" if active else "Invited"], "sans", 12, fill="white", align="center"
        )
        y += 46


# Degraded scans ------------------------------------------------------------------


def rotate_box(
    box: Sequence[int], angle: float, size: tuple[int, int], new_size: tuple[int, int]
) -> tuple[float, ...]:
    """Where Pillow's ``rotate(angle, expand=True)`` puts a box: the bounds of its rotated corners."""
    w, h = size
    cx, cy = w / 2, h / 2
    ox, oy = (new_size[0] - w) / 2, (new_size[1] - h) / 2
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    xs, ys = [], []
    left, top, right, bottom = box
    for x, y in ((left, top), (right, top), (right, bottom), (left, bottom)):
        xs.append(cx + (x - cx) * cos + (y - cy) * sin + ox)
        ys.append(cy - (x - cx) * sin + (y - cy) * cos + oy)
    return min(xs), min(ys), max(xs), max(ys)


def degrade(
    doc: Doc, np_rng: np.random.Generator, grey: bool, angle: float, blur: float, scale: float, noise: float
) -> None:
    for page in doc.pages:
        image = page.image.convert("L" if grey else "RGB")
        size = image.size
        image = image.rotate(
            angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255 if grey else (255, 255, 255)
        )
        boxes = [rotate_box(w.box, angle, size, image.size) for w in page.words]
        image = image.filter(ImageFilter.GaussianBlur(blur))
        small = (max(8, round(image.width * scale)), max(8, round(image.height * scale)))
        sx, sy = small[0] / image.width, small[1] / image.height
        image = image.resize(small, Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.float32)
        pixels = pixels + np_rng.normal(0.0, noise, pixels.shape)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), image.mode)
        for word, (x0, y0, x1, y1) in zip(page.words, boxes, strict=True):
            word.box = (
                max(0, math.floor(x0 * sx)),
                max(0, math.floor(y0 * sy)),
                min(image.width, math.ceil(x1 * sx)),
                min(image.height, math.ceil(y1 * sy)),
            )
        page.image = image


# ------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Spec:
    category: str
    index: int
    fmt: str  # JPEG PNG TIFF BMP WEBP GIF
    features: tuple[str, ...] = ()


FORMAT_CYCLES = {
    "letters": ("JPEG", "PNG", "TIFF", "JPEG", "BMP", "WEBP", "PNG"),
    "forms": ("TIFF", "PNG", "JPEG", "BMP", "PNG", "TIFF", "WEBP"),
    "invoices": ("JPEG", "PNG", "JPEG", "WEBP", "TIFF", "BMP", "PNG"),
    "receipts": ("JPEG", "JPEG", "PNG", "BMP", "GIF", "WEBP", "JPEG"),
    "id-cards": ("PNG", "JPEG", "PNG", "WEBP", "JPEG", "TIFF"),
    "chat": ("GIF", "PNG", "PNG", "WEBP", "JPEG", "PNG", "GIF"),
    "email-inbox": ("PNG", "WEBP", "PNG", "JPEG", "BMP", "PNG"),
    "app": ("PNG", "GIF", "PNG", "WEBP", "JPEG", "PNG"),
    "degraded-scans": ("JPEG", "JPEG", "TIFF", "JPEG", "PNG", "JPEG", "JPEG"),
}
SPECIAL = {
    ("forms", 0): ("multipage",),
    ("forms", 1): ("gps",),
    ("invoices", 0): ("cmyk",),
    ("receipts", 0): ("exif-rotated", "gps"),
    ("id-cards", 0): ("alpha",),
    ("id-cards", 1): ("gps",),
    ("chat", 0): ("animated",),
    ("chat", 3): ("gps",),
    ("degraded-scans", 2): ("bilevel",),
}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "TIFF": "tiff", "BMP": "bmp", "WEBP": "webp", "GIF": "gif"}


def plan(count: int) -> list[Spec]:
    total = sum(WEIGHTS)
    shares = [count * w / total for w in WEIGHTS]
    per = [math.floor(s) for s in shares]
    for index in sorted(range(len(per)), key=lambda i: per[i] - shares[i])[: count - sum(per)]:
        per[index] += 1
    specs = []
    for category, n in zip(CATEGORIES, per, strict=True):
        cycle = FORMAT_CYCLES[category]
        specs.extend(
            Spec(category, i, cycle[i % len(cycle)], SPECIAL.get((category, i), ())) for i in range(n)
        )
    return specs


def build(spec: Spec, seed: int) -> Doc:
    rng = random.Random(f"{seed}:{spec.category}:{spec.index}")
    doc = Doc(name="", category=spec.category, rng=rng, features=list(spec.features))
    dpi = (150, 200, 200, 300, 150, 200)[spec.index % 6]
    if spec.category == "letters":
        gen_letter(doc, dpi)
    elif spec.category == "forms":
        gen_form(doc, min(dpi, 200), pages=2 if "multipage" in spec.features else 1)
    elif spec.category == "invoices":
        gen_invoice(doc, dpi)
    elif spec.category == "receipts":
        gen_receipt(doc, photo="exif-rotated" in spec.features)
    elif spec.category == "id-cards":
        gen_id_card(doc, (300, 200, 300, 250, 300, 200)[spec.index % 6], transparent="alpha" in spec.features)
    elif spec.category == "chat":
        if "animated" in spec.features:
            gen_chat_mobile(doc, frames=3)
        elif spec.index % 2:
            gen_chat_mobile(doc)
        else:
            gen_chat_desktop(doc)
    elif spec.category == "email-inbox":
        gen_email_inbox(doc)
    elif spec.category == "app":
        gen_app(doc)
    else:
        base = rng.choice((gen_letter, gen_form, gen_invoice))
        base(doc, 200)  # type: ignore[operator]
        np_rng = np.random.default_rng(seed * 1000 + spec.index)
        angle = rng.uniform(0.8, 3.0) * rng.choice((-1, 1))
        params = {
            "grey": spec.fmt != "PNG" or rng.random() < 0.5,
            "angle": round(angle, 2),
            "blur": round(rng.uniform(0.5, 1.1), 2),
            "scale": round(rng.uniform(0.55, 0.8), 2),
            "noise": round(rng.uniform(6, 14), 1),
        }
        degrade(doc, np_rng, **params)  # type: ignore[arg-type]
        doc.features.append("skew {angle}° blur {blur} scale {scale} noise {noise}".format(**params))
    return doc


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 12"
    exif[0x0132] = "2024:03:14 10:42:07"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "W"
    gps[2] = (IFDRational(37), IFDRational(46), IFDRational(2964, 100))
    gps[4] = (IFDRational(122), IFDRational(25), IFDRational(985, 100))
    return exif


def encode(doc: Doc, spec: Spec, rng: random.Random) -> tuple[bytes, dict[str, Any]]:
    """The file's bytes and the ground-truth facts about its encoding."""
    fmt = spec.fmt
    images = [p.image for p in doc.pages]
    params: dict[str, Any] = {}
    meta = {"exif": False, "gps": False}
    orientation = 1
    if "gps" in spec.features or "exif-rotated" in spec.features:
        orientation = 6 if "exif-rotated" in spec.features else 1
        params["exif"] = gps_exif(orientation if orientation != 1 else None)
        meta = {"exif": True, "gps": True}
    if orientation == 6:
        images = [im.transpose(Image.Transpose.ROTATE_90) for im in images]  # stored sideways
    if fmt == "JPEG":
        if "cmyk" in spec.features:
            images = [im.convert("CMYK") for im in images]
        params.update(quality=rng.randint(50, 70) if spec.category == "degraded-scans" else 90)
        images = [im.convert("RGB") if im.mode not in ("RGB", "L", "CMYK") else im for im in images]
    elif fmt == "GIF":
        images = [im.convert("RGB").quantize(colors=96, dither=Image.Dither.NONE) for im in images]
        if len(images) > 1:
            params.update(duration=[900, 900, 1600], loop=0)
    elif fmt == "WEBP":
        lossless = rng.random() < 0.4
        params.update(lossless=lossless, quality=100 if lossless else 90)
    elif fmt == "TIFF":
        if "bilevel" in spec.features:
            images = [im.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1") for im in images]
            params.update(compression="group4")
        else:
            params.update(compression="tiff_lzw")
    elif fmt == "BMP":
        images = [im.convert("RGB") if im.mode not in ("RGB", "L") else im for im in images]
    if fmt in ("JPEG", "PNG", "TIFF"):
        params["dpi"] = (200, 200)
    if len(images) > 1:
        params.update(save_all=True, append_images=images[1:])
    buffer = io.BytesIO()
    images[0].save(buffer, format=fmt, **params)
    return buffer.getvalue(), {"orientation": orientation, "metadata": meta}


def generate(out: Path, count: int, seed: int) -> list[dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    for stale in list(out.iterdir()):
        if stale.is_file():
            stale.unlink()
    manifest = []
    for number, spec in enumerate(plan(count)):
        doc = build(spec, seed)
        suffix = "".join(f"-{f}" for f in spec.features if " " not in f)
        doc.name = f"{number:03d}-{spec.category}{suffix}"
        file = f"{doc.name}.{EXTENSIONS[spec.fmt]}"
        data, facts = encode(doc, spec, random.Random(f"{seed}:encode:{number}"))
        (out / file).write_bytes(data)
        truth = {
            "name": doc.name,
            "file": file,
            "category": spec.category,
            "format": spec.fmt,
            "features": doc.features,
            **facts,
            "pages": [
                {"width": p.width, "height": p.height, "words": [w.to_dict() for w in p.words]}
                for p in doc.pages
            ],
        }
        (out / f"{doc.name}.json").write_text(json.dumps(truth, indent=1))
        manifest.append(truth)
    (out / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def summarize(manifest: Iterable[dict[str, Any]]) -> str:
    docs = list(manifest)
    words = [w for d in docs for p in d["pages"] for w in p["words"]]
    entities = {
        (d["name"], index, w["eid"])
        for d in docs
        for index, p in enumerate(d["pages"])
        for w in p["words"]
        if w["entity"]
    }
    formats = sorted({d["format"] for d in docs})
    return (
        f"{len(docs)} images, {sum(len(d['pages']) for d in docs)} pages, {len(words)} words, "
        f"{sum(1 for w in words if w['entity'])} PII words in {len(entities)} entities; "
        f"formats {', '.join(formats)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / ".corpus" / "images")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(summarize(generate(args.out, args.count, args.seed)))


if __name__ == "__main__":
    main()
