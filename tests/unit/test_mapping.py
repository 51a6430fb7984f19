from image_anonymizer.core.mapping import MIN_PAD, boxes_for_span, layout_text, words_in_span
from image_anonymizer.core.model import Box, LineKey, OcrWord


def word(
    text: str, x: int, y: int, line: tuple[int, int, int], width: int | None = None, height: int = 20
) -> OcrWord:
    return OcrWord(text, Box(x, y, width or 12 * len(text), height), 50.0, LineKey(*line), "eng")


def test_given_lines_and_blocks_then_text_keeps_them_apart() -> None:
    words = [
        word("Name", 10, 10, (1, 1, 1)),
        word("John", 80, 10, (1, 1, 1)),
        word("Smith", 10, 40, (1, 1, 2)),
        word("Total", 10, 100, (2, 1, 1)),
    ]
    page = layout_text(words)
    assert page.text == "Name John\nSmith\n\nTotal"
    assert [page.text[s:e] for s, e in page.spans] == ["Name", "John", "Smith", "Total"]


def test_given_entity_inside_punctuated_tokens_then_whole_tokens_are_covered() -> None:
    page = layout_text(
        [word("(age", 0, 0, (1, 1, 1)), word("39).", 60, 0, (1, 1, 1)), word("ok", 120, 0, (1, 1, 1))]
    )
    start = page.text.index("39")
    assert words_in_span(page, start, start + 2) == [1]
    start = page.text.index("age")
    assert words_in_span(page, start, start + len("age 39")) == [0, 1]


def test_given_email_glued_to_label_then_token_is_covered() -> None:
    page = layout_text([word("email:jo@x.com", 0, 0, (1, 1, 1))])
    start = page.text.index("jo@")
    assert words_in_span(page, start, len(page.text)) == [0]


def test_given_span_over_two_lines_then_one_padded_box_per_line() -> None:
    words = [word("John", 100, 100, (1, 1, 1), 40), word("Smith", 100, 130, (1, 1, 2), 50)]
    page = layout_text(words)
    boxes = boxes_for_span(page, 0, len(page.text), 1000, 1000)
    assert len(boxes) == 2
    pad = max(MIN_PAD, round(0.25 * 20))
    assert boxes[0] == Box(100 - pad, 100 - pad, 40 + 2 * pad, 20 + 2 * pad)
    assert boxes[1].y == 130 - pad


def test_given_span_of_several_words_on_one_line_then_one_box_spans_them() -> None:
    words = [
        word("4111", 10, 10, (1, 1, 1), 50),
        word("1111", 70, 12, (1, 1, 1), 50),
        word("total", 200, 10, (1, 1, 1)),
    ]
    page = layout_text(words)
    (box,) = boxes_for_span(page, 0, 9, 1000, 1000)
    assert box.x < 10 and box.right > 120 and box.right < 200


def test_given_box_at_the_edge_then_padding_is_clipped_to_the_image() -> None:
    page = layout_text([word("edge", 0, 0, (1, 1, 1), 30)])
    (box,) = boxes_for_span(page, 0, 4, 31, 21)
    assert (box.x, box.y, box.right, box.bottom) == (0, 0, 31, 21)


def test_given_span_touching_no_word_then_no_box() -> None:
    page = layout_text([word("one", 0, 0, (1, 1, 1)), word("two", 50, 0, (1, 1, 1))])
    assert boxes_for_span(page, 3, 4, 100, 100) == ()


def test_given_ocr_split_an_email_at_a_dot_then_text_rejoins_it() -> None:
    words = [
        word("Contact:", 0, 0, (1, 1, 1), 100),
        word("jo@example.", 115, 0, (1, 1, 1), 130),
        word("com", 250, 0, (1, 1, 1), 40),
        word("today", 305, 0, (1, 1, 1), 60),
    ]
    assert layout_text(words).text == "Contact: jo@example.com today"


def test_given_a_sentence_end_with_a_normal_space_then_words_stay_apart() -> None:
    words = [
        word("end.", 0, 0, (1, 1, 1), 40),
        word("Next", 55, 0, (1, 1, 1), 40),
        word("one", 110, 0, (1, 1, 1), 30),
    ]
    assert layout_text(words).text == "end. Next one"


def test_given_monospace_email_split_after_a_dot_then_it_is_rejoined() -> None:
    words = [
        word("karen.", 0, 0, (1, 1, 1), 70),
        word("fischer@gmail.com", 84, 0, (1, 1, 1), 200),
        word("wrote", 300, 0, (1, 1, 1), 60),
    ]
    assert layout_text(words).text == "karen.fischer@gmail.com wrote"


def test_given_a_sliver_many_lines_tall_then_it_is_no_text_but_a_headline_is() -> None:
    words = [
        word("Hello", 10, 10, (1, 1, 1)),
        word("Oooo", 300, 10, (2, 1, 1), width=37, height=256),  # avatars read as letters
        word("BIG", 10, 300, (3, 1, 1), width=150, height=80),  # a headline: tall and wide
        word("world", 10, 40, (1, 1, 2)),
    ]
    assert layout_text(words).text == "Hello\n\nBIG\n\nworld"


def test_given_cells_of_one_row_far_apart_then_they_read_as_lines() -> None:
    words = [
        word("Gavin", 10, 10, (1, 1, 1)),
        word("Holt", 90, 10, (1, 1, 1)),
        word("Sep", 900, 10, (1, 1, 1)),  # the date column, 45 text heights away
        word("27", 945, 10, (1, 1, 1)),
    ]
    assert layout_text(words).text == "Gavin Holt\nSep 27"


def test_given_labels_over_values_and_beside_them_then_field_lines_pair_them() -> None:
    from image_anonymizer.core.mapping import field_lines, page_span

    words = [
        word("Date", 10, 10, (1, 1, 1)),
        word("of", 70, 10, (1, 1, 1)),
        word("birth", 100, 10, (1, 1, 1)),
        word("Age", 700, 10, (1, 1, 1)),  # far right on the label row
        word("11/25/1997", 10, 40, (1, 1, 2)),
        word("62", 700, 40, (1, 1, 2)),
        word("Phone", 10, 200, (2, 1, 1)),  # a label column ...
        word("+1", 400, 200, (3, 1, 1)),  # ... beside a value column
        word("555", 440, 200, (3, 1, 1)),
    ]
    page = layout_text(words)
    fields = field_lines(page)
    assert fields.text.splitlines() == ["Date of birth: 11/25/1997", "Age: 62", "Phone: +1 555"]
    start = fields.text.index("62")
    assert page_span(page, fields, start, start + 2) == (page.text.index("62"), page.text.index("62") + 2)
    assert page_span(page, fields, 0, 4) is None, "a label maps to no value word"


def test_given_a_painted_hole_between_two_words_of_a_line_then_they_are_parted() -> None:
    words = [
        word("Mr.", 10, 10, (1, 1, 1)),
        word("Hale", 300, 10, (1, 1, 1)),
        word("Ltd", 360, 10, (1, 1, 1)),
    ]
    hole = Box(60, 8, 200, 24)
    assert layout_text(words, holes=[hole]).text == "Mr.\n\nHale Ltd"
    assert layout_text(words, holes=[Box(500, 8, 50, 24)]).text == "Mr.\nHale Ltd"
    assert layout_text(words).text == "Mr.\nHale Ltd"


def test_given_a_hole_a_word_space_from_both_neighbours_then_it_was_a_word_of_their_phrase() -> None:
    # "Cashier: <painted first name> Wai": the rest of the name still follows its label.
    words = [word("Cashier:", 10, 10, (1, 1, 1)), word("Wai", 170, 10, (1, 1, 1))]
    hole = Box(112, 8, 50, 24)
    assert layout_text(words, holes=[hole]).text == layout_text(words).text == "Cashier:\nWai"
