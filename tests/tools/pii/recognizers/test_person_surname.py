"""Tests of the person_surname recognizer (:mod:`privsynth.tools.pii.recognizers.person_surname`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.person_surname import SurnameShapeRecognizer


def _values(text: str) -> list[str]:
    return matched(SurnameShapeRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("Please transfer the deposit to Zhanibek Tulegenovich today.", "Zhanibek Tulegenovich"),
    ("Our guide was Tamriko Gelashvili.", "Tamriko Gelashvili"),
    ("The report by Stavros K. Papadopoulos arrived.", "Stavros K. Papadopoulos"),
    ("Signed for by Ingibjörg Haraldsdóttir", "Ingibjörg Haraldsdóttir"),
])
def test_surname_shape(text: str, value: str) -> None:
    assert _values(text) == [value]


@pytest.mark.parametrize("text", ["The Grand Prix was held in Kyiv.", "We met at the Soviet Embassy.",
                                  "Many Slavs live there."])
def test_no_name_by_shape(text: str) -> None:
    assert _values(text) == []
