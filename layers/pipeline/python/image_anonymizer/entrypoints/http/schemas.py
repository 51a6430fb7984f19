"""The API's contract, as Powertools turns it into OpenAPI 3.1: the form fields
(types, defaults, enums, limits), the JSON answers as pydantic models, and every
status a route may answer with.

The routes in ``api`` annotate their parameters with the field types below and
pass ``responses=`` built here; ``GET /openapi.json`` is Powertools' document of
those routes. The models describe the answers and are never used to build them:
``Analysis.to_dict`` and the upload service shape the JSON, and the tests check
real answers against these models.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Form
from pydantic import BaseModel, ConfigDict, Field

from image_anonymizer.core.catalogue import DEFAULT_SCORE_THRESHOLD, ENTITY_CATALOGUE
from image_anonymizer.core.formats import SUPPORTED_FORMATS, SUPPORTED_NAMES
from image_anonymizer.core.ocr import OCR_MODES
from image_anonymizer.core.redaction import DEFAULT_FILL, FILL_COLORS
from image_anonymizer.core.visual import CODES_MODES
from image_anonymizer.storage.plans import MB, PLAN_LIMITS

JSON = "application/json"
_FLAG = ["true", "false"]
VERIFICATION_STATUSES = ["skipped", "clean", "covered"]


def _without_null(schema: dict[str, Any]) -> None:
    """An optional form field is absent or a string, never JSON null: drop the null
    alternative (and the ``null`` default) that ``X | None = None`` gives."""
    options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    if schema.get("default", ...) is None:
        del schema["default"]


def _optional(description: str, **extra: Any) -> Any:
    """A form field that may be left out, with ``extra`` merged into its schema."""

    def shape(schema: dict[str, Any]) -> None:
        _without_null(schema)
        schema.update(extra)

    hook: Any = shape  # pydantic takes a callable; Powertools' signature says dict
    return Form(description=description, json_schema_extra=hook)


def _type_names(description: str) -> Any:
    """``entities``/``exclude_entities``: names repeated, comma-separated or a JSON array."""
    names = {"type": "string", "enum": list(ENTITY_CATALOGUE)}
    return _optional(description, anyOf=[{"type": "array", "items": names}, {"type": "string"}])


def _phrases(description: str) -> Any:
    return _optional(description, anyOf=[{"type": "array", "items": {"type": "string"}}, {"type": "string"}])


def image_description(sync_max_bytes: int) -> str:
    plans = ", ".join(f"{plan} {limit / MB:g} MB" for plan, limit in PLAN_LIMITS.items())
    return (
        f"The image: {SUPPORTED_NAMES} (every page of a TIFF, every frame of a GIF). "
        f"At most {sync_max_bytes / MB:g} MB on this synchronous endpoint (larger images: "
        f"POST /uploads), and at most the caller's plan allows ({plans}); 413 beyond."
    )


_LANGUAGE_HELP = (
    "OCR and detection language: ISO 639-1 (en, de) or Tesseract codes (eng, deu), several "
    "joined with '+' (en+de), or auto (detected from the first page). GET /entities lists "
    "the installed ones."
)
_THRESHOLD_HELP = "The lowest detection score a finding needs, from 0 to 1."
_ENTITIES_HELP = (
    "The types to look for (default: every default type, see GET /entities): repeat the "
    "field, or one value comma-separated or as a JSON array. Case-insensitive."
)
_FILL_HELP = "The colour the boxes are painted with (case-insensitive)."
_OCR_MODE_HELP = (
    "thorough (default): Tesseract, then RapidOCR where Tesseract struggled; "
    "fast: one Tesseract pass, about twice as fast, misses more"
)
_EXCLUDE_HELP = "types never covered, comma-separated or repeated: taken from entities (or the defaults)"
_ALLOW_HELP = (
    "words or phrases never covered (a finding equal to one, ignoring case and spacing): "
    "repeat the field, or one value as a JSON array or one entry per line; never comma-separated"
)
_DENY_HELP = (
    "words or phrases always covered where they stand as whole words, ignoring case, "
    "reported as DENY_LIST: repeat the field, or one value as a JSON array or one entry per line"
)
_WORDS_HELP = "true (default)|false: list every word read, with its box, confidence (0-100), language, page"
_CODES_HELP = (
    "pii (default): cover a QR code or barcode whose payload holds PII; all: every code; "
    "none: no code. Reported as CODE with its symbology and the payload's types, never the payload"
)
_FACES_HELP = "true (default)|false: cover faces in photographs, reported as FACE"
_VERIFY_HELP = (
    "true|false (also 1/0, yes/no, on/off): read the redacted image again and cover what is "
    "still found (default: true in thorough mode, false in fast mode)"
)

# The form fields of the image routes. Values stay strings where the service's own
# parser is more lenient than the documented enum (case, spacing, yes/no).
Language = Annotated[str, Form(description=_LANGUAGE_HELP)]
ScoreThreshold = Annotated[float, Form(ge=0.0, le=1.0, description=_THRESHOLD_HELP)]
EntityNames = Annotated[list[str] | str | None, _type_names(_ENTITIES_HELP)]
ExcludedNames = Annotated[list[str] | str | None, _type_names(_EXCLUDE_HELP)]
FillColor = Annotated[str, Form(description=_FILL_HELP, json_schema_extra={"enum": list(FILL_COLORS)})]
OcrMode = Annotated[str, Form(description=_OCR_MODE_HELP, json_schema_extra={"enum": list(OCR_MODES)})]
Verify = Annotated[str | None, _optional(_VERIFY_HELP, type="string", enum=_FLAG)]
AllowList = Annotated[list[str] | str | None, _phrases(_ALLOW_HELP)]
DenyList = Annotated[list[str] | str | None, _phrases(_DENY_HELP)]
IncludeWords = Annotated[str, Form(description=_WORDS_HELP, json_schema_extra={"enum": _FLAG})]
Codes = Annotated[str | None, _optional(_CODES_HELP, type="string", enum=list(CODES_MODES))]
Faces = Annotated[str | None, _optional(_FACES_HELP, type="string", enum=_FLAG)]

DEFAULT_LANGUAGE = "en"
DEFAULT_THRESHOLD = DEFAULT_SCORE_THRESHOLD
DEFAULT_FILL_COLOR = DEFAULT_FILL
DEFAULT_OCR_MODE = OCR_MODES[0]


class UploadRequest(BaseModel):
    """What POST /uploads takes (JSON): the file's name and the redaction options,
    as the image routes take them."""

    filename: str | None = Field(default=None, max_length=255)
    language: str | None = Field(default=None, description=_LANGUAGE_HELP)
    score_threshold: float | str | None = Field(default=None, description=_THRESHOLD_HELP)
    entities: list[str] | str | None = Field(default=None, description=_ENTITIES_HELP)
    fill_color: str | None = Field(default=None, description=_FILL_HELP)
    ocr_mode: str | None = Field(default=None, description=_OCR_MODE_HELP)
    verify: bool | str | None = Field(default=None, description=_VERIFY_HELP)
    exclude_entities: list[str] | str | None = Field(default=None, description=_EXCLUDE_HELP)
    # Any items: a non-string entry is refused by Options.parse with its own message.
    allow_list: list[Any] | str | None = Field(default=None, description=_ALLOW_HELP)
    deny_list: list[Any] | str | None = Field(default=None, description=_DENY_HELP)
    codes: str | None = Field(default=None, description=_CODES_HELP)
    faces: bool | str | None = Field(default=None, description=_FACES_HELP)
    # Stores each finding's text and the OCR text in the findings JSON: PII at rest.
    store_text: bool | str | None = Field(
        default=None, description="true: the findings JSON keeps each finding's text and the OCR text"
    )


# ---------------------------------------------------------------- answers


class ErrorBody(BaseModel):
    """Every error the API itself answers with: a stable code and a safe message."""

    model_config = ConfigDict(extra="forbid")
    error: str = Field(description="A stable code, such as invalid_request or image_too_large")
    message: str = Field(description="What was wrong, safe to show; never text read from the image")


class GatewayError(BaseModel):
    """What API Gateway (or ``serve``, in its place) answers before the function runs."""

    model_config = ConfigDict(extra="forbid")
    message: str


class Health(BaseModel):
    status: str = Field(json_schema_extra={"const": "ok"})


class Box(BaseModel):
    """A pixel rectangle; ``x``/``y`` is its top-left corner."""

    model_config = ConfigDict(extra="forbid")
    x: int
    y: int
    width: int
    height: int


class Entity(BaseModel):
    model_config = ConfigDict(extra="allow")
    entity_type: str
    text: str = Field(description="The text found (absent from stored findings)")
    score: float
    bbox: Box = Field(description="The box around every box of the finding")
    boxes: list[Box] = Field(description="One box per line the finding spans")
    page: int
    source: str = Field(
        description="analysis or verification for text; code or face for a visual finding",
        json_schema_extra={"enum": ["analysis", "verification", "code", "face"]},
    )


class Dimensions(BaseModel):
    width: int
    height: int


class PageSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    index: int
    width: int
    height: int
    word_count: int
    ocr_confidence: float
    entity_count: int


class Verification(BaseModel):
    model_config = ConfigDict(extra="allow")
    performed: bool
    status: Literal["skipped", "clean", "covered"]
    clean: bool | None
    added: int
    passes: int
    last_pass_clean: bool | None


class Word(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str
    bbox: Box
    confidence: float
    language: str
    page: int


class Analysis(BaseModel):
    """POST /analyze-image's answer. Fields may be added; clients should ignore unknown ones."""

    model_config = ConfigDict(extra="allow")
    entities: list[Entity]
    ocr_text: str = Field(description="The text read, pages separated by a form feed")
    image_dimensions: Dimensions = Field(description="The first page's size")
    format: str = Field(json_schema_extra={"enum": [f.name for f in SUPPORTED_FORMATS]})
    page_count: int
    pages: list[PageSummary]
    language: str = Field(description="The Tesseract languages used, joined with '+'")
    detection_mode: str
    ocr_engine: str
    ocr_mode: str = Field(json_schema_extra={"enum": list(OCR_MODES)})
    entity_counts: dict[str, int]
    tokens: int = Field(description="What the request cost (also X-Token-Cost on /redact-image)")
    timings_ms: dict[str, float]
    verification: Verification
    unsupported_entities: list[str] = Field(
        description="Default types the language cannot detect on this server, not looked for"
    )
    language_detection: dict[str, Any] | None = Field(
        default=None, description="What language=auto chose, and how sure it was"
    )
    words: list[Word] | None = Field(default=None, description="Every word read (include_words=true)")


class EntityType(BaseModel):
    model_config = ConfigDict(extra="allow")
    entity_type: str
    description: str
    default: bool = Field(description="Looked for when a request names no types")
    requestable: bool = Field(description="May be named in entities/exclude_entities")


class InstalledLanguage(BaseModel):
    model_config = ConfigDict(extra="allow")
    language: str
    tesseract: str
    detection_mode: str
    names: str = Field(json_schema_extra={"enum": ["ner", "labels"]})
    national_entities: list[str]


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="allow")
    entities: list[EntityType]
    languages: list[InstalledLanguage]


class PresignedPost(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str
    fields: dict[str, str]
    method: str
    content_type: str


class UploadCreated(BaseModel):
    model_config = ConfigDict(extra="allow")
    job_id: str
    upload: PresignedPost
    max_bytes: int
    expires_in: int
    status_url: str
    options: dict[str, str]


class JobStatus(BaseModel):
    model_config = ConfigDict(extra="allow")
    job_id: str
    status: str
    plan: str
    options: dict[str, str]
    created_at: Any
    entity_counts: dict[str, int] | None = None
    expires_in: int | None = None
    redacted_image_url: str | None = None
    findings_url: str | None = None
    reason: str | None = None


# ---------------------------------------------------------------- statuses


API_KEY_SCHEME = "apiKey"
KEYED: list[dict[str, list[str]]] = [{API_KEY_SCHEME: []}]
TITLE = "Image Anonymization"
DESCRIPTION = (
    "Finds personal information in images (Tesseract OCR, Presidio) and covers it. "
    "POST /analyze-image says what was found and where; POST /redact-image returns the "
    "image with it painted over; POST /uploads and GET /jobs/{job_id} take larger images "
    "through S3. Every error is JSON: {error, message} from the API, {message} from the "
    "gateway. Generated from the code by Powertools."
)


def openapi_document(app: Any, version: str) -> str:
    """The resolver's routes as an OpenAPI 3.1 document (JSON)."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey

    scheme = APIKey.model_validate(
        {
            "type": "apiKey",
            "in": "header",
            "name": "x-api-key",
            "description": "The API key of a usage plan (serve: its --api-key)",
        }
    )
    document = json.loads(
        app.get_openapi_json_schema(
            title=TITLE, version=version, description=DESCRIPTION, security_schemes={API_KEY_SCHEME: scheme}
        )
    )
    # Powertools adds a 422 in FastAPI's shape to every route; this API answers a request
    # that fails validation with 400 and an ErrorBody (api.handle_validation_error), so the
    # routes declare their own 422 where they have one, and the default goes.
    for operations in document["paths"].values():
        for operation in operations.values():
            refused = operation["responses"].get("422", {}).get("content", {}).get(JSON, {})
            if refused.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                del operation["responses"]["422"]
    _drop_unreferenced(document)
    return json.dumps(document, indent=2)


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


def _drop_unreferenced(document: dict[str, Any]) -> None:
    """Keep the component schemas the paths reach, directly or through one another."""
    components = document["components"]["schemas"]
    reached, frontier = set(), _refs(document["paths"])
    while frontier:
        reached |= frontier
        frontier = set().union(*(_refs(components[name]) for name in frontier)) - reached
    for name in set(components) - reached:
        del components[name]
