"""Faces and codes as findings: what the service covers besides text."""

from __future__ import annotations

import time
from collections.abc import Callable

from PIL import Image

from image_anonymizer.core import visual
from image_anonymizer.core.model import Finding
from image_anonymizer.core.options import Options


def visual_findings(
    page: Image.Image,
    options: Options,
    faces_found_by: visual.FaceDetector,
    codes_read_by: visual.CodeReader,
    payload_types: Callable[[str, Options], tuple[str, ...]],
    timings: dict[str, float] | None = None,
) -> list[Finding]:
    """Faces (each box padded to the head) and codes on the page pixels. A code is
    a finding under ``codes=all``, or under ``codes=pii`` when its payload holds a
    type asked for; its text is its symbology, and the payload goes no further
    than ``payload_types``."""
    found: list[Finding] = []
    faces, codes = options.looks_for(visual.FACE), options.looks_for(visual.CODE)
    started = time.perf_counter()
    if faces or codes:
        page = page if page.mode == "L" else page.convert("L")  # once, for both
    if faces:  # the conversion is timed with the first step
        for face in faces_found_by.detect(page):
            box = visual.head_box(face, page.width, page.height)
            found.append(
                Finding(
                    visual.FACE,
                    "",
                    visual.FACE_SCORE,
                    0,
                    0,
                    (box,),
                    type(faces_found_by).__name__,
                    source=visual.VISUAL_SOURCES[visual.FACE],
                )
            )
        if timings is not None:
            timings["faces"] = timings.get("faces", 0.0) + time.perf_counter() - started
    if codes:
        started = started if not faces else time.perf_counter()
        for code in codes_read_by.read(page):
            types = payload_types(code.payload, options)
            if options.codes == "all" or types:
                found.append(
                    Finding(
                        visual.CODE,
                        code.symbology,
                        visual.CODE_SCORE,
                        0,
                        0,
                        (code.box,),
                        type(codes_read_by).__name__,
                        source=visual.VISUAL_SOURCES[visual.CODE],
                        symbology=code.symbology,
                        payload_types=types,
                    )
                )
        if timings is not None:
            timings["codes"] = timings.get("codes", 0.0) + time.perf_counter() - started
    return found
