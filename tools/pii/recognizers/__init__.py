"""privsynth's own Presidio recognizers, one per module.

Every class in :data:`RECOGNIZERS` is instantiated without arguments and added to the analyzer's
registry by :func:`privsynth.tools.pii.engine.build_analyzer`. To add a recognizer, write a module
here with one ``EntityRecognizer`` subclass (usually a ``PatternRecognizer``) whose ``__init__``
needs no arguments, import it below and append it to the list.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from privsynth.tools.pii.recognizers.street_address import StreetAddressRecognizer
from privsynth.tools.pii.recognizers.us_phone import UsPhoneRecognizer

RECOGNIZERS: list[type[EntityRecognizer]] = [
    UsPhoneRecognizer,
    StreetAddressRecognizer,
]

__all__ = ["RECOGNIZERS", "StreetAddressRecognizer", "UsPhoneRecognizer"]
