"""Person cues from grammar: a possessive with a family noun, verbs only people take, and 'call me back'."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.person_context import PersonContextRecognizer


def _values(text: str) -> list[str]:
    return matched(PersonContextRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("Quarvenel's wife runs the bakery.", "Quarvenel"),
    ("We went to Ilsmark Dorvane's wedding in May.", "Ilsmark Dorvane"),
    ("Brathvik asked about the refund.", "Brathvik"),
    ("The line was busy. Ossiandra replied within minutes.", "Ossiandra"),
])
def test_person_by_grammar(text: str, value: str) -> None:
    assert value in _values(text)


@pytest.mark.parametrize("text", ["Please call me back tomorrow.", "You can call me later.",
                                  "The company's board met.", "It asked for more time.",
                                  "Google said the service is back."])
def test_no_person(text: str) -> None:
    assert _values(text) == []
