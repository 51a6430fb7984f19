"""The large-upload flow's HTTP side: presigned S3 POSTs and job status."""

from __future__ import annotations

import hmac
import re
import uuid
from typing import Any

from image_anonymizer.errors import JobNotFound
from image_anonymizer.storage.jobs import DONE, JobStore
from image_anonymizer.storage.layout import Layout
from image_anonymizer.storage.plans import plan_limit_bytes

UPLOAD_EXPIRES_S = 900
DOWNLOAD_EXPIRES_S = 300
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadService:
    def __init__(self, s3_client: Any, jobs: JobStore, bucket: str, layout: Layout | None = None) -> None:
        self._s3 = s3_client
        self._jobs = jobs
        self._bucket = bucket
        self._layout = layout or Layout()

    def create(
        self, plan: str, filename: str | None, options: dict[str, str], owner: str | None = None
    ) -> dict[str, Any]:
        """A job owned by the caller's API key id, and a presigned POST whose policy caps
        the size at the plan's limit and the content type at images."""
        job_id = uuid.uuid4().hex
        name = _UNSAFE.sub("_", (filename or "image").rsplit("/", 1)[-1])[:100].strip("._") or "image"
        key = f"{self._layout.upload_prefix}{job_id}/{name}"
        limit = plan_limit_bytes(plan)
        self._jobs.create(job_id, plan, options, owner)
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Conditions=[["content-length-range", 1, limit], ["starts-with", "$Content-Type", "image/"]],
            ExpiresIn=UPLOAD_EXPIRES_S,
        )
        return {
            "job_id": job_id,
            "upload": {
                "url": post["url"],
                "fields": post["fields"],
                "method": "POST",
                "content_type": "must start with image/",
            },
            "max_bytes": limit,
            "expires_in": UPLOAD_EXPIRES_S,
            "status_url": f"/jobs/{job_id}",
            "options": options,
        }

    def status(self, job_id: str, owner: str | None = None) -> dict[str, Any]:
        """The job as its owner sees it. Another key's job is "No such job." too, the
        same 404 as a job that does not exist: the answer tells nothing about its existence."""
        if not re.fullmatch(r"[0-9a-f]{32}", job_id):
            raise JobNotFound("No such job.")
        job = self._jobs.get(job_id)
        if job is None or not _same_owner(job.owner, owner):
            raise JobNotFound("No such job.")
        answer: dict[str, Any] = {
            "job_id": job.job_id,
            "status": job.status,
            "plan": job.plan,
            "options": job.options,
            "created_at": job.created_at,
        }
        if job.status == DONE and job.output_key and job.findings_key:
            answer["entity_counts"] = job.entity_counts
            answer["expires_in"] = DOWNLOAD_EXPIRES_S
            answer["redacted_image_url"] = self._presigned_get(job.output_key)
            answer["findings_url"] = self._presigned_get(job.findings_key)
        elif job.reason:
            answer["reason"] = job.reason
        return answer

    def _presigned_get(self, key: str) -> str:
        url: str = self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=DOWNLOAD_EXPIRES_S
        )
        return url


def _same_owner(stored: str | None, caller: str | None) -> bool:
    """A job with no owner (made keyless, on localhost) is read only by keyless callers."""
    if stored is None or caller is None:
        return stored is None and caller is None
    return hmac.compare_digest(stored.encode(), caller.encode())
