"""The entity catalogue and request validation against it. No Presidio here, so
listing and validating types is cheap."""

from __future__ import annotations

from collections.abc import Iterable

from image_anonymizer.core.request_lists import DENY_LIST, DENY_LIST_DESCRIPTION
from image_anonymizer.errors import UnknownEntityType

# Every type the service can find, with what it means. English gets all of them;
# other languages get the pattern types (and the NER types if a spaCy model is installed).
ENTITY_CATALOGUE: dict[str, str] = {
    "PERSON": "A person's name",
    "LOCATION": "A place: country, city, street, address",
    "NRP": "Nationality, religious or political group",
    "DATE_TIME": "A date or time",
    "DATE_OF_BIRTH": "A date introduced as a date of birth (DOB, born, date of birth)",
    "AGE": "A person's age (age 39, 39 years old)",
    "EMAIL_ADDRESS": "An email address",
    "PHONE_NUMBER": "A telephone number",
    "URL": "A web address",
    "DOMAIN_NAME": "An internet domain name with a public suffix",
    "IP_ADDRESS": "An IPv4 or IPv6 address",
    "MAC_ADDRESS": "A network hardware (MAC) address",
    "CREDIT_CARD": "A payment card number (Luhn-checked)",
    "IBAN_CODE": "An international bank account number (checksum-validated)",
    "CRYPTO": "A Bitcoin wallet address (checksum-validated)",
    "US_BANK_NUMBER": "A US bank account number",
    "ACCOUNT_NUMBER": "A person's account, member, card, staff or policy number, next to its label",
    "US_SSN": "A US Social Security number",
    "US_ITIN": "A US Individual Taxpayer Identification Number",
    "US_PASSPORT": "A US passport number",
    "US_DRIVER_LICENSE": "A US driver's licence number",
    "MEDICAL_LICENSE": "A US medical licence (DEA) number",
    "UK_NHS": "A UK NHS number (checksum-validated)",
    "UK_NINO": "A UK National Insurance number",
    "UK_PASSPORT": "A UK passport number",
    "UK_POSTCODE": "A UK postcode",
    "SG_NRIC_FIN": "A Singapore NRIC or FIN",
    "AU_ABN": "An Australian Business Number",
    "AU_ACN": "An Australian Company Number",
    "AU_TFN": "An Australian Tax File Number",
    "AU_MEDICARE": "An Australian Medicare number",
    "IN_PAN": "An Indian Permanent Account Number",
    "IN_AADHAAR": "An Indian Aadhaar number",
    "ES_NIF": "A Spanish tax id (NIF/DNI, checksum-validated)",
    "ES_NIE": "A Spanish foreigner's id (NIE, checksum-validated)",
    "IT_FISCAL_CODE": "An Italian fiscal code (codice fiscale, checksum-validated)",
    "IT_IDENTITY_CARD": "An Italian identity card number",
    "PL_PESEL": "A Polish personal id (PESEL, checksum-validated)",
    "FI_PERSONAL_IDENTITY_CODE": "A Finnish personal identity code (henkilötunnus)",
    "DE_TAX_ID": "A German tax id (Steuer-ID, checksum-validated)",
    "DE_ID_CARD": "A German identity card number",
    "DE_PASSPORT": "A German passport number",
    "DE_SOCIAL_SECURITY": "A German social security number (Rentenversicherungsnummer)",
}
# A country's identifiers, looked for in its language only (their patterns are digits
# that other languages' pages hold for other reasons): another language's request does
# not list them as unsupported, and names them in ``entities`` at its peril (422).
NATIONAL_ENTITIES: dict[str, str] = {
    "ES_NIF": "es",
    "ES_NIE": "es",
    "IT_FISCAL_CODE": "it",
    "IT_IDENTITY_CARD": "it",
    "PL_PESEL": "pl",
    "FI_PERSONAL_IDENTITY_CODE": "fi",
    "DE_TAX_ID": "de",
    "DE_ID_CARD": "de",
    "DE_PASSPORT": "de",
    "DE_SOCIAL_SECURITY": "de",
}
# What no OCR reads, found on the pixels (``visual``): looked for by default, and named
# in ``entities``/``exclude_entities`` like the text types. The text detector never
# sees them.
VISUAL_ENTITIES: dict[str, str] = {
    "FACE": "A person's face in a photograph (the box covers the head); option faces",
    "CODE": (
        "A QR code, Data Matrix, PDF417, Aztec or 1-D barcode; option codes: pii (default) "
        "covers one whose payload holds PII, all every code, none no code"
    ),
}
DEFAULT_SCORE_THRESHOLD = 0.3
# What a request that names no types gets: the whole catalogue, as the contract says.
# DATE_TIME included: a date tied to a person is an identifier under HIPAA Safe Harbor
# and personal data under GDPR, and a page rarely says which of its dates are tied to
# someone. Callers who want dates left alone name the types they want, or exclude it.
DEFAULT_ENTITIES = frozenset(ENTITY_CATALOGUE)


def national_elsewhere(language: str) -> frozenset[str]:
    """The identifiers of other languages' countries: not expected of ``language``."""
    return frozenset(k for k, v in NATIONAL_ENTITIES.items() if v != language)


def describe() -> list[dict[str, object]]:
    """The catalogue as the API and the CLI list it: type, meaning, found by default,
    and whether ``entities``/``exclude_entities`` may name it. Last, ``DENY_LIST``: what a
    request's ``deny_list`` covers, reported under that type; not a type to ask for."""
    return [
        {
            "entity_type": k,
            "description": v,
            "default": k in DEFAULT_ENTITIES or k in VISUAL_ENTITIES,
            "requestable": True,
        }
        for k, v in {**ENTITY_CATALOGUE, **VISUAL_ENTITIES}.items()
    ] + [
        {
            "entity_type": DENY_LIST,
            "description": DENY_LIST_DESCRIPTION,
            "default": False,
            "requestable": False,
        }
    ]


def validate_entities(entities: Iterable[str] | None) -> frozenset[str] | None:
    """Upper-case and check requested types; ``None`` or empty means the defaults."""
    if entities is None:
        return None
    wanted = frozenset(e.strip().upper() for e in entities if e and e.strip())
    if not wanted:
        return None
    unknown = sorted(wanted - ENTITY_CATALOGUE.keys() - VISUAL_ENTITIES.keys())
    if unknown:
        raise UnknownEntityType(
            f"Unknown entity type(s): {', '.join(u[:40] for u in unknown[:5])}. "
            f"Valid types: {', '.join([*ENTITY_CATALOGUE, *VISUAL_ENTITIES])}."
        )
    return wanted
