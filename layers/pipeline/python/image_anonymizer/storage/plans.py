"""Plans and their upload caps; which plan an API key belongs to."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from image_anonymizer.errors import InvalidRequest

MB = 1024 * 1024
PLAN_LIMITS: dict[str, int] = {"basic": 5 * MB, "pro": 10 * MB, "business": 20 * MB}


def plan_limit_bytes(plan: str) -> int:
    try:
        return PLAN_LIMITS[plan]
    except KeyError:
        raise InvalidRequest(f"Unknown plan '{plan[:20]}'. Plans: {', '.join(PLAN_LIMITS)}.") from None


def _usage_plan_lookup(api_key_id: str) -> str | None:
    """Ask API Gateway which usage plan holds the key; the plan's ``plan`` tag names it."""
    import boto3

    client = boto3.client("apigateway")
    for usage_plan in client.get_usage_plans(keyId=api_key_id).get("items", []):
        tag = str((usage_plan.get("tags") or {}).get("plan", "")).lower()
        if tag in PLAN_LIMITS:
            return tag
    return None


class PlanResolver:
    """API key id → plan, cached per warm function.

    ``static`` (``PLAN_BY_API_KEY_ID``) answers first; ``lookup`` next, by default on
    AWS (``on_aws``) the usage plan's ``plan`` tag; the default plan answers last.
    """

    def __init__(
        self,
        default_plan: str,
        lookup: Callable[[str], str | None] | None = None,
        static: Mapping[str, str] | None = None,
        on_aws: bool = False,
    ) -> None:
        plan_limit_bytes(default_plan)
        self._default = default_plan
        self._static: dict[str, str] = dict(static or {})
        self._lookup = lookup or (_usage_plan_lookup if on_aws else None)
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def plan_for(self, api_key_id: str | None) -> str:
        if not api_key_id:
            return self._default
        with self._lock:
            if api_key_id in self._cache:
                return self._cache[api_key_id]
        plan = self._static.get(api_key_id)
        if plan is None and self._lookup is not None:
            try:
                plan = self._lookup(api_key_id)
            except Exception:  # noqa: BLE001 - a failed lookup falls back to the default plan
                plan = None
        plan = plan if plan in PLAN_LIMITS else self._default
        with self._lock:
            self._cache[api_key_id] = plan
        return plan
