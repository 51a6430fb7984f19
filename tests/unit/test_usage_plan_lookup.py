"""The plan lookup asks API Gateway one thing, GET /usageplans?keyId=..., the only
call the API function's policy allows (tests/integration/test_template.py checks it)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from image_anonymizer.storage.plans import _usage_plan_lookup


@pytest.fixture
def apigateway(fake_aws: None) -> Any:
    return boto3.client("apigateway")


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
