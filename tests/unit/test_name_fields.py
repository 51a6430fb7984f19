"""Names in the name fields of forms beyond English, and NER names with accents."""

from __future__ import annotations

import pytest

from image_anonymizer.detection import Detector


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _people(detector: Detector, text: str, language: str) -> list[str]:
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
    detector: Detector, text: str, language: str, names: list[str]
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
    detector: Detector, text: str, language: str, names: list[str]
) -> None:
    assert _people(detector, text, language) == names


def test_given_a_label_with_a_value_in_small_letters_then_it_is_no_name(detector: Detector) -> None:
    assert _people(detector, "Name: bitte ausfüllen\n", "de") == []


def test_given_a_french_ner_name_with_accents_and_the_next_label_then_the_name_is_kept(
    detector: Detector,
) -> None:
    text = "Formulaire d'inscription\n\nNom : Lefèvre Prénom : Chloé\n"
    assert _people(detector, text, "fr") == ["Lefèvre", "Chloé"]
