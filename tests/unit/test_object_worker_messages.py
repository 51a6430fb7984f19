"""How the worker reads its messages, from the event files in events/."""

import json

import pytest

from image_anonymizer.object_worker import Layout, PoisonMessage, requests_from_message
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
    from image_anonymizer.object_worker import _metadata_options

    assert _metadata_options({"ocr-mode": "fast", "fill-color": "red"}) == {
        "fill_color": "red",
        "ocr_mode": "fast",
    }
    body = json.dumps({"bucket": "b", "key": "drop/x.png", "options": {"ocr_mode": "fast", "other": "x"}})
    (request,) = list(requests_from_message(body))
    assert request.options == {"ocr_mode": "fast"}


def test_given_verify_on_the_object_or_the_request_then_it_is_an_option() -> None:
    from image_anonymizer.object_worker import _metadata_options

    assert _metadata_options({"verify": "false", "ocr-mode": "thorough"}) == {
        "ocr_mode": "thorough",
        "verify": "false",
    }
    body = json.dumps({"bucket": "b", "key": "drop/x.png", "options": {"verify": True}})
    (request,) = list(requests_from_message(body))
    assert request.options == {"verify": "True"}


def test_given_list_options_in_metadata_then_they_are_options_that_parse() -> None:
    from image_anonymizer.object_worker import _metadata_options
    from image_anonymizer.service import Options

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
    from image_anonymizer.service import Options

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


def test_given_non_string_list_entries_in_a_request_then_the_options_are_refused() -> None:
    from image_anonymizer.errors import InvalidRequest
    from image_anonymizer.service import Options

    body = json.dumps({"bucket": "b", "key": "drop/x.png", "options": {"deny_list": ["ok", 7]}})
    (request,) = list(requests_from_message(body))
    with pytest.raises(InvalidRequest, match="deny_list must be a list of strings"):
        Options.parse(**request.options)
