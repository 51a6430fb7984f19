"""The Lambda handler on the stored API Gateway events: status codes, the JSON contract,
the redacted pixels, plan and size caps, fail-closed 500s and log hygiene.

Real Tesseract and the real model, as on AWS. The events are written by
``events/build_events.py``; its image functions re-render what they carry.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import struct
import sys
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from image_anonymizer.bootstrap import build_api
from image_anonymizer.config import ApiSettings, Settings
from image_anonymizer.core.catalogue import DEFAULT_ENTITIES, national_elsewhere
from image_anonymizer.core.service import ImageAnonymizer
from image_anonymizer.entrypoints.http.api import Api
from image_anonymizer.entrypoints.http.lambda_events import LocalContext, build_event
from image_anonymizer.storage.plans import PlanResolver
from tests.conftest import EVENTS, event_builder, header, load_event, real_api
from tests.fakes import FailOnCall
from tests.rendering import assert_redacted, coverage, decode, encode

# GET and error responses publish no metrics; Powertools warns about each.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")

MB = 1024 * 1024
RED = (255, 0, 0)
BLACK = (0, 0, 0)


gen = event_builder()
api = real_api()


def api_with(settings: ApiSettings | None = None, **parts: Any) -> Api:
    """The API over the shared service, or over the collaborators given."""
    base = Settings.from_env()
    chosen = Settings(core=base.core, api=settings or base.api, worker=base.worker)
    return build_api(chosen, **{"anonymizer": api.anonymizer, **parts})


def with_ocr_engine(engine: Any) -> Api:
    """The API over the shared model and second engine, with another first engine."""
    shared = api.anonymizer
    service = ImageAnonymizer(
        shared.settings,
        ocr_engine=engine,
        detector=shared.detector,
        second_ocr_engine=shared.second_ocr_engine,
        language_detector=shared.language_detector,
        code_reader=shared.code_reader,
        face_detector=shared.face_detector,
    )
    return api_with(anonymizer=service)


EVENT_STATUS = {
    "analyze-image.json": 200,
    "redact-image.json": 200,
    "redact-image-jpeg.json": 200,
    "entities.json": 200,
    "health.json": 200,
    "openapi-document.json": 200,
    "error-400-unknown-entity.json": 400,
    "error-400-missing-image.json": 400,
    "error-400-bad-fill-color.json": 400,
    "error-415-not-an-image.json": 415,
    "error-422-corrupt-png.json": 422,
}
ERROR_CODES = {
    "error-400-unknown-entity.json": "unknown_entity_type",
    "error-400-missing-image.json": "invalid_request",
    "error-400-bad-fill-color.json": "invalid_request",
    "error-415-not-an-image.json": "unsupported_media_type",
    "error-422-corrupt-png.json": "unprocessable_image",
}


def invoke(event: dict[str, Any], handler: Api | None = None) -> dict[str, Any]:
    response: dict[str, Any] = (handler or api).lambda_handler(event, LocalContext())
    return response


def json_body(response: dict[str, Any]) -> dict[str, Any]:
    assert not response.get("isBase64Encoded")
    assert (header(response, "Content-Type") or "").startswith("application/json")
    body: dict[str, Any] = json.loads(response["body"])
    return body


def assert_error(response: dict[str, Any], status: int, code: str) -> str:
    assert response["statusCode"] == status, response["body"]
    assert "Traceback" not in response["body"]
    body = json_body(response)
    assert set(body) == {"error", "message"}
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    return str(body["message"])


def image_event(path: str, data: bytes, api_key_id: str | None = None, **fields: str) -> dict[str, Any]:
    """A multipart event like the stored ones, with the image and form fields given."""
    form: list[Any] = [("image", ("upload.png", "image/png", data)), *fields.items()]
    event = gen.event("POST", path, form)
    event["requestContext"]["identity"]["apiKeyId"] = api_key_id
    return dict(event)


def padded_png(total_bytes: int) -> bytes:
    """The sample PNG grown to ``total_bytes`` with a private ancillary chunk: still valid."""
    png = gen.png_bytes()
    filler = b"\0" * (total_bytes - len(png) - 12)
    chunk_type = b"prVt"  # ancillary, private, safe to copy: decoders skip it
    chunk = struct.pack(">I", len(filler)) + chunk_type + filler
    chunk += struct.pack(">I", zlib.crc32(chunk_type + filler) & 0xFFFFFFFF)
    data: bytes = png[:33] + chunk + png[33:]  # after the 8-byte signature and IHDR
    assert len(data) == total_bytes
    return data


# ---------------------------------------------------------------- stored events


@pytest.mark.parametrize("name", sorted(EVENT_STATUS))
def test_given_stored_event_then_it_is_an_api_gateway_rest_event_and_gets_its_status(name: str) -> None:
    event = load_event(name)
    assert event["requestContext"]["stage"] == "prod"
    assert event["requestContext"]["identity"]["apiKeyId"] == "example-key-id"
    assert event["requestContext"]["requestId"]
    if event["httpMethod"] == "POST":
        assert event["isBase64Encoded"] is True
        body = base64.b64decode(event["body"])
        assert event["headers"]["content-type"] == f"multipart/form-data; boundary={gen.BOUNDARY}"
        assert body.endswith(f"--{gen.BOUNDARY}--\r\n".encode())
    response = invoke(event)
    assert response["statusCode"] == EVENT_STATUS[name], response["body"]
    assert "Traceback" not in (response["body"] or "")


def test_given_every_api_gateway_event_file_then_each_one_is_covered_here() -> None:
    api_gateway = {p.name for p in EVENTS.glob("*.json") if "httpMethod" in json.loads(p.read_text())}
    assert api_gateway == set(EVENT_STATUS)


@pytest.mark.parametrize("name", sorted(ERROR_CODES))
def test_given_error_event_then_json_error_shape_without_internals(name: str) -> None:
    status = EVENT_STATUS[name]
    message = assert_error(invoke(load_event(name)), status, ERROR_CODES[name])
    assert "Traceback" not in message and "site-packages" not in message and len(message) < 600


def test_given_unknown_entity_event_then_message_names_it() -> None:
    message = assert_error(invoke(load_event("error-400-unknown-entity.json")), 400, "unknown_entity_type")
    assert "NOT_A_TYPE" in message


def test_given_missing_image_event_then_message_names_the_field() -> None:
    message = assert_error(invoke(load_event("error-400-missing-image.json")), 400, "invalid_request")
    assert "image" in message


def test_given_bad_fill_colour_event_then_message_lists_the_colours() -> None:
    message = assert_error(invoke(load_event("error-400-bad-fill-color.json")), 400, "invalid_request")
    assert "fill_color" in message and "red" in message


def test_given_health_event_then_ok() -> None:
    response = invoke(load_event("health.json"))
    assert response["statusCode"] == 200
    assert json_body(response) == {"status": "ok"}


def test_given_entities_event_then_catalogue_with_descriptions() -> None:
    response = invoke(load_event("entities.json"))
    assert response["statusCode"] == 200
    listed = json_body(response)["entities"]
    types = {e["entity_type"] for e in listed}
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "CREDIT_CARD"} <= types
    assert all(isinstance(e["description"], str) and e["description"] for e in listed)
    # A request that names no types covers the whole catalogue, DATE_TIME included.
    assert {"DATE_TIME", "ACCOUNT_NUMBER"} <= types
    assert [e["entity_type"] for e in listed if not e["default"] and e["requestable"]] == []
    assert listed[-1]["entity_type"] == "DENY_LIST"
    assert [e["entity_type"] for e in listed if not e["requestable"]] == ["DENY_LIST"]
    assert "deny_list" in listed[-1]["description"] and listed[-1]["default"] is False


def test_given_entities_event_then_the_installed_languages_and_their_detection() -> None:
    languages = {
        entry["language"]: entry for entry in json_body(invoke(load_event("entities.json")))["languages"]
    }
    assert {"en", "de", "fr", "es"} <= languages.keys()
    assert languages["en"]["detection_mode"] == "ner" and languages["fr"]["names"] == "ner"
    assert languages["de"] == {
        "language": "de",
        "tesseract": "deu",
        "detection_mode": "patterns",
        "names": "labels",
        "national_entities": ["DE_ID_CARD", "DE_PASSPORT", "DE_SOCIAL_SECURITY", "DE_TAX_ID"],
    }


def test_given_analyze_event_then_json_contract_and_boxes_on_the_pii() -> None:
    response = invoke(load_event("analyze-image.json"))
    assert response["statusCode"] == 200
    body = json_body(response)
    assert body["image_dimensions"] == {"width": gen.SIZE[0], "height": gen.SIZE[1]}
    assert gen.EMAIL in body["ocr_text"]
    for entity in body["entities"]:
        assert isinstance(entity["entity_type"], str)
        assert isinstance(entity["text"], str)
        assert 0.0 <= entity["score"] <= 1.0
        assert set(entity["bbox"]) >= {"x", "y", "width", "height"}
        assert all(isinstance(entity["bbox"][k], int) for k in ("x", "y", "width", "height"))
    by_type = {e["entity_type"]: e for e in body["entities"]}
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= set(by_type)
    assert by_type["EMAIL_ADDRESS"]["text"] == gen.EMAIL
    _, words = gen.sample_image()
    for entity_type, texts in (("EMAIL_ADDRESS", gen.EMAIL.split()), ("PHONE_NUMBER", gen.PHONE.split())):
        bbox = by_type[entity_type]["bbox"]
        for word in (w for w in words if w.text in texts):
            left, top, right, bottom = word.box
            assert bbox["x"] <= left and bbox["y"] <= top, (entity_type, word)
            assert bbox["x"] + bbox["width"] >= right and bbox["y"] + bbox["height"] >= bottom, (
                entity_type,
                word,
            )


@pytest.mark.parametrize(("fields", "mode"), [({}, "thorough"), ({"ocr_mode": "fast"}, "fast")])
def test_given_ocr_mode_form_field_then_the_analysis_runs_and_reports_that_mode(
    fields: dict[str, str], mode: str
) -> None:
    response = invoke(image_event("/analyze-image", gen.png_bytes(), **fields))
    assert response["statusCode"] == 200, response["body"][:300]
    body = json_body(response)
    assert body["ocr_mode"] == mode
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= {e["entity_type"] for e in body["entities"]}


def test_given_unknown_ocr_mode_on_redact_then_400_listing_the_modes() -> None:
    message = assert_error(
        invoke(image_event("/redact-image", gen.png_bytes(), ocr_mode="slow")), 400, "invalid_request"
    )
    assert "ocr_mode" in message and "thorough" in message and "fast" in message


@pytest.mark.parametrize(
    ("name", "content_type", "rgb", "tolerance"),
    [("redact-image.json", "image/png", RED, 0), ("redact-image-jpeg.json", "image/jpeg", BLACK, 24)],
)
def test_given_redact_event_then_base64_image_with_pii_painted(
    name: str, content_type: str, rgb: tuple[int, int, int], tolerance: int
) -> None:
    response = invoke(load_event(name))
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is True
    assert header(response, "Content-Type") == content_type
    assert int(header(response, "X-Redacted-Entities") or "0") >= 2
    assert int(header(response, "X-Token-Cost") or "0") >= 1
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= set((header(response, "X-Entity-Types") or "").split(","))
    out = decode(base64.b64decode(response["body"]))
    assert out.format == content_type.split("/")[1].upper()
    assert out.size == gen.SIZE
    sent = gen.png_bytes() if content_type == "image/png" else gen.jpeg_bytes()
    _, words = gen.sample_image()
    assert_redacted(decode(sent), out, words, rgb, tolerance)


@pytest.mark.parametrize(
    ("fields", "status", "added"),
    [({}, "clean", "0"), ({"verify": "false"}, "skipped", "0"), ({"ocr_mode": "fast"}, "skipped", "0")],
)
def test_given_verify_form_field_then_the_verification_headers_say_what_was_done(
    fields: dict[str, str], status: str, added: str
) -> None:
    response = invoke(image_event("/redact-image", gen.png_bytes(), **fields))
    assert response["statusCode"] == 200, response["body"][:300]
    assert header(response, "X-Verification") == status
    assert header(response, "X-Verification-Added") == added
    _, words = gen.sample_image()
    assert_redacted(decode(gen.png_bytes()), decode(base64.b64decode(response["body"])), words)


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "inf", "high", ""])
def test_given_a_score_threshold_outside_0_to_1_then_400_naming_the_field(value: str) -> None:
    response = invoke(image_event("/analyze-image", gen.png_bytes(), score_threshold=value))
    assert "score_threshold" in assert_error(response, 400, "invalid_request")


def test_given_score_threshold_1_then_only_certain_findings_are_reported() -> None:
    # A float field now: the value reaches the detector, not the default 0.3.
    body = json_body(
        invoke(image_event("/analyze-image", gen.png_bytes(), score_threshold="1", ocr_mode="fast"))
    )
    assert all(entity["score"] >= 1.0 for entity in body["entities"])
    loose = json_body(
        invoke(image_event("/analyze-image", gen.png_bytes(), score_threshold="0", ocr_mode="fast"))
    )
    assert len(loose["entities"]) > len(body["entities"])


def test_given_uploads_in_the_wrong_media_type_then_415_asking_for_json() -> None:
    event = build_event("POST", "/uploads", {"content-type": "text/plain"}, b"scan.png")
    message = assert_error(invoke(event), 415, "unsupported_media_type")
    assert "application/json" in message


def test_given_a_body_that_is_not_json_then_400_about_the_body_not_a_field_0() -> None:
    event = build_event("POST", "/uploads", {"content-type": "application/json"}, b"{not json")
    message = assert_error(invoke(event), 400, "invalid_request")
    assert message.startswith("Invalid request. body: ") and " 0:" not in message


def test_given_unknown_verify_value_then_400_naming_the_field() -> None:
    response = invoke(image_event("/redact-image", gen.png_bytes(), verify="maybe"))
    assert "verify" in assert_error(response, 400, "invalid_request")


def _failing_second_reading(engine: Any) -> FailOnCall:
    """The real engine, raising on its second reading: the verification's, in fast mode."""
    return FailOnCall(engine, fail_on=2, error=RuntimeError("crashed reading " + gen.EMAIL))


def test_given_verification_fails_then_500_and_no_image() -> None:
    engine = _failing_second_reading(api.anonymizer.ocr_engine)
    event = image_event("/redact-image", gen.png_bytes(), ocr_mode="fast", verify="true")
    response = invoke(event, with_ocr_engine(engine))
    assert engine.calls == 2
    message = assert_error(response, 500, "internal_error")
    assert message == "The image could not be processed."
    assert gen.EMAIL not in response["body"]


# ---------------------------------------------------------------- caps


@pytest.fixture
def roomy_sync_limit() -> Api:
    """A synchronous limit above every plan cap, so only the plan decides."""
    return api_with(
        ApiSettings(sync_max_bytes=64 * MB, default_plan="basic"),
        plans=PlanResolver("basic", lookup=lambda key: {"pro-key": "pro"}.get(key)),
    )


def test_given_image_over_the_basic_plan_cap_then_413_naming_the_plan_limit(roomy_sync_limit: Api) -> None:
    data = padded_png(5 * MB + 1)
    response = invoke(image_event("/redact-image", data), roomy_sync_limit)
    message = assert_error(response, 413, "image_too_large")
    assert "basic plan" in message and "5 MB" in message
    assert str(len(data)) in message


def test_given_same_image_on_the_pro_plan_then_it_is_redacted(roomy_sync_limit: Api) -> None:
    event = image_event("/redact-image", padded_png(5 * MB + 1), api_key_id="pro-key")
    response = invoke(event, roomy_sync_limit)
    assert response["statusCode"] == 200, response["body"][:300]
    _, words = gen.sample_image()
    out = decode(base64.b64decode(response["body"]))
    assert_redacted(decode(gen.png_bytes()), out, words)


def test_given_image_over_the_sync_limit_then_413_pointing_to_uploads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = api_with(ApiSettings(sync_max_bytes=1 * MB, default_plan="basic"))
    data = padded_png(2 * MB)
    message = assert_error(invoke(image_event("/analyze-image", data), small), 413, "image_too_large")
    assert "POST /uploads" in message and "1 MB" in message


# ---------------------------------------------------------------- failures and logs


class _Exploding:
    def analyze(self, data: bytes, options: Any) -> Any:
        raise RuntimeError("boom secret")

    def redact(self, data: bytes, options: Any) -> Any:
        raise RuntimeError("boom secret")


@pytest.mark.parametrize("path", ["/redact-image", "/analyze-image"])
def test_given_unexpected_failure_then_500_without_details(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    response = invoke(image_event(path, gen.png_bytes()), api_with(anonymizer=_Exploding()))
    message = assert_error(response, 500, "internal_error")
    assert "boom" not in response["body"] and "secret" not in response["body"]
    assert "RuntimeError" not in response["body"]
    assert message == "The image could not be processed."


class _Buggy:
    """A service with a bug: a ValueError that no parsing of the request raised."""

    def analyze(self, data: bytes, options: Any) -> Any:
        raise ValueError("a bug near secret")

    def redact(self, data: bytes, options: Any) -> Any:
        raise ValueError("a bug near secret")


@pytest.mark.parametrize("path", ["/redact-image", "/analyze-image"])
def test_given_a_bug_raising_value_error_in_a_route_then_500_not_400(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    response = invoke(image_event(path, gen.png_bytes()), api_with(anonymizer=_Buggy()))
    assert assert_error(response, 500, "internal_error") == "The image could not be processed."
    assert "secret" not in response["body"] and "ValueError" not in response["body"]


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("multipart/form-data", b"--x\r\nno boundary in the header\r\n--x--\r\n"),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\xff\r\n\r\n1\r\n--x--",
        ),
    ],
)
def test_given_a_body_that_cannot_be_parsed_then_400_malformed(content_type: str, body: bytes) -> None:
    event = build_event("POST", "/analyze-image", {"content-type": content_type}, body)
    message = assert_error(invoke(event), 400, "invalid_request")
    assert message == "The multipart/form-data body is malformed."


@pytest.mark.parametrize("name", ["analyze-image.json", "redact-image.json"])
def test_given_image_with_an_email_then_logs_and_metrics_never_carry_it(
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Powertools' handler holds the stdout of import time: point it at the captured one.
    monkeypatch.setattr(api.logger.registered_handler, "stream", sys.stdout)
    caplog.set_level(logging.INFO)
    response = invoke(load_event(name))
    assert response["statusCode"] == 200
    out, err = capsys.readouterr()
    records = "\n".join(r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records)
    emitted = out + err + records
    assert '"analyze_latency"' in out or '"redact_latency"' in out, "the metrics were not captured"
    assert "done" in emitted, "the log line was not captured"
    for secret in (gen.EMAIL, "maria.garcia", "example.com", "555-0132"):
        assert secret not in emitted, f"{secret!r} leaked into logs or metrics"


# ---------------------------------------------------------------- exclude, allow and deny lists


def form_event(path: str, *fields: tuple[str, str]) -> dict[str, Any]:
    """The sample PNG with form fields, a field possibly repeated."""
    event = gen.event("POST", path, [("image", ("upload.png", "image/png", gen.png_bytes())), *fields])
    event["requestContext"]["identity"]["apiKeyId"] = None
    return dict(event)


def denied_texts(response: dict[str, Any]) -> list[str]:
    assert response["statusCode"] == 200, response["body"][:300]
    body = json_body(response)
    return sorted(e["text"] for e in body["entities"] if e["entity_type"] == "DENY_LIST")


@pytest.mark.parametrize(
    "fields",
    [
        (("deny_list", "reference"), ("deny_list", "7781")),  # the field repeated
        (("deny_list", '["Reference", "7781"]'),),  # one JSON array
        (("deny_list", "Reference\r\n7781\n"),),  # one entry per line
    ],
    ids=["repeated", "json", "lines"],
)
def test_given_deny_list_form_field_then_those_words_are_found_as_deny_list(
    fields: tuple[tuple[str, str], ...],
) -> None:
    response = invoke(form_event("/analyze-image", ("ocr_mode", "fast"), *fields))
    assert denied_texts(response) == ["7781", "Reference"]
    counts = json_body(response)["entity_counts"]
    assert counts["DENY_LIST"] == 2 and {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= set(counts)


def test_given_commas_in_a_deny_list_value_then_they_do_not_separate_entries() -> None:
    response = invoke(form_event("/analyze-image", ("ocr_mode", "fast"), ("deny_list", "Reference, 7781")))
    assert denied_texts(response) == []


def test_given_allow_listed_email_on_redact_then_it_stays_readable_and_the_phone_is_covered() -> None:
    response = invoke(
        form_event("/redact-image", ("allow_list", gen.EMAIL.upper()), ("deny_list", "Reference"))
    )
    assert response["statusCode"] == 200, response["body"][:300]
    types = set((header(response, "X-Entity-Types") or "").split(","))
    assert "EMAIL_ADDRESS" not in types and {"PHONE_NUMBER", "DENY_LIST"} <= types
    image, words = gen.sample_image()
    covered = {*gen.PHONE.split(), "Reference"}
    expected = [type(w)(w.text, w.box, w.text in covered) for w in words]
    assert_redacted(image, decode(base64.b64decode(response["body"])), expected)


def test_given_exclude_entities_on_analyze_then_that_type_is_not_reported() -> None:
    response = invoke(form_event("/analyze-image", ("exclude_entities", "email_address")))
    assert response["statusCode"] == 200, response["body"][:300]
    assert set(json_body(response)["entity_counts"]) == {"PHONE_NUMBER"}


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ((("exclude_entities", "NOT_A_TYPE"),), "unknown_entity_type", ["NOT_A_TYPE"]),
        ((("exclude_entities", "DENY_LIST"),), "unknown_entity_type", ["DENY_LIST"]),
        ((("entities", "DENY_LIST"),), "unknown_entity_type", ["DENY_LIST"]),
        (
            (("allow_list", json.dumps([f"w{i}" for i in range(1001)])),),
            "invalid_request",
            ["allow_list", "1000"],
        ),
        ((("deny_list", "x" * 101),), "invalid_request", ["deny_list", "101 characters", "100"]),
        ((("deny_list", "[1, 2]"),), "invalid_request", ["deny_list", "strings"]),
        ((("allow_list", '["a", ]'),), "invalid_request", ["allow_list"]),
    ],
    ids=["unknown", "deny-type", "deny-as-entity", "1001-entries", "101-chars", "non-string", "bad-json"],
)
def test_given_bad_list_fields_then_400_naming_the_field(
    fields: tuple[tuple[str, str], ...], code: str, words: list[str]
) -> None:
    message = assert_error(invoke(form_event("/redact-image", *fields)), 400, code)
    assert all(word in message for word in words), message


def test_given_1000_entries_of_100_characters_then_accepted() -> None:
    entries = [f"{i:04d}" + "z" * 96 for i in range(1000)]
    response = invoke(form_event("/analyze-image", ("ocr_mode", "fast"), ("deny_list", json.dumps(entries))))
    assert response["statusCode"] == 200, response["body"][:300]


def test_given_allow_and_deny_lists_then_logs_never_carry_their_entries(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(api.logger.registered_handler, "stream", sys.stdout)
    caplog.set_level(logging.INFO)
    fields = (("deny_list", "Reference"), ("deny_list", "Zanzibarish"), ("allow_list", "Quuxley Frobisher"))
    response = invoke(form_event("/redact-image", ("ocr_mode", "fast"), *fields))
    assert response["statusCode"] == 200
    out, err = capsys.readouterr()
    emitted = (
        out + err + "\n".join(r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records)
    )
    assert "done" in emitted and "DENY_LIST" in emitted, "the counts are logged"
    for secret in ("Reference", "Zanzibarish", "Quuxley", "7781"):
        assert secret not in emitted, f"{secret!r} leaked into logs or metrics"


# ---------------------------------------------------------------- traces


class StubSubsegment:
    """Records everything the tracer hands a subsegment, as X-Ray would emit it."""

    def __init__(self, emitted: list[str]) -> None:
        self.emitted = emitted

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        self.emitted.append(f"metadata {namespace}/{key}: {json.dumps(value, default=repr)}")

    def put_annotation(self, key: str, value: Any) -> None:
        self.emitted.append(f"annotation {key}: {value!r}")

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        self.emitted.append(f"exception {exception!r} {stack!r}")


class StubProvider:
    """Stands in for the X-Ray recorder behind Powertools' Tracer: the emitter."""

    def __init__(self) -> None:
        self.emitted: list[str] = []
        self.subsegments: list[str] = []

    @contextlib.contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[StubSubsegment]:
        self.subsegments.append(str(name))
        yield StubSubsegment(self.emitted)

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        StubSubsegment(self.emitted).put_metadata(key, value, namespace or "default")

    def put_annotation(self, key: str, value: Any) -> None:
        StubSubsegment(self.emitted).put_annotation(key, value)


@pytest.mark.parametrize("name", ["analyze-image.json", "redact-image.json"])
def test_given_an_image_with_an_email_and_a_phone_then_no_text_read_reaches_the_trace_emitter(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = StubProvider()
    monkeypatch.setattr(api.tracer, "provider", provider)
    response = invoke(load_event(name))
    assert response["statusCode"] == 200
    if name == "analyze-image.json":
        assert gen.EMAIL in response["body"], "the caller's own answer keeps the text"
    route = "analyze_image" if name.startswith("analyze") else "redact_image"
    assert provider.subsegments == [
        "## lambda_handler",
        f"## image_anonymizer.api.{route}",
    ], "the tracer was not exercised"
    assert provider.emitted, "nothing reached the stub emitter"
    emitted = "\n".join(provider.emitted)
    for secret in (gen.EMAIL, "maria.garcia", "example.com", "555-0132", "ocr_text"):
        assert secret not in emitted, f"{secret!r} reached the trace"


def test_given_a_failing_route_then_the_trace_carries_no_error_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = StubProvider()
    failing = with_ocr_engine(_failing_second_reading(api.anonymizer.ocr_engine))
    monkeypatch.setattr(failing.tracer, "provider", provider)
    response = invoke(image_event("/redact-image", gen.png_bytes(), ocr_mode="fast", verify="true"), failing)
    assert response["statusCode"] == 500
    assert not [line for line in provider.emitted if line.startswith("metadata")]
    assert gen.EMAIL not in "\n".join(provider.emitted)


# ---------------------------------------------------------------- fail-closed verification


class _WanderingEmail:
    """Reads the email at a new place on every reading, never under the paint: a
    verification that keeps finding PII."""

    name = "wandering"

    def __init__(self) -> None:
        self.reads = 0

    def read(self, image: Any, languages: Any) -> Any:
        from image_anonymizer.core.model import Box, LineKey, OcrWord

        self.reads += 1
        top = 10 + 45 * ((self.reads - 1) % 4)
        return [OcrWord(gen.EMAIL, Box(10, top, 400, 30), 91.0, LineKey(1, 1, 1), "eng")]


def test_given_verification_still_finds_pii_after_the_last_pass_then_500_verification_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = _WanderingEmail()
    event = image_event("/redact-image", gen.png_bytes(), ocr_mode="fast", verify="true")
    response = invoke(event, with_ocr_engine(engine))
    assert engine.reads == 4, "the analysis, two covering passes and the reading after the last"
    assert assert_error(response, 500, "verification_failed") == "The image could not be processed."
    assert header(response, "content-type") == "application/json"
    assert gen.EMAIL not in response["body"]


# ---------------------------------------------------------------- types a language cannot detect


def test_given_german_and_an_explicit_nrp_then_422_naming_the_type() -> None:
    assert "NRP" not in api.anonymizer.detector.supported_entities("de"), "a German model is installed"
    response = invoke(image_event("/analyze-image", gen.png_bytes(), language="de", entities="NRP"))
    message = assert_error(response, 422, "unsupported_entity_type")
    assert "NRP" in message and "de" in message


def test_given_german_and_the_default_types_then_the_answer_and_a_header_name_those_not_looked_for() -> None:
    # Other countries' identifiers are not expected of German pages: not listed.
    expected = DEFAULT_ENTITIES - national_elsewhere("de")
    missing = sorted(expected - api.anonymizer.detector.supported_entities("de"))
    assert "NRP" in missing and not {"PERSON", "LOCATION"} & set(missing)
    analyzed = invoke(image_event("/analyze-image", gen.png_bytes(), language="de", ocr_mode="fast"))
    assert analyzed["statusCode"] == 200, analyzed["body"][:300]
    assert json_body(analyzed)["unsupported_entities"] == missing
    redacted = invoke(
        image_event("/redact-image", gen.png_bytes(), language="de", ocr_mode="fast", verify="false")
    )
    assert redacted["statusCode"] == 200
    assert header(redacted, "X-Unsupported-Entities") == ",".join(missing)
    english = invoke(image_event("/redact-image", gen.png_bytes(), ocr_mode="fast", verify="false"))
    assert header(english, "X-Unsupported-Entities") == ""


def visual_page() -> tuple[bytes, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """A page with a QR code holding an email and the astronaut's photograph (public
    domain, skimage): the PNG, the code's box and the face's box."""
    import numpy as np
    import zxingcpp
    from PIL import Image
    from skimage import data as photos

    page = Image.new("RGB", (1400, 900), "white")
    symbol = np.asarray(
        zxingcpp.create_barcode("ann@example.org", zxingcpp.BarcodeFormat.QRCode).to_image(scale=6)
    )
    page.paste(Image.fromarray(symbol), (80, 80))
    rows, cols = np.nonzero(symbol < 128)
    code = (80 + cols.min(), 80 + rows.min(), 81 + cols.max(), 81 + rows.max())
    page.paste(Image.fromarray(photos.astronaut()).resize((400, 400)), (800, 300))
    face = (800 + 138, 300 + 52, 800 + 212, 300 + 126)  # 177..272 × 66..161 at 400/512
    return encode(page, "PNG"), code, face


def test_given_codes_and_faces_form_fields_then_the_handler_covers_what_they_ask_for() -> None:
    png, code, face = visual_page()
    both = invoke(image_event("/redact-image", png, fill_color="red", codes="pii", faces="true"))
    assert both["statusCode"] == 200, both["body"][:300]
    assert {"CODE", "FACE"} <= set((header(both, "X-Entity-Types") or "").split(","))
    out = decode(base64.b64decode(both["body"]))
    assert coverage(out, code, RED) == 1.0 and coverage(out, face, RED) == 1.0
    neither = invoke(image_event("/redact-image", png, fill_color="red", codes="none", faces="false"))
    assert not {"CODE", "FACE"} & set((header(neither, "X-Entity-Types") or "").split(","))
    assert coverage(decode(base64.b64decode(neither["body"])), face, RED) == 0.0
    analyzed = json_body(invoke(image_event("/analyze-image", png, ocr_mode="fast", faces="false")))
    codes = [e for e in analyzed["entities"] if e["entity_type"] == "CODE"]
    assert [(c["source"], c["payload_types"]) for c in codes] == [("code", ["EMAIL_ADDRESS"])]
    assert "ann@example.org" not in json.dumps(analyzed["entities"])


@pytest.mark.parametrize(("field", "value"), [("codes", "qr"), ("faces", "maybe")])
def test_given_an_unknown_codes_or_faces_value_then_400_naming_the_field(field: str, value: str) -> None:
    response = invoke(image_event("/redact-image", gen.png_bytes(), **{field: value}))
    assert field in assert_error(response, 400, "invalid_request")


def test_given_entities_event_then_face_and_code_are_listed_as_default_types() -> None:
    listed = {e["entity_type"]: e for e in json_body(invoke(load_event("entities.json")))["entities"]}
    assert listed["FACE"]["default"] is True and listed["CODE"]["default"] is True
    assert "payload" in listed["CODE"]["description"]
