"""PII detection: Presidio analyzers built once per language, offline, with the
recognizers OCR'd documents need that Presidio lacks (DATE_OF_BIRTH, AGE,
DOMAIN_NAME) and the ones it ships disabled (SG_NRIC_FIN and others).

- ``detector``: ``PresidioDetector``, one Presidio ``AnalyzerEngine`` per language;
- ``recognizers``: the recognizers of a language, one module each of ours;
- ``postprocessing``: the named rules applied to the findings, in order;
- ``findings``: ``Detection`` and its ``Traits``; ``lexicon``: word lists (``data/``);
  ``patterns``: shared regular-expression fragments.
"""

from __future__ import annotations

from image_anonymizer.core.detection.detector import PresidioDetector
from image_anonymizer.core.detection.findings import Detection, Traits

__all__ = ["Detection", "PresidioDetector", "Traits"]
