from image_anonymizer.core.detection import Detection
from image_anonymizer.core.detection.postprocessing import Page
from image_anonymizer.core.detection.postprocessing import clean as clean_finding
from image_anonymizer.core.detection.recognizers import NER_TRAITS


def clean(entity_type: str, text: str, found: str) -> str | None:
    start = text.index(found)
    detection = Detection(entity_type, start, start + len(found), 0.85, "SpacyRecognizer", NER_TRAITS)
    result = clean_finding(detection, Page(text))
    return None if result is None else text[result.start : result.end]


def test_given_a_label_taken_into_a_name_then_it_is_trimmed_off() -> None:
    text = "Email ana.silva@example.co.uk"
    assert clean("PERSON", text, text) == "ana.silva@example.co.uk"
    assert clean("PERSON", "Patient: Lorena Whitfield", "Patient: Lorena Whitfield") == "Lorena Whitfield"


def test_given_a_label_alone_then_the_finding_is_dropped() -> None:
    assert clean("PERSON", "Tel (415) 555-0132", "Tel") is None


def test_given_a_date_phrase_or_bare_number_then_date_time_is_dropped() -> None:
    assert clean("DATE_TIME", "call back in sixty days", "sixty days") is None
    assert clean("DATE_TIME", "Reference 7781", "7781") is None
    assert clean("DATE_TIME", "on 12 March 2024", "12 March 2024") == "12 March 2024"
    assert clean("DATE_TIME", "on 12/03/2024", "12/03/2024") == "12/03/2024"
    assert clean("DATE_TIME", "at 9:20 AM", "9:20 AM") is None
    assert clean("DATE_TIME", "in 2024", "2024") is None
    assert clean("DATE_TIME", "see you Friday", "Friday") is None


def test_given_other_types_then_they_pass_untouched() -> None:
    assert clean("EMAIL_ADDRESS", "Email jo@x.org", "jo@x.org") == "jo@x.org"


def test_every_post_processing_rule_is_named_and_documented() -> None:
    from image_anonymizer.core.detection.postprocessing import RULES

    names = [rule.__name__ for rule in RULES]
    assert len(set(names)) == len(names)
    assert all(rule.__doc__ for rule in RULES)


def test_traits_come_from_the_recognizer_class_not_its_name() -> None:
    from presidio_analyzer import predefined_recognizers as pr

    from image_anonymizer.core.detection import Traits
    from image_anonymizer.core.detection.recognizers import (
        AddressRecognizer,
        LabelledNameRecognizer,
        traits_of,
    )

    assert traits_of(pr.SpacyRecognizer(supported_language="en")) == NER_TRAITS
    assert traits_of(LabelledNameRecognizer("en")) == Traits(line_bound=True, label_trimmed=True)
    assert traits_of(AddressRecognizer("en")).address
    assert traits_of(pr.PhoneRecognizer(supported_language="en")) == Traits()
