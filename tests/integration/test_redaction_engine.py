"""Real Tesseract and the real model, on images rendered with known PII at known pixels."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from image_anonymizer.core.service import ImageAnonymizer, Options
from tests.rendering import (
    CARD,
    EMAIL,
    LETTER,
    PHONE,
    assert_redacted,
    coverage,
    decode,
    encode,
    render,
    render_cells,
    tokens,
)

IBAN = "GB82 WEST 1234 5698 7654 32"


def redact(anonymizer: ImageAnonymizer, data: bytes, **options: str) -> tuple[Image.Image, dict]:
    result = anonymizer.redact(data, Options.parse(**options))
    return decode(result.image), result.analysis.to_dict()


@pytest.mark.parametrize(
    ("font_name", "font_size"),
    [("sans", 28), ("serif", 24), ("mono", 22), ("liberation-sans", 32), ("liberation-serif", 20)],
)
def test_given_fonts_and_sizes_then_every_pii_word_is_covered_and_others_untouched(
    anonymizer: ImageAnonymizer, font_name: str, font_size: int
) -> None:
    image, words = render(LETTER, font_name=font_name, font_size=font_size)
    out, found = redact(anonymizer, encode(image, "PNG"))
    assert_redacted(image, out, words)
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD"} <= set(found["entity_counts"])


@pytest.mark.parametrize("fill", ["white", "red", "blue", "green", "yellow"])
def test_given_fill_colour_then_pii_is_that_exact_colour(anonymizer: ImageAnonymizer, fill: str) -> None:
    image, words = render(LETTER[:2], size=(1100, 260))
    out, _ = redact(anonymizer, encode(image, "PNG"), fill_color=fill)
    rgb = {
        "white": (255, 255, 255),
        "red": (255, 0, 0),
        "blue": (0, 0, 255),
        "green": (0, 255, 0),
        "yellow": (255, 255, 0),
    }[fill]
    assert_redacted(image, out, words, rgb)


def test_given_person_age_and_birth_date_in_prose_then_all_are_covered(anonymizer: ImageAnonymizer) -> None:
    lines = [
        tokens("Patient: Harriet Coleby (age 39).", ["Harriet Coleby", "39)."]),
        tokens("DOB: 12/03/1986", ["12/03/1986"]),
        tokens("Server 192.168.10.24 answered", ["192.168.10.24"]),
        tokens(f"IBAN {IBAN}", [IBAN]),
    ]
    image, words = render(lines, size=(1200, 400))
    out, found = redact(anonymizer, encode(image, "PNG"))
    assert_redacted(image, out, words)
    assert {"PERSON", "AGE", "DATE_OF_BIRTH", "IP_ADDRESS", "IBAN_CODE"} <= set(found["entity_counts"])


def test_given_entities_filter_then_only_those_types_are_covered(anonymizer: ImageAnonymizer) -> None:
    image, words = render(LETTER[:2], size=(1100, 260))
    out, found = redact(anonymizer, encode(image, "PNG"), entities="EMAIL_ADDRESS")
    assert set(found["entity_counts"]) == {"EMAIL_ADDRESS"}
    email_words = [w for w in words if w.text == EMAIL]
    phone_words = [w for w in words if w.text in PHONE.split()]
    assert coverage(out, email_words[0].box, (0, 0, 0)) > 0.99
    assert all(coverage(out, w.box, (0, 0, 0)) < 0.5 for w in phone_words)


def test_given_exif_rotated_jpeg_then_pii_is_covered_where_the_user_sees_it(
    anonymizer: ImageAnonymizer,
) -> None:
    upright, words = render(LETTER[:3], size=(1200, 360))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what the camera wrote
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": undoes the ROTATE_90 above
    data = encode(stored, "JPEG", quality=95, exif=exif.tobytes())
    assert ImageOps.exif_transpose(decode(data)).size == upright.size
    out, _ = redact(anonymizer, data)
    assert out.size == upright.size, "the output is stored upright"
    assert not out.getexif(), "no EXIF survives, so nothing rotates it again"
    assert_redacted(upright, out, words, tolerance=40)


def test_given_two_page_tiff_then_both_pages_are_redacted(anonymizer: ImageAnonymizer) -> None:
    page1, words1 = render(LETTER[:1], size=(1000, 200))
    page2, words2 = render([tokens(f"Call {PHONE} today", [PHONE])], size=(1000, 200))
    buffer = io.BytesIO()
    page1.save(buffer, "TIFF", save_all=True, append_images=[page2], compression="tiff_lzw")
    result = anonymizer.redact(buffer.getvalue(), Options.parse())
    out = decode(result.image)
    assert out.format == "TIFF" and out.n_frames == 2
    assert_redacted(page1, out.copy(), words1)
    out.seek(1)
    assert_redacted(page2, out.copy(), words2)
    found = {(e["page"], e["entity_type"]) for e in result.analysis.to_dict()["entities"]}
    assert {(0, "EMAIL_ADDRESS"), (1, "PHONE_NUMBER")} <= found


def test_given_animated_gif_then_every_frame_is_redacted(anonymizer: ImageAnonymizer) -> None:
    frames = [
        render([tokens(f"Mail {EMAIL}", [EMAIL])], size=(900, 120)),
        render([tokens(f"Tel {PHONE} now", [PHONE])], size=(900, 120)),
        render([tokens(f"Card {CARD}", [CARD])], size=(900, 120)),
    ]
    images = [f[0].convert("P", palette=Image.Palette.ADAPTIVE) for f in frames]
    data = encode(images[0], "GIF", save_all=True, append_images=images[1:], duration=[500, 600, 700], loop=0)
    out = decode(anonymizer.redact(data, Options.parse()).image)
    assert out.format == "GIF" and out.n_frames == 3
    for index, (original, words) in enumerate(frames):
        out.seek(index)
        assert_redacted(original, out.convert("RGB"), words, tolerance=2)
        assert out.info.get("duration") == [500, 600, 700][index]


def test_given_png_with_alpha_then_boxes_are_opaque(anonymizer: ImageAnonymizer) -> None:
    image, words = render(
        LETTER[:2], size=(1100, 260), mode="RGBA", background=(0, 0, 0, 0), ink=(20, 20, 20, 255)
    )
    result = anonymizer.redact(encode(image, "PNG"), Options.parse())
    out = decode(result.image)
    assert out.mode == "RGBA"
    alpha = np.asarray(out.getchannel("A"))
    for w in (w for w in words if w.pii):
        left, top, right, bottom = w.box
        assert (alpha[top:bottom, left:right] == 255).all()
    assert_redacted(image, out, words)


def test_given_dark_mode_screenshot_then_light_text_pii_is_covered(anonymizer: ImageAnonymizer) -> None:
    lines = [
        tokens(f"From {EMAIL}", [EMAIL]),
        tokens(f"Mobile {PHONE}", [PHONE]),
        tokens("Settings Inbox Archive"),
    ]
    image, words = render(lines, size=(1280, 800), background=(30, 32, 40), ink=(225, 225, 230), font_size=20)
    out, _ = redact(anonymizer, encode(image, "PNG"), fill_color="white")
    assert_redacted(image, out, words, (255, 255, 255))


def test_given_the_pytesseract_engine_then_the_same_pii_is_covered() -> None:
    from image_anonymizer.config import CoreSettings
    from image_anonymizer.core.ocr import PytesseractEngine

    settings = CoreSettings.from_env()
    engine = ImageAnonymizer(settings, ocr_engine=PytesseractEngine(settings.tessdata_dir))
    image, words = render(LETTER[:3], size=(1200, 360))
    result = engine.redact(encode(image, "PNG"), Options.parse())
    assert result.analysis.ocr_engine == "pytesseract"
    assert_redacted(image, decode(result.image), words)


def test_given_german_ocr_language_then_patterns_still_cover_pii(anonymizer: ImageAnonymizer) -> None:
    lines = [tokens(f"E-Mail: {EMAIL}", [EMAIL]), tokens(f"IBAN {IBAN}", [IBAN])]
    image, words = render(lines, size=(1200, 260))
    result = anonymizer.redact(encode(image, "PNG"), Options.parse(language="de"))
    found = result.analysis.to_dict()
    assert found["language"] == "deu" and found["detection_mode"] == "patterns"
    assert_redacted(image, decode(result.image), words)


def test_given_analyze_then_contract_fields_and_boxes_cover_the_words(anonymizer: ImageAnonymizer) -> None:
    image, words = render(LETTER, size=(1200, 500))
    result = anonymizer.analyze(encode(image, "PNG"), Options.parse(score_threshold="0.3"))
    body = result.to_dict()
    assert body["image_dimensions"] == {"width": 1200, "height": 500}
    assert EMAIL in body["ocr_text"]
    email = next(e for e in body["entities"] if e["entity_type"] == "EMAIL_ADDRESS")
    assert set(email) >= {"entity_type", "text", "score", "bbox"} and email["text"] == EMAIL
    truth = next(w for w in words if w.text == EMAIL).box
    bbox = email["bbox"]
    assert bbox["x"] <= truth[0] and bbox["y"] <= truth[1]
    assert bbox["x"] + bbox["width"] >= truth[2] and bbox["y"] + bbox["height"] >= truth[3]
    assert all(e["score"] >= 0.3 for e in body["entities"])
    assert 1 <= body["tokens"] <= 15


def test_given_small_grey_text_and_white_on_colour_bubbles_then_pii_is_covered(
    anonymizer: ImageAnonymizer,
) -> None:
    # Used to leak: 13 px grey text and white text on a blue chat bubble.
    image, words = render(
        [tokens(f"sent by {EMAIL}", [EMAIL])],
        size=(700, 80),
        font_size=13,
        ink=(140, 140, 150),
        origin=(20, 30),
    )
    bubble, bubble_words = render(
        [tokens(f"call me {PHONE}", [PHONE])],
        size=(700, 90),
        font_size=18,
        background=(0, 122, 255),
        ink=(255, 255, 255),
        origin=(30, 30),
    )
    page = Image.new("RGB", (700, 170), "white")
    page.paste(image, (0, 0))
    page.paste(bubble, (0, 80))
    shifted = [
        type(w)(w.text, (w.box[0], w.box[1] + 80, w.box[2], w.box[3] + 80), w.pii) for w in bubble_words
    ]
    out, _ = redact(anonymizer, encode(page, "PNG"))
    assert_redacted(page, out, words + shifted)


def test_given_a_row_of_labels_over_a_row_of_values_then_each_value_is_judged_by_its_label(
    anonymizer: ImageAnonymizer,
) -> None:
    # The age sits under "Age", far from it in the text; the city under "City".
    image, words = render_cells(
        [
            ("Date of birth *", 40, 40, False),
            ("Age", 700, 40, False),
            ("11/25/1997", 40, 90, True),
            ("62", 700, 90, True),
            ("City", 40, 170, False),
            ("Occupation", 700, 170, False),
            ("Grantsville", 40, 220, True),
            ("Accountant", 700, 220, False),
        ],
        size=(1100, 300),
    )
    out, found = redact(anonymizer, encode(image, "PNG"))
    assert_redacted(image, out, words)
    assert {"AGE", "DATE_OF_BIRTH", "LOCATION"} <= set(found["entity_counts"])


def test_given_a_column_of_labels_beside_a_column_of_values_then_the_date_of_birth_is_found(
    anonymizer: ImageAnonymizer,
) -> None:
    labels = ["Full name", "Plan", "Date of birth", "Website"]
    values = [("Stefan Wolanski", True), ("Business", False), ("May 20, 1985", True), ("Active", False)]
    cells = [(label, 40, 40 + 60 * row, False) for row, label in enumerate(labels)]
    cells += [(text, 520, 40 + 60 * row, pii) for row, (text, pii) in enumerate(values)]
    image, words = render_cells(cells, size=(1000, 300))
    out, found = redact(anonymizer, encode(image, "PNG"), ocr_mode="fast")
    assert_redacted(image, out, words)
    assert "DATE_OF_BIRTH" in found["entity_counts"]
