"""The plan lookup asks API Gateway one thing, GET /usageplans?keyId=..., the only
call the API function's policy allows (tests/integration/test_template.py checks it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from image_anonymizer.storage.plans import _usage_plan_lookup


@pytest.fixture
def apigateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("apigateway")


def _plan_with_key(client: Any, plan: str) -> str:
    usage_plan = client.create_usage_plan(name=f"stack-{plan}", tags={"plan": plan})
    key = client.create_api_key(name=f"{plan}-key", enabled=True)
    client.create_usage_plan_key(usagePlanId=usage_plan["id"], keyId=key["id"], keyType="API_KEY")
    return str(key["id"])


def test_given_keys_on_two_plans_then_each_resolves_with_get_usage_plans_only(
    apigateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pro_key, business_key = _plan_with_key(apigateway, "pro"), _plan_with_key(apigateway, "business")
    calls: list[str] = []
    real_client = boto3.client

    def recording_client(*args: Any, **kwargs: Any) -> Any:
        client = real_client(*args, **kwargs)
        client.meta.events.register(
            "before-call.*.*", lambda model, **_: calls.append(model.name), unique_id="record-calls"
        )
        return client

    monkeypatch.setattr(boto3, "client", recording_client)
    assert _usage_plan_lookup(pro_key) == "pro"
    assert _usage_plan_lookup(business_key) == "business"
    assert _usage_plan_lookup("no-such-key") is None
    assert calls == ["GetUsagePlans"] * 3, "no GetUsagePlan, GetUsagePlanKeys nor GetApiKey(s)"
