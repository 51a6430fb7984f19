"""Letters and forms in seven languages, read with ``language=auto``: `make bench`.

Renders its own pages (DejaVu Sans, which has every letter these languages need)
with local names, addresses, dates, phones, emails and identifiers at known pixels;
analyses each with ``language=auto`` and with its language named; reports, per
language, how often the language was detected and the share of each kind of PII
whose words all lie under a finding's box, then the time ``auto`` adds. Writes its
section into bench/RESULTS.md between markers (bench/run.py rewrites the rest), or
prints it with ``--print``.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH.parent / "layers" / "pipeline" / "python")]

from image_anonymizer.core.languages import ISO_TO_TESSERACT, installed_languages  # noqa: E402
from image_anonymizer.core.service import ImageAnonymizer, Options  # noqa: E402
from tests.rendering import Word, encode, render  # noqa: E402

sys.path.insert(0, str(BENCH))
from sections import write_section  # noqa: E402

START, END = "<!-- multilingual: bench/multilingual.py -->", "<!-- /multilingual -->"
KINDS = ("name", "address", "date", "phone", "email", "id")


@dataclass(frozen=True)
class Local:
    """What one language's pages are made of."""

    given: tuple[str, ...]
    surnames: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # postcode, city
    months: tuple[str, ...]
    phone: str  # a format: the country code, then 9 for a random digit
    iban_country: str
    iban_digits: int
    letter: tuple[str, ...]  # {name} {surname} {address} {date} {phone} {email} {id}
    form: tuple[str, ...]


LOCALES: dict[str, Local] = {
    "de": Local(
        ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie"),
        ("Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann"),
        ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße"),
        (("10115", "Berlin"), ("80331", "München"), ("50667", "Köln")),
        ("Januar", "März", "Juli", "Oktober"),
        "+49 30 9999999",
        "DE",
        18,
        (
            "Sehr geehrte Frau {surname},",
            "vielen Dank für Ihre Nachricht vom {date}. Wir haben Ihre Unterlagen erhalten.",
            "Ihre neue Anschrift {address} haben wir in unserem System gespeichert.",
            "Bei Fragen erreichen Sie uns unter {phone} oder per E-Mail an {email}.",
            "Bitte überweisen Sie den Betrag auf das Konto {id}.",
            "Mit freundlichen Grüßen",
        ),
        (
            "Anmeldeformular für neue Mitglieder",
            "Name: {surname} Vorname: {given}",
            "Anschrift: {address}",
            "Geburtsdatum: {date}",
            "Telefon: {phone}",
            "E-Mail: {email}",
            "IBAN: {id}",
        ),
    ),
    "fr": Local(
        ("Marie", "Camille", "Louis", "Chloé", "Hugo", "Léa"),
        ("Dupont", "Martin", "Bernard", "Lefèvre", "Moreau", "Girard"),
        ("rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire", "rue des Lilas"),
        (("75002", "Paris"), ("69003", "Lyon"), ("13001", "Marseille")),
        ("janvier", "mars", "juillet", "octobre"),
        "+33 1 99 99 99 99",
        "FR",
        23,
        (
            "Madame {surname},",
            "nous avons bien reçu votre courrier du {date} et nous vous en remercions.",
            "Votre nouvelle adresse, {address}, a été enregistrée dans notre système.",
            "Pour toute question, appelez le {phone} ou écrivez à {email}.",
            "Le remboursement sera versé sur le compte {id}.",
            "Veuillez agréer nos salutations distinguées.",
        ),
        (
            "Formulaire d'inscription",
            "Nom : {surname} Prénom : {given}",
            "Adresse : {address}",
            "Date de naissance : {date}",
            "Téléphone : {phone}",
            "Courriel : {email}",
            "IBAN : {id}",
        ),
    ),
    "es": Local(
        ("Lucía", "Carlos", "Sofía", "Javier", "Elena", "Pablo"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero"),
        ("Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Paseo del Prado"),
        (("28013", "Madrid"), ("08002", "Barcelona"), ("41001", "Sevilla")),
        ("enero", "marzo", "julio", "octubre"),
        "+34 699 999 999",
        "ES",
        20,
        (
            "Estimada señora {surname}:",
            "hemos recibido su carta del {date} y le agradecemos su confianza.",
            "Su nueva dirección, {address}, ya figura en nuestro sistema.",
            "Para cualquier consulta llame al {phone} o escriba a {email}.",
            "Su número de identificación fiscal es {id}.",
            "Reciba un cordial saludo.",
        ),
        (
            "Solicitud de alta de cliente",
            "Apellido: {surname} Nombre: {given}",
            "Dirección: {address}",
            "Fecha de nacimiento: {date}",
            "Teléfono: {phone}",
            "Correo: {email}",
            "NIF: {id}",
        ),
    ),
    "it": Local(
        ("Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"),
        ("Via Roma", "Corso Italia", "Via Garibaldi", "Piazza Dante"),
        (("00184", "Roma"), ("20121", "Milano"), ("80133", "Napoli")),
        ("gennaio", "marzo", "luglio", "ottobre"),
        "+39 06 9999 9999",
        "IT",
        23,
        (
            "Gentile signora {surname},",
            "abbiamo ricevuto la sua lettera del {date} e la ringraziamo.",
            "Il suo nuovo indirizzo, {address}, è stato registrato nel nostro sistema.",
            "Per qualsiasi domanda chiami il {phone} o scriva a {email}.",
            "Il rimborso sarà accreditato sul conto {id}.",
            "Cordiali saluti.",
        ),
        (
            "Modulo di iscrizione",
            "Cognome: {surname} Nome: {given}",
            "Indirizzo: {address}",
            "Data di nascita: {date}",
            "Telefono: {phone}",
            "Email: {email}",
            "IBAN: {id}",
        ),
    ),
    "nl": Local(
        ("Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie"),
        ("Jansen", "Visser", "Smit", "Bakker", "Mulder", "Bos"),
        ("Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsplein"),
        (("1012", "Amsterdam"), ("3011", "Rotterdam"), ("3511", "Utrecht")),
        ("januari", "maart", "juli", "oktober"),
        "+31 20 999 9999",
        "NL",
        14,
        (
            "Geachte mevrouw {surname},",
            "hartelijk dank voor uw brief van {date}. Wij hebben uw gegevens ontvangen.",
            "Uw nieuwe adres, {address}, is in ons systeem opgeslagen.",
            "Voor vragen belt u {phone} of mailt u naar {email}.",
            "Het bedrag wordt overgemaakt naar rekening {id}.",
            "Met vriendelijke groet,",
        ),
        (
            "Inschrijfformulier",
            "Achternaam: {surname} Voornaam: {given}",
            "Adres: {address}",
            "Geboortedatum: {date}",
            "Telefoon: {phone}",
            "E-mail: {email}",
            "IBAN: {id}",
        ),
    ),
    "pt": Local(
        ("João", "Maria", "Pedro", "Ana", "Tiago", "Beatriz"),
        ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa"),
        ("Rua Augusta", "Avenida da Liberdade", "Rua do Ouro", "Praça do Comércio"),
        (("1100-048", "Lisboa"), ("4000-322", "Porto"), ("3000-143", "Coimbra")),
        ("janeiro", "março", "julho", "outubro"),
        "+351 219 999 999",
        "PT",
        21,
        (
            "Exma. Senhora {surname},",
            "agradecemos a sua carta de {date}, que recebemos com os seus documentos.",
            "A sua nova morada, {address}, foi registada no nosso sistema.",
            "Para qualquer questão ligue para {phone} ou escreva para {email}.",
            "O reembolso será transferido para a conta {id}.",
            "Com os melhores cumprimentos,",
        ),
        (
            "Formulário de inscrição",
            "Apelido: {surname} Nome: {given}",
            "Morada: {address}",
            "Data de nascimento: {date}",
            "Telefone: {phone}",
            "Email: {email}",
            "IBAN: {id}",
        ),
    ),
    "pl": Local(
        ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł"),
        ("Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Zieliński"),
        ("ulica Długa", "ulica Marszałkowska", "aleja Róż", "ulica Polna"),
        (("00-950", "Warszawa"), ("30-001", "Kraków"), ("80-831", "Gdańsk")),
        ("stycznia", "marca", "lipca", "października"),
        "+48 22 999 99 99",
        "PL",
        24,
        (
            "Szanowna Pani {surname},",
            "dziękujemy za list z dnia {date}. Otrzymaliśmy wszystkie dokumenty.",
            "Pani nowy adres, {address}, został zapisany w naszym systemie.",
            "W razie pytań prosimy dzwonić pod numer {phone} lub pisać na {email}.",
            "Numer PESEL podany we wniosku to {id}.",
            "Z poważaniem,",
        ),
        (
            "Formularz zgłoszeniowy",
            "Nazwisko: {surname} Imię: {given}",
            "Adres: {address}",
            "Data urodzenia: {date}",
            "Telefon: {phone}",
            "E-mail: {email}",
            "PESEL: {id}",
        ),
    ),
}


# Letters the country's account number starts with (Italy's CIN, a Dutch bank's code).
_BBAN_LETTERS = {"IT": 1, "NL": 4}


def iban(country: str, digits: int, rng: random.Random) -> str:
    """A checksum-valid IBAN, printed in groups of four."""
    letters = _BBAN_LETTERS.get(country, 0)
    bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(letters)) + "".join(
        rng.choice("0123456789") for _ in range(digits - letters)
    )
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    raw = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def nif(rng: random.Random) -> str:
    number = rng.randrange(10_000_000, 99_999_999)
    return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


def pesel(rng: random.Random) -> str:
    year, month, day = rng.randrange(50, 99), rng.randrange(1, 13), rng.randrange(1, 29)
    digits = f"{year:02d}{month:02d}{day:02d}{rng.randrange(0, 10000):04d}"
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10) % 10
    return digits + str(check)


def local_phone(pattern: str, rng: random.Random) -> str:
    """A number in the country's format that its numbering plan assigns (a random
    draw is often unassigned, and a document's phone number is a real one)."""
    country, number = pattern.split(" ", 1)  # the country code's 9s (+49, +39) stay 9s
    for _ in range(1000):
        phone = country + " " + "".join(str(rng.randrange(10)) if c == "9" else c for c in number)
        if phonenumbers.is_valid_number(phonenumbers.parse(phone)):
            return phone
    raise ValueError(f"no assigned number in the format {pattern}")


def values(language: str, local: Local, rng: random.Random) -> dict[str, str]:
    given, surname = rng.choice(local.given), rng.choice(local.surnames)
    postcode, city = rng.choice(local.cities)
    day, year = rng.randrange(1, 29), rng.randrange(1950, 2005)
    written = rng.random() < 0.5
    day_of = f"{day}." if language == "de" else str(day)
    date = (
        f"{day_of} {rng.choice(local.months)} {year}"
        if written
        else f"{day:02d}/{rng.randrange(1, 13):02d}/{year}"
    )
    phone = local_phone(local.phone, rng)
    email = f"{_ascii(given)}.{_ascii(surname)}@example.{language if language != 'en' else 'com'}"
    ident = {"es": nif(rng), "pl": pesel(rng)}.get(language) or iban(
        local.iban_country, local.iban_digits, rng
    )
    return {
        "given": given,
        "surname": surname,
        "name": f"{given} {surname}",
        "address": f"{rng.choice(local.streets)} {rng.randrange(1, 120)}, {postcode} {city}",
        "date": date,
        "phone": phone,
        "email": email,
        "id": ident,
    }


def _ascii(text: str) -> str:
    """The letters of a name as an email's local part has them: "Wiśniewski" → "wisniewski"."""
    plain = unicodedata.normalize("NFKD", text.lower().replace("ł", "l").replace("ß", "ss"))
    return re.sub(r"[^a-z]", "", plain)


_KIND_OF = {"given": "name", "surname": "name", "name": "name", "address": "address", "date": "date"}


def page(
    template: tuple[str, ...], filled: dict[str, str]
) -> tuple[Any, list[Word], list[tuple[str, list[Word]]]]:
    """The page, its words, and each PII value's kind with its words."""
    lines: list[list[tuple[str, bool]]] = []
    spans: list[tuple[str, int, int]] = []  # kind, first word, end word (over all words)
    count = 0
    for line in template:
        tokens: list[tuple[str, bool]] = []
        for part in re.split(r"(\{\w+\})", line):
            key = part[1:-1] if part.startswith("{") else None
            words = (filled[key] if key else part).split()
            if key:
                spans.append((_KIND_OF.get(key, key), count + len(tokens), count + len(tokens) + len(words)))
            tokens += [(w, key is not None) for w in words]
        count += len(tokens)
        lines.append(tokens)
    image, rendered = render(lines, size=(1500, 80 + 56 * len(lines)), font_size=26)
    return image, rendered, [(kind, rendered[a:b]) for kind, a, b in spans]


def covered(word: Word, boxes: list[dict[str, int]]) -> bool:
    left, top, right, bottom = word.box
    x, y = (left + right) / 2, (top + bottom) / 2
    return any(b["x"] <= x <= b["x"] + b["width"] and b["y"] <= y <= b["y"] + b["height"] for b in boxes)


def measure(anonymizer: ImageAnonymizer, documents: int, seed: int) -> dict[str, Any]:
    installed = installed_languages(anonymizer.settings.tessdata_dir)
    rng = random.Random(seed)
    results: dict[str, Any] = {"languages": {}, "skipped": [], "timing": {}}
    for language, local in LOCALES.items():
        if ISO_TO_TESSERACT[language] not in installed:
            results["skipped"].append(language)
            continue
        row: dict[str, Any] = {"pages": 0, "detected": 0, "wrong": {}, "auto": {}, "named": {}}
        for index in range(documents):
            template = local.letter if index % 2 == 0 else local.form
            image, _, pii = page(template, values(language, local, rng))
            data = encode(image, "PNG")
            row["pages"] += 1
            for how, asked in (("auto", "auto"), ("named", language)):
                started = time.perf_counter()
                body = anonymizer.analyze(
                    data, Options.parse(language=asked, include_words="false")
                ).to_dict()
                results["timing"].setdefault(how, []).append(time.perf_counter() - started)
                if how == "auto":
                    detected = body["language_detection"]["detected"]
                    row["detected"] += detected == language
                    if detected != language:
                        row["wrong"][detected] = row["wrong"].get(detected, 0) + 1
                boxes = [b for e in body["entities"] for b in e["boxes"]]
                for kind, words in pii:
                    found, total = row[how].get(kind, (0, 0))
                    row[how][kind] = (found + all(covered(w, boxes) for w in words), total + 1)
        results["languages"][language] = row
    return results


def _pct(pair: tuple[int, int] | None) -> str:
    if not pair or not pair[1]:
        return "–"
    return f"{100 * pair[0] / pair[1]:.0f}% ({pair[0]}/{pair[1]})"


def report(results: dict[str, Any], documents: int, seed: int) -> str:
    lines = [
        START,
        "## Languages beyond English: letters and forms, `language=auto`",
        "",
        f"`python bench/multilingual.py` (in `make bench`): {documents} rendered pages per language "
        f"(letters and forms in turn, seed {seed}), local names, addresses, dates, phones, emails and "
        "identifiers (IBAN; NIF for es, PESEL for pl), default options, thorough OCR. A value counts as "
        "found when every one of its words has its centre under a finding's box.",
        "",
        "| language | detected | all entities | names | addresses | dates | phones | emails | ids "
        "| names, language named |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for language, row in results["languages"].items():
        wrong = ", ".join(f"{k} {v}" for k, v in sorted(row["wrong"].items()))
        detected = f"{row['detected']}/{row['pages']}" + (f" (else {wrong})" if wrong else "")
        pairs = [row["auto"][kind] for kind in KINDS if kind in row["auto"]]
        every = (sum(found for found, _ in pairs), sum(total for _, total in pairs))
        cells = [_pct(every), *(_pct(row["auto"].get(kind)) for kind in KINDS)]
        lines.append(
            f"| {language} | {detected} | " + " | ".join(cells) + f" | {_pct(row['named'].get('name'))} |"
        )
    timing = results["timing"]
    if timing:
        auto, named = statistics.median(timing["auto"]), statistics.median(timing["named"])
        lines += [
            "",
            f"Median time per page: {named * 1000:.0f} ms with the language named, "
            f"{auto * 1000:.0f} ms with `auto` (the OSD pass and the first OCR pass).",
        ]
    if results["skipped"]:
        lines += ["", "Skipped (Tesseract data not installed): " + ", ".join(results["skipped"]) + "."]
    lines += [
        "",
        "Names: spaCy NER for fr; elsewhere the name fields' labels and forms of address (a name in "
        "running text with neither is missed outside fr). Addresses: each country's street types and "
        "postcode format (`detection/data/street_types.txt`, `postcodes.txt`). "
        "Phones are drawn in each country's format among the numbers its numbering plan assigns.",
        END,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=6, help="pages per language (default 6)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--print", action="store_true", help="print the section instead of writing RESULTS.md"
    )
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    anonymizer = ImageAnonymizer()
    anonymizer.warm_up()
    section = report(measure(anonymizer, args.documents, args.seed), args.documents, args.seed)
    if args.print:
        print(section)
    else:
        write_section(section, args.report, START, END)
        print(section)


if __name__ == "__main__":
    main()
