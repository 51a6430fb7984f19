"""Detection beyond English: names in name fields and after titles, NER names with
accents, dates with the month written in the language."""

from __future__ import annotations

import pytest

from image_anonymizer.core.detection import PresidioDetector


@pytest.fixture(scope="module")
def detector() -> PresidioDetector:
    return PresidioDetector()


def _people(detector: PresidioDetector, text: str, language: str) -> list[str]:
    return [text[d.start : d.end] for d in detector.detect(text, language) if d.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "language", "names"),
    [
        ("Name: Fischer Vorname: Felix\n", "de", ["Fischer", "Felix"]),
        ("Apellido: García Nombre: Lucía\n", "es", ["García", "Lucía"]),
        ("Cognome: Rossi Nome: Giulia\n", "it", ["Rossi", "Giulia"]),
        ("Achternaam: Jansen Voornaam: Daan\n", "nl", ["Jansen", "Daan"]),
        ("Nazwisko: Wiśniewski Imię: Paweł\n", "pl", ["Wiśniewski", "Paweł"]),
        ("NOME COMPLETO: JOÃO SILVA\n", "pt", ["JOÃO SILVA"]),
    ],
)
def test_given_a_form_line_of_name_fields_then_each_value_is_a_name(
    detector: PresidioDetector, text: str, language: str, names: list[str]
) -> None:
    assert _people(detector, text, language) == names


@pytest.mark.parametrize(
    ("text", "language", "names"),
    [
        ("Sehr geehrte Frau Müller,\nvielen Dank.\n", "de", ["Müller"]),
        ("Gentile signora Rossi,\nla ringraziamo.\n", "it", ["Rossi"]),
        ("Szanowna Pani Wiśniewska,\ndziękujemy.\n", "pl", ["Wiśniewska"]),
    ],
)
def test_given_a_letter_to_someone_by_title_then_the_name_after_it_is_a_name(
    detector: PresidioDetector, text: str, language: str, names: list[str]
) -> None:
    assert _people(detector, text, language) == names


def test_given_a_label_with_a_value_in_small_letters_then_it_is_no_name(detector: PresidioDetector) -> None:
    assert _people(detector, "Name: bitte ausfüllen\n", "de") == []


def test_given_a_french_ner_name_with_accents_and_the_next_label_then_the_name_is_kept(
    detector: PresidioDetector,
) -> None:
    text = "Formulaire d'inscription\n\nNom : Lefèvre Prénom : Chloé\n"
    assert _people(detector, text, "fr") == ["Lefèvre", "Chloé"]


@pytest.mark.parametrize(
    ("text", "language", "date"),
    [
        ("votre courrier du 12 mars 1987 et", "fr", "12 mars 1987"),
        ("Ihre Nachricht vom 3. Juli 1990.", "de", "3. Juli 1990"),
        ("su carta del 12 de marzo de 1987 y", "es", "12 de marzo de 1987"),
        ("la sua lettera del 4 luglio 1990 e", "it", "4 luglio 1990"),
        ("uw brief van 9 maart 2004.", "nl", "9 maart 2004"),
        ("carta de 7 de março de 2001", "pt", "7 de março de 2001"),
        ("list z dnia 5 października 1999.", "pl", "5 października 1999"),
    ],
)
def test_given_a_date_with_its_month_in_the_language_then_it_is_a_date(
    detector: PresidioDetector, text: str, language: str, date: str
) -> None:
    dates = [text[d.start : d.end] for d in detector.detect(text, language) if d.entity_type == "DATE_TIME"]
    assert dates == [date]


def test_given_a_day_number_that_is_no_day_then_it_is_no_date(detector: PresidioDetector) -> None:
    assert [d for d in detector.detect("Lieferung 45 Mai 2020", "de") if d.entity_type == "DATE_TIME"] == []


def _places(detector: PresidioDetector, text: str, language: str) -> list[str]:
    found = sorted((d.start, d.end) for d in detector.detect(text, language) if d.entity_type == "LOCATION")
    merged: list[list[int]] = []
    for start, end in found:  # overlapping findings cover as one
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


@pytest.mark.parametrize(
    ("text", "language", "places"),
    [
        ("Wohnhaft: Lindenallee 23, 04109 Leipzig\n", "de", ["Lindenallee 23, 04109 Leipzig"]),
        ("Wir schreiben an Kieler Straße 7b.\n", "de", ["Kieler Straße 7b"]),
        ("Domicile : 3 impasse des Acacias, 31000 Albi\n", "fr", ["3 impasse des Acacias, 31000 Albi"]),
        ("Domicilio: Calle de Alcalá 42, 46001 Valencia\n", "es", ["Calle de Alcalá 42, 46001 Valencia"]),
        ("Residenza: Viale Monza n. 8, 10121 Torino\n", "it", ["Viale Monza n. 8, 10121 Torino"]),
        ("Woonadres: Lindelaan 14, 5611 AZ Eindhoven\n", "nl", ["Lindelaan 14, 5611 AZ Eindhoven"]),
        ("Residência: Travessa do Carmo 9, 4700-123 Braga\n", "pt", ["Travessa do Carmo 9, 4700-123 Braga"]),
        ("Zamieszkały: ul. Półwiejska 11/2, 61-888 Poznań\n", "pl", ["ul. Półwiejska 11/2, 61-888 Poznań"]),
        ("Código postal y ciudad: 46001 Valencia\n", "es", ["46001 Valencia"]),
    ],
)
def test_given_an_address_in_the_countrys_form_then_it_is_a_location(
    detector: PresidioDetector, text: str, language: str, places: list[str]
) -> None:
    assert _places(detector, text, language) == places


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wir haben 25000 Euro überwiesen.\n", "de"),  # a number and a noun, no postcode line
        ("La rue Royale est fermée.\n", "fr"),  # a street with no house number
        ("Die Lieferung kommt in 3 Tagen.\n", "de"),
    ],
)
def test_given_a_street_word_or_a_number_without_an_address_then_no_location(
    detector: PresidioDetector, text: str, language: str
) -> None:
    assert _places(detector, text, language) == []


def test_given_a_language_without_street_data_then_location_is_not_claimed(
    detector: PresidioDetector,
) -> None:
    assert "LOCATION" in detector.supported_entities("de")
    assert "LOCATION" not in detector.supported_entities("sv"), "no NER and no street or postcode data"
