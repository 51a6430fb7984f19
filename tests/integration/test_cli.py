"""The console script, as a user runs it: real files, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image

from tests.rendering import assert_redacted, coverage, decode, encode, render, tokens

CLI = str(Path(sys.executable).with_name("image-anonymizer"))
EMAIL = "li.wei@example.net"
LINES = [tokens(f"Reply to {EMAIL} soon", [EMAIL])]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


def test_given_a_folder_then_redact_writes_every_image_in_its_format(tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    (inbox / "sub").mkdir(parents=True)
    image, words = render(LINES, size=(900, 140))
    (inbox / "a.png").write_bytes(encode(image, "PNG"))
    (inbox / "sub" / "b.webp").write_bytes(encode(image, "WEBP", lossless=True))
    (inbox / "notes.txt").write_text("not an image")
    result = run("redact", str(inbox), "-o", str(out), "--fill-color", "red", "--findings")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name, fmt in (("a.png", "PNG"), ("sub/b.webp", "WEBP")):
        redacted = decode((out / name).read_bytes())
        assert redacted.format == fmt
        assert_redacted(image, redacted, words, (255, 0, 0))
    findings = json.loads((out / "a.png.json").read_text())
    assert findings["entity_counts"].get("EMAIL_ADDRESS") == 1
    assert "EMAIL_ADDRESS 1" in result.stdout


def test_given_an_image_then_analyze_prints_the_contract_json(tmp_path: Path) -> None:
    image, _ = render(LINES, size=(900, 140))
    path = tmp_path / "scan.png"
    path.write_bytes(encode(image, "PNG"))
    result = run("analyze", str(path), "--entities", "EMAIL_ADDRESS")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert [e["entity_type"] for e in body["entities"]] == ["EMAIL_ADDRESS"]
    assert body["image_dimensions"] == {"width": 900, "height": 140}
    assert body["ocr_mode"] == "thorough"


def test_given_ocr_mode_fast_then_analyze_runs_one_tesseract_pass(tmp_path: Path) -> None:
    image, _ = render(LINES, size=(900, 140))
    path = tmp_path / "scan.png"
    path.write_bytes(encode(image, "PNG"))
    result = run("analyze", str(path), "--ocr-mode", "fast")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["ocr_mode"] == "fast"
    assert [e["entity_type"] for e in body["entities"]] == ["EMAIL_ADDRESS"]
    refused = run("analyze", str(path), "--ocr-mode", "slow")
    assert refused.returncode == 2 and "thorough" in refused.stderr


def test_given_bad_input_then_exit_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    text = tmp_path / "fake.png"
    text.write_text("hello")
    image = tmp_path / "ok.png"
    image.write_bytes(encode(render(LINES, size=(900, 140))[0], "PNG"))
    cases = [
        ("analyze", str(text)),
        ("analyze", str(tmp_path / "missing.png")),
        ("analyze", str(image), "--entities", "NOPE"),
        ("analyze", str(image), "--language", "xx"),
        ("redact", str(text), "-o", str(tmp_path / "out")),
    ]
    for args in cases:
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
        assert result.stderr.startswith("image-anonymizer: ")


def test_entities_lists_the_catalogue() -> None:
    result = run("entities", "--json")
    assert result.returncode == 0
    names = {e["entity_type"] for e in json.loads(result.stdout)}
    assert len(names) >= 25 and {"SG_NRIC_FIN", "DATE_OF_BIRTH", "AGE", "DOMAIN_NAME"} <= names


def test_languages_lists_the_installed_languages_and_their_detection() -> None:
    result = run("languages", "--json")
    assert result.returncode == 0, result.stderr
    by_language = {e["language"]: e for e in json.loads(result.stdout)}
    assert by_language["fr"]["names"] == "ner" and by_language["es"]["names"] == "labels"
    assert by_language["es"]["national_entities"] == ["ES_NIE", "ES_NIF"]


def test_given_verify_flags_then_redact_reports_the_verification(tmp_path: Path) -> None:
    image, words = render(LINES, size=(900, 140))
    path = tmp_path / "scan.png"
    path.write_bytes(encode(image, "PNG"))
    checked = run(
        "redact", str(path), "-o", str(tmp_path / "on"), "--ocr-mode", "fast", "--verify", "--findings"
    )
    assert checked.returncode == 0, checked.stderr
    assert "verification clean" in checked.stdout
    report = json.loads((tmp_path / "on" / "scan.png.json").read_text())["verification"]
    assert report["performed"] is True and report["status"] == "clean"
    assert_redacted(image, decode((tmp_path / "on" / "scan.png").read_bytes()), words)
    skipped = run("redact", str(path), "-o", str(tmp_path / "off"), "--no-verify", "--findings")
    assert skipped.returncode == 0, skipped.stderr
    assert "verification" not in skipped.stdout
    assert json.loads((tmp_path / "off" / "scan.png.json").read_text())["verification"]["status"] == "skipped"


def test_given_list_flags_then_analyze_and_redact_apply_them(tmp_path: Path) -> None:
    lines = [tokens(f"Reply to {EMAIL} soon", [EMAIL]), tokens("Project Falcon for Harriet Coleby")]
    image, words = render(lines, size=(1000, 220))
    path = tmp_path / "scan.png"
    path.write_bytes(encode(image, "PNG"))
    deny_file = tmp_path / "deny.txt"
    deny_file.write_text("project falcon\n\n", encoding="utf-8")
    allow_file = tmp_path / "allow.txt"
    allow_file.write_text("Harriet Coleby\n", encoding="utf-8")
    analysed = run(
        "analyze", str(path), "--deny", "soon", "--deny-list-file", str(deny_file),
        "--allow-list-file", str(allow_file), "--exclude-entities", "EMAIL_ADDRESS,URL",
    )  # fmt: skip
    assert analysed.returncode == 0, analysed.stderr
    body = json.loads(analysed.stdout)
    assert body["entity_counts"] == {"DENY_LIST": 2}
    assert sorted(e["text"] for e in body["entities"]) == ["Project Falcon", "soon"]
    redacted = run(
        "redact", str(path), "-o", str(tmp_path / "out"), "--ocr-mode", "fast",
        "--deny", "Falcon", "--allow", "harriet coleby", "--allow", EMAIL,
    )  # fmt: skip
    assert redacted.returncode == 0, redacted.stderr
    assert "DENY_LIST 1" in redacted.stdout
    out = decode((tmp_path / "out" / "scan.png").read_bytes())
    assert_redacted(image, out, [type(w)(w.text, w.box, w.text == "Falcon") for w in words])
    refused = run("analyze", str(path), "--deny", "x" * 101)
    assert refused.returncode == 2 and "deny_list entry 1 has 101 characters" in refused.stderr
    missing = run("analyze", str(path), "--allow-list-file", str(tmp_path / "none.txt"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_given_list_flags_then_the_drop_folder_applies_them_to_every_file(tmp_path: Path) -> None:
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    image, words = render(LINES, size=(900, 140))
    (inbox / "a.png").write_bytes(encode(image, "PNG"))
    result = run(
        "watch", str(inbox), str(outbox), "--once", "--ocr-mode", "fast",
        "--deny", "Reply", "--exclude-entities", "EMAIL_ADDRESS,URL,DOMAIN_NAME",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads((outbox / "a.png.json").read_text())["entity_counts"] == {"DENY_LIST": 1}
    out = decode((outbox / "a.png").read_bytes())
    assert_redacted(image, out, [type(w)(w.text, w.box, w.text == "Reply") for w in words])


def test_given_codes_and_faces_flags_then_redact_and_watch_cover_what_they_ask_for(tmp_path: Path) -> None:
    image, _ = render([tokens("Item label")], size=(900, 500))
    symbol = np.asarray(
        zxingcpp.create_barcode("ITEM-0042", zxingcpp.BarcodeFormat.Code128).to_image(scale=3)
    )
    image.paste(Image.fromarray(np.repeat(symbol[:1], 100, axis=0)), (100, 250))
    dark = np.nonzero(symbol[0] < 128)[0]
    bars = (100 + int(dark.min()), 250, 101 + int(dark.max()), 350)  # first bar to last
    inbox, outbox, out = tmp_path / "in", tmp_path / "outbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "label.png").write_bytes(encode(image, "PNG"))
    plain = run(
        "redact", str(inbox / "label.png"), "-o", str(out), "--fill-color", "red", "--ocr-mode", "fast"
    )
    assert plain.returncode == 0, plain.stderr
    assert coverage(decode((out / "label.png").read_bytes()), bars, (255, 0, 0)) == 0.0  # a product number
    result = run(
        "watch", str(inbox), str(outbox), "--once", "--ocr-mode", "fast", "--fill-color", "red",
        "--codes", "all", "--no-faces",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert coverage(decode((outbox / "label.png").read_bytes()), bars, (255, 0, 0)) == 1.0
    stored = json.loads((outbox / "label.png.json").read_text())
    assert [(e["entity_type"], e["symbology"], e["payload_types"]) for e in stored["entities"]] == [
        ("CODE", "Code 128", [])
    ]
    assert "ITEM-0042" not in (outbox / "label.png.json").read_text()
    bad = run("redact", str(inbox / "label.png"), "-o", str(out), "--codes", "some")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_entities_lists_face_and_code() -> None:
    names = {e["entity_type"] for e in json.loads(run("entities", "--json").stdout)}
    assert {"FACE", "CODE"} <= names
