"""Image Anonymization: find personal information in images and cover it.

The layers, whose imports only point down: ``entrypoints`` (HTTP, the S3 worker, the
CLI, the drop folder) → ``usecases`` (redact and store) → ``core`` (the pipeline:
``formats`` → ``ocr`` → ``detection`` → ``mapping`` → ``redaction`` → ``formats``;
``core.service`` the only module that knows every step). Beside them: ``storage``
(jobs, plans, stores), ``config`` (the settings, the only reader of the environment),
``errors`` (every domain error) and ``bootstrap`` (builds each entry point).
"""

__version__ = "0.1.0"
