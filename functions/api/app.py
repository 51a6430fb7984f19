"""API Gateway → Lambda entry point for /analyze-image, /redact-image, /entities, /health.

The resolver, its routes and the error mapping live with the pipeline
(``image_anonymizer.api``) so that ``image-anonymizer serve`` runs the very same
handler on localhost.
"""

from image_anonymizer.api import lambda_handler

__all__ = ["lambda_handler"]
