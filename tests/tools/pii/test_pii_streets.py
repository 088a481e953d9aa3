"""Street recognizers: the full list of USPS street suffixes and street prefixes with a comma before the number."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.intl_address import InternationalAddressRecognizer
from privsynth.tools.pii.recognizers.street_address import StreetAddressRecognizer


@pytest.mark.parametrize(("text", "value"), [
    ("Our new house is 4410 Wheeler Junctions, near the school.", "4410 Wheeler Junctions"),
    ("Mail the form to 98 Ortega Coves Apt. 12 please.", "98 Ortega Coves Apt. 12"),
    ("She grew up at 7 Hadley Wall in Ohio.", "7 Hadley Wall"),
])
def test_usps_suffixes(text: str, value: str) -> None:
    assert value in matched(StreetAddressRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("Il negozio è in Piazza Garibaldi, 14 a Torino.", "Piazza Garibaldi, 14"),
    ("Moramos na Ladeira do Sol, 230 desde 2010.", "Ladeira do Sol, 230"),
    ("La oficina está en C/ Mayor 21, Zaragoza.", "C/ Mayor 21"),
    ("Envíelo a Avda. de la Paz 7, Sevilla.", "Avda. de la Paz 7"),
])
def test_street_prefixes(text: str, value: str) -> None:
    assert value in matched(InternationalAddressRecognizer(), text)


@pytest.mark.parametrize("text", ["We waited 3 Long Weeks for it.", "Take 2 Plain Bagels to go."])
def test_no_street_in_prose(text: str) -> None:
    assert matched(StreetAddressRecognizer(), text) == []
    assert matched(InternationalAddressRecognizer(), text) == []
