"""Nationality, religion and political-group words (NRP), and their place inside a place name."""

from __future__ import annotations

from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers.nrp_words import NrpWordRecognizer
from privsynth.tools.pii.text import scan_text


def _found(text: str) -> list[tuple[str, float]]:
    return [(text[r.start:r.end], r.score) for r in NrpWordRecognizer().analyze(text, [], None)]


def test_registered() -> None:
    assert NrpWordRecognizer in RECOGNIZERS


def test_nationality_in_a_place_qualifier_is_part_of_the_place() -> None:
    text = "The ferry sails to Cyprus (Greek) twice a week."
    spans = [(text[s.start:s.end], s.entity_type) for s in scan_text(text)]
    assert ("Cyprus (Greek)", "LOCATION") in spans
    assert not any(kind == "NRP" for _value, kind in spans)
