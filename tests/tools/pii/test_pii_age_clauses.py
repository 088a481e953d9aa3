"""Ages said of a person in a clause: contractions, ``years`` without ``old``, ``At 67, he...``, ``will turn 30``."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.age import AgeRecognizer


def _values(text: str) -> list[str]:
    return matched(AgeRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("I'm 23 and I live alone.", "23"),
    ("she’s 31, I think", "31"),
    ("My nephew is 9 years and loves trains.", "9"),
    ("He is currently 38 years.", "38"),
    ("Grandpa was a 71 yr. old farmer.", "71"),
    ("At 67, she still swims every day.", "67"),
    ("My cousin will turn 30 next month.", "30"),
])
def test_age_in_a_clause(text: str, value: str) -> None:
    assert _values(text) == [value]


@pytest.mark.parametrize("text", ["He is 5 ft tall.", "At 10, the shop opens.", "It was 45 years ago.",
                                  "I'm 5 minutes away."])
def test_no_age(text: str) -> None:
    assert _values(text) == []
