"""Tests of the numbered_street recognizer (:mod:`privsynth.tools.pii.recognizers.numbered_street`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.numbered_street import NumberedStreetRecognizer


def _values(text: str) -> list[str]:
    return matched(NumberedStreetRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("The restaurant is at 5521 119 Countess Close", "5521 119 Countess Close"),
    ("Suite 913 0547 Bygget 91\nANNERSTAD", "0547 Bygget 91"),
])
def test_numbered_street(text: str, value: str) -> None:
    assert _values(text) == [value]


@pytest.mark.parametrize("text", ["We met on 12 March 2019, at noon.", "Call 555 1234 John Smith.",
                                  "It was 2019 2 Fast Furious.", "I bought 3 Apples 5 times"])
def test_numbered_street_ignores_dates_phones_and_prose(text: str) -> None:
    assert _values(text) == []
