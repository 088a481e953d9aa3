"""Surname partnerships known by grammar: a singular verb after the list, or a company role before it."""

from __future__ import annotations

from pii_support import matched

from privsynth.tools.pii.recognizers.organization_partnership import PartnershipRecognizer
from privsynth.tools.pii.text import scan_text


def _values(text: str) -> list[str]:
    return matched(PartnershipRecognizer(), text)


def test_scan_types_the_firm_as_an_organisation() -> None:
    text = "Fischer, Novak and Lindqvist is hiring two paralegals."
    kinds = {s.entity_type for s in scan_text(text)}
    assert kinds == {"ORGANIZATION"}
