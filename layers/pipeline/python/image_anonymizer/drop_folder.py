"""``image-anonymizer watch INBOX OUTBOX``: the drop folder on a plain file system.

A file that appears in INBOX (and has stopped growing) is redacted into OUTBOX under
the same relative path, with ``<name>.json`` holding its findings (types, boxes, scores,
pages and counts: the text read only with ``store_text``, ``--findings-with-text``); the original is
removed only after both are written (each to a temporary name, then renamed), so
stopping and starting again loses nothing: what is still in INBOX is done again.
A file that cannot be redacted is moved to ``OUTBOX/failed/`` with ``<name>.error.json``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AnonymizerError, ProcessingFailed

if TYPE_CHECKING:  # the CLI imports this module for write_atomically without loading the model
    from .service import ImageAnonymizer, Options

PART_SUFFIX = ".part"
FAILED_FOLDER = "failed"


@dataclass(frozen=True)
class DropResult:
    source: Path
    status: str  # redacted | failed
    target: Path
    entities: int = 0


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary name beside the target, then rename: never a half file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + PART_SUFFIX)
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)


class DropFolder:
    def __init__(
        self,
        inbox: Path,
        outbox: Path,
        anonymizer: ImageAnonymizer,
        options: Options,
        store_text: bool = False,
    ) -> None:
        if inbox.resolve() == outbox.resolve() or outbox.resolve().is_relative_to(inbox.resolve()):
            raise ValueError("OUTBOX must not be INBOX nor inside it")
        self.inbox, self.outbox = inbox, outbox
        self._anonymizer = anonymizer
        self._options = options
        self._store_text = store_text  # the findings JSON keeps the text read: PII at rest
        self._sizes: dict[Path, int] = {}

    def clean_partial_writes(self) -> int:
        """Remove temporary files a stopped run left behind; their originals are still in INBOX."""
        removed = 0
        for partial in self.outbox.rglob("*" + PART_SUFFIX):
            partial.unlink(missing_ok=True)
            removed += 1
        return removed

    def _ready_files(self, settle: bool) -> Iterator[Path]:
        """Files whose size has not changed since the last look (still being copied otherwise)."""
        for path in sorted(p for p in self.inbox.rglob("*") if p.is_file()):
            if path.name.startswith(".") or path.name.endswith(PART_SUFFIX):
                continue
            size = path.stat().st_size
            previous = self._sizes.get(path)
            self._sizes[path] = size
            if not settle or previous == size:
                yield path

    def process_once(self, settle: bool = False) -> list[DropResult]:
        results = [self._process(path) for path in self._ready_files(settle)]
        for result in results:
            self._sizes.pop(result.source, None)
        return results

    def _process(self, source: Path) -> DropResult:
        relative = source.relative_to(self.inbox)
        data = source.read_bytes()
        try:
            redaction = self._anonymizer.redact(data, self._options)
        except AnonymizerError as error:
            if isinstance(error, ProcessingFailed):
                raise
            target = self.outbox / FAILED_FOLDER / relative
            write_atomically(target, data)
            reason = {"error": error.code, "message": error.message, "source": str(relative)}
            write_atomically(target.with_name(target.name + ".error.json"), json.dumps(reason).encode())
            source.unlink()
            return DropResult(source, "failed", target)
        target = self.outbox / relative
        summary = redaction.analysis.to_dict(with_text=self._store_text)
        write_atomically(target, redaction.image)
        write_atomically(
            target.with_name(target.name + ".json"),
            json.dumps(summary, indent=2, ensure_ascii=False).encode(),
        )
        source.unlink()
        return DropResult(source, "redacted", target, len(summary["entities"]))

    def watch(
        self,
        interval: float,
        report: Callable[[DropResult], None],
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.clean_partial_writes()
        while not should_stop():
            for result in self.process_once(settle=True):
                report(result)
            time.sleep(interval)
