"""The bucket's key layout: where objects come in and where results go. Shared by the
upload flow (which names the keys) and the worker (which reads and writes them)."""

from __future__ import annotations

from dataclasses import dataclass

from image_anonymizer.errors import PoisonMessage


@dataclass(frozen=True)
class Layout:
    """Where objects come in and where results go."""

    upload_prefix: str = "incoming/"
    drop_prefix: str = "drop/"
    results_prefix: str = "results/"
    output_prefix: str = "redacted/"
    failed_prefix: str = "failed/"
    # Read-only: backfills and integrations redact what is here, never delete nor move it.
    archive_prefix: str = "archive/"

    def output_key(self, key: str) -> str | None:
        """``incoming/<job>/<name>`` → ``results/<job>/<name>``; ``drop/<rel>`` → ``redacted/<rel>``."""
        if key.startswith(self.upload_prefix) and key.count("/") >= 2:
            return self.results_prefix + key[len(self.upload_prefix) :]
        if key.startswith(self.drop_prefix) and len(key) > len(self.drop_prefix):
            return self.output_prefix + key[len(self.drop_prefix) :]
        return None

    def job_id(self, key: str) -> str | None:
        if key.startswith(self.upload_prefix):
            return key[len(self.upload_prefix) :].split("/", 1)[0] or None
        return None

    def is_output(self, key: str) -> bool:
        return key.startswith((self.results_prefix, self.output_prefix, self.failed_prefix))

    def is_read_only(self, key: str) -> bool:
        return key.startswith(self.archive_prefix)

    def requested_target(self, key: str, output_key: str | None) -> str:
        """Check an integration's or a backfill's (source, output) pair; raises ``PoisonMessage``.

        The source lies under ``drop/`` or ``archive/`` (an upload and its output are its
        job's alone); the output, by default a drop's own, under ``redacted/``, with no
        empty, ``.`` or ``..`` segment, and not ending in ``.json``, which is where another
        output keeps its findings."""
        if not _is_plain_key(key, (self.drop_prefix, self.archive_prefix)):
            raise PoisonMessage(f"key must lie under {self.drop_prefix} or {self.archive_prefix}")
        output_key = output_key or self.output_key(key)
        if output_key is None:
            raise PoisonMessage(f"a key under {self.archive_prefix} needs an output_key")
        if not _is_plain_key(output_key, (self.output_prefix,)) or output_key.endswith(".json"):
            raise PoisonMessage(f"output_key must lie under {self.output_prefix} and not end in .json")
        return output_key


def _is_plain_key(key: str, prefixes: tuple[str, ...]) -> bool:
    if not key.startswith(prefixes) or len(key) > 1024:
        return False
    segments = key.split("/")[1:]
    return bool(segments) and all(part not in ("", ".", "..") for part in segments)
