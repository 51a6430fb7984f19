"""Every word read, and the languages beyond English: real Tesseract on rendered pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import ocr
from image_anonymizer.core.language_detection import LanguageDetector
from image_anonymizer.core.languages import TESSERACT_TO_ISO
from image_anonymizer.core.ocr.engines import TesserocrEngine
from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.errors import LanguageNotInstalled, UnsupportedEntityType
from tests.rendering import LETTER, Line, Word, assert_redacted, decode, encode, render, tokens


def _centre_inside(answer: dict[str, int], truth: Word) -> bool:
    left, top, right, bottom = truth.box
    x, y = answer["x"] + answer["width"] / 2, answer["y"] + answer["height"] / 2
    return left <= x <= right and top <= y <= bottom


def _iou(answer: dict[str, int], truth: Word) -> float:
    left, top, right, bottom = truth.box
    x0, y0 = max(left, answer["x"]), max(top, answer["y"])
    x1 = min(right, answer["x"] + answer["width"])
    y1 = min(bottom, answer["y"] + answer["height"])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = (right - left) * (bottom - top) + answer["width"] * answer["height"] - inter
    return inter / union


def test_given_analyze_then_every_rendered_word_is_listed_with_its_box(anonymizer: ImageAnonymizer) -> None:
    image, rendered = render(LETTER, size=(1200, 500))
    body = anonymizer.analyze(encode(image, "PNG"), Options.parse()).to_dict()
    words = body["words"]
    assert set(words[0]) == {"text", "bbox", "confidence", "language", "page"}
    assert all(0 <= w["confidence"] <= 100 and w["page"] == 0 and w["language"] == "eng" for w in words)
    matched = 0
    for truth in rendered:
        near = [w for w in words if _centre_inside(w["bbox"], truth)]
        assert near, f"no word read over rendered word {truth.text!r}"
        best = max(near, key=lambda w: _iou(w["bbox"], truth))
        assert _iou(best["bbox"], truth) > 0.5, truth.text
        matched += best["text"] == truth.text
    assert matched >= 0.9 * len(rendered)
    assert len(words) == sum(page["word_count"] for page in body["pages"])


def test_given_include_words_false_then_the_answer_has_no_words(anonymizer: ImageAnonymizer) -> None:
    image, _ = render(LETTER[:2], size=(1200, 200))
    body = anonymizer.analyze(encode(image, "PNG"), Options.parse(include_words="false")).to_dict()
    assert "words" not in body and body["pages"][0]["word_count"] > 0


def test_given_stored_findings_then_they_never_hold_the_words(anonymizer: ImageAnonymizer) -> None:
    image, _ = render(LETTER[:2], size=(1200, 200))
    analysis = anonymizer.analyze(encode(image, "PNG"), Options.parse())
    assert "words" in analysis.to_dict()
    assert "words" not in analysis.to_dict(with_text=False)
    assert "words" not in analysis.to_dict(with_text=True, with_words=False)


FRENCH_LETTER = [
    "Madame, nous avons bien reçu votre demande et nous vous en remercions.",
    "Votre dossier sera traité dans les meilleurs délais par notre service.",
    "Veuillez agréer, Madame, l'expression de nos salutations distinguées.",
]
GERMAN_LETTER = [
    "Sehr geehrte Damen und Herren, vielen Dank für Ihre freundliche Nachricht.",
    "Wir werden Ihren Antrag so schnell wie möglich bearbeiten und uns melden.",
    "Mit freundlichen Grüßen aus der Verwaltung",
]
SPANISH_LETTER = [
    "Estimada señora, hemos recibido su solicitud y le agradecemos su confianza.",
    "Su expediente será tramitado lo antes posible por nuestro departamento.",
    "Reciba un cordial saludo de todo el equipo de atención al cliente.",
]


ENGLISH_LETTER = [
    "Dear Sir, thank you for your letter of last month about the new account.",
    "We will answer your questions as soon as we can, and write again then.",
]


@pytest.mark.parametrize(
    ("letter", "iso", "tesseract"),
    [
        (FRENCH_LETTER, "fr", "fra"),
        (GERMAN_LETTER, "de", "deu"),
        (SPANISH_LETTER, "es", "spa"),
        (ENGLISH_LETTER, "en", "eng"),
    ],
)
def test_given_language_auto_then_the_letter_is_read_in_its_language(
    anonymizer: ImageAnonymizer, letter: list[str], iso: str, tesseract: str
) -> None:
    image, _ = render([tokens(line) for line in letter], size=(1300, 260))
    body = anonymizer.analyze(encode(image, "PNG"), Options.parse(language="auto")).to_dict()
    detection = body["language_detection"]
    assert detection["detected"] == iso and detection["tesseract"] == tesseract, detection
    assert detection["script"] == "Latin" and detection["confidence"] > 0.5
    assert body["language"] == tesseract and {w["language"] for w in body["words"]} == {tesseract}


def test_given_language_auto_then_only_an_installed_language_is_chosen(tmp_path: Path) -> None:
    # Only English (and OSD) installed: a French page is read as English, never French.
    installed = CoreSettings.from_env().tessdata_dir
    for code in ("eng", "osd"):
        (tmp_path / f"{code}.traineddata").symlink_to(f"{installed}/{code}.traineddata")
    image, _ = render([tokens(line) for line in FRENCH_LETTER], size=(1300, 260))
    detector = LanguageDetector(str(tmp_path))
    spec, detection = detector.detect(ocr.prepare_for_ocr(image), TesserocrEngine(str(tmp_path)))
    assert spec.tesseract == ("eng",) and detection.detected == "en"


def test_given_an_uninstalled_language_then_422_names_its_debian_package(anonymizer: ImageAnonymizer) -> None:
    image, _ = render(LETTER[:1], size=(900, 100))
    with pytest.raises(LanguageNotInstalled, match="tesseract-ocr-jpn"):
        anonymizer.analyze(encode(image, "PNG"), Options.parse(language="ja"))


# (form lines with the name's words marked, language)
FORMS = [
    ([tokens("Formulaire d'inscription"), tokens("Nom : Dupont Prénom : Marie", ["Dupont", "Marie"])], "fr"),
    ([tokens("Anmeldeformular"), tokens("Name: Schneider Vorname: Lukas", ["Schneider", "Lukas"])], "de"),
    ([tokens("Solicitud de alta"), tokens("Apellido: García Nombre: Lucía", ["García", "Lucía"])], "es"),
]


@pytest.mark.parametrize(("lines", "language"), FORMS, ids=[language for _, language in FORMS])
def test_given_a_form_in_its_language_then_the_names_are_covered(
    anonymizer: ImageAnonymizer, lines: list[Line], language: str
) -> None:
    image, words = render(lines, size=(1000, 200))
    result = anonymizer.redact(encode(image, "PNG"), Options.parse(language=language))
    assert_redacted(image, decode(result.image), words)
    assert "PERSON" not in result.analysis.unsupported_entities


# (a form's address lines with the address's words marked, language)
ADDRESSES = [
    (
        [tokens("Anschrift: Lindenallee 23, 04109 Leipzig", ["Lindenallee 23, 04109 Leipzig"])],
        "de",
    ),
    (
        [tokens("Domicile : 3 impasse des Acacias, 31000 Albi", ["3 impasse des Acacias, 31000 Albi"])],
        "fr",
    ),
    (
        [tokens("Domicilio: Calle de Alcalá 42, 46001 Valencia", ["Calle de Alcalá 42, 46001 Valencia"])],
        "es",
    ),
]


@pytest.mark.parametrize(("lines", "language"), ADDRESSES, ids=[language for _, language in ADDRESSES])
def test_given_an_address_in_its_language_then_it_is_covered_and_its_label_is_not(
    anonymizer: ImageAnonymizer, lines: list[Line], language: str
) -> None:
    image, words = render([tokens("Formular"), *lines], size=(1100, 200))
    result = anonymizer.redact(encode(image, "PNG"), Options.parse(language=language))
    assert_redacted(image, decode(result.image), words)
    assert result.analysis.entity_counts().get("LOCATION", 0) >= 1


def test_given_a_spanish_nif_then_it_is_covered(anonymizer: ImageAnonymizer) -> None:
    lines = [tokens("Datos del titular"), tokens("NIF: 12345678Z", ["12345678Z"])]
    image, words = render(lines, size=(900, 200))
    result = anonymizer.redact(encode(image, "PNG"), Options.parse(language="es"))
    assert_redacted(image, decode(result.image), words)
    assert result.analysis.entity_counts().get("ES_NIF") == 1


def test_given_german_then_names_and_addresses_are_looked_for_and_ner_only_types_are_unsupported(
    anonymizer: ImageAnonymizer,
) -> None:
    image, _ = render(LETTER[:1], size=(900, 100))
    analysis = anonymizer.analyze(encode(image, "PNG"), Options.parse(language="de"))
    unsupported = set(analysis.unsupported_entities)
    assert {"NRP", "US_SSN"} <= unsupported
    assert not unsupported & {"PERSON", "LOCATION", "DE_TAX_ID", "ES_NIF", "PHONE_NUMBER", "IBAN_CODE"}
    with pytest.raises(UnsupportedEntityType, match="NRP"):
        anonymizer.analyze(encode(image, "PNG"), Options.parse(language="de", entities="PERSON,NRP"))
    with pytest.raises(UnsupportedEntityType, match="ES_NIF"):
        anonymizer.analyze(encode(image, "PNG"), Options.parse(language="en", entities="ES_NIF"))


def test_given_the_container_image_then_it_bakes_in_48_known_languages_and_osd() -> None:
    dockerfile = (Path(__file__).resolve().parents[2] / "functions" / "Dockerfile").read_text()
    default = re.search(r'ARG OCR_LANGUAGES="([^"]*)"', dockerfile)
    assert default is not None
    codes = default.group(1).replace("\\\n", " ").split()
    assert "osd" in codes and len(set(codes) - {"osd"}) >= 48
    assert not set(codes) - {"osd"} - TESSERACT_TO_ISO.keys()
