"""The two adapters of the redact-and-store use case's ``Store`` port: an S3 bucket
and a folder of the file system."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PART_SUFFIX = ".part"


class S3Store:
    """Objects of one bucket, named by their keys."""

    def __init__(self, s3_client: Any, bucket: str) -> None:
        self._s3 = s3_client
        self.bucket = bucket

    def write(self, name: str, data: bytes, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self._s3.put_object(Bucket=self.bucket, Key=name, Body=data, **extra)

    def remove(self, name: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=name)


class FolderStore:
    """Files under ``root``, named by their paths relative to it, each written to a
    temporary name and then renamed (``write_atomically``) with ``mode``."""

    def __init__(self, root: Path, mode: int = 0o666) -> None:
        self.root = root
        self._mode = mode

    def write(self, name: str, data: bytes, content_type: str | None = None) -> None:
        write_atomically(self.root / name, data, self._mode)

    def remove(self, name: str) -> None:
        (self.root / name).unlink()


def write_atomically(target: Path, data: bytes, mode: int = 0o666) -> None:
    """Write to a temporary name beside the target, then rename: never a half file.

    The temporary file is created afresh (never through a link left in its place) with
    ``mode`` (less the umask); the drop folder passes ``0o600``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + PART_SUFFIX)
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
