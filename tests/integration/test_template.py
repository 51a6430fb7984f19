"""Offline checks of the AWS deployment files: template.yaml and functions/Dockerfile.

The linters live in their own venv, <repo>/.tools (`make tools`), not in the
project's .venv. A missing linter is a failure, never a skip. Nothing here
talks to AWS: the credentials are dummies and the metadata service is off.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.template

REPO = Path(__file__).resolve().parents[2]
TOOLS_BIN = REPO / ".tools" / "bin"
TEMPLATE = REPO / "template.yaml"
DOCKERFILE = REPO / "functions" / "Dockerfile"

OFFLINE_AWS_ENV = {
    "SAM_CLI_TELEMETRY": "0",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "NO_COLOR": "1",
}

# id -> (binary in .tools/bin, arguments). Run from the repo root.
LINTERS: dict[str, tuple[str, list[str]]] = {
    "sam-validate-lint": ("sam", ["validate", "--lint", "--template-file", "template.yaml"]),
    "cfn-lint": ("cfn-lint", ["template.yaml"]),
    # --append-rules takes several values: the template must come before it.
    "cfn-lint-serverless": ("cfn-lint", ["template.yaml", "--append-rules", "cfn_lint_serverless.rules"]),
    "checkov-template": (
        "checkov",
        ["-f", "template.yaml", "--framework", "cloudformation", "--quiet", "--compact", "--skip-download"],
    ),
    "checkov-dockerfile": (
        "checkov",
        [
            "-f",
            "functions/Dockerfile",
            "--framework",
            "dockerfile",
            "--quiet",
            "--compact",
            "--skip-download",
        ],
    ),
    "hadolint": ("hadolint", ["--no-color", "functions/Dockerfile"]),
}


def _tool(name: str) -> Path:
    path = TOOLS_BIN / name
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{path} not found: run `make tools` to install the template linters into .tools/")
    return path


@pytest.mark.parametrize("linter", sorted(LINTERS))
def test_linter_passes(linter: str) -> None:
    binary, args = LINTERS[linter]
    env = {**os.environ, **OFFLINE_AWS_ENV}
    result = subprocess.run(
        [str(_tool(binary)), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        print(result.stdout)
        print(result.stderr)
    assert result.returncode == 0, (
        f"{linter} exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


# --- structure of template.yaml, without AWS tooling -------------------------


class _CfnLoader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that turns CloudFormation short forms (!Ref, !GetAtt, !Sub, ...) into their long form."""


def _construct_cfn_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - yaml has no other node kinds
        raise TypeError(f"unexpected YAML node {node!r}")
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_cfn_tag)


def _load_template() -> dict[str, Any]:
    data = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CfnLoader)
    assert isinstance(data, dict)
    return data


def _resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res.get("Type") == resource_type}


def _dockerfile_copy_sources(text: str) -> list[str]:
    sources: list[str] = []
    for line in text.splitlines():
        match = re.match(r"^\s*COPY\s+(.*)$", line, flags=re.IGNORECASE)
        if match:
            parts = [p for p in match.group(1).split() if not p.startswith("--")]
            sources.extend(parts[:-1])
    return sources


def test_template_is_sam() -> None:
    template = _load_template()
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    assert template["Parameters"]["Stage"]["Default"] == "prod"
    assert "OcrLanguages" not in template["Parameters"], "OCR languages are a Docker build arg"


def test_every_function_is_a_container_image_and_no_layer_is_published() -> None:
    template = _load_template()
    # Container images cannot attach layers; the Dockerfile copies the pipeline in.
    assert _resources(template, "AWS::Serverless::LayerVersion") == {}
    functions = _resources(template, "AWS::Serverless::Function")
    assert functions, "no AWS::Serverless::Function in template.yaml"
    for name, function in functions.items():
        props = function.get("Properties", {})
        assert props.get("PackageType") == "Image", f"{name} is not PackageType Image"
        assert "Layers" not in props, f"{name} names a layer"


def test_api_accepts_binary_uploads_and_requires_keys() -> None:
    template = _load_template()
    api = template["Resources"]["AnonymizerApi"]
    assert api["Type"] == "AWS::Serverless::Api"
    props = api["Properties"]
    # Every body binary: curl without Accept gets bytes, JSON bodies arrive base64-encoded.
    assert props["BinaryMediaTypes"] == ["*~1*"]
    assert props["Auth"]["ApiKeyRequired"] is True
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"]
    routes = {
        (e["Properties"]["Method"].lower(), e["Properties"]["Path"]): e["Properties"] for e in events.values()
    }
    from image_anonymizer.entrypoints.http.local_server import ROUTES

    served = {(method.lower(), path.replace("*", "{job_id}")) for method, path in ROUTES}
    assert set(routes) == served, "the template and the local server must serve the same routes"
    assert routes[("get", "/health")]["Auth"]["ApiKeyRequired"] is False
    # The contract holds no data: integrators read it before they hold a key.
    assert routes[("get", "/openapi.json")]["Auth"]["ApiKeyRequired"] is False
    for route in routes.values():
        assert route["RestApiId"] == {"Ref": "AnonymizerApi"}


def test_three_usage_plans_with_throttle_and_quota() -> None:
    template = _load_template()
    plans = _resources(template, "AWS::ApiGateway::UsagePlan")
    assert {"BasicUsagePlan", "ProUsagePlan", "BusinessUsagePlan"} <= set(plans)
    rates = []
    for name in ("BasicUsagePlan", "ProUsagePlan", "BusinessUsagePlan"):
        props = plans[name]["Properties"]
        assert props["Throttle"]["RateLimit"] > 0 and props["Throttle"]["BurstLimit"] > 0, name
        assert props["Quota"]["Limit"] > 0 and props["Quota"]["Period"] in ("DAY", "WEEK", "MONTH"), name
        assert props["ApiStages"] == [
            {"ApiId": {"Ref": "AnonymizerApi"}, "Stage": {"Ref": "AnonymizerApi.Stage"}}
        ]
        rates.append((props["Throttle"]["RateLimit"], props["Quota"]["Limit"]))
    assert rates == sorted(rates), "plans should grow from basic to business"
    key_links = _resources(template, "AWS::ApiGateway::UsagePlanKey")
    assert any(link["Properties"]["UsagePlanId"] == {"Ref": "BasicUsagePlan"} for link in key_links.values())


def test_api_function_dockerfile_exists_and_copies_the_pipeline() -> None:
    function = _load_template()["Resources"]["ApiFunction"]
    metadata = function["Metadata"]
    context = REPO / metadata["DockerContext"]
    dockerfile = context / metadata["Dockerfile"]
    assert dockerfile.resolve() == DOCKERFILE.resolve()
    assert dockerfile.is_file()
    sources = _dockerfile_copy_sources(dockerfile.read_text(encoding="utf-8"))
    assert any(s.rstrip("/") == "layers/pipeline/python" for s in sources), sources


def test_dockerfile_copy_sources_exist_and_are_not_dockerignored() -> None:
    raw = _dockerfile_copy_sources(DOCKERFILE.read_text(encoding="utf-8"))
    assert raw
    functions = [
        resource["Metadata"]["DockerBuildArgs"]["FUNCTION"]
        for resource in _resources(_load_template(), "AWS::Serverless::Function").values()
        if resource["Properties"].get("PackageType") == "Image"
    ]
    assert sorted(functions) == ["api", "worker"]
    sources = sorted({s.replace("${FUNCTION}", name) for s in raw for name in functions})
    missing = [s for s in sources if not (REPO / s).exists()]
    assert not missing, f"Dockerfile copies files that are not in the repo: {missing}"
    ignored = [
        line.strip().rstrip("/")
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    clashes = [
        s for s in sources for pattern in ignored if s.rstrip("/") == pattern or s.startswith(pattern + "/")
    ]
    assert not clashes, f".dockerignore excludes files the Dockerfile copies: {clashes}"


@pytest.mark.template
def test_image_routes_validate_requests_and_function_reads_its_settings() -> None:
    function = _load_template()["Resources"]["ApiFunction"]["Properties"]
    for name in ("AnalyzeImage", "RedactImage"):
        model = function["Events"][name]["Properties"]["RequestModel"]
        assert model["ValidateParameters"] is True
    variables = function["Environment"]["Variables"]
    from image_anonymizer.config import CoreSettings

    env = {k: str(v) for k, v in variables.items() if isinstance(v, str | int)}
    assert CoreSettings.from_env(env).max_pixels == int(variables["IMAGE_ANONYMIZER_MAX_PIXELS"])
    globals_env = _load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert globals_env["OMP_THREAD_LIMIT"] == "1"


def test_large_upload_flow_resources_are_safe_and_never_loop() -> None:
    from image_anonymizer.storage.layout import Layout

    resources = _load_template()["Resources"]
    bucket = resources["ImagesBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policy = resources["ImagesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        st["Effect"] == "Deny" and st["Condition"]["Bool"]["aws:SecureTransport"] == "false" for st in policy
    )
    layout = Layout()
    trigger_prefixes = [
        rule["Value"]
        for queue in bucket["NotificationConfiguration"]["QueueConfigurations"]
        for rule in queue["Filter"]["S3Key"]["Rules"]
    ]
    assert sorted(trigger_prefixes) == sorted([layout.upload_prefix, layout.drop_prefix])
    outputs = [layout.results_prefix, layout.output_prefix, layout.failed_prefix]
    assert not any(o.startswith(t) or t.startswith(o) for o in outputs for t in trigger_prefixes), "recursion"
    expiring = {rule.get("Prefix") for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert set(outputs) <= expiring
    queue = resources["RedactionQueue"]["Properties"]
    worker = resources["WorkerFunction"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] <= 5
    assert resources["DeadLetterAlarm"]["Properties"]["Dimensions"][0]["Value"] == {
        "Fn::GetAtt": ["RedactionDeadLetterQueue", "QueueName"]
    }
    sqs_event = worker["Events"]["Queue"]["Properties"]
    assert sqs_event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert worker["PackageType"] == "Image"
    for table, ttl in (("JobsTable", "expires_at"), ("IdempotencyTable", "expiration")):
        props = resources[table]["Properties"]
        assert props["TimeToLiveSpecification"] == {"AttributeName": ttl, "Enabled": True}
        assert props["SSESpecification"]["SSEEnabled"] is True
    assert resources["RedactionEventBus"]["Type"] == "AWS::Events::EventBus"
    assert worker["Environment"]["Variables"]["EVENT_BUS_NAME"] == {"Ref": "RedactionEventBus"}
    machine = resources["BackfillStateMachine"]["Properties"]["Definition"]["States"]["RedactPrefix"]
    assert machine["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert machine["MaxConcurrency"] > 0 and 0 < machine["ToleratedFailurePercentage"] < 100


# --- least privilege and bounds (issue 10) ------------------------------------


def _statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    return [st for policy in function["Properties"]["Policies"] for st in policy.get("Statement", [])]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_usage_plan_lookup_may_only_list_usage_plans() -> None:
    function = _load_template()["Resources"]["ApiFunction"]
    granted = [st for st in _statements(function) if any("apigateway" in a for a in _as_list(st["Action"]))]
    assert len(granted) == 1, granted
    (statement,) = granted
    assert _as_list(statement["Action"]) == ["apigateway:GET"]
    # /usageplans/* would reach a plan's keys, /apikeys their values.
    assert _as_list(statement["Resource"]) == [
        {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/usageplans"}
    ]


def test_worker_reads_deletes_and_writes_each_only_under_its_own_prefixes() -> None:
    from image_anonymizer.storage.layout import Layout

    worker = _load_template()["Resources"]["WorkerFunction"]
    policies = worker["Properties"]["Policies"]
    templates = {name for policy in policies for name in policy if name != "Statement"}
    assert not {name for name in templates if name.startswith("S3")}, "no bucket-wide S3 policy template"
    granted: dict[str, set[str]] = {}
    for statement in _statements(worker):
        assert statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"]):
            if not action.startswith("s3:"):
                continue
            for resource in _as_list(statement["Resource"]):
                granted.setdefault(action, set()).add(resource["Fn::Sub"])
    layout = Layout()

    def objects(*prefixes: str) -> set[str]:
        return {"${ImagesBucket.Arn}/" + prefix + "*" for prefix in prefixes}

    assert granted == {
        "s3:GetObject": objects(layout.upload_prefix, layout.drop_prefix, layout.archive_prefix),
        "s3:DeleteObject": objects(layout.upload_prefix, layout.drop_prefix),
        "s3:PutObject": objects(layout.results_prefix, layout.output_prefix, layout.failed_prefix),
    }


def test_both_functions_reserve_their_concurrency_by_parameter() -> None:
    template = _load_template()
    parameters, resources = template["Parameters"], template["Resources"]
    for function, parameter, default in (
        ("ApiFunction", "ApiReservedConcurrency", 50),
        ("WorkerFunction", "WorkerReservedConcurrency", 30),
    ):
        assert parameters[parameter]["Default"] == default
        reserved = resources[function]["Properties"]["ReservedConcurrentExecutions"]
        condition, value, otherwise = reserved["Fn::If"]
        assert value == {"Ref": parameter} and otherwise == {"Ref": "AWS::NoValue"}
        assert template["Conditions"][condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, 0]}]}
    # The worker's reservation holds the SQS poller and the backfill at full speed.
    poller = resources["WorkerFunction"]["Properties"]["Events"]["Queue"]["Properties"]["ScalingConfig"]
    backfill = resources["BackfillStateMachine"]["Properties"]["Definition"]["States"]["RedactPrefix"]
    assert poller["MaximumConcurrency"] + backfill["MaxConcurrency"] <= 30


def test_drops_never_processed_expire_and_dead_letters_raise_an_alarm() -> None:
    template = _load_template()
    resources = template["Resources"]
    rules = resources["ImagesBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    (drop_rule,) = [rule for rule in rules if rule.get("Prefix") == "drop/"]
    assert drop_rule["Status"] == "Enabled"
    assert drop_rule["ExpirationInDays"] == {"Ref": "DropRetentionDays"}
    days = template["Parameters"]["DropRetentionDays"]["Default"]
    assert days == 14
    dead_letters = resources["RedactionDeadLetterQueue"]["Properties"]
    assert dead_letters["MessageRetentionPeriod"] <= days * 86_400, "kept as long as its dead letter"
    alarm = resources["DeadLetterAlarm"]["Properties"]
    assert alarm["Namespace"] == "AWS/SQS"
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
