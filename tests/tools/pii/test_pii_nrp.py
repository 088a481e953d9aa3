"""Nationality, religion and political-group words (NRP), and their place inside a place name."""

from __future__ import annotations

import pytest

from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers.nrp_words import ALONE, BEFORE_NAME, NrpWordRecognizer
from privsynth.tools.pii.text import scan_text


def _found(text: str) -> list[tuple[str, float]]:
    return [(text[r.start:r.end], r.score) for r in NrpWordRecognizer().analyze(text, [], None)]


def test_registered() -> None:
    assert NrpWordRecognizer in RECOGNIZERS


@pytest.mark.parametrize(("text", "value"), [
    ("Two Icelanders and a Faroese fisherman shared the boat.", "Icelanders"),
    ("Two Icelanders and a Faroese fisherman shared the boat.", "Faroese"),
    ("The temple welcomes Sikhs and Jains alike.", "Sikhs"),
    ("Both Tories and Liberals voted against it.", "Liberals"),
    ("my neighbour is kazakhstani and very kind", "kazakhstani"),
])
def test_nrp_words(text: str, value: str) -> None:
    assert (value, ALONE) in _found(text)


def test_word_before_a_name_scores_below_the_ner() -> None:
    assert _found("She paid with her American Express card.") == [("American", BEFORE_NAME)]


@pytest.mark.parametrize("text", ["Liberal use of salt is advised.", "Conservative estimates say 40.",
                                  "She will polish the table.", "The french fries were cold."])
def test_no_nrp(text: str) -> None:
    assert _found(text) == []


def test_nationality_in_a_place_qualifier_is_part_of_the_place() -> None:
    text = "The ferry sails to Cyprus (Greek) twice a week."
    spans = [(text[s.start:s.end], s.entity_type) for s in scan_text(text)]
    assert ("Cyprus (Greek)", "LOCATION") in spans
    assert not any(kind == "NRP" for _value, kind in spans)
