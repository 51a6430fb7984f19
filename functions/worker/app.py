"""SQS (S3 notifications, integration requests) and Step Functions → the redaction worker.

The handler lives with the pipeline (``image_anonymizer.queue_handler``) so tests and
the container image run the same code.
"""

from image_anonymizer.queue_handler import lambda_handler

__all__ = ["lambda_handler"]
