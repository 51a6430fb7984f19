"""Image Anonymization: find personal information in images and cover it.

The pipeline, in order: ``formats`` (decode) → ``ocr`` → ``detection`` →
``mapping`` → ``redaction`` → ``formats`` (encode). ``service`` is the only
module that knows all of the steps; every entry point (CLI, HTTP, S3) calls it.
"""

__version__ = "0.1.0"
