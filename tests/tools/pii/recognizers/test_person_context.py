"""Tests of the person_context recognizer (:mod:`privsynth.tools.pii.recognizers.person_context`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.person_context import PersonContextRecognizer


def _values(text: str) -> list[str]:
    return matched(PersonContextRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("Tomomi is from Hawkins and Sons", "Tomomi"),
    ("Asya spent a year at Allstate.", "Asya"),
    ("Scott is a very sympathetic person.", "Scott"),
    ("We met. Anna Smith was born in Oslo.", "Anna Smith"),
])
def test_human_subject(text: str, value: str) -> None:
    assert value in matched(PersonContextRecognizer(), text)


@pytest.mark.parametrize("text", ["It is from me.", "He was born in 1990.", "The company is from Ohio."])
def test_human_subject_skips_pronouns_and_articles(text: str) -> None:
    assert matched(PersonContextRecognizer(), text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Thanks, Siobhán", "Siobhán"),
    ("Kind regards,\nNaledi Dlamini", "Naledi Dlamini"),
])
def test_greeting_and_signature(text: str, value: str) -> None:
    assert value in matched(PersonContextRecognizer(), text)


def test_signature_of_a_team_is_no_person() -> None:
    assert matched(PersonContextRecognizer(), "Best,\nThe Team") == []


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
