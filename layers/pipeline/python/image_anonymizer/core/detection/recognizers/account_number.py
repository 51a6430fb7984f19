"""ACCOUNT_NUMBER: a person's own number next to the label that says so."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

# A person's own number after its label: "Member No: 2846", "Card No. 5271936",
# "Staff: 20417", "Account # 274-3095518", "Employee ID 4471".
_ACCOUNT_LABEL_RE = re.compile(
    r"\b(?:member(?:ship)?|card|account|acct|a/c|staff|employee|emp|customer|cust|patient|client"
    r"|policy|loyalty|subscriber|social\s+security|ssn|badge|student)"
    r"(?:[ \t]+card)?(?:[ \t]*(?:no\b\.?|number|num\b\.?|#|id\b|code))?[ \t]*[:#.]?[ \t]*"
    # A prefix of capitals ("MB 4471"), never a label word ("card 55123").
    r"(\(?(?-i:[A-Z]{0,4})[ \t]?\d[\dA-Z]*(?:[ \t]?[-/][ \t]?[\dA-Z]+){0,3}\)?)(?![\w-])",
    re.IGNORECASE,
)


class AccountNumberRecognizer(RegexRecognizer):
    """A number that identifies a person or their account, next to the label that
    says so (membership, loyalty and payment cards, staff, patients, policies). A
    business's own numbers (invoice, order, registration) have labels of their own."""

    ENTITY = "ACCOUNT_NUMBER"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _ACCOUNT_LABEL_RE.finditer(text):
            value = match.group(1)
            if sum(c.isdigit() for c in value) >= 3:
                results.append(self._result(match.start(1), match.end(1), 0.6))
        return results
