"""How the worker reads its messages, from the event files in events/."""

import json

import pytest

from image_anonymizer.entrypoints.worker.messages import requests_from_message
from image_anonymizer.errors import PoisonMessage
from image_anonymizer.storage.layout import Layout
from tests.conftest import load_event


def test_given_s3_notification_then_key_is_unquoted_with_spaces_plus_and_unicode() -> None:
    body = load_event("sqs-s3-notification.json")["Records"][0]["body"]
    (request,) = list(requests_from_message(body))
    assert request.key == "drop/Scans 2024/résumé copy+1.png"
    assert request.etag == "0123456789abcdef0123456789abcdef"
    assert Layout().output_key(request.key) == "redacted/Scans 2024/résumé copy+1.png"


def test_given_integration_request_then_options_and_output_key_ride_along() -> None:
    body = load_event("sqs-integration-request.json")["Records"][0]["body"]
    (request,) = list(requests_from_message(body))
    assert request.output_key == "redacted/archive/2023/form 17.jpg"
    assert request.options == {"fill_color": "white", "entities": "PERSON,EMAIL_ADDRESS"}


def test_given_s3_test_event_then_nothing_to_do() -> None:
    assert list(requests_from_message(load_event("sqs-s3-test-event.json")["Records"][0]["body"])) == []


@pytest.mark.parametrize("body", ["not json", "[1, 2]", json.dumps({"hello": "world"})])
def test_given_garbage_then_poison(body: str) -> None:
    with pytest.raises(PoisonMessage):
        list(requests_from_message(body))


def test_layout_never_maps_an_output_back_to_an_input() -> None:
    layout = Layout()
    assert layout.output_key("incoming/abc/scan.png") == "results/abc/scan.png"
    assert layout.job_id("incoming/abc/scan.png") == "abc"
    for key in ("results/abc/scan.png", "redacted/x.png", "failed/x.png", "other/x.png", "incoming/x.png"):
        assert layout.output_key(key) is None, key


def test_given_ocr_mode_on_the_object_or_the_request_then_it_is_an_option() -> None:
    from image_anonymizer.entrypoints.worker.messages import _metadata_options

    assert _metadata_options({"ocr-mode": "fast", "fill-color": "red"}) == {
        "fill_color": "red",
        "ocr_mode": "fast",
    }
    body = json.dumps({"bucket": "b", "key": "drop/x.png", "options": {"ocr_mode": "fast"}})
    (request,) = list(requests_from_message(body))
    assert request.options == {"ocr_mode": "fast"}


def test_given_verify_on_the_object_or_the_request_then_it_is_an_option() -> None:
    from image_anonymizer.entrypoints.worker.messages import _metadata_options

    assert _metadata_options({"verify": "false", "ocr-mode": "thorough"}) == {
        "ocr_mode": "thorough",
        "verify": "false",
    }
    body = json.dumps({"bucket": "b", "key": "drop/x.png", "options": {"verify": True}})
    (request,) = list(requests_from_message(body))
    assert request.options == {"verify": "True"}


def test_given_list_options_in_metadata_then_they_are_options_that_parse() -> None:
    from image_anonymizer.core.service import Options
    from image_anonymizer.entrypoints.worker.messages import _metadata_options

    metadata = {
        "exclude-entities": "EMAIL_ADDRESS,URL",
        "allow-list": '["Acme Corp", "Zo\\u00eb M\\u00fcller"]',
        "deny-list": '["Project Falcon"]',
    }
    options = _metadata_options(metadata)
    assert options == {
        "exclude_entities": "EMAIL_ADDRESS,URL",
        "allow_list": '["Acme Corp", "Zo\\u00eb M\\u00fcller"]',
        "deny_list": '["Project Falcon"]',
    }
    parsed = Options.parse(**options)
    assert parsed.exclude_entities == {"EMAIL_ADDRESS", "URL"}
    assert parsed.allow_list == ("Acme Corp", "Zoë Müller")
    assert parsed.deny_list == ("Project Falcon",)


def test_given_list_options_in_an_integration_request_then_they_stay_json_arrays() -> None:
    from image_anonymizer.core.service import Options

    body = json.dumps(
        {
            "bucket": "b",
            "key": "drop/x.png",
            "options": {
                "exclude_entities": ["EMAIL_ADDRESS"],
                "allow_list": ["Acme, Inc."],
                "deny_list": ["Project Falcon", "ZX-81"],
            },
        }
    )
    (request,) = list(requests_from_message(body))
    assert request.options == {
        "exclude_entities": '["EMAIL_ADDRESS"]',
        "allow_list": '["Acme, Inc."]',
        "deny_list": '["Project Falcon", "ZX-81"]',
    }
    parsed = Options.parse(**request.options)
    assert parsed.exclude_entities == {"EMAIL_ADDRESS"}
    assert parsed.allow_list == ("Acme, Inc.",)
    assert parsed.deny_list == ("Project Falcon", "ZX-81")


def test_given_non_string_list_entries_in_a_request_then_the_message_is_refused() -> None:
    body = json.dumps({"bucket": "b", "key": "drop/x.png", "options": {"deny_list": ["ok", 7]}})
    with pytest.raises(PoisonMessage, match="deny_list must be a list of strings"):
        list(requests_from_message(body))


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"options": {"fill_colour": "white"}}, "unknown options: fill_colour"),
        ({"options": {"fill_color": "nope"}}, "fill_color must be one of"),
        ({"options": {"verify": "maybe"}}, "verify must be true or false"),
        ({"options": {"store_text": "perhaps"}}, "store_text must be true or false"),
        ({"options": {"entities": {"PERSON": 1}}}, "option entities must be"),
        ({"options": ["fill_color", "white"]}, "options must be a JSON object"),
        ({"keep_original": "false"}, "keep_original must be true or false"),
        ({"keep_original": 0}, "keep_original must be true or false"),
        ({"output_key": 7}, "output_key must be a non-empty string"),
        ({"key": ""}, "bucket and key must be non-empty strings"),
        ({"etag": ["x"]}, "etag must be a string"),
        ({"delete": True}, "unknown fields: delete"),
    ],
)
def test_given_a_malformed_integration_request_then_it_is_poison(fields: dict, complaint: str) -> None:
    body = json.dumps({"bucket": "b", "key": "drop/x.png", **fields})
    with pytest.raises(PoisonMessage, match=complaint):
        list(requests_from_message(body))


@pytest.mark.parametrize(
    "record",
    [{"eventName": "ObjectCreated:Put"}, {"eventName": "ObjectCreated:Put", "s3": {"object": {"key": 7}}}],
)
def test_given_a_malformed_s3_record_then_the_message_is_poison(record: dict) -> None:
    with pytest.raises(PoisonMessage):
        list(requests_from_message(json.dumps({"Records": [record]})))


def test_given_s3_notifications_then_the_revision_is_the_version_id_else_the_sequencer() -> None:
    def record(**extra: str) -> dict:
        s3_object = {"key": "drop/x.png", "eTag": "abc", **extra}
        return {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": s3_object}}

    records = [record(sequencer="0A1"), record(sequencer="0B2", versionId="v7"), record()]
    body = json.dumps({"Records": records})
    assert [r.revision for r in requests_from_message(body)] == ["0A1", "v7", None]
    assert all(not r.requested for r in requests_from_message(body))


@pytest.mark.parametrize(
    ("key", "output_key", "complaint"),
    [
        ("archive/x.png", None, "needs an output_key"),
        ("secret/x.png", "redacted/x.png", "key must lie under drop/ or archive/"),
        ("results/0123/x.png", "redacted/x.png", "key must lie under"),
        ("incoming/0123/x.png", "redacted/x.png", "key must lie under"),
        ("failed/x.png", "redacted/x.png", "key must lie under"),
        ("drop/../secret/x.png", "redacted/x.png", "key must lie under"),
        ("drop/x.png", "results/0123/x.png", "output_key must lie under redacted/"),
        ("drop/x.png", "drop/x2.png", "output_key must lie under redacted/"),
        ("drop/x.png", "archive/x.png", "output_key must lie under redacted/"),
        ("drop/x.png", "redacted/other.png.json", "not end in .json"),
        ("drop/x.png", "redacted/a//b.png", "output_key must lie under redacted/"),
        ("drop/x.png", "redacted/../results/x.png", "output_key must lie under redacted/"),
        ("drop/x.png", "redacted/", "output_key must lie under redacted/"),
    ],
)
def test_given_an_integration_source_or_output_outside_the_prefixes_then_it_is_refused(
    key: str, output_key: str | None, complaint: str
) -> None:
    with pytest.raises(PoisonMessage, match=complaint):
        Layout().requested_target(key, output_key)


def test_given_an_integration_within_the_prefixes_then_its_target_is_accepted() -> None:
    layout = Layout()
    assert layout.requested_target("drop/in/x.png", None) == "redacted/in/x.png"
    assert layout.requested_target("archive/2023/x.png", "redacted/a/x.png") == "redacted/a/x.png"


def test_given_codes_and_faces_on_the_object_or_the_request_then_they_are_options_that_parse() -> None:
    from image_anonymizer.core.service import Options
    from image_anonymizer.entrypoints.worker.messages import _metadata_options
    from image_anonymizer.errors import InvalidRequest

    options = _metadata_options({"codes": "all", "faces": "false", "fill-color": "red"})
    assert options == {"codes": "all", "faces": "false", "fill_color": "red"}
    parsed = Options.parse(**options)
    assert (parsed.codes, parsed.faces) == ("all", False)
    body = json.dumps({"bucket": "b", "key": "drop/x.png", "options": {"codes": "none", "faces": False}})
    (request,) = list(requests_from_message(body))
    assert request.options == {"codes": "none", "faces": "False"}
    assert (Options.parse(**request.options).codes, Options.parse(**request.options).faces) == ("none", False)
    with pytest.raises(InvalidRequest, match="codes"):
        Options.parse(**_metadata_options({"codes": "qr-only"}))
