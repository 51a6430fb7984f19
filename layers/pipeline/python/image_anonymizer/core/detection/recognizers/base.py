"""The base of this package's own recognizers."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult

from image_anonymizer.core.detection.findings import NO_TRAITS, Traits
from image_anonymizer.core.detection.lexicon import Vocabulary


class RegexRecognizer(EntityRecognizer):  # type: ignore[misc]
    """A recognizer of one entity type (``ENTITY``) from plain regular expressions;
    ``TRAITS`` say how post-processing reads its findings."""

    ENTITY: ClassVar[str] = ""
    TRAITS: ClassVar[Traits] = NO_TRAITS

    def __init__(self, language: str) -> None:
        super().__init__(
            supported_entities=[self.ENTITY], supported_language=language, name=type(self).__name__
        )

    def load(self) -> None:
        return None

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            self.ENTITY,
            start,
            end,
            score,
            recognition_metadata={"recognizer_name": type(self).__name__, "recognizer_identifier": self.id},
        )


class VocabularyRecognizer(RegexRecognizer):
    """A ``RegexRecognizer`` that tells names from ordinary words with the model's
    ``Vocabulary``."""

    def __init__(self, language: str, vocabulary: Vocabulary) -> None:
        super().__init__(language)
        self._vocabulary = vocabulary
