"""The project makes no network call at run time: a whole analysis with sockets off."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketBlockedError, disable_socket, enable_socket

from image_anonymizer.core.detection import PresidioDetector
from image_anonymizer.core.service import ImageAnonymizer, Options
from tests.rendering import assert_redacted, decode, encode, render, tokens


@pytest.fixture
def no_network() -> object:
    disable_socket(allow_unix_socket=True)
    yield
    enable_socket()


def test_given_sockets_disabled_then_the_guard_really_blocks() -> None:
    disable_socket(allow_unix_socket=True)
    try:
        with pytest.raises(SocketBlockedError):
            socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    finally:
        enable_socket()


def test_given_no_network_then_a_fresh_service_builds_and_redacts_emails_and_urls(no_network: object) -> None:
    # Built inside the guard: loading spaCy, Presidio and tldextract must not call out,
    # and validating an email (tldextract's suffix list) must not either.
    service = ImageAnonymizer(detector=PresidioDetector())
    email, url = "ana.silva@example.co.uk", "https://portal.example.org/login"
    image, words = render(
        [tokens(f"Email {email}", [email]), tokens(f"Portal {url}", [url])], size=(1200, 220)
    )
    result = service.redact(encode(image, "PNG"), Options.parse())
    assert {"EMAIL_ADDRESS", "URL"} <= set(result.analysis.entity_counts())
    assert_redacted(image, decode(result.image), words)


def test_given_no_network_then_rapidocr_loads_its_models_from_the_wheel(no_network: object) -> None:
    # RapidOCR downloads models it does not find; ours are named from the wheel.
    from image_anonymizer.core.languages import parse_language
    from image_anonymizer.core.ocr import RapidOcrEngine

    image, _ = render([tokens("Ship to Jonas Weber")], size=(600, 100))
    words = RapidOcrEngine().read(image.convert("L"), parse_language("en"))
    assert [w.text for w in words] == ["Ship", "to", "Jonas", "Weber"]


def test_given_no_network_then_auto_detects_french_and_its_model_loads(no_network: object) -> None:
    # lingua's models ship in its wheel; the French spaCy model is an installed package.
    service = ImageAnonymizer(detector=PresidioDetector())
    lines = [
        tokens("Madame, nous avons bien reçu votre demande et nous vous en remercions."),
        tokens("Votre dossier sera traité dans les meilleurs délais par notre service."),
        tokens("Nom : Dupont Prénom : Marie", ["Dupont", "Marie"]),
    ]
    image, _ = render(lines, size=(1300, 260))
    analysis = service.analyze(encode(image, "PNG"), Options.parse(language="auto", ocr_mode="fast"))
    assert analysis.language_detection is not None and analysis.language_detection.detected == "fr"
    assert analysis.detection_mode == "ner" and analysis.entity_counts().get("PERSON", 0) >= 2
