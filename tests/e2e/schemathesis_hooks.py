"""schemathesis hooks for the contract run (``SCHEMATHESIS_HOOKS=tests.e2e.schemathesis_hooks``)."""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error


@schemathesis.check
def no_server_error_but_not_configured(ctx: Any, response: Any, case: Any) -> bool | None:
    """``not_a_server_error``, but for a documented 501 ``not_configured``: ``serve`` has
    no bucket or jobs table, and the large-upload routes say so, as the document tells."""
    if response.status_code == 501 and "501" in case.operation.definition.raw["responses"]:
        body = json.loads(response.content)
        if body.get("error") != "not_configured":
            raise AssertionError(f"501 with error {body.get('error')!r}, not not_configured")
        return None
    return not_a_server_error(ctx, response, case)
