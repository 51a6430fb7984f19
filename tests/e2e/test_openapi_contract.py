"""schemathesis against ``image-anonymizer serve``: the API keeps the contract that
``GET /openapi.json`` publishes.

Requests are generated from the served document (examples, coverage of each field's
edges, then fuzzing), a bounded number per operation; every answer must be one the
document lists: its status, its content type, its body schema, its headers, and no
5xx. Fuzzed multipart images are almost never images, so most answers are fast 4xx;
two real scans with known PII check the 200s of the image routes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.schemathesis_hooks import no_server_error_but_not_configured
from tests.e2e.test_http import API_KEY, RED, request, sample
from tests.rendering import assert_redacted, decode
from tests.servers import ROOT, serve

pytestmark = pytest.mark.slow

ST = Path(sys.executable).parent / "st"
MAX_EXAMPLES = 50  # per operation and phase
CHECKS = [
    no_server_error_but_not_configured,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serve(["--api-key", API_KEY, "--plan", "basic"], log) as url:
        yield url


def test_given_generated_requests_then_every_answer_is_one_the_document_lists(
    base_url: str, tmp_path: Path
) -> None:
    # The CLI, as a developer runs it, on the document GET /openapi.json serves (saved to a
    # file: loaded from its URL, schemathesis leaves that URL's own operation out). Then the
    # examples, each field's edges (coverage) and fuzzing, a bounded number per operation.
    served = request("GET", f"{base_url}/openapi.json")
    assert served.status == 200 and served.headers["Content-Type"] == "application/json"
    document = tmp_path / "openapi.json"
    document.write_bytes(served.body)
    env = dict(os.environ, SCHEMATHESIS_HOOKS="tests.e2e.schemathesis_hooks")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    run = subprocess.run(
        [
            str(ST),
            "run",
            str(document),
            "--url",
            base_url,
            "--header",
            f"x-api-key: {API_KEY}",
            "--checks",
            ",".join(check.__name__ for check in CHECKS),
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "11",
            "--generation-deterministic",
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=tmp_path,  # schemathesis keeps its state in the working directory
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    operations = len([m for item in json.loads(served.body)["paths"].values() for m in item])
    assert f"Tested: {operations}" in run.stdout, run.stdout[-3000:]


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> Any:
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


def test_given_the_served_document_then_it_names_every_route_served(api_schema: Any) -> None:
    from image_anonymizer.entrypoints.http.local_server import ROUTES

    served = {(method.lower(), path.replace("*", "{job_id}")) for method, path in ROUTES}
    documented = {(method, path) for path, item in api_schema.raw_schema["paths"].items() for method in item}
    assert documented == served


def _call(api_schema: Any, path: str, fields: dict[str, Any]) -> Any:
    case = api_schema[path]["POST"].Case(body=fields, media_type="multipart/form-data")
    return case.call_and_validate(headers={"x-api-key": API_KEY}, checks=CHECKS)


def test_given_a_scan_with_pii_then_the_analysis_matches_its_schema(api_schema: Any) -> None:
    data, _, _ = sample("PNG")
    response = _call(api_schema, "/analyze-image", {"image": data, "ocr_mode": "fast"})
    assert response.status_code == 200
    found = {e["entity_type"] for e in response.json()["entities"]}
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= found


def test_given_a_scan_with_pii_then_the_redacted_image_and_its_headers_match(api_schema: Any) -> None:
    data, sent, words = sample("PNG")
    fields = {"image": data, "ocr_mode": "fast", "fill_color": "red", "verify": "false"}
    response = _call(api_schema, "/redact-image", fields)
    assert response.status_code == 200
    assert response.headers["content-type"] == ["image/png"]
    assert int(response.headers["x-token-cost"][0]) >= 1
    assert_redacted(sent.convert("RGB"), decode(response.content).convert("RGB"), words, RED)
