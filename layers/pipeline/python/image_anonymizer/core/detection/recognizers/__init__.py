"""The recognizers of a language: Presidio's own, and this package's for what OCR'd
documents need that Presidio lacks (DATE_OF_BIRTH, AGE, DOMAIN_NAME, ...) or ships
disabled (SG_NRIC_FIN and others).

A new recognizer: a module here with a ``RegexRecognizer`` subclass (``ENTITY``,
``TRAITS``, ``analyze``), added to ``recognizers_for``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from presidio_analyzer import EntityRecognizer
from presidio_analyzer import predefined_recognizers as pr

from image_anonymizer.core.detection.findings import NO_TRAITS, Traits
from image_anonymizer.core.detection.lexicon import Vocabulary
from image_anonymizer.core.detection.recognizers.account_number import AccountNumberRecognizer
from image_anonymizer.core.detection.recognizers.address import AddressRecognizer
from image_anonymizer.core.detection.recognizers.age import AgeRecognizer
from image_anonymizer.core.detection.recognizers.base import RegexRecognizer
from image_anonymizer.core.detection.recognizers.chinese_name import ChineseNameRecognizer
from image_anonymizer.core.detection.recognizers.date_of_birth import DateOfBirthRecognizer
from image_anonymizer.core.detection.recognizers.date_time import DateTimeRecognizer
from image_anonymizer.core.detection.recognizers.domain import DomainRecognizer
from image_anonymizer.core.detection.recognizers.email import MisreadEmailRecognizer, OfflineEmailRecognizer
from image_anonymizer.core.detection.recognizers.given_name import GivenNameRecognizer
from image_anonymizer.core.detection.recognizers.initials_name import InitialsNameRecognizer
from image_anonymizer.core.detection.recognizers.labelled_name import LabelledNameRecognizer
from image_anonymizer.core.detection.recognizers.local_address import LocalAddressRecognizer
from image_anonymizer.core.detection.recognizers.local_date import LocalDateRecognizer
from image_anonymizer.core.detection.recognizers.misread_nif import MisreadNifRecognizer
from image_anonymizer.core.detection.recognizers.name_field import NameFieldRecognizer
from image_anonymizer.core.detection.recognizers.north_american_phone import NorthAmericanPhoneRecognizer
from image_anonymizer.core.detection.recognizers.ocr_iban import OcrIbanRecognizer
from image_anonymizer.core.detection.recognizers.split_card import SplitCardRecognizer

__all__ = [
    "NER_TRAITS",
    "AccountNumberRecognizer",
    "AddressRecognizer",
    "AgeRecognizer",
    "ChineseNameRecognizer",
    "DateOfBirthRecognizer",
    "DateTimeRecognizer",
    "DomainRecognizer",
    "GivenNameRecognizer",
    "InitialsNameRecognizer",
    "LabelledNameRecognizer",
    "LocalAddressRecognizer",
    "LocalDateRecognizer",
    "MisreadEmailRecognizer",
    "MisreadNifRecognizer",
    "NameFieldRecognizer",
    "NorthAmericanPhoneRecognizer",
    "OcrIbanRecognizer",
    "OfflineEmailRecognizer",
    "RegexRecognizer",
    "SplitCardRecognizer",
    "recognizers_for",
    "traits_of",
]

# spaCy NER's findings (Presidio's ``SpacyRecognizer``).
NER_TRAITS = Traits(from_ner=True, line_bound=True, label_trimmed=True)
# Presidio's recognizers with traits, by class (ours say theirs in ``TRAITS``).
_PRESIDIO_TRAITS: dict[type[EntityRecognizer], Traits] = {pr.SpacyRecognizer: NER_TRAITS}


def traits_of(recognizer: EntityRecognizer) -> Traits:
    """How post-processing reads the recognizer's findings."""
    traits = getattr(type(recognizer), "TRAITS", None)
    if isinstance(traits, Traits):
        return traits
    return _PRESIDIO_TRAITS.get(type(recognizer), NO_TRAITS)


# Where a page in the language may dial from without a country code, beyond Presidio's
# default regions.
_PHONE_REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR")
_LOCAL_PHONE_REGIONS = (
    *_PHONE_REGIONS,
    *["ES", "IT", "NL", "BE", "PT", "PL", "AT", "CH", "SE", "DK", "NO", "FI", "CZ", "IE", "MX", "AR"],
)
# A country's identifiers (Presidio's), for its language: ``catalogue.NATIONAL_ENTITIES``.
_NATIONAL: dict[str, tuple[Callable[..., EntityRecognizer], ...]] = {
    "es": (pr.EsNifRecognizer, MisreadNifRecognizer, pr.EsNieRecognizer),
    "it": (pr.ItFiscalCodeRecognizer, pr.ItIdentityCardRecognizer),
    "pl": (pr.PlPeselRecognizer,),
    "fi": (pr.FiPersonalIdentityCodeRecognizer,),
    "de": (
        pr.DeTaxIdRecognizer,
        pr.DeIdCardRecognizer,
        pr.DePassportRecognizer,
        pr.DeSocialSecurityRecognizer,
    ),
}


def _national_recognizers(language: str) -> list[EntityRecognizer]:
    return [kind(supported_language=language) for kind in _NATIONAL.get(language, ())]


def recognizers_for(
    language: str, with_ner: bool, tld: Any, vocabulary: Vocabulary | None
) -> list[EntityRecognizer]:
    """The recognizers of ``language``: NER's with ``with_ner``, the given-name one
    with a ``vocabulary`` of ordinary words, the English-only ones for ``"en"``."""
    recognizers: list[EntityRecognizer] = [
        pr.CreditCardRecognizer(supported_language=language),
        pr.CryptoRecognizer(supported_language=language),
        pr.IbanRecognizer(supported_language=language),
        OcrIbanRecognizer(language),
        pr.IpRecognizer(supported_language=language),
        pr.MacAddressRecognizer(supported_language=language),
        pr.PhoneRecognizer(
            supported_language=language,
            supported_regions=_PHONE_REGIONS if language == "en" else _LOCAL_PHONE_REGIONS,
        ),
        pr.UrlRecognizer(supported_language=language),
        pr.DateRecognizer(supported_language=language),
        pr.MedicalLicenseRecognizer(supported_language=language),
        OfflineEmailRecognizer(language, tld),
        MisreadEmailRecognizer(language, tld),
        DomainRecognizer(language, tld),
        AgeRecognizer(language),
        DateOfBirthRecognizer(language),
        SplitCardRecognizer(language),
    ]
    if vocabulary is not None:
        recognizers += [
            GivenNameRecognizer(language, vocabulary),
            InitialsNameRecognizer(language, vocabulary),
            ChineseNameRecognizer(language, vocabulary),
        ]
    if language == "en":
        recognizers += [LabelledNameRecognizer(language), AddressRecognizer(language)]
        recognizers += [
            DateTimeRecognizer(language),
            NorthAmericanPhoneRecognizer(language),
            AccountNumberRecognizer(language),
        ]
        recognizers += [
            pr.UsBankRecognizer(),
            pr.UsLicenseRecognizer(),
            pr.UsItinRecognizer(),
            pr.UsPassportRecognizer(),
            pr.UsSsnRecognizer(),
            pr.NhsRecognizer(),
            pr.UkNinoRecognizer(),
            pr.UkPassportRecognizer(),
            pr.UkPostcodeRecognizer(),
            pr.SgFinRecognizer(),
            pr.AuAbnRecognizer(),
            pr.AuAcnRecognizer(),
            pr.AuTfnRecognizer(),
            pr.AuMedicareRecognizer(),
            pr.InPanRecognizer(),
            pr.InAadhaarRecognizer(),
        ]
    else:
        recognizers += [
            NameFieldRecognizer(language),
            LocalDateRecognizer(language),
            *([LocalAddressRecognizer(language)] if LocalAddressRecognizer.covers(language) else []),
            *_national_recognizers(language),
        ]
    if with_ner:
        recognizers.append(pr.SpacyRecognizer(supported_language=language))
    return recognizers
