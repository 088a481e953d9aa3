"""Tests of the partnership recognizer (:mod:`privsynth.tools.pii.recognizers.organization_partnership`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.organization_partnership import PartnershipRecognizer


def _values(text: str) -> list[str]:
    return matched(PartnershipRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("Tomomi is from Hawkins, Richardson and Santana", "Hawkins, Richardson and Santana"),
    ("Zargan Vedzizhev from Garcia-Roberson is the keynote speaker", "Garcia-Roberson"),
    ("naomi ryan\nsewer pipe cleaner\nhubbard, fox and gillespie\n3747 fourth avenue", "hubbard, fox and gillespie"),
])
def test_partnership(text: str, value: str) -> None:
    assert matched(PartnershipRecognizer(), text) == [value]


@pytest.mark.parametrize("text", ["Our 3 founders: Kónya, Becker and Vasquez.", "I went with John and Mary to the park",
                                  "I am from Paris and London"])
def test_partnership_needs_cue_and_surnames(text: str) -> None:
    assert matched(PartnershipRecognizer(), text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Fischer, Novak and Lindqvist is hiring two paralegals.", "Fischer, Novak and Lindqvist"),
    ("Brennan & Okafor provides payroll services.", "Brennan & Okafor"),
    ("She is the CEO of Moreau, Keller and Dubois now.", "Moreau, Keller and Dubois"),
])
def test_partnership_by_grammar(text: str, value: str) -> None:
    assert _values(text) == [value]


@pytest.mark.parametrize("text", ["Fischer, Novak and Lindqvist are my neighbours.",
                                  "Brennan and Okafor have left the room."])
def test_people_listed_together_are_no_firm(text: str) -> None:
    assert _values(text) == []
