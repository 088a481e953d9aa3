"""Tests of the nrp_words recognizer (:mod:`privsynth.tools.pii.recognizers.nrp_words`)."""

from __future__ import annotations

import pytest

from privsynth.tools.pii.recognizers.nrp_words import ALONE, BEFORE_NAME, NrpWordRecognizer


def _found(text: str) -> list[tuple[str, float]]:
    return [(text[r.start:r.end], r.score) for r in NrpWordRecognizer().analyze(text, [], None)]


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
