"""The allow and deny lists of a request: how they are read, checked and matched."""

from __future__ import annotations

import json

import pytest

from image_anonymizer.core.request_lists import (
    MAX_ENTRIES,
    MAX_ENTRY_LENGTH,
    deny_spans,
    is_allowed,
    parse_list,
    to_json,
)
from image_anonymizer.core.service import Options
from image_anonymizer.errors import InvalidRequest, UnknownEntityType


def matched(text: str, *entries: str) -> list[str]:
    return [text[start:end] for start, end in deny_spans(text, parse_list(list(entries), "deny_list"))]


# ---------------------------------------------------------------- parsing


def test_given_1000_entries_then_ok_and_1001_then_invalid_request_counting_them() -> None:
    assert len(parse_list([f"word{i}" for i in range(MAX_ENTRIES)], "allow_list")) == 1000
    with pytest.raises(InvalidRequest, match=r"allow_list has 1001 entries; at most 1000"):
        parse_list([f"word{i}" for i in range(MAX_ENTRIES + 1)], "allow_list")


def test_given_1001_entries_in_a_json_array_then_invalid_request_too() -> None:
    with pytest.raises(InvalidRequest, match="deny_list has 1001 entries"):
        parse_list(json.dumps([f"w{i}" for i in range(1001)]), "deny_list")


def test_given_100_characters_then_ok_and_101_then_invalid_request_without_quoting_it() -> None:
    assert parse_list(["x" * MAX_ENTRY_LENGTH], "deny_list") == ("x" * 100,)
    with pytest.raises(InvalidRequest) as refused:
        parse_list(["ok", "y" * (MAX_ENTRY_LENGTH + 1)], "deny_list")
    assert refused.value.message == "deny_list entry 2 has 101 characters; at most 100 are allowed."
    assert "yyy" not in refused.value.message


def test_given_empty_and_blank_entries_then_they_are_ignored_and_not_counted() -> None:
    assert parse_list(["", "  ", "\n", "Acme"], "allow_list") == ("Acme",)
    assert parse_list([""] * 5000, "allow_list") == ()
    assert parse_list("", "allow_list") == ()
    assert parse_list(None, "allow_list") == ()
    assert parse_list("[]", "allow_list") == ()


@pytest.mark.parametrize("value", [[1], ["ok", None], "[1, 2]", '["ok", {"a": 1}]', 42, {"a": "b"}])
def test_given_non_strings_then_invalid_request(value: object) -> None:
    with pytest.raises(InvalidRequest, match="allow_list must be a list of strings"):
        parse_list(value, "allow_list")


@pytest.mark.parametrize("value", ['["Acme",]', "[draft]", "['Acme']"])
def test_given_malformed_json_in_brackets_then_invalid_request(value: str) -> None:
    with pytest.raises(InvalidRequest, match="not a valid JSON array"):
        parse_list(value, "deny_list")


def test_given_one_string_then_a_json_array_or_one_entry_per_line_never_commas() -> None:
    assert parse_list('["Smith, Jones & Co", "Acme"]', "x") == ("Smith, Jones & Co", "Acme")
    assert parse_list("Smith, Jones & Co\r\nAcme\n", "x") == ("Smith, Jones & Co", "Acme")
    assert parse_list("Globex, Initech", "x") == ("Globex, Initech",)


def test_given_a_sequence_then_each_item_is_an_entry_and_whitespace_is_collapsed() -> None:
    assert parse_list(["  Mary   Ann ", "Jo\nBob", "[draft]"], "x") == ("Mary Ann", "Jo", "Bob", "[draft]")


def test_given_duplicates_ignoring_case_then_the_first_is_kept() -> None:
    assert parse_list(["Acme", "ACME", "acme "], "x") == ("Acme",)


def test_to_json_reads_back_and_is_ascii_for_s3_metadata() -> None:
    entries = ("Zoë Müller", "Acme")
    encoded = to_json(entries)
    assert encoded.isascii()
    assert parse_list(encoded, "x") == entries


# ---------------------------------------------------------------- allow list


def test_allow_list_matches_the_whole_finding_ignoring_case_and_spacing() -> None:
    allow = parse_list(["John Smith"], "allow_list")
    assert is_allowed("john  SMITH", allow)
    assert is_allowed("John\nSmith", allow)
    assert not is_allowed("John Smithson", allow)
    assert not is_allowed("John", allow)
    assert not is_allowed("John Smith", ())


# ---------------------------------------------------------------- deny list


def test_deny_list_matches_whole_words_only() -> None:
    assert matched("Project Falcon is late; falconry is not.", "falcon") == ["Falcon"]
    assert matched("Unfalcon falcons FALCON_X", "falcon") == []
    assert matched("ref #4411, (4411) and 44110", "4411") == ["4411", "4411"]


def test_deny_list_is_case_insensitive() -> None:
    assert matched("ACME acme Acme", "aCmE") == ["ACME", "acme", "Acme"]


def test_deny_list_phrase_spans_a_line_break_and_runs_of_spaces() -> None:
    text = "Meeting with Blue\nHarbour Ltd and Blue   Harbour"
    assert matched(text, "blue harbour") == ["Blue\nHarbour", "Blue   Harbour"]
    assert matched("Blue Harbours", "blue harbour") == []


def test_deny_list_finds_overlapping_occurrences_and_entries() -> None:
    assert deny_spans("aa aa aa", ("aa aa",)) == [(0, 5), (3, 8)]
    text = "John Smith Jr"
    assert matched(text, "John Smith", "Smith Jr") == ["John Smith", "Smith Jr"]


def test_deny_list_escapes_regex_characters() -> None:
    assert matched("cost 4.50 or 4x50", "4.50") == ["4.50"]
    assert matched("a (b) c", "(b)") == ["(b)"]


# ---------------------------------------------------------------- Options


def test_options_parse_the_three_fields() -> None:
    options = Options.parse(
        entities="PERSON,EMAIL_ADDRESS,PHONE_NUMBER",
        exclude_entities="email_address",
        allow_list='["Acme"]',
        deny_list=["Project Falcon"],
    )
    assert options.exclude_entities == {"EMAIL_ADDRESS"}
    assert options.detected_entities == {"PERSON", "PHONE_NUMBER"}
    assert options.allow_list == ("Acme",)
    assert options.deny_list == ("Project Falcon",)


def test_given_exclude_without_entities_then_the_defaults_minus_it() -> None:
    from image_anonymizer.core.catalogue import DEFAULT_ENTITIES

    options = Options.parse(exclude_entities=["EMAIL_ADDRESS", "PERSON"])
    assert options.entities is None
    assert options.detected_entities == DEFAULT_ENTITIES - {"EMAIL_ADDRESS", "PERSON"}
    assert Options.parse().detected_entities is None
    assert Options.parse(entities="PERSON", exclude_entities="PERSON").detected_entities == frozenset()


@pytest.mark.parametrize("value", ["NOT_A_TYPE", "DENY_LIST", '["PERSON", "NOPE"]'])
def test_given_unknown_excluded_type_then_unknown_entity_type(value: str) -> None:
    with pytest.raises(UnknownEntityType):
        Options.parse(exclude_entities=value)


def test_deny_list_is_not_a_type_to_ask_for() -> None:
    with pytest.raises(UnknownEntityType):
        Options.parse(entities="DENY_LIST")


def test_entities_may_be_a_json_array_string_as_the_worker_keeps_lists() -> None:
    assert Options.parse(entities='["PERSON", "email_address"]').entities == {"PERSON", "EMAIL_ADDRESS"}
