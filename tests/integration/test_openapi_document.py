"""GET /openapi.json: an OpenAPI 3.1 document, generated from the routes, that names
every route the template deploys, the form fields with their defaults, enums and
limits, every status and header, and JSON answers the real ones match.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from image_anonymizer import __version__
from image_anonymizer.core.catalogue import DEFAULT_SCORE_THRESHOLD, ENTITY_CATALOGUE
from image_anonymizer.core.redaction import FILL_COLORS
from image_anonymizer.entrypoints.http import schemas
from image_anonymizer.entrypoints.http.lambda_events import LocalContext
from tests.conftest import load_event, real_api
from tests.integration.test_template import REPO, _load_template

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")

IMAGE_ROUTES = ("/analyze-image", "/redact-image")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    response = real_api().lambda_handler(load_event("openapi-document.json"), LocalContext())
    assert response["statusCode"] == 200
    assert response["multiValueHeaders"]["Content-Type"] == ["application/json"]
    body: dict[str, Any] = json.loads(response["body"])
    return body


def _form(document: dict[str, Any], path: str) -> dict[str, Any]:
    body = document["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    ref = body["content"]["multipart/form-data"]["schema"]["$ref"]
    form: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return form


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_given_the_document_then_it_is_valid_openapi_3_1_named_and_versioned_as_the_package(
    document: dict[str, Any],
) -> None:
    assert document["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(document).validate()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert document["info"]["version"] == __version__ == project["version"]
    assert document["info"]["title"] == schemas.TITLE


def test_given_the_template_then_the_document_lists_its_routes_and_which_need_a_key(
    document: dict[str, Any],
) -> None:
    events = _load_template()["Resources"]["ApiFunction"]["Properties"]["Events"]
    deployed = {
        (e["Properties"]["Method"].lower(), e["Properties"]["Path"]): e["Properties"] for e in events.values()
    }
    documented = {(m, p): op for p, item in document["paths"].items() for m, op in item.items()}
    assert set(documented) == set(deployed)
    scheme = document["components"]["securitySchemes"][schemas.API_KEY_SCHEME]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
        "description": scheme["description"],
    }
    for route, props in deployed.items():
        keyless = props.get("Auth", {}).get("ApiKeyRequired") is False
        assert documented[route].get("security") == (None if keyless else schemas.KEYED), route
        assert "403" in documented[route]["responses"] or keyless, route


@pytest.mark.parametrize("path", IMAGE_ROUTES)
def test_given_an_image_route_then_its_form_fields_carry_their_defaults_enums_and_limits(
    document: dict[str, Any], path: str
) -> None:
    form = _form(document, path)
    fields = form["properties"]
    assert form["required"] == ["image"]
    assert fields["image"]["type"] == "string" and fields["image"]["format"] == "binary"
    assert "4 MB" in fields["image"]["description"] and "basic 5 MB" in fields["image"]["description"]
    assert fields["language"] == {**fields["language"], "type": "string", "default": "en"}
    assert fields["score_threshold"] == {
        **fields["score_threshold"],
        "type": "number",
        "minimum": 0.0,
        "maximum": 1.0,
        "default": DEFAULT_SCORE_THRESHOLD,
    }
    assert DEFAULT_SCORE_THRESHOLD == 0.3
    assert fields["ocr_mode"]["enum"] == ["thorough", "fast"] and fields["ocr_mode"]["default"] == "thorough"
    names = fields["entities"]["anyOf"]
    assert {"type": "string"} in names
    assert [n["items"]["enum"] for n in names if n.get("type") == "array"] == [list(ENTITY_CATALOGUE)]
    for name in ("entities", "exclude_entities", "allow_list", "deny_list"):
        assert name in fields
        assert "null" not in json.dumps(fields[name]), name  # absent or a string, never null
    if path == "/redact-image":
        assert fields["fill_color"]["enum"] == list(FILL_COLORS)
        assert list(FILL_COLORS) == ["black", "white", "red", "blue", "green", "yellow"]
        assert fields["fill_color"]["default"] == "black"
        assert fields["verify"] == {**fields["verify"], "type": "string", "enum": ["true", "false"]}
        assert "include_words" not in fields
    else:
        assert fields["include_words"]["enum"] == ["true", "false"]
        assert fields["include_words"]["default"] == "true"
        assert "fill_color" not in fields and "verify" not in fields


@pytest.mark.parametrize("path", IMAGE_ROUTES)
def test_given_an_image_route_then_every_status_it_answers_is_documented_with_its_body(
    document: dict[str, Any], path: str
) -> None:
    responses = document["paths"][path]["post"]["responses"]
    assert {"200", "400", "403", "408", "411", "413", "415", "422", "429", "500", "503"} == set(responses)
    for status in ("400", "413", "415", "422", "500"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert {"#/components/schemas/ErrorBody", "#/components/schemas/GatewayError"} == _refs(schema)
    assert "image_too_large" in responses["413"]["description"]
    assert "unsupported_media_type" in responses["415"]["description"]
    assert "unprocessable_image" in responses["422"]["description"]
    error = document["components"]["schemas"]["ErrorBody"]
    assert error["required"] == ["error", "message"] and error["additionalProperties"] is False


def test_given_redact_image_then_its_200_is_each_image_type_with_the_counting_headers(
    document: dict[str, Any],
) -> None:
    ok = document["paths"]["/redact-image"]["post"]["responses"]["200"]
    assert set(ok["content"]) == {f"image/{t}" for t in ("jpeg", "png", "tiff", "bmp", "webp", "gif")}
    assert all(c["schema"] == {"type": "string", "format": "binary"} for c in ok["content"].values())
    headers = ok["headers"]
    assert headers["X-Token-Cost"]["schema"] == {"type": "integer"}
    assert headers["X-Verification"]["schema"]["enum"] == ["skipped", "clean", "covered"]
    assert {"X-Redacted-Entities", "X-Entity-Types", "X-Pages", "X-Unsupported-Entities"} <= set(headers)


def test_given_the_document_then_no_route_promises_a_body_the_api_never_sends(
    document: dict[str, Any],
) -> None:
    # Powertools' default 422 (FastAPI's {"detail": [...]}) is not what this API answers.
    assert not any("HTTPValidationError" in ref for ref in _refs(document["paths"]))
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "ResponseValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for operation in item.values():
            for status, response in operation["responses"].items():
                assert response["description"], (path, status)
                assert response.get("content"), (path, status)


def test_given_uploads_then_201_and_the_json_body_schema(document: dict[str, Any]) -> None:
    operation = document["paths"]["/uploads"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "501"}
    assert "200" not in operation["responses"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/UploadRequest")
    assert document["components"]["schemas"]["UploadRequest"]["properties"]["filename"]["anyOf"][0] == {
        "type": "string",
        "maxLength": 255,
    }


def _invoke(name: str, **fields: str) -> dict[str, Any]:
    event = load_event(name)
    response = real_api().lambda_handler(event, LocalContext())
    assert response["statusCode"] == 200, response["body"]
    body: dict[str, Any] = json.loads(response["body"])
    return body


def _undeclared(model: type[schemas.BaseModel], answer: dict[str, Any]) -> set[str]:
    return set(answer) - set(model.model_fields)


def test_given_a_real_analysis_then_it_matches_the_model_and_the_model_names_every_field() -> None:
    answer = _invoke("analyze-image.json")
    schemas.Analysis.model_validate(answer)
    assert answer["entities"], "the stored event carries an email address and a phone number"
    assert _undeclared(schemas.Analysis, answer) == set()
    for entity in answer["entities"]:
        assert _undeclared(schemas.Entity, entity) == set()
    for page in answer["pages"]:
        assert _undeclared(schemas.PageSummary, page) == set()
    assert _undeclared(schemas.Verification, answer["verification"]) == set()
    assert answer["words"] and all(_undeclared(schemas.Word, w) == set() for w in answer["words"])


def test_given_the_real_catalogue_then_it_matches_the_model_and_the_model_names_every_field() -> None:
    answer = _invoke("entities.json")
    schemas.Catalogue.model_validate(answer)
    assert all(_undeclared(schemas.EntityType, e) == set() for e in answer["entities"])
    assert all(_undeclared(schemas.InstalledLanguage, lang) == set() for lang in answer["languages"])
