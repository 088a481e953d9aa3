"""privsynth's own Presidio recognizers, one per module.

Every class in :data:`RECOGNIZERS` is instantiated without arguments and added to the analyzer's
registry by :func:`privsynth.tools.pii.engine.build_analyzer`. To add a recognizer, write a module
here with one ``EntityRecognizer`` subclass (a ``PatternRecognizer``, or a
:class:`~privsynth.tools.pii.recognizers._regex.GroupRegexRecognizer` when the entity is only part of
the match) whose ``__init__`` needs no arguments, import it below and append it to the list.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from privsynth.tools.pii.recognizers.age import AgeRecognizer
from privsynth.tools.pii.recognizers.credit_card import LuhnCardRecognizer
from privsynth.tools.pii.recognizers.cued_phone import CuedPhoneRecognizer
from privsynth.tools.pii.recognizers.driver_license import DriverLicenseRecognizer
from privsynth.tools.pii.recognizers.intl_address import InternationalAddressRecognizer
from privsynth.tools.pii.recognizers.intl_phone import InternationalPhoneRecognizer
from privsynth.tools.pii.recognizers.lowercase_street import LowercaseStreetRecognizer
from privsynth.tools.pii.recognizers.named_street import NamedStreetRecognizer
from privsynth.tools.pii.recognizers.nrp_words import NrpWordRecognizer
from privsynth.tools.pii.recognizers.numbered_street import NumberedStreetRecognizer
from privsynth.tools.pii.recognizers.organization import OrganizationSuffixRecognizer
from privsynth.tools.pii.recognizers.organization_context import OrganizationContextRecognizer
from privsynth.tools.pii.recognizers.organization_from import CoinedOrganizationRecognizer
from privsynth.tools.pii.recognizers.organization_partnership import PartnershipRecognizer
from privsynth.tools.pii.recognizers.person_context import PersonContextRecognizer
from privsynth.tools.pii.recognizers.person_name import NameListRecognizer
from privsynth.tools.pii.recognizers.person_surname import SurnameShapeRecognizer
from privsynth.tools.pii.recognizers.place_context import PlaceContextRecognizer
from privsynth.tools.pii.recognizers.place_name import PlaceNameRecognizer
from privsynth.tools.pii.recognizers.postal_code import PostalCodeRecognizer
from privsynth.tools.pii.recognizers.street_address import StreetAddressRecognizer
from privsynth.tools.pii.recognizers.us_phone import UsPhoneRecognizer

RECOGNIZERS: list[type[EntityRecognizer]] = [
    UsPhoneRecognizer,
    StreetAddressRecognizer,
    AgeRecognizer,
    LuhnCardRecognizer,
    InternationalAddressRecognizer,
    InternationalPhoneRecognizer,
    OrganizationSuffixRecognizer,
    PersonContextRecognizer,
    NameListRecognizer,
    PostalCodeRecognizer,
    PlaceNameRecognizer,
    PlaceContextRecognizer,
    NamedStreetRecognizer,
    OrganizationContextRecognizer,
    NumberedStreetRecognizer,
    PartnershipRecognizer,
    DriverLicenseRecognizer,
    LowercaseStreetRecognizer,
    CuedPhoneRecognizer,
    CoinedOrganizationRecognizer,
    SurnameShapeRecognizer,
    NrpWordRecognizer,
]

__all__ = [
    "RECOGNIZERS",
    "AgeRecognizer",
    "CoinedOrganizationRecognizer",
    "CuedPhoneRecognizer",
    "DriverLicenseRecognizer",
    "InternationalAddressRecognizer",
    "InternationalPhoneRecognizer",
    "LowercaseStreetRecognizer",
    "LuhnCardRecognizer",
    "NameListRecognizer",
    "NrpWordRecognizer",
    "NamedStreetRecognizer",
    "NumberedStreetRecognizer",
    "OrganizationContextRecognizer",
    "OrganizationSuffixRecognizer",
    "PartnershipRecognizer",
    "PersonContextRecognizer",
    "PlaceContextRecognizer",
    "PlaceNameRecognizer",
    "PostalCodeRecognizer",
    "StreetAddressRecognizer",
    "SurnameShapeRecognizer",
    "UsPhoneRecognizer",
]
