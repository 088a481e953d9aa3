"""Tests of the street_address recognizer (:mod:`privsynth.tools.pii.recognizers.street_address`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.street_address import StreetAddressRecognizer


@pytest.mark.parametrize(("text", "value"), [
    ("Our new house is 4410 Wheeler Junctions, near the school.", "4410 Wheeler Junctions"),
    ("Mail the form to 98 Ortega Coves Apt. 12 please.", "98 Ortega Coves Apt. 12"),
    ("She grew up at 7 Hadley Wall in Ohio.", "7 Hadley Wall"),
])
def test_usps_suffixes(text: str, value: str) -> None:
    assert value in matched(StreetAddressRecognizer(), text)
