"""Ages said of a person without "years old", and generic acronyms/departments that name no organisation."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.generic_terms import is_generic_organization
from privsynth.tools.pii.postprocess import RawSpan, plausible
from privsynth.tools.pii.recognizers.age import AgeRecognizer


def _values(text: str) -> list[str]:
    return matched(AgeRecognizer(), text)


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


@pytest.mark.parametrize("value", ["PIN", "ATM", "the Risk Department", "Customer Service", "IT Helpdesk"])
def test_generic_organizations(value: str) -> None:
    assert is_generic_organization(value)


@pytest.mark.parametrize("value", ["NATO", "Goldman Sachs", "Acme Widgets", "Dataweave", "Walk Score"])
def test_real_organizations(value: str) -> None:
    assert not is_generic_organization(value)


def test_ner_acronym_is_implausible_but_a_cued_one_stays() -> None:
    text = "reset my PIN"
    assert not plausible(text, RawSpan(9, 12, "ORGANIZATION", 0.5, "SpacyRecognizer"))
    assert plausible(text, RawSpan(9, 12, "ORGANIZATION", 0.62, "OrganizationContextRecognizer"))
