"""SQS (S3 notifications, integration requests) and Step Functions → the redaction worker.

The handler lives with the pipeline (``image_anonymizer.entrypoints.worker.queue_handler``) so tests and
the container image run the same code. Built here, once, at cold start.
"""

from image_anonymizer.bootstrap import build_worker
from image_anonymizer.config import Settings

lambda_handler = build_worker(Settings.from_env()).lambda_handler

__all__ = ["lambda_handler"]
