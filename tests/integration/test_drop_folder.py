"""``image-anonymizer watch`` end to end with real files, including a restart mid-batch."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from image_anonymizer.core.service import ImageAnonymizer, Options
from image_anonymizer.entrypoints.drop_folder import DropFolder, DropResult, read_regular_file
from tests.rendering import assert_redacted, decode, encode, render, tokens

CLI = str(Path(sys.executable).with_name("image-anonymizer"))
EMAIL = "tomas.novak@example.com"


def make_inbox(inbox: Path, count: int) -> dict[str, tuple]:
    made = {}
    for index in range(count):
        image, words = render([tokens(f"Mail {EMAIL} ref {index}", [EMAIL])], size=(900, 120))
        name = f"batch/scan {index}.png"
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(encode(image, "PNG"))
        made[name] = (image, words)
    return made


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_given_a_batch_and_a_restart_midway_then_every_file_is_redacted_once_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    made = make_inbox(inbox, 6)
    (inbox / "batch" / "notes.png").write_text("not an image")
    outbox.mkdir()
    (outbox / "batch").mkdir()
    (outbox / "batch" / "scan 0.png.part").write_bytes(b"left over by a killed run")

    def done() -> list[Path]:
        return [p for p in outbox.rglob("*.png") if "failed" not in p.parts]

    first = subprocess.Popen(
        [CLI, "watch", str(inbox), str(outbox), "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: len(done()) >= 2, 120), "the watcher redacted nothing"
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=120)
    assert len(done()) < len(made), "stop it in the middle of the batch"
    second = subprocess.run(
        [CLI, "watch", str(inbox), str(outbox), "--once"], capture_output=True, text=True, timeout=300
    )
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    for name, (image, words) in made.items():
        assert_redacted(image, decode((outbox / name).read_bytes()), words)
        findings = json.loads((outbox / (name + ".json")).read_text())
        assert findings["entity_counts"]["EMAIL_ADDRESS"] == 1
    assert [p for p in inbox.rglob("*") if p.is_file()] == [], "originals are removed once done"
    assert not list(outbox.rglob("*.part")), "partial writes of a stopped run are cleaned up"
    reason = json.loads((outbox / "failed" / "batch" / "notes.png.error.json").read_text())
    assert reason["error"] == "unsupported_media_type"
    assert (outbox / "failed" / "batch" / "notes.png").read_text() == "not an image"


def test_given_outbox_inside_inbox_then_bad_input(tmp_path: Path) -> None:
    result = subprocess.run(
        [CLI, "watch", str(tmp_path), str(tmp_path / "out"), "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert result.returncode == 2 and "OUTBOX" in result.stderr


# In-process, with the session's anonymizer: what the watcher reads, writes and waits for.

SECRET = "Mail tomas.novak@example.com secret key 1234"


def scan(index: int = 0) -> bytes:
    image, _ = render([tokens(f"Mail {EMAIL} ref {index}", [EMAIL])], size=(900, 120))
    return encode(image, "PNG")


def folder(tmp_path: Path, anonymizer: ImageAnonymizer, **options: object) -> DropFolder:
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir(exist_ok=True)
    outbox.mkdir(exist_ok=True)
    return DropFolder(inbox, outbox, anonymizer, Options.parse(ocr_mode="fast"), **options)  # type: ignore[arg-type]


def looks(drop: DropFolder, times: int) -> list[DropResult]:
    """``times`` looks of the watcher, as ``watch`` makes them, one interval apart."""
    results: list[DropResult] = []
    for _ in range(times):
        results += drop.process_once(settle=True)
    return results


def gif_frame_starts(data: bytes) -> list[int]:
    """Where each frame's blocks (its graphic control extension, then the image) begin."""
    position = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    starts, pending = [], None
    while data[position] != 0x3B:
        if data[position] == 0x21:
            pending = position if pending is None and data[position + 1] == 0xF9 else pending
            position += 2
        else:  # 0x2C: image descriptor, local colour table, LZW code size, then data
            starts.append(position if pending is None else pending)
            pending = None
            flags = data[position + 9]
            position += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        while data[position]:
            position += data[position] + 1
        position += 1
    return starts


def three_frame_gif() -> bytes:
    frames = [render([tokens(f"Mail {EMAIL} page {i}", [EMAIL])], size=(900, 120))[0] for i in range(3)]
    out = io.BytesIO()
    frames[0].convert("P").save(
        out, "GIF", save_all=True, append_images=[f.convert("P") for f in frames[1:]], duration=500
    )
    return out.getvalue()


def test_given_a_symlink_to_a_secret_then_it_is_neither_read_nor_copied(
    tmp_path: Path, anonymizer: ImageAnonymizer
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    secret_folder = tmp_path / "private"
    secret_folder.mkdir()
    (secret_folder / "scan.png").write_bytes(scan(1))
    drop = folder(tmp_path, anonymizer)
    (drop.inbox / "link.png").symlink_to(secret)
    (drop.inbox / "linked-folder").symlink_to(secret_folder, target_is_directory=True)
    (drop.inbox / "real.png").write_bytes(scan())
    results = drop.process_once()
    assert [(r.source.name, r.status) for r in results] == [("real.png", "redacted")]
    assert (drop.inbox / "link.png").is_symlink(), "the link is left alone"
    assert (secret_folder / "scan.png").exists(), "a linked folder is not walked"
    for path in drop.outbox.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes()
    assert not (drop.outbox / "failed").exists()
    assert not (drop.outbox / "linked-folder").exists()
    assert secret.read_text() == SECRET


def test_given_a_file_swapped_for_a_symlink_after_listing_then_it_is_not_read(
    tmp_path: Path, anonymizer: ImageAnonymizer
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    (tmp_path / "inbox" / "sub").mkdir(parents=True)
    (tmp_path / "inbox" / "sub" / "a.png").symlink_to(secret)
    (tmp_path / "inbox" / "via").symlink_to(tmp_path / "inbox" / "sub", target_is_directory=True)
    assert read_regular_file(tmp_path / "inbox", Path("sub/a.png")) is None  # O_NOFOLLOW on the file
    (tmp_path / "inbox" / "sub" / "a.png").unlink()
    (tmp_path / "inbox" / "sub" / "a.png").write_bytes(b"fine")
    assert read_regular_file(tmp_path / "inbox", Path("via/a.png")) is None  # and on each folder
    found = read_regular_file(tmp_path / "inbox", Path("sub/a.png"))
    assert found is not None and found[0] == b"fine"


def test_outputs_and_failed_copies_are_written_0600(tmp_path: Path, anonymizer: ImageAnonymizer) -> None:
    drop = folder(tmp_path, anonymizer)
    (drop.inbox / "a.png").write_bytes(scan())
    (drop.inbox / "notes.png").write_text("not an image, but private notes")
    results = drop.process_once()
    assert sorted(r.status for r in results) == ["failed", "redacted"]
    written = [p for p in drop.outbox.rglob("*") if p.is_file()]
    assert len(written) == 4  # a.png, a.png.json, failed/notes.png, failed/notes.png.error.json
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_given_a_gif_growing_frame_by_frame_then_it_is_taken_only_once_complete_and_stable(
    tmp_path: Path, anonymizer: ImageAnonymizer
) -> None:
    data = three_frame_gif()
    starts = gif_frame_starts(data)
    assert len(starts) == 3
    two_frames = data[: starts[2]]  # cut at a frame boundary: decodes as 2 of 3 frames
    assert getattr(Image.open(io.BytesIO(two_frames)), "n_frames", 1) == 2
    drop = folder(tmp_path, anonymizer)
    target = drop.inbox / "anim.gif"
    target.write_bytes(two_frames)
    assert looks(drop, 5) == [DropResult(target, "waiting", target, reason="unprocessable_image")]
    assert target.exists() and not list(drop.outbox.rglob("*.gif")), "a cut GIF is not taken"
    with open(target, "ab") as handle:  # the copy goes on: the last frame and the trailer
        handle.write(data[starts[2] : -10])
    assert looks(drop, 2) == [] and target.exists()
    with open(target, "ab") as handle:
        handle.write(data[-10:])
    assert looks(drop, 2) == [], "complete, but not yet unchanged over two intervals"
    assert target.exists()
    results = looks(drop, 1)
    assert [r.status for r in results] == ["redacted"]
    assert not target.exists()
    out = Image.open(drop.outbox / "anim.gif")
    assert getattr(out, "n_frames", 1) == 3


def test_given_a_cut_gif_that_stays_cut_past_the_grace_then_failed_with_its_bytes_kept(
    tmp_path: Path, anonymizer: ImageAnonymizer
) -> None:
    data = three_frame_gif()
    cut = data[: gif_frame_starts(data)[2]]
    drop = folder(tmp_path, anonymizer, incomplete_grace=60.0)
    target = drop.inbox / "anim.gif"
    target.write_bytes(cut)
    old = time.time() - 120
    os.utime(target, (old, old))
    results = looks(drop, 3)
    assert [r.status for r in results] == ["failed"]
    assert (drop.outbox / "failed" / "anim.gif").read_bytes() == cut
    reason = json.loads((drop.outbox / "failed" / "anim.gif.error.json").read_text())
    assert reason["error"] == "unprocessable_image"


def test_given_a_png_cut_mid_data_then_it_waits_while_young(
    tmp_path: Path, anonymizer: ImageAnonymizer
) -> None:
    drop = folder(tmp_path, anonymizer)
    target = drop.inbox / "a.png"
    data = scan()
    target.write_bytes(data[: len(data) // 2])
    assert [r.status for r in looks(drop, 4)] == ["waiting"]
    target.write_bytes(data)
    assert [r.status for r in looks(drop, 3)] == ["redacted"]


def test_given_an_internal_error_on_one_file_then_it_is_moved_aside_and_the_next_is_processed(
    tmp_path: Path, anonymizer: ImageAnonymizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged: list[str] = []
    drop = folder(tmp_path, anonymizer, log=logged.append)
    (drop.inbox / "a bad.png").write_bytes(scan(0))
    (drop.inbox / "b good.png").write_bytes(scan(1))
    real = anonymizer.redact
    bad = (drop.inbox / "a bad.png").read_bytes()

    def redact(data: bytes, options: Options):  # type: ignore[no-untyped-def]
        if data == bad:
            raise KeyError(f"boom while reading {EMAIL}")  # not a domain error; carries PII
        return real(data, options)

    monkeypatch.setattr(anonymizer, "redact", redact)
    results = drop.process_once()
    assert [(r.source.name, r.status) for r in results] == [
        ("a bad.png", "failed"),
        ("b good.png", "redacted"),
    ]
    reason = json.loads((drop.outbox / "failed" / "a bad.png.error.json").read_text())
    assert reason == {
        "error": "internal_error",
        "message": "The image could not be processed.",
        "source": "a bad.png",
    }
    assert (drop.outbox / "failed" / "a bad.png").read_bytes() == bad
    assert not (drop.inbox / "a bad.png").exists(), "moved aside: a restart does not meet it again"
    assert logged == ["image-anonymizer: a bad.png: internal error (KeyError); moved to failed/"]
    assert EMAIL not in " ".join(logged)
    assert drop.process_once() == []
