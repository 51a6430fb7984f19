"""PERSON after the label that introduces a name."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from image_anonymizer.core.detection.findings import Traits
from image_anonymizer.core.detection.lexicon import field_labels
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer

# A name after the label that introduces one: "Dear Lucinda Varga,", "Patient: Tobias
# Reed", "Cardholder HARTLEY OWEN". Two or three capitalised words, on the same line.
_NAME_LABELS = (
    r"(?:dear|attn\.?|attention|name|full\s+name|patient|client|customer|employee|applicant|"
    r"cardholder|card\s+holder|account\s+holder|holder|insured|member|guardian|mr\.?|mrs\.?|ms\.?|"
    r"miss|dr\.?|sincerely,?|regards,?|signed|cashier|served\s+by|server|clerk|teller|agent|operator|staff|"
    r"sales\s*person|salesman|attendant|waiter|waitress|checker|"
    r"emergency\s+contact|next\s+of\s+kin|surname|last\s+name|first\s+name|given\s+names?|forenames?|ln|fn)"
)
_NAME_WORD = r"(?:[A-Z]['’][A-Z][a-z]+|Mc[A-Z][a-z]+|[A-Z][a-z'’-]+|[A-Z]{2,})"
# The label before the name on its line, or alone on the line above ("NAME\nTobias Reed").
# A receipt prints the staff's number or code first: "Staff: 2846 Nur Aina",
# "OPERATOR KLWT - NUR AQILAH".
_STAFF_CODE = r"(?:\d[\w-]*[ \t]+|(?-i:[A-Z]{2,6})[ \t]*-[ \t]*)?"
# A word with a colon after it is the next field's label ("Nur Aina Trans: 20517").
_VALUE_WORD = rf"{_NAME_WORD}(?![\w'’-]*:)"
_NAME_AFTER_LABEL_RE = re.compile(
    # A title after the label is part of neither ("Dear Mr. Halvorsen").
    rf"(?:\b{_NAME_LABELS}(?![A-Za-z])[ \t]*[:,]?[ \t]*(?:(?:mr|mrs|ms|miss|dr|prof)\.?[ \t]+)?{_STAFF_CODE}"
    rf"|^[ \t]*{_NAME_LABELS}[ \t]*[:*]?[ \t]*\n[ \t]*(?!{_NAME_LABELS}(?![A-Za-z])))"
    rf"({_VALUE_WORD}(?:[ \t]+(?:[A-Z]\.|{_VALUE_WORD})){{0,2}})\b",
    re.IGNORECASE | re.MULTILINE,
)

# The heading fields of a memo, fax or report, at the start of their line: "To: H.L.
# Brandt", "FROM: TD Walsh", "cc: P. D. Hale", "Reported by: DANNY FROST". The value is
# the rest of the cell: names, initials, and the initials OCR reads without periods.
_HEADING_LABELS = (
    r"(?:to|from|cc|c\.c\.|bcc|attn|attention|sender|recipient|contact|author|signed|signature"
    r"|(?:reported|prepared|approved|requested|submitted|signed|reviewed|written|sent|issued)[ \t]+by)"
)
_HEADING_NAME_RE = re.compile(
    rf"^[ \t]*_*{_HEADING_LABELS}\b[ \t]*[:;,.]?[ \t_]*(?:\n[ \t_]*)?"
    rf"((?:[A-Z][.,]?[ \t]?){{0,3}}{_NAME_WORD}(?:[ \t]+(?:[A-Z][.,]|{_NAME_WORD})){{0,3}})(?![\w'’-])",
    re.IGNORECASE | re.MULTILINE,
)


class LabelledNameRecognizer(RegexRecognizer):
    """Names introduced by a label, which NER on OCR'd forms and letters often misses."""

    ENTITY = "PERSON"
    TRAITS = Traits(line_bound=True, label_trimmed=True)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _NAME_AFTER_LABEL_RE.finditer(text):
            name = match.group(1)
            words = name.split()
            # Capitalised words only: the label's case-insensitivity must not reach the name.
            if all(w[0].isupper() for w in words) and name.lower() not in field_labels():
                results.append(self._result(match.start(1), match.end(1), 0.7))
        for match in _HEADING_NAME_RE.finditer(text):
            name = match.group(1)
            if all(w[0].isupper() for w in name.split()) and name.lower() not in field_labels():
                results.append(self._result(match.start(1), match.end(1), 0.65))
        return results
