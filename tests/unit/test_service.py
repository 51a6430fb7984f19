"""The service with fakes: overlapping findings, fail-closed behaviour, token cost."""

from __future__ import annotations

import pytest
from PIL import Image

from image_anonymizer.config import CoreSettings
from image_anonymizer.core import service as service_module
from image_anonymizer.core.catalogue import ENTITY_CATALOGUE
from image_anonymizer.core.detection import Detection
from image_anonymizer.core.languages import LanguageSpec
from image_anonymizer.core.model import Box, LineKey, OcrWord
from image_anonymizer.core.service import ImageAnonymizer, Options, token_cost
from image_anonymizer.errors import (
    InvalidRequest,
    ProcessingFailed,
    UnsupportedEntityType,
    VerificationFailed,
)
from tests.fakes import FailOnCall, FakeDetector, FakeOcr
from tests.rendering import decode, encode, render, tokens

WORDS = [
    OcrWord("jo@example.com", Box(10, 10, 140, 20), 91.0, LineKey(1, 1, 1), "eng"),
    OcrWord("total", Box(170, 10, 50, 20), 95.0, LineKey(1, 1, 1), "eng"),
]
PNG = encode(Image.new("RGB", (300, 60), "white"), "PNG")


def make(ocr: FakeOcr, detections: list[Detection], second: FakeOcr | None = None) -> ImageAnonymizer:
    return ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=ocr,
        detector=FakeDetector(detections),
        second_ocr_engine=second,
    )


@pytest.fixture(autouse=True)
def languages_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_module, "require_installed", lambda spec, folder: None)


def test_given_overlapping_findings_then_all_are_reported_and_painted() -> None:
    anonymizer = make(
        FakeOcr(WORDS),
        [
            Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email"),
            Detection("DOMAIN_NAME", 3, 14, 0.6, "domain"),
            Detection("URL", 3, 10, 0.5, "url"),
        ],
    )
    result = anonymizer.redact(PNG, Options.parse())
    assert [e["entity_type"] for e in result.analysis.to_dict()["entities"]] == [
        "EMAIL_ADDRESS",
        "DOMAIN_NAME",
        "URL",
    ]
    out = decode(result.image)
    assert out.getpixel((12, 12)) == (0, 0, 0)
    assert out.getpixel((190, 20)) == (255, 255, 255), "the word 'total' stays"


def test_given_ocr_fails_then_processing_failed_and_no_image() -> None:
    anonymizer = make(FakeOcr(error=RuntimeError("tesseract crashed")), [])
    with pytest.raises(ProcessingFailed) as raised:
        anonymizer.redact(PNG, Options.parse())
    assert "tesseract" not in raised.value.message


def test_given_encoding_fails_then_processing_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    anonymizer = make(FakeOcr(WORDS), [Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")])
    monkeypatch.setattr(service_module.formats, "encode", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(ProcessingFailed):
        anonymizer.redact(PNG, Options.parse())


def test_given_typical_scan_then_token_cost_is_between_5_and_15() -> None:
    assert token_cost(2500, 10, 1) == 9
    assert token_cost(0, 0, 1) == 1
    assert 5 <= token_cost(1800, 8, 1) <= 15
    assert token_cost(1800, 8, 2) == token_cost(1800, 8, 1) + 1


def test_given_no_ocr_mode_then_thorough_and_fast_is_the_other_choice() -> None:
    assert Options.parse().ocr_mode == "thorough"
    assert Options.parse(ocr_mode="").ocr_mode == "thorough"
    assert Options.parse(ocr_mode="fast").ocr_mode == "fast"
    assert Options.parse(ocr_mode=" Thorough ").ocr_mode == "thorough"


@pytest.mark.parametrize("raw", ["slow", "fastest", "0"])
def test_given_unknown_ocr_mode_then_invalid_request_listing_the_modes(raw: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        Options.parse(ocr_mode=raw)
    assert "ocr_mode" in raised.value.message
    assert "thorough" in raised.value.message and "fast" in raised.value.message


def test_given_fast_mode_then_the_second_engine_is_never_called() -> None:
    # Ink that Tesseract (here: a fake that reads nothing) missed: thorough mode hands
    # it to the second engine, fast mode never does.
    image, _ = render([tokens("Call Ana Silva on 0151 496 0000")], size=(900, 120))
    png = encode(image, "PNG")
    spy = FakeOcr()
    anonymizer = make(FakeOcr([]), [], second=spy)
    fast = anonymizer.analyze(png, Options.parse(ocr_mode="fast"))
    assert spy.calls == 0
    assert fast.to_dict()["ocr_mode"] == "fast"
    thorough = anonymizer.analyze(png, Options.parse())
    assert spy.calls == 1, "one read of the mosaic of the regions Tesseract struggled with"
    assert thorough.to_dict()["ocr_mode"] == "thorough"


def test_given_no_verify_then_thorough_verifies_and_fast_does_not() -> None:
    assert Options.parse().verifies is True
    assert Options.parse(ocr_mode="fast").verifies is False
    assert Options.parse(verify="").verify is None


@pytest.mark.parametrize(
    ("raw", "mode", "verifies"),
    [
        ("false", "thorough", False),
        (" FALSE ", "thorough", False),
        ("0", "thorough", False),
        ("no", "thorough", False),
        ("true", "fast", True),
        ("1", "fast", True),
        ("on", "fast", True),
        (True, "fast", True),
        (False, "thorough", False),
    ],
)
def test_given_verify_then_it_overrides_the_mode_default(raw: str | bool, mode: str, verifies: bool) -> None:
    assert Options.parse(ocr_mode=mode, verify=raw).verifies is verifies


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_given_unknown_verify_then_invalid_request(raw: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        Options.parse(verify=raw)
    assert "verify" in raised.value.message


def test_given_verification_reading_fails_then_processing_failed_not_the_image() -> None:
    error = RuntimeError("tesseract crashed on jo@example.com")
    engine = FailOnCall(FakeOcr(WORDS), fail_on=2, error=error, and_after=True)
    anonymizer = make(engine, [Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")])
    with pytest.raises(ProcessingFailed) as raised:
        anonymizer.redact(PNG, Options.parse(ocr_mode="fast", verify="true"))
    assert engine.calls == 2
    assert "jo@example.com" not in raised.value.message
    # The same image without verification is redacted: it was the verification that failed.
    control = FailOnCall(FakeOcr(WORDS), fail_on=2, error=error, and_after=True)
    assert make(control, []).redact(PNG, Options.parse(ocr_mode="fast")).image
    assert control.calls == 1


def test_given_verification_detection_fails_then_processing_failed() -> None:
    # The analysis asks the detector twice (the page text, its field lines): the third
    # call is the verification's first.
    email = [Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")]
    detector = FailOnCall(FakeDetector(email), fail_on=3, method="detect", and_after=True)
    anonymizer = ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"), ocr_engine=FakeOcr(WORDS), detector=detector
    )
    with pytest.raises(ProcessingFailed):
        anonymizer.redact(PNG, Options.parse(ocr_mode="fast", verify="true"))
    assert detector.calls == 3, "the failure came from the verification's detection"
    # The control run: the same fakes without verification redact the email.
    control = FailOnCall(FakeDetector(email), fail_on=3, method="detect", and_after=True)
    result = ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"), ocr_engine=FakeOcr(WORDS), detector=control
    ).redact(PNG, Options.parse(ocr_mode="fast", verify="false"))
    assert control.calls == 2 and result.analysis.entity_counts() == {"EMAIL_ADDRESS": 1}
    assert decode(result.image).getpixel((12, 12)) == (0, 0, 0)


def test_given_analyze_then_verification_is_skipped_and_nothing_is_read_twice() -> None:
    engine = FakeOcr(WORDS)
    anonymizer = make(engine, [Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")])
    analysis = anonymizer.analyze(PNG, Options.parse(ocr_mode="fast", verify="true"))
    assert engine.calls == 1
    assert analysis.to_dict()["verification"] == {
        "performed": False,
        "status": "skipped",
        "clean": None,
        "added": 0,
        "passes": 0,
        "last_pass_clean": None,
    }


# ---------------------------------------------------------------- allow, deny, exclude


def test_given_a_deny_list_word_then_it_is_covered_as_deny_list_whatever_the_types() -> None:
    anonymizer = make(FakeOcr(WORDS), [])
    options = Options.parse(entities="PERSON", exclude_entities="PERSON", deny_list="TOTAL", verify="false")
    result = anonymizer.redact(PNG, options)
    (entity,) = result.analysis.to_dict()["entities"]
    assert (entity["entity_type"], entity["text"], entity["score"]) == ("DENY_LIST", "total", 1.0)
    assert result.analysis.entity_counts() == {"DENY_LIST": 1}
    out = decode(result.image)
    assert out.getpixel((190, 20)) == (0, 0, 0)
    assert out.getpixel((12, 12)) == (255, 255, 255)


def test_given_an_allow_list_entry_then_that_finding_is_dropped_and_not_painted() -> None:
    anonymizer = make(FakeOcr(WORDS), [Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")])
    result = anonymizer.redact(PNG, Options.parse(allow_list=["JO@Example.com"], verify="false"))
    assert result.analysis.findings == ()
    assert decode(result.image).getpixel((12, 12)) == (255, 255, 255)


def test_given_every_type_excluded_then_the_detector_is_not_asked_but_the_deny_list_still_is() -> None:
    anonymizer = ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=FakeOcr(WORDS),
        detector=FailOnCall(FakeDetector(), fail_on=1, method="detect", and_after=True),
    )
    options = Options.parse(entities="EMAIL_ADDRESS", exclude_entities="EMAIL_ADDRESS", deny_list="total")
    analysis = anonymizer.analyze(PNG, options)
    assert [f.entity_type for _, f in analysis.findings] == ["DENY_LIST"]


class RecordingDetector(FakeDetector):
    def __init__(self, detections: list[Detection]) -> None:
        super().__init__(detections)
        self.asked: list[object] = []

    def detect(
        self,
        text: str,
        language: str,
        entities: frozenset[str] | None = None,
        score_threshold: float = 0.0,
    ) -> list[Detection]:
        self.asked.append(entities)
        return self.detections


def test_given_exclude_entities_then_analysis_and_verification_ask_for_the_types_less_those() -> None:
    from image_anonymizer.core.catalogue import DEFAULT_ENTITIES

    detector = RecordingDetector([Detection("PERSON", 15, 20, 0.85, "SpacyRecognizer")])
    anonymizer = ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=FakeOcr(WORDS),
        detector=detector,
    )
    options = Options.parse(exclude_entities="PERSON", ocr_mode="fast", verify="true")
    result = anonymizer.redact(PNG, options)
    assert len(detector.asked) == 4, "page text and field lines, in the analysis and the verification"
    assert all(asked == DEFAULT_ENTITIES - {"PERSON"} for asked in detector.asked)
    assert result.analysis.findings == ()


def test_given_excluded_email_then_it_is_still_asked_for_its_parts_and_then_dropped() -> None:
    detector = RecordingDetector([Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")])
    anonymizer = make(FakeOcr(WORDS), [])
    anonymizer.detector = detector
    options = Options.parse(entities="EMAIL_ADDRESS,URL,PERSON", exclude_entities="EMAIL_ADDRESS")
    assert options.detected_entities == {"URL", "PERSON"}
    analysis = anonymizer.analyze(PNG, options)
    assert detector.asked[0] == {"URL", "PERSON", "EMAIL_ADDRESS"}
    assert analysis.findings == ()
    without_urls = Options.parse(entities="EMAIL_ADDRESS,PERSON", exclude_entities="EMAIL_ADDRESS")
    assert without_urls.asked_entities == {"PERSON"}


# ---------------------------------------------------------------- fail-closed verification


class WanderingOcr(FakeOcr):
    """Reads the same email at a new place on every reading (so never under the paint
    of the previous ones) for its first ``leaks`` readings; then reads nothing."""

    name = "wandering"

    def __init__(self, leaks: int) -> None:
        super().__init__()
        self.leaks = leaks

    def read(self, image: Image.Image, languages: LanguageSpec) -> list[OcrWord]:
        self.calls += 1
        if self.calls > self.leaks:
            return []
        top = 10 + 40 * (self.calls - 1)
        return [OcrWord("jo@example.com", Box(10, top, 140, 20), 91.0, LineKey(1, 1, 1), "eng")]


class EmailDetector(FakeDetector):
    """Finds the email wherever the text starts with it."""

    def detect(
        self,
        text: str,
        language: str,
        entities: frozenset[str] | None = None,
        score_threshold: float = 0.0,
    ) -> list[Detection]:
        return [Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")] if text.startswith("jo@") else []


TALL_PNG = encode(Image.new("RGB", (300, 300), "white"), "PNG")


def wandering(leaks: int) -> tuple[ImageAnonymizer, WanderingOcr]:
    engine = WanderingOcr(leaks)
    anonymizer = ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=engine,
        detector=EmailDetector(),
    )
    return anonymizer, engine


def test_given_verification_keeps_finding_pii_after_the_last_pass_then_verification_failed() -> None:
    # The analysis, two covering verification passes, and the reading after the last:
    # that one still finds the email, so the image is never returned.
    anonymizer, engine = wandering(leaks=10)
    with pytest.raises(VerificationFailed) as raised:
        anonymizer.redact(TALL_PNG, Options.parse(ocr_mode="fast", verify="true"))
    assert raised.value.code == "verification_failed"
    assert engine.calls == 4, "the analysis, two covering passes, one reading after the last"
    assert "jo@example.com" not in raised.value.message and "example" not in raised.value.message


def test_given_the_reading_after_the_last_covering_pass_is_clean_then_the_image_is_returned() -> None:
    anonymizer, engine = wandering(leaks=3)  # the analysis and two verification passes see it
    result = anonymizer.redact(TALL_PNG, Options.parse(ocr_mode="fast", verify="true"))
    assert engine.calls == 4, "read again after the last covering pass"
    report = result.analysis.verification.to_dict()
    assert (report["status"], report["added"], report["passes"]) == ("covered", 2, 3)
    assert report["last_pass_clean"] is True
    out = decode(result.image)
    for top in (10, 50, 90):  # every place the email was read is painted
        assert out.getpixel((80, top + 10)) == (0, 0, 0)


# ---------------------------------------------------------------- types the language cannot detect


def no_names(detections: list[Detection] | None = None) -> ImageAnonymizer:
    return ImageAnonymizer(
        CoreSettings(tessdata_dir="/nonexistent"),
        ocr_engine=FakeOcr(WORDS),
        detector=FakeDetector(detections or [], ENTITY_CATALOGUE.keys() - {"PERSON", "NRP"}),
    )


def test_given_an_explicit_type_the_language_cannot_detect_then_unsupported_entity_type_naming_it() -> None:
    with pytest.raises(UnsupportedEntityType) as raised:
        no_names().analyze(PNG, Options.parse(language="de", entities="PERSON,EMAIL_ADDRESS"))
    assert raised.value.code == "unsupported_entity_type"
    assert "PERSON" in raised.value.message and "EMAIL_ADDRESS" not in raised.value.message
    assert "'de'" in raised.value.message


def test_given_a_default_request_then_the_types_not_looked_for_are_reported() -> None:
    anonymizer = no_names([Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")])
    analysis = anonymizer.analyze(PNG, Options.parse(language="de"))
    assert analysis.unsupported_entities == ("NRP", "PERSON")
    assert analysis.to_dict()["unsupported_entities"] == ["NRP", "PERSON"]
    assert analysis.entity_counts() == {"EMAIL_ADDRESS": 1}
    excluded = anonymizer.analyze(PNG, Options.parse(language="de", exclude_entities="NRP"))
    assert excluded.unsupported_entities == ("PERSON",), "an excluded type is not reported"
    assert make(FakeOcr(WORDS), []).analyze(PNG, Options.parse()).to_dict()["unsupported_entities"] == []


# ---------------------------------------------------------------- what may be stored


def test_given_with_text_false_then_the_findings_carry_no_text_read_from_the_image() -> None:
    analysis = make(FakeOcr(WORDS), [Detection("EMAIL_ADDRESS", 0, 14, 1.0, "email")]).analyze(
        PNG, Options.parse(ocr_mode="fast")
    )
    full, stored = analysis.to_dict(), analysis.to_dict(with_text=False)
    assert full["entities"][0]["text"] == "jo@example.com" and "jo@example.com" in full["ocr_text"]
    assert "ocr_text" not in stored and all("text" not in e for e in stored["entities"])
    assert "jo@example.com" not in repr(stored) and "total" not in repr(stored)
    entity = stored["entities"][0]
    assert (entity["entity_type"], entity["score"], entity["page"]) == ("EMAIL_ADDRESS", 1.0, 0)
    assert entity["bbox"] == full["entities"][0]["bbox"] and entity["boxes"]
    assert stored["entity_counts"] == {"EMAIL_ADDRESS": 1} and stored["pages"] == full["pages"]
