"""Surname partnerships known by grammar: a singular verb after the list, or a company role before it."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.organization_partnership import PartnershipRecognizer
from privsynth.tools.pii.text import scan_text


def _values(text: str) -> list[str]:
    return matched(PartnershipRecognizer(), text)


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


def test_scan_types_the_firm_as_an_organisation() -> None:
    text = "Fischer, Novak and Lindqvist is hiring two paralegals."
    kinds = {s.entity_type for s in scan_text(text)}
    assert kinds == {"ORGANIZATION"}
