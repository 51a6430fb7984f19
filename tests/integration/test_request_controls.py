"""exclude_entities, allow_list and deny_list with real Tesseract and the real model,
on rendered images whose words' pixels are known."""

from __future__ import annotations

from PIL import Image

from image_anonymizer.core.service import ImageAnonymizer, Options
from tests.rendering import EMAIL, LETTER, PHONE, Word, assert_redacted, decode, encode, render, tokens


def redact(anonymizer: ImageAnonymizer, image: Image.Image, **options: object) -> tuple[Image.Image, dict]:
    result = anonymizer.redact(encode(image, "PNG"), Options.parse(**options))  # type: ignore[arg-type]
    return decode(result.image), result.analysis.to_dict()


def marked(words: list[Word], *covered: str) -> list[Word]:
    """The rendered words with ``pii`` set for exactly the words given."""
    return [Word(w.text, w.box, w.text in covered) for w in words]


def test_given_a_deny_listed_ordinary_word_then_it_is_covered_as_deny_list(
    anonymizer: ImageAnonymizer,
) -> None:
    image, words = render(LETTER, size=(1200, 400))
    out, found = redact(anonymizer, image, deny_list=["CONSULTING"])
    assert_redacted(image, out, [Word(w.text, w.box, w.pii or w.text == "consulting") for w in words])
    deny = [e for e in found["entities"] if e["entity_type"] == "DENY_LIST"]
    assert [(e["text"], e["score"]) for e in deny] == [("consulting", 1.0)]
    assert found["entity_counts"]["DENY_LIST"] == 1
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD"} <= set(found["entity_counts"])


def test_given_a_deny_listed_phrase_across_a_line_break_then_both_halves_are_covered_and_no_part_word(
    anonymizer: ImageAnonymizer,
) -> None:
    lines = [tokens("Minutes of the Blue"), tokens("Harbour steering group"), tokens("Blueprint Harbourside")]
    image, words = render(lines, size=(1000, 300))
    out, found = redact(anonymizer, image, entities="EMAIL_ADDRESS", deny_list="blue harbour")
    # Only the whole-word phrase: "Blueprint Harbourside" is untouched.
    blue, harbour = (w for w in words if w.text in ("Blue", "Harbour"))
    assert_redacted(image, out, marked(words, "Blue", "Harbour"))
    assert [e["text"] for e in found["entities"]] == ["Blue\nHarbour"]
    assert [len(e["boxes"]) for e in found["entities"]] == [2], "one box per line"
    assert blue.box[1] < harbour.box[1]


def test_given_an_allow_listed_name_then_it_stays_readable_and_another_name_is_covered(
    anonymizer: ImageAnonymizer,
) -> None:
    lines = [tokens("Signed by Harriet Coleby and Malcolm Brewer today")]
    image, words = render(lines, size=(1100, 140))
    out, found = redact(anonymizer, image)
    assert_redacted(image, out, marked(words, "Harriet", "Coleby", "Malcolm", "Brewer"))
    out, found = redact(anonymizer, image, allow_list=["harriet  coleby"])
    assert_redacted(image, out, marked(words, "Malcolm", "Brewer"))
    assert [e["text"] for e in found["entities"]] == ["Malcolm Brewer"]


def test_given_exclude_email_then_the_email_stays_readable_and_the_phone_is_covered(
    anonymizer: ImageAnonymizer,
) -> None:
    image, words = render(LETTER[:2], size=(1100, 260))
    out, found = redact(anonymizer, image, exclude_entities="EMAIL_ADDRESS")
    assert "EMAIL_ADDRESS" not in found["entity_counts"]
    assert "PHONE_NUMBER" in found["entity_counts"]
    assert_redacted(image, out, marked(words, *PHONE.split()))
    assert EMAIL in found["ocr_text"]
    assert found["verification"]["status"] == "clean", "the verification excludes it too"
