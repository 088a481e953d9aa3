"""Tests of the named_street recognizer (:mod:`privsynth.tools.pii.recognizers.named_street`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.named_street import NamedStreetRecognizer


@pytest.mark.parametrize(("text", "value"), [
    ("to the corner of ul. Cicha 86 and Leokadia Trail?", "Leokadia Trail"),
    ("Fuglie 41 Popović Dam", "Popović Dam"),
])
def test_named_street_after_number_or_corner(text: str, value: str) -> None:
    assert [text[r.start:r.end] for r in NamedStreetRecognizer().analyze(text, [])] == [value]


def test_named_street() -> None:
    assert matched(NamedStreetRecognizer(), "early shows on Berg Hills Street were great") == ["Berg Hills Street"]
    assert matched(NamedStreetRecognizer(), "we walked on the Street") == []
