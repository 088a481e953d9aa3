"""Tests of the age recognizer (:mod:`privsynth.tools.pii.recognizers.age`)."""

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


@pytest.mark.parametrize(("text", "value"), [
    ("I am 34 and live in Paris.", "34"),
    ("My daughter is 12.", "12"),
    ("He died at 84.", "84"),
    ("John, 45, was arrested yesterday.", "45"),
    ("When I was 19 I moved to Berlin.", "19"),
    ("My grandmother is ninety-two.", "ninety-two"),
])
def test_bare_age_said_of_a_person(text: str, value: str) -> None:
    assert value in _values(text)


@pytest.mark.parametrize("text", ["We have 12 apples.", "Room 34 is on the left.", "I am 5 feet tall.",
                                  "It is 5.", "We are 5 people."])
def test_numbers_that_are_not_ages(text: str) -> None:
    assert _values(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("she is forty-two years old", "forty-two"),
    ("He is 61 years of age", "61"),
    ("retired at the age of 67.", "67"),
])
def test_age_phrasings(text: str, value: str) -> None:
    assert value in matched(AgeRecognizer(), text)
