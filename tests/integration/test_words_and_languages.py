"""Every word read, and the languages beyond English: real Tesseract on rendered pages."""

from __future__ import annotations

from image_anonymizer.service import ImageAnonymizer, Options
from tests.rendering import LETTER, Word, encode, render


def _centre_inside(answer: dict[str, int], truth: Word) -> bool:
    left, top, right, bottom = truth.box
    x, y = answer["x"] + answer["width"] / 2, answer["y"] + answer["height"] / 2
    return left <= x <= right and top <= y <= bottom


def _iou(answer: dict[str, int], truth: Word) -> float:
    left, top, right, bottom = truth.box
    x0, y0 = max(left, answer["x"]), max(top, answer["y"])
    x1 = min(right, answer["x"] + answer["width"])
    y1 = min(bottom, answer["y"] + answer["height"])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = (right - left) * (bottom - top) + answer["width"] * answer["height"] - inter
    return inter / union


def test_given_analyze_then_every_rendered_word_is_listed_with_its_box(anonymizer: ImageAnonymizer) -> None:
    image, rendered = render(LETTER, size=(1200, 500))
    body = anonymizer.analyze(encode(image, "PNG"), Options.parse()).to_dict()
    words = body["words"]
    assert set(words[0]) == {"text", "bbox", "confidence", "language", "page"}
    assert all(0 <= w["confidence"] <= 100 and w["page"] == 0 and w["language"] == "eng" for w in words)
    matched = 0
    for truth in rendered:
        near = [w for w in words if _centre_inside(w["bbox"], truth)]
        assert near, f"no word read over rendered word {truth.text!r}"
        best = max(near, key=lambda w: _iou(w["bbox"], truth))
        assert _iou(best["bbox"], truth) > 0.5, truth.text
        matched += best["text"] == truth.text
    assert matched >= 0.9 * len(rendered)
    assert len(words) == sum(page["word_count"] for page in body["pages"])


def test_given_include_words_false_then_the_answer_has_no_words(anonymizer: ImageAnonymizer) -> None:
    image, _ = render(LETTER[:2], size=(1200, 200))
    body = anonymizer.analyze(encode(image, "PNG"), Options.parse(include_words="false")).to_dict()
    assert "words" not in body and body["pages"][0]["word_count"] > 0


def test_given_stored_findings_then_they_never_hold_the_words(anonymizer: ImageAnonymizer) -> None:
    image, _ = render(LETTER[:2], size=(1200, 200))
    analysis = anonymizer.analyze(encode(image, "PNG"), Options.parse())
    assert "words" in analysis.to_dict()
    assert "words" not in analysis.to_dict(with_text=False)
    assert "words" not in analysis.to_dict(with_text=True, with_words=False)
