"""Our recognizers on their own, each ``analyze``d directly on text as OCR gives it:
the exact spans they find, and what they must not find."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from image_anonymizer.core.detection import PresidioDetector
from image_anonymizer.core.detection.lexicon import Vocabulary
from image_anonymizer.core.detection.recognizers import (
    AccountNumberRecognizer,
    AddressRecognizer,
    ChineseNameRecognizer,
    DateTimeRecognizer,
    InitialsNameRecognizer,
    LabelledNameRecognizer,
    MisreadNifRecognizer,
    NorthAmericanPhoneRecognizer,
    OcrIbanRecognizer,
    RegexRecognizer,
)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    built = PresidioDetector()._analyzer("en").vocabulary
    assert built is not None
    return built


def found(recognizer: RegexRecognizer, text: str) -> list[str]:
    """What ``recognizer`` finds in ``text``, in order, after Presidio's own merging (a
    finding inside another of its type with no higher score is the same finding)."""
    results = recognizer.analyze(text, [recognizer.ENTITY])
    assert all(r.entity_type == recognizer.ENTITY for r in results)
    merged = EntityRecognizer.remove_duplicates(results)
    return [text[r.start : r.end] for r in sorted(merged, key=lambda r: (r.start, r.end))]


# --- DateTimeRecognizer ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Numeric, with OCR's stray spaces beside the separators.
        ("Visit on 14 /07 /2023 please", ["14 /07 /2023"]),
        ("Seen 08/ 19/ 96 at clinic", ["08/ 19/ 96"]),
        ("Due 3.11.2024.", ["3.11.2024"]),
        ("Dater14/05/19 x", ["14/05/19"]),  # a label's letter OCR glued on
        ("Issued 2023-11-05 at desk", ["2023-11-05"]),
        # A month's name in capitals or capitalised, with or without a year.
        ("Paid on MARCH 9, 2021 thanks", ["MARCH 9, 2021"]),
        ("Paid on December 3, 2020 thanks", ["December 3, 2020"]),
        ("Due Oct 12 for you", ["Oct 12"]),
        ("Due JUNE7 sharp", ["JUNE7"]),
        ("Sent Nov 14 '97 by post", ["Nov 14 '97"]),
        ("Due 21st of March please", ["21st of March"]),
        ("Seen 23-Nov-94 here", ["23-Nov-94"]),
        ("Booked 4 SEPTEMBER, 2025", ["4 SEPTEMBER, 2025"]),
        # With the time printed after it, or before it with a weekday.
        ("Signed 3 February 2019 14:22 ok", ["3 February 2019 14:22"]),
        ("Printed 04/02/2021 09:14:55 PM end", ["04/02/2021 09:14:55 PM"]),
        ("Date: 05/06/2022\n16:45", ["05/06/2022\n16:45"]),
        ("Mon 15: 35 12 Jan 2020", ["Mon 15: 35 12 Jan 2020"]),
        # A page with a date: its Time field is the date's time.
        ("Date: 05/06/2022\nTime: 16:45", ["05/06/2022", "16:45"]),
        # A month's name as OCR misread it.
        ("received Septembr 14, 2016 by mail", ["Septembr 14, 2016"]),
        ("Taken 14/Juh/2017 ok", ["14/Juh/2017"]),
    ],
)
def test_given_a_written_date_then_date_time_finds_it_whole(text: str, expected: list[str]) -> None:
    assert found(DateTimeRecognizer("en"), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Total 12.58 paid",
        "Paid 7.15 and 12.58",
        "version 1.2.3 released",
        "server 192.168.10.4 is up",
        "see you may 5 then",
        "code RC11-23-42 issued",
        "Ref AB12-05-19 shipped",
        "Printed 31/13/2021 end",  # no thirteenth month
        "Open 9:30 AM daily",  # a time, no date
        "Time: 16:45 only",  # a Time field on a page with no date
        "Order 2024 items",
    ],
)
def test_given_prices_versions_addresses_codes_and_lower_case_months_then_no_date_time(text: str) -> None:
    assert found(DateTimeRecognizer("en"), text) == []


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Paid on December 3, 2020 thanks", "December"),
        ("Paid on march 9 2021 thanks", "march"),
        ("DATEQctober 27, 2011", "Qctober"),
    ],
)
def test_given_a_month_name_written_out_then_no_date_time_starts_inside_it(text: str, month: str) -> None:
    results = DateTimeRecognizer("en").analyze(text, ["DATE_TIME"])
    starts = {
        text[r.start : r.end] for r in results if text.index(month) < r.start < text.index(month) + len(month)
    }
    assert starts == set()


# --- InitialsNameRecognizer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Signed J. R. Whitfield today", ["J. R. Whitfield"]),
        ("Copy to J. Okafor", ["J. Okafor"]),
        ("R B. OKAFOR\nDirector", ["R B. OKAFOR"]),
        ("F. Dorian Whitcombe", ["F. Dorian Whitcombe"]),
        # The surname first.
        ("WHITFIELD, J. R.", ["WHITFIELD, J. R."]),
        # A given name, a middle initial, a surname.
        ("Carl D. Haynes wrote", ["Carl D. Haynes"]),
        # Two initials OCR glued together.
        ("Regards PJ. Dunmore", ["PJ. Dunmore"]),
        ("LH. Kersey signed", ["LH. Kersey"]),
    ],
)
def test_given_a_name_with_initials_then_initials_name_finds_it(
    vocabulary: Vocabulary, text: str, expected: list[str]
) -> None:
    assert found(InitialsNameRecognizer("en", vocabulary), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "P. O. Box 4411",
        "U. S. Postal Service",
        "Meet at 12 DR. Lane today",
        "Turn at ST. Louis",
        "Note the Q.T. GREEN code",
        "under the ACT. If you",
        "Mr. Okafor",  # a title, no initial
    ],
)
def test_given_abbreviations_and_titles_then_initials_name_finds_no_one(
    vocabulary: Vocabulary, text: str
) -> None:
    assert found(InitialsNameRecognizer("en", vocabulary), text) == []


# --- NorthAmericanPhoneRecognizer ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 415 -555- 0198 now", ["415 -555- 0198"]),
        ("Call (604) 555 -2231", ["(604) 555 -2231"]),
        ("Fax 877/555- 0142", ["877/555- 0142"]),
        ("Toll free +1 800 555-0175", ["+1 800 555-0175"]),
        ("Phone 604.555.2231", ["604.555.2231"]),
        # Seven digits, after a phone label only.
        ("Phone: 555- 7781", ["555- 7781"]),
        ("Cell: 555.7781 ok", ["555.7781"]),
        # An extension, with its number or after its own label.
        ("Tel 604-555-2231 Ext. 4412", ["604-555-2231 Ext. 4412"]),
        ("Ext. 4412 ask for Ana", ["4412"]),
        ("Dial x 214 now", ["214"]),
    ],
)
def test_given_north_american_numbers_as_ocr_reads_them_then_phone_numbers(
    text: str, expected: list[str]
) -> None:
    assert found(NorthAmericanPhoneRecognizer("en"), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Phone: 7781",  # too short for a number
        "Ref 555-7781",  # seven digits with no phone label
        "Serial 155-555-2231",  # no area code starts with 1
        "Order 604-555-22310",  # a longer number
        "Ticket 12345678901",
        "Total 604.55",
    ],
)
def test_given_codes_and_short_numbers_then_no_phone_numbers(text: str) -> None:
    assert found(NorthAmericanPhoneRecognizer("en"), text) == []


# --- AccountNumberRecognizer ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Member No: 48812", ["48812"]),
        ("Membership # 3319-0042", ["3319-0042"]),
        ("Card No. 5566123", ["5566123"]),
        ("Staff: 20931", ["20931"]),
        ("Employee ID 4471", ["4471"]),
        ("Account # 198-1160006", ["198-1160006"]),
        ("Policy number: AB 2231-77", ["AB 2231-77"]),
        ("Patient ID: MRN 448120", ["MRN 448120"]),
        ("Patient No. 33-1180", ["33-1180"]),
    ],
)
def test_given_a_persons_number_after_its_label_then_account_number(text: str, expected: list[str]) -> None:
    assert found(AccountNumberRecognizer("en"), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Invoice No: 88123",
        "Order # 44812",
        "Receipt no 88123",
        "PO number 55123",
        "Card No. 12 only",  # fewer than three digits
        "Staff: Nur Aqilah",
    ],
)
def test_given_a_business_number_or_no_number_then_no_account_number(text: str) -> None:
    assert found(AccountNumberRecognizer("en"), text) == []


@pytest.mark.parametrize("text", ["Member card 55123", "Loyalty card 7781"])
def test_given_a_two_word_label_then_its_second_word_is_no_part_of_the_number(text: str) -> None:
    assert found(AccountNumberRecognizer("en"), text) == [text.split()[-1]]


# --- AddressRecognizer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Streets with USPS suffixes, common and unusual.
        ("Ship to 77 Maple Crossing", ["77 Maple Crossing"]),
        ("12 Birch Hollow\nDunmore", ["12 Birch Hollow"]),
        ("4410 Redwood Trafficway", ["4410 Redwood Trafficway"]),
        ("5 Spring Lane", ["5 Spring Lane"]),
        ("ONE HARBOR PLAZA 18TH FL", ["ONE HARBOR PLAZA 18TH FL"]),
        # With a unit designator.
        ("820 Elm Street Apt 5C", ["820 Elm Street Apt 5C"]),
        ("88 Oak St. Unit 12", ["88 Oak St. Unit 12"]),
        ("1200 Pine Avenue, Suite 300", ["1200 Pine Avenue, Suite 300"]),
        ("Unit 4B\n55 Cedar Lane", ["Unit 4B", "55 Cedar Lane"]),
        # PO boxes and rural routes.
        ("P.O. Box 3321", ["P.O. Box 3321"]),
        ("Post Office Box 91", ["Post Office Box 91"]),
        ("RR 4 Box 19", ["RR 4 Box 19"]),
        ("Rural Route 2, Box 40", ["Rural Route 2, Box 40"]),
        # City, state (code, name, territory, "Tx." style) and ZIP.
        ("Springfield, Illinois 62704", ["Springfield, Illinois 62704"]),
        ("Portland, OREGON 97201-4410", ["Portland, OREGON 97201-4410"]),
        ("Hagatna, GU 96910", ["Hagatna, GU 96910"]),
        ("Austin, Tx. 78759", ["Austin, Tx. 78759"]),
        ("2210 KELLOGG BRIDGETON, NJ 08302", ["2210 KELLOGG BRIDGETON, NJ 08302"]),
        # A City field's value.
        ("City: Bridgeton", ["Bridgeton"]),
        # Malaysian streets, and postcode, town and state.
        ("No. 12, Jalan Melur 3", ["No. 12, Jalan Melur 3"]),
        ("Lot 7, Lorong Damai 2", ["Lot 7, Lorong Damai 2"]),
        ("43000 Kajang, Selangor", ["43000 Kajang, Selangor"]),
        ("SEMENYIH SELANGOR", ["SEMENYIH SELANGOR"]),
    ],
)
def test_given_an_address_line_then_address_finds_it_whole(text: str, expected: list[str]) -> None:
    assert found(AddressRecognizer("en"), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I have 3 Cats",
        "Table 15 Park",
        "Call 3 Friends today",
        "Order 12 Items",
        "We have 2 Lanes",
        "Total 45.00 CA",
    ],
)
def test_given_a_number_before_capitalised_words_then_no_address(text: str) -> None:
    assert found(AddressRecognizer("en"), text) == []


@pytest.mark.parametrize("text", ["40 Forest Hill Road Apt 3", "12 Birch Hollow Rd Apt 5"])
def test_given_a_street_name_with_a_suffix_word_in_it_then_the_whole_street_and_unit(text: str) -> None:
    assert found(AddressRecognizer("en"), text) == [text]


# --- ChineseNameRecognizer -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WONG PEI YI", ["WONG PEI YI"]),
        ("Tan Ah Kow", ["Tan Ah Kow"]),
        ("Cashier CHAN MEI LING", ["CHAN MEI LING"]),
        ("Goh Kah Wei\nManager", ["Goh Kah Wei"]),
        # Patronymics join two names whatever they are.
        ("AHMAD BIN ISMAIL", ["AHMAD BIN ISMAIL"]),
        ("RAZAK BIN OTHMAN", ["RAZAK BIN OTHMAN"]),
        ("Siti binti Osman", ["Siti binti Osman"]),
        ("KUMAR A/L RAMASAMY", ["KUMAR A/L RAMASAMY"]),
        ("Priya d/o Suresh", ["Priya d/o Suresh"]),
    ],
)
def test_given_a_chinese_surname_with_given_syllables_or_a_patronymic_then_a_name(
    vocabulary: Vocabulary, text: str, expected: list[str]
) -> None:
    assert found(ChineseNameRecognizer("en", vocabulary), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "TAN COLOUR",
        "LEE GARDENS",
        "LEE WAY",
        "LIM SALE",
        "WONG Pei Yi",  # the words' cases disagree
        "Okafor Pei Yi",  # no Chinese surname
    ],
)
def test_given_a_surname_before_english_words_or_mixed_case_then_no_name(
    vocabulary: Vocabulary, text: str
) -> None:
    assert found(ChineseNameRecognizer("en", vocabulary), text) == []


# --- LabelledNameRecognizer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Staff lines of receipts: a code before the name, a field after it.
        ("Cashier: FAIZAL", ["FAIZAL"]),
        ("Cashier: FAIZAL\nTotal 5.00", ["FAIZAL"]),
        ("Staff: 2231 Nur Aqilah Trans: 99", ["Nur Aqilah"]),
        ("Staff: 2231 Nur Aqilah\nTrans: 99", ["Nur Aqilah"]),
        ("OPERATOR KLWT - NUR AQILAH", ["NUR AQILAH"]),
        ("Served by: Hana Lopez", ["Hana Lopez"]),
        # Letters and forms.
        ("Dear Ana Ruiz,", ["Ana Ruiz"]),
        ("Mrs. Grey,", ["Grey"]),
        ("NAME\nDiego Ferreira", ["Diego Ferreira"]),
        # Memo headings, with initials and OCR's comma for a period.
        ("From: Carl D, Haynes", ["Carl D, Haynes"]),
        ("From: Carl D, Haynes\nTo: Ana Ruiz", ["Carl D, Haynes", "Ana Ruiz"]),
        ("To: K.A. Whitcombe", ["K.A. Whitcombe"]),
        ("FROM: RE Lane", ["RE Lane"]),
        ("cc: J. H. Bellamy", ["J. H. Bellamy"]),
        ("Reported by: ROY MILLS", ["ROY MILLS"]),
    ],
)
def test_given_a_name_after_its_label_then_labelled_name_finds_only_the_name(
    text: str, expected: list[str]
) -> None:
    assert found(LabelledNameRecognizer("en"), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Patient: the results are in",
        "From the desk of",
        "Name: Email",
        "to be confirmed",
    ],
)
def test_given_a_label_with_no_name_after_it_then_labelled_name_finds_nothing(text: str) -> None:
    assert found(LabelledNameRecognizer("en"), text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dear Mr. Halvorsen,", "Halvorsen"),
        ("Dear Ms. Ana Ruiz,", "Ana Ruiz"),
        ("Dear Dr. Brandt,", "Brandt"),
    ],
)
def test_given_dear_and_a_title_then_the_name_after_the_title(text: str, name: str) -> None:
    assert found(LabelledNameRecognizer("en"), text) == [name]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A checksum-valid IBAN with its check digits read as letters: O for 0, I for 1
        ("Konto: NLO2 ABNA 0123 4567 89.", ["NLO2 ABNA 0123 4567 89"]),
        ("IBAN BEI6 5390 0754 7000 BIC GEBABEBB", ["BEI6 5390 0754 7000"]),
        # ... or a digit of the account number
        ("compte FR76 3000 6000 O112 3456 7890 189", ["FR76 3000 6000 O112 3456 7890 189"]),
        # read right, it is found too (Presidio's recognizer finds it as well)
        ("NL02ABNA0123456789", ["NL02ABNA0123456789"]),
    ],
)
def test_given_an_iban_that_ocr_misread_then_ocr_iban_finds_it(text: str, expected: list[str]) -> None:
    assert found(OcrIbanRecognizer("en"), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NLO3 ABNA 0123 4567 89",  # one check digit off: no IBAN, however it is read
        "Order ABCD 1234 5678 9012 shipped",
        "ZZ12 3456 7890 1234 56",  # no such country
    ],
)
def test_given_no_valid_reading_then_ocr_iban_finds_nothing(text: str) -> None:
    assert found(OcrIbanRecognizer("en"), text) == []


def _emails(text: str, language: str) -> list[str]:
    return [
        text[d.start : d.end]
        for d in PresidioDetector().detect(text, language)
        if d.entity_type == "EMAIL_ADDRESS"
    ]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("E-mail: marta.kowal©example.org\n", "pl", ["marta.kowal©example.org"]),
        ("Contact: j.doe®example.com\n", "en", ["j.doe®example.com"]),
        ("Write to info (at) example.net today\n", "en", ["info (at) example.net"]),
    ],
)
def test_given_an_email_whose_at_sign_ocr_misread_then_it_is_an_email(
    text: str, language: str, expected: list[str]
) -> None:
    assert _emails(text, language) == expected


@pytest.mark.parametrize(
    "text", ["Copyright © Example.com 2024\n", "All rights reserved ©2024 example.com\n", "Brand® example\n"]
)
def test_given_a_copyright_sign_in_a_footer_then_no_email(text: str) -> None:
    assert _emails(text, "en") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIF: 123456782\n", ["123456782"]),  # 12345678Z, its Z read as 2
        ("D.N.I. 24681357-8\n", ["24681357-8"]),  # 24681357B, its B read as 8
    ],
)
def test_given_a_nif_whose_check_letter_ocr_read_as_a_digit_then_es_nif(
    text: str, expected: list[str]
) -> None:
    assert found(MisreadNifRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NIF: 123456789\n",  # 9 is no letter's look-alike
        "NIF: 123456785\n",  # 5 looks like S, but 12345678 calls for Z
        "Pedido 123456782\n",  # no label: a nine-digit number is no NIF
    ],
)
def test_given_a_number_that_is_no_misread_nif_then_nothing(text: str) -> None:
    assert found(MisreadNifRecognizer(), text) == []
