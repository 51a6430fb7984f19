"""``image-anonymizer watch`` end to end with real files, including a restart mid-batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
        first.wait(timeout=30)
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
