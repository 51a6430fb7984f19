"""``image-anonymizer watch INBOX OUTBOX``: the drop folder on a plain file system.

A file that appears in INBOX is redacted into OUTBOX under the same relative path, with
``<name>.json`` holding its findings (types, boxes, scores, pages and counts: the
text read only with ``store_text``, ``--findings-with-text``); the original is removed
only after both are written (each to a temporary name, then renamed), so stopping and starting again loses
nothing: what is still in INBOX is done again. A file that cannot be redacted is moved
to ``OUTBOX/failed/`` with ``<name>.error.json``; so is one that meets an internal
error, which is logged (its name and the error's type, never its text) and never
stops the watcher.

Only regular files are read: symbolic links (to a file or a folder) and special files
are skipped, and every path component is opened with ``O_NOFOLLOW``, so a link planted
in INBOX is never followed, read nor copied. A file is taken once its size and mtime
have not changed over two consecutive looks and it decodes completely, with the
format's end marker (a GIF's trailer, a PNG's IEND, a WebP's or BMP's declared size):
a file that still looks cut short is waited for while it is younger than the grace
period, and only then moved to ``failed/``. Outputs are written ``0600``.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from image_anonymizer.core import formats
from image_anonymizer.errors import AnonymizerError, InvalidRequest, UnprocessableImage
from image_anonymizer.storage.stores import PART_SUFFIX, FolderStore
from image_anonymizer.usecases.redact_and_store import RedactAndStore

if TYPE_CHECKING:
    from image_anonymizer.core.service import ImageAnonymizer, Options

FAILED_FOLDER = "failed"
OUTPUT_MODE = 0o600
STABLE_LOOKS = 2  # the same size and mtime on this many looks after the first
INCOMPLETE_GRACE = 60.0  # seconds a file that looks cut short is waited for, by its mtime
_TOO_SHORT_TO_TELL = 64  # bytes: a copy that has barely started is not yet "not an image"
_MAGIC = (b"GIF8", b"\x89PNG\r\n\x1a\n", b"RIFF", b"BM", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_DIRECTORY", 0)


@dataclass(frozen=True)
class DropResult:
    source: Path
    status: str  # redacted | failed | waiting
    target: Path
    entities: int = 0
    reason: str = ""


def read_regular_file(root: Path, relative: Path) -> tuple[bytes, os.stat_result] | None:
    """The bytes of ``root/relative`` if it is a regular file reached through no symbolic
    link (every component opened with ``O_NOFOLLOW``); None otherwise."""
    directory = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for part in relative.parts[:-1]:
            inner = os.open(part, _DIR_FLAGS, dir_fd=directory)
            os.close(directory)
            directory = inner
        descriptor = os.open(relative.name, _READ_FLAGS, dir_fd=directory)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT, errno.ENXIO, errno.EMLINK):
            return None  # a link, gone, or a special file
        raise
    finally:
        os.close(directory)
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return None
        return handle.read(), status


def looks_cut_short(data: bytes) -> bool:
    """True when the format's end marker is missing: the file is (still) incomplete."""
    if len(data) < _TOO_SHORT_TO_TELL:  # the start of an image, or not an image at all
        return any(magic.startswith(data[: len(magic)]) for magic in _MAGIC)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return not data.endswith(b"\x3b")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return b"IEND" not in data[-1024:]
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return len(data) < int.from_bytes(data[4:8], "little") + 8
    if data.startswith(b"BM"):
        declared = int.from_bytes(data[2:6], "little")
        return 0 < len(data) < declared
    return False


@dataclass(frozen=True)
class _Look:
    size: int
    mtime_ns: int
    stable: int  # consecutive looks with this size and mtime, after the first


class DropFolder:
    def __init__(
        self,
        inbox: Path,
        outbox: Path,
        anonymizer: ImageAnonymizer,
        options: Options,
        store_text: bool = False,
        incomplete_grace: float = INCOMPLETE_GRACE,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if inbox.resolve() == outbox.resolve() or outbox.resolve().is_relative_to(inbox.resolve()):
            raise ValueError("OUTBOX must not be INBOX nor inside it")
        self.inbox, self.outbox = inbox, outbox
        self._anonymizer = anonymizer
        # Outputs are written 0600, findings indented for a person to read.
        self._redactor = RedactAndStore(anonymizer, FolderStore(outbox, OUTPUT_MODE), indent=2)
        self._options = options
        self._store_text = store_text  # the findings JSON keeps the text read: PII at rest
        self._grace = incomplete_grace
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._looks: dict[Path, _Look] = {}
        self._waiting: set[Path] = set()  # reported as waiting once, until they change
        self._stuck: set[Path] = set()  # could not even be moved aside: not again this run

    def clean_partial_writes(self) -> int:
        """Remove temporary files a stopped run left behind; their originals are still in INBOX."""
        removed = 0
        for partial in self.outbox.rglob("*" + PART_SUFFIX):
            partial.unlink(missing_ok=True)
            removed += 1
        return removed

    def _regular_files(self) -> Iterator[tuple[Path, os.stat_result]]:
        """Regular files under INBOX, found without following a symbolic link."""
        for folder, folders, names in os.walk(self.inbox, followlinks=False):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for name in sorted(names):
                if name.startswith(".") or name.endswith(PART_SUFFIX):
                    continue
                path = Path(folder) / name
                try:
                    status = path.lstat()
                except OSError:
                    continue
                if stat.S_ISREG(status.st_mode):
                    yield path, status

    def _ready_files(self, settle: bool) -> Iterator[tuple[Path, os.stat_result]]:
        """Files whose size and mtime have not changed over ``STABLE_LOOKS`` looks."""
        seen: dict[Path, _Look] = {}
        for path, status in self._regular_files():
            previous = self._looks.get(path)
            same = previous is not None and (previous.size, previous.mtime_ns) == (
                status.st_size,
                status.st_mtime_ns,
            )
            look = _Look(status.st_size, status.st_mtime_ns, previous.stable + 1 if same and previous else 0)
            seen[path] = look
            if not same:
                self._waiting.discard(path)
                self._stuck.discard(path)
            if path in self._stuck:
                continue
            if not settle or look.stable >= STABLE_LOOKS:
                yield path, status
        self._looks = seen

    def process_once(self, settle: bool = False) -> list[DropResult]:
        results: list[DropResult] = []
        for path, status in list(self._ready_files(settle)):
            try:
                result = self._process(path, status, settle)
            except Exception as error:  # noqa: BLE001 - one file's trouble never stops the watcher
                self._stuck.add(path)
                self._log(f"image-anonymizer: {self._name(path)}: left in place ({type(error).__name__})")
                continue
            if result is None:
                continue
            if result.status != "waiting":
                self._looks.pop(path, None)
            results.append(result)
        return results

    def _name(self, path: Path) -> str:
        return str(path.relative_to(self.inbox))

    def _process(self, source: Path, listed: os.stat_result, settle: bool) -> DropResult | None:
        relative = source.relative_to(self.inbox)
        if source in self._waiting and time.time() - listed.st_mtime_ns / 1e9 < self._grace:
            return None  # already found incomplete, unchanged since, and still young
        found = read_regular_file(self.inbox, relative)
        if found is None:
            return None  # replaced by a link or a special file since it was listed, or gone
        data, status = found
        if settle and (status.st_size, status.st_mtime_ns) != (listed.st_size, listed.st_mtime_ns):
            return None  # changed since the last look: look again
        young = time.time() - status.st_mtime_ns / 1e9 < self._grace
        incomplete = self._incompleteness(data)
        if incomplete is not None:
            if young:
                return self._wait(source, incomplete)
            return self._fail(source, relative, data, incomplete)
        try:
            redaction = self._redactor.redact(data, self._options)
        except AnonymizerError as error:
            if error.code == "internal_error":
                return self._internal_error(source, relative, data, error)
            return self._fail(source, relative, data, error)
        except Exception as error:  # noqa: BLE001 - logged by type, the file moved aside
            return self._internal_error(source, relative, data, error)
        stored = self._redactor.store(redaction, str(relative), store_text=self._store_text)
        source.unlink()
        return DropResult(source, "redacted", self.outbox / relative, len(stored.summary["entities"]))

    def _incompleteness(self, data: bytes) -> AnonymizerError | None:
        """Why the bytes look like a file still being written (or cut short), if they do:
        a missing end marker, or a full decode that fails as truncated or empty."""
        if looks_cut_short(data):
            return UnprocessableImage("The file ends before its format's end marker: incomplete.")
        try:
            formats.decode(data, self._anonymizer.settings)
        except (UnprocessableImage, InvalidRequest) as error:
            return error
        except AnonymizerError:
            return None  # not an image, too large: not a matter of waiting; redact() answers it
        return None

    def _wait(self, source: Path, reason: AnonymizerError) -> DropResult | None:
        if source in self._waiting:
            return None
        self._waiting.add(source)
        return DropResult(source, "waiting", source, reason=reason.code)

    def _internal_error(self, source: Path, relative: Path, data: bytes, error: Exception) -> DropResult:
        cause = error.__cause__ if isinstance(error, AnonymizerError) and error.__cause__ else error
        self._log(f"image-anonymizer: {relative}: internal error ({type(cause).__name__}); moved to failed/")
        return self._fail(source, relative, data, None)

    def _fail(self, source: Path, relative: Path, data: bytes, error: AnonymizerError | None) -> DropResult:
        failed = Path(FAILED_FOLDER) / relative
        record = self._redactor.set_aside(str(failed), data, error, str(relative))
        source.unlink()
        return DropResult(source, "failed", self.outbox / failed, reason=record.error)

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
