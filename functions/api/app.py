"""API Gateway → Lambda entry point for /analyze-image, /redact-image, /entities, /health.

The resolver, its routes and the error mapping live with the pipeline
(``image_anonymizer.entrypoints.http.api``) so that ``image-anonymizer serve`` runs the very same
handler on localhost. Built here, once, at cold start (the model loads in the init phase).
"""

from image_anonymizer.bootstrap import build_api
from image_anonymizer.config import Settings

lambda_handler = build_api(Settings.from_env()).lambda_handler

__all__ = ["lambda_handler"]
