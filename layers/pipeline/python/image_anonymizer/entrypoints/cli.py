"""``image-anonymizer``: analyze, redact and list entity types from the shell.

Exit codes: 0 done, 2 bad input, 1 internal failure; each failure prints one
line on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from image_anonymizer.core.catalogue import DEFAULT_SCORE_THRESHOLD, describe
from image_anonymizer.core.formats import SUPPORTED_FORMATS, detect_format
from image_anonymizer.core.redaction import FILL_COLORS
from image_anonymizer.errors import AnonymizerError, ProcessingFailed, VerificationFailed
from image_anonymizer.storage.plans import PLAN_LIMITS
from image_anonymizer.storage.stores import FolderStore
from image_anonymizer.usecases.redact_and_store import RedactAndStore

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif"}


class _BadInput(Exception):
    """A problem with the command line or the files named on it."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.run(args)
        return result
    except (_BadInput, AnonymizerError) as error:
        message = error.message if isinstance(error, AnonymizerError) else str(error)
        internal = isinstance(error, (ProcessingFailed, VerificationFailed))
        print(f"image-anonymizer: {message}", file=sys.stderr)
        return EXIT_FAILED if internal else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        print(f"image-anonymizer: internal error ({type(error).__name__})", file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="image-anonymizer", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="print the findings of one image as JSON")
    analyze.add_argument("image", type=Path)
    _add_detection_options(analyze)
    analyze.add_argument(
        "--include-words",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="list every word read, with its box, confidence, language and page (default: on)",
    )
    analyze.set_defaults(run=_analyze)

    redact = commands.add_parser("redact", help="write redacted copies of images or folders")
    redact.add_argument("images", type=Path, nargs="+", help="image files or folders of images")
    redact.add_argument("-o", "--output", type=Path, required=True, help="folder for the redacted files")
    redact.add_argument(
        "--findings",
        action="store_true",
        help="also write <name>.json with the findings: types, boxes, scores and counts, no text",
    )
    _add_redaction_options(redact)
    redact.set_defaults(run=_redact)

    serve = commands.add_parser("serve", help="serve the HTTP API on localhost through the Lambda handler")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--api-key", default=None, help="require this x-api-key, as API Gateway does")
    serve.add_argument(
        "--plan", default="basic", choices=sorted(PLAN_LIMITS), help="the key's plan (size cap)"
    )
    serve.add_argument(
        "--workers", type=_positive_int, default=4, help="connections served at once (default 4)"
    )
    serve.add_argument(
        "--timeout", type=float, default=30.0, help="seconds a socket read may wait (default 30)"
    )
    serve.set_defaults(run=_serve)

    watch = commands.add_parser("watch", help="redact what appears in INBOX into OUTBOX, until stopped")
    watch.add_argument("inbox", type=Path)
    watch.add_argument("outbox", type=Path)
    watch.add_argument("--interval", type=float, default=1.0, help="seconds between looks (default 1)")
    watch.add_argument("--once", action="store_true", help="process what is there now, then stop")
    _add_redaction_options(watch)
    watch.set_defaults(run=_watch)

    entities = commands.add_parser("entities", help="list the entity types that can be detected")
    entities.add_argument("--json", action="store_true")
    entities.set_defaults(run=_entities)

    languages = commands.add_parser(
        "languages", help="list the installed OCR languages and what detects names in each"
    )
    languages.add_argument("--json", action="store_true")
    languages.set_defaults(run=_languages)
    return parser


def _add_detection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--language", default="en", help="en, de, eng, en+de …, or auto: detected from the page (default en)"
    )
    parser.add_argument("--score-threshold", type=float, default=DEFAULT_SCORE_THRESHOLD)
    parser.add_argument("--entities", default=None, help="comma-separated types (default: all)")
    parser.add_argument(
        "--ocr-mode",
        default="thorough",
        choices=("thorough", "fast"),
        help="thorough (default): Tesseract, then RapidOCR where it struggled; fast: one Tesseract pass",
    )
    parser.add_argument(
        "--exclude-entities", default=None, help="comma-separated types never covered (taken from --entities)"
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="WORD",
        help="a word or phrase never covered (repeatable)",
    )
    parser.add_argument(
        "--allow-list-file", type=Path, default=None, metavar="FILE", help="allowed words, one per line"
    )
    parser.add_argument(
        "--deny",
        action="append",
        default=[],
        metavar="WORD",
        help="a word or phrase always covered, as DENY_LIST (repeatable)",
    )
    parser.add_argument(
        "--codes",
        default="pii",
        choices=("pii", "all", "none"),
        help="QR codes and barcodes: pii (default) covers one whose payload holds PII, "
        "all every code, none no code (reported as CODE, never with its payload)",
    )
    parser.add_argument(
        "--faces",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="cover faces in photographs, reported as FACE (default: on)",
    )
    parser.add_argument(
        "--deny-list-file", type=Path, default=None, metavar="FILE", help="denied words, one per line"
    )


def _add_redaction_options(parser: argparse.ArgumentParser) -> None:
    """What ``redact`` and ``watch`` share: the fill, the detection, the verification,
    and whether the findings keep the text read."""
    parser.add_argument("--fill-color", default="black", choices=sorted(FILL_COLORS))
    _add_detection_options(parser)
    _add_verify_option(parser)
    _add_findings_text_option(parser)


def _add_findings_text_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--findings-with-text",
        action="store_true",
        help="the findings JSON also keeps each finding's text and the OCR text: "
        "this STORES PERSONAL DATA on disk (implies --findings)",
    )


def _add_verify_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verify",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read each redacted image again and cover what is still found "
        "(default: on with --ocr-mode thorough, off with fast)",
    )


def _options(args: argparse.Namespace) -> object:
    from image_anonymizer.core.service import Options

    return Options.parse(
        language=args.language,
        score_threshold=args.score_threshold,
        entities=args.entities,
        fill_color=getattr(args, "fill_color", None),
        ocr_mode=args.ocr_mode,
        verify=getattr(args, "verify", None),
        exclude_entities=args.exclude_entities,
        allow_list=[*args.allow, *_list_file(args.allow_list_file)],
        deny_list=[*args.deny, *_list_file(args.deny_list_file)],
        include_words=getattr(args, "include_words", None),
        codes=args.codes,
        faces=args.faces,
    )


def _list_file(path: Path | None) -> list[str]:
    """A list file's lines (UTF-8): one word or phrase each."""
    if path is None:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise _BadInput(f"{path} is not UTF-8 text") from None
    except IsADirectoryError:
        raise _BadInput(f"{path} is a folder") from None
    except OSError as error:
        raise _BadInput(f"cannot read {path}: {error.strerror}") from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise _BadInput(f"{path} is a folder") from None
    except OSError as error:
        raise _BadInput(f"cannot read {path}: {error.strerror}") from None


def _analyze(args: argparse.Namespace) -> int:
    from image_anonymizer.core.service import ImageAnonymizer

    options = _options(args)  # validate before loading the model
    data = _read(args.image)
    analysis = ImageAnonymizer().analyze(data, options)  # type: ignore[arg-type]
    print(json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _collect(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(file, its path relative to what was named) for every image named or inside a named folder."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in _IMAGE_SUFFIXES:
                    found.append((child, child.relative_to(path)))
        elif path.is_file():
            found.append((path, Path(path.name)))
        else:
            raise _BadInput(f"{path} does not exist")
    if not found:
        raise _BadInput("no images found in " + ", ".join(str(p) for p in paths))
    return found


def _redact(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from image_anonymizer.core.service import ImageAnonymizer

    options = _options(args)
    files = _collect(args.images)
    if args.output.exists() and not args.output.is_dir():
        raise _BadInput(f"{args.output} is not a folder")
    anonymizer = ImageAnonymizer()
    redactor = RedactAndStore(anonymizer, FolderStore(args.output), indent=2)
    show_progress = any(p.is_dir() for p in args.images) and len(files) > 1
    failures = 0
    worst = EXIT_OK
    for source, relative in tqdm(files, disable=not show_progress, unit="image", file=sys.stderr):
        try:
            data = _read(source)
            result = redactor.redact(data, options)  # type: ignore[arg-type]
        except (_BadInput, AnonymizerError) as error:
            failures += 1
            message = error.message if isinstance(error, AnonymizerError) else str(error)
            print(f"image-anonymizer: {source}: {message}", file=sys.stderr)
            internal = isinstance(error, (ProcessingFailed, VerificationFailed))
            worst = max(worst, EXIT_FAILED if internal else EXIT_BAD_INPUT)
            continue
        name = _output_name(relative, data)
        target = args.output / name
        with_findings = args.findings or args.findings_with_text
        redactor.store(result, str(name), store_text=args.findings_with_text, findings=with_findings)
        summary = result.analysis.to_dict()
        counts = ", ".join(f"{k} {v}" for k, v in summary["entity_counts"].items()) or "nothing found"
        redacted = len(summary["entities"])
        line = f"{source} -> {target}: {redacted} redacted ({counts}); {summary['tokens']} tokens"
        if result.analysis.verification.performed:
            line += f"; verification {result.analysis.verification.status}"
        if show_progress:
            tqdm.write(line, file=sys.stdout)
        else:
            print(line)
    if failures:
        print(f"image-anonymizer: {failures} of {len(files)} images failed", file=sys.stderr)
    return worst


def _output_name(relative: Path, data: bytes) -> Path:
    """Keep the name; fix the extension if it lies about the format."""
    image_format = detect_format(data)
    suffix = relative.suffix.lower().lstrip(".")
    valid = {image_format.extension, "jpeg"} if image_format.extension == "jpg" else {image_format.extension}
    if image_format.extension == "tiff":
        valid.add("tif")
    return relative if suffix in valid else relative.with_suffix("." + image_format.extension)


def _watch(args: argparse.Namespace) -> int:
    from image_anonymizer.core.service import ImageAnonymizer
    from image_anonymizer.entrypoints.drop_folder import DropFolder, DropResult

    options = _options(args)
    if not args.inbox.is_dir():
        raise _BadInput(f"{args.inbox} is not a folder")
    args.outbox.mkdir(parents=True, exist_ok=True)
    try:
        folder = DropFolder(
            args.inbox,
            args.outbox,
            ImageAnonymizer(),
            options,  # type: ignore[arg-type]
            store_text=args.findings_with_text,
        )
    except ValueError as error:
        raise _BadInput(str(error)) from None

    def report(result: DropResult) -> None:
        if result.status == "waiting":
            print(f"{result.source.name}: waiting, it looks incomplete ({result.reason})", flush=True)
            return
        print(
            f"{result.source.name}: {result.status} -> {result.target} ({result.entities} entities)",
            flush=True,
        )

    if args.once:
        folder.clean_partial_writes()
        for result in folder.process_once():
            report(result)
        return EXIT_OK
    print(f"image-anonymizer: watching {args.inbox} -> {args.outbox}", flush=True)
    folder.watch(args.interval, report)
    return EXIT_OK


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _serve(args: argparse.Namespace) -> int:
    from image_anonymizer.bootstrap import build_api
    from image_anonymizer.config import Settings
    from image_anonymizer.entrypoints.http.local_server import serve, with_local_plan

    settings = with_local_plan(Settings.from_env(), args.api_key, args.plan)
    handler = build_api(settings).lambda_handler  # builds the analyzer and OCR engine once, now
    serve(handler, (args.host, args.port), args.api_key, args.plan, args.workers, args.timeout)
    return EXIT_OK


def _entities(args: argparse.Namespace) -> int:
    catalogue = describe()
    if args.json:
        print(json.dumps(catalogue, indent=2))
    else:
        width = max(len(str(e["entity_type"])) for e in catalogue)
        for e in catalogue:
            note = "" if e["default"] else "  (only when asked for)"
            if not e["requestable"]:
                note = "  (not a type to ask for)"
            print(f"{e['entity_type']!s:<{width}}  {e['description']}{note}")
        print(f"\n{len(catalogue)} types; formats: {', '.join(f.name for f in SUPPORTED_FORMATS)}")
    return EXIT_OK


def _languages(args: argparse.Namespace) -> int:
    from image_anonymizer.core.service import ImageAnonymizer

    installed = ImageAnonymizer().languages()
    if args.json:
        print(json.dumps(installed, indent=2))
        return EXIT_OK
    for entry in installed:
        national = ", ".join(entry["national_entities"])
        print(
            f"{entry['language']:<8} {entry['tesseract']:<8} names: {entry['names']:<7}"
            + (f" ids: {national}" if national else "")
        )
    print(f"\n{len(installed)} languages installed; language=auto picks among them")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
