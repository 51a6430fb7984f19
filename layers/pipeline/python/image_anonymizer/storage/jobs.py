"""Jobs of the large-upload flow, in DynamoDB: what the caller chose, and how it went."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass(frozen=True)
class Job:
    job_id: str
    status: str
    plan: str
    options: dict[str, str]
    created_at: int
    input_key: str | None = None
    output_key: str | None = None
    findings_key: str | None = None
    reason: str | None = None
    entity_counts: dict[str, int] = field(default_factory=dict)
    # The API key id that created the job; only that key may read it back.
    owner: str | None = None


class JobStore:
    """One item per job, keyed ``job_id``, expiring by the table's TTL attribute ``expires_at``."""

    def __init__(self, dynamodb_client: Any, table_name: str, retention_days: int = 7) -> None:
        self._db = dynamodb_client
        self._table = table_name
        self._ttl = retention_days * 86_400

    def create(self, job_id: str, plan: str, options: dict[str, str], owner: str | None = None) -> Job:
        now = int(time.time())
        item: dict[str, Any] = {
            "job_id": {"S": job_id},
            "status": {"S": PENDING},
            "plan": {"S": plan},
            "options": {"M": {k: {"S": v} for k, v in options.items()}},
            "created_at": {"N": str(now)},
            "expires_at": {"N": str(now + self._ttl)},
        }
        if owner:
            item["owner"] = {"S": owner}
        self._db.put_item(
            TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(job_id)"
        )
        return Job(job_id, PENDING, plan, options, now, owner=owner)

    def get(self, job_id: str) -> Job | None:
        item = self._db.get_item(TableName=self._table, Key={"job_id": {"S": job_id}}, ConsistentRead=True)
        raw = item.get("Item")
        if not raw:
            return None
        return Job(
            job_id=raw["job_id"]["S"],
            status=raw["status"]["S"],
            plan=raw.get("plan", {}).get("S", "basic"),
            options={k: v["S"] for k, v in raw.get("options", {}).get("M", {}).items()},
            created_at=int(raw["created_at"]["N"]),
            input_key=raw.get("input_key", {}).get("S"),
            output_key=raw.get("output_key", {}).get("S"),
            findings_key=raw.get("findings_key", {}).get("S"),
            reason=raw.get("reason", {}).get("S"),
            entity_counts={k: int(v["N"]) for k, v in raw.get("entity_counts", {}).get("M", {}).items()},
            owner=raw.get("owner", {}).get("S"),
        )

    def mark_done(
        self, job_id: str, input_key: str, output_key: str, findings_key: str, counts: dict[str, int]
    ) -> None:
        self._db.update_item(
            TableName=self._table,
            Key={"job_id": {"S": job_id}},
            UpdateExpression=(
                "SET #s = :s, input_key = :i, output_key = :o, findings_key = :f, entity_counts = :c"
            ),
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":s": {"S": DONE},
                ":i": {"S": input_key},
                ":o": {"S": output_key},
                ":f": {"S": findings_key},
                ":c": {"M": {k: {"N": str(v)} for k, v in counts.items()}},
            },
        )

    def mark_failed(self, job_id: str, input_key: str, reason: str) -> None:
        self._db.update_item(
            TableName=self._table,
            Key={"job_id": {"S": job_id}},
            UpdateExpression="SET #s = :s, input_key = :i, reason = :r",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": FAILED}, ":i": {"S": input_key}, ":r": {"S": reason}},
        )
