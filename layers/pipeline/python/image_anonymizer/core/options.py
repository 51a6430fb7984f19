"""What a caller may choose, and how raw request values become it: ``Options.parse``
validates every field, each bad one an ``InvalidRequest``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from image_anonymizer.core import catalogue, ocr, redaction, request_lists, visual
from image_anonymizer.core.catalogue import DEFAULT_SCORE_THRESHOLD, VISUAL_ENTITIES, validate_entities
from image_anonymizer.core.languages import LanguageSpec, parse_language
from image_anonymizer.errors import InvalidRequest

# The options a stored or queued request carries, by name (an upload's job, a worker's
# message): every one of ``Options.parse`` but include_words, which only an analysis uses.
STORED_OPTIONS = (
    "language",
    "score_threshold",
    "entities",
    "fill_color",
    "ocr_mode",
    "verify",
    "exclude_entities",
    "allow_list",
    "deny_list",
    "codes",
    "faces",
)
_PARTS_OF_EMAILS = frozenset({"URL", "DOMAIN_NAME"})


@dataclass(frozen=True)
class Options:
    """What a caller may choose. Build with ``Options.parse`` to validate raw input."""

    language: LanguageSpec
    score_threshold: float = DEFAULT_SCORE_THRESHOLD
    entities: frozenset[str] | None = None
    fill_color: str = redaction.DEFAULT_FILL
    ocr_mode: ocr.OcrMode = "thorough"
    verify: bool | None = None
    exclude_entities: frozenset[str] | None = None
    allow_list: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()
    include_words: bool = True
    codes: visual.CodesMode = "pii"
    faces: bool = True

    @property
    def detected_entities(self) -> frozenset[str] | None:
        """The types the text detector looks for: ``entities`` (or the defaults) minus
        ``exclude_entities``, without the visual types (``FACE``, ``CODE``); ``None``
        means the detector's defaults, and an empty set means none at all (as when
        ``entities`` names visual types only)."""
        text = None if self.entities is None else self.entities - VISUAL_ENTITIES.keys()
        if not self.exclude_entities:
            return text
        return (catalogue.DEFAULT_ENTITIES if text is None else text) - self.exclude_entities

    def looks_for(self, visual_type: str) -> bool:
        """Whether ``FACE`` or ``CODE`` is looked for: its option (``faces``, ``codes``)
        allows it, and ``entities`` is the default or names it, and
        ``exclude_entities`` does not."""
        allowed = self.faces if visual_type == visual.FACE else self.codes != "none"
        named = self.entities is None or visual_type in self.entities
        return allowed and named and visual_type not in (self.exclude_entities or frozenset())

    @property
    def payload_entities(self) -> frozenset[str] | None:
        """The types a code's payload is searched for: the text types asked for, or the
        defaults (less those excluded) when ``entities`` names visual types only."""
        wanted = self.asked_entities
        visual_only = self.entities is not None and not self.entities - VISUAL_ENTITIES.keys()
        if wanted is not None and not wanted and visual_only:
            return catalogue.DEFAULT_ENTITIES - (self.exclude_entities or frozenset())
        return wanted

    @property
    def asked_entities(self) -> frozenset[str] | None:
        """What the detector is asked for: ``detected_entities``, plus an excluded
        EMAIL_ADDRESS when URLs or domain names are looked for. The detector then sees
        the emails and reports no URL or domain inside one, as when emails are asked
        for, and ``_findings`` drops the emails: an excluded email is left whole."""
        wanted = self.detected_entities
        if wanted and self.exclude_entities and wanted & _PARTS_OF_EMAILS:
            return wanted | (self.exclude_entities & {"EMAIL_ADDRESS"})
        return wanted

    @property
    def verifies(self) -> bool:
        """Whether a redaction is read again before it is returned: ``verify`` when
        given, else in thorough mode only."""
        return self.ocr_mode == "thorough" if self.verify is None else self.verify

    @classmethod
    def parse(
        cls,
        language: str | None = None,
        score_threshold: float | str | None = None,
        entities: Iterable[str] | str | None = None,
        fill_color: str | None = None,
        ocr_mode: str | None = None,
        verify: bool | str | None = None,
        exclude_entities: Iterable[str] | str | None = None,
        allow_list: object = None,
        deny_list: object = None,
        include_words: bool | str | None = None,
        codes: str | None = None,
        faces: bool | str | None = None,
    ) -> Options:
        """Validate raw request values; every bad one raises ``InvalidRequest``.

        ``entities`` and ``exclude_entities``: comma-separated, a JSON array, or a
        sequence. ``allow_list`` and ``deny_list``: as ``request_lists.parse_list`` reads them.
        ``codes``: pii (default), all or none; ``faces``: true (default) or false.
        """
        return cls(
            language=parse_language(language),
            score_threshold=_parse_threshold(score_threshold),
            entities=validate_entities(_entity_names(entities, "entities")),
            fill_color=redaction.parse_fill_color(fill_color),
            ocr_mode=_parse_ocr_mode(ocr_mode),
            verify=parse_flag(verify, "verify"),
            exclude_entities=validate_entities(_entity_names(exclude_entities, "exclude_entities")),
            allow_list=request_lists.parse_list(allow_list, "allow_list"),
            deny_list=request_lists.parse_list(deny_list, "deny_list"),
            include_words=parse_flag(include_words, "include_words") is not False,
            codes=visual.parse_codes(codes),
            faces=parse_flag(faces, "faces") is not False,
        )


def _entity_names(value: Iterable[str] | str | None, name: str) -> Iterable[str] | None:
    """Type names from one comma-separated string or JSON array string, or a sequence
    (whose items may be comma-separated too: a form field repeated)."""
    if value is None:
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            return request_lists.parse_list(stripped, name)
        return value.split(",")
    names: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidRequest(f"{name} must be entity type names.")
        names += item.split(",")
    return names


def _parse_ocr_mode(value: str | None) -> ocr.OcrMode:
    """``thorough`` (the default: Tesseract, then RapidOCR where Tesseract struggled)
    or ``fast`` (one Tesseract pass)."""
    if value is None or value == "":
        return "thorough"
    mode = value.strip().lower() if isinstance(value, str) else value
    for known in ocr.OCR_MODES:
        if mode == known:
            return known
    raise InvalidRequest(f"ocr_mode must be one of: {', '.join(ocr.OCR_MODES)}.")


_TRUE = ("true", "1", "yes", "on")


_FALSE = ("false", "0", "no", "off")


def parse_flag(value: bool | str | None, name: str) -> bool | None:
    """``true``/``false`` (also 1/0, yes/no, on/off); ``None`` or empty: not given."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidRequest(f"{name} must be true or false.")


def _parse_threshold(value: float | str | None) -> float:
    if value is None or value == "":
        return DEFAULT_SCORE_THRESHOLD
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        raise InvalidRequest("score_threshold must be a number between 0 and 1.") from None
    if not 0.0 <= threshold <= 1.0 or math.isnan(threshold):
        raise InvalidRequest("score_threshold must be a number between 0 and 1.")
    return threshold
