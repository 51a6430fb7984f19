"""The pipeline, pure of any way into it: decode (``formats``) → OCR (``ocr``) → detect
(``detection``, ``visual``) → map (``mapping``) → redact (``redaction``) → verify
(``verification``) → encode (``formats``). ``service`` is the only module that knows
every step. Nothing here knows HTTP, S3 or where files are written."""
