"""Street recognizers: the full list of USPS street suffixes and street prefixes with a comma before the number."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.intl_address import InternationalAddressRecognizer
from privsynth.tools.pii.recognizers.street_address import StreetAddressRecognizer


@pytest.mark.parametrize("text", ["We waited 3 Long Weeks for it.", "Take 2 Plain Bagels to go."])
def test_no_street_in_prose(text: str) -> None:
    assert matched(StreetAddressRecognizer(), text) == []
    assert matched(InternationalAddressRecognizer(), text) == []
