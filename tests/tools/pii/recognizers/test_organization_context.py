"""Tests of the organization_context recognizer (:mod:`privsynth.tools.pii.recognizers.organization_context`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.postprocess import RawSpan, plausible
from privsynth.tools.pii.recognizers.organization_context import OrganizationContextRecognizer


def test_ner_acronym_is_implausible_but_a_cued_one_stays() -> None:
    text = "reset my PIN"
    assert not plausible(text, RawSpan(9, 12, "ORGANIZATION", 0.5, "SpacyRecognizer"))
    assert plausible(text, RawSpan(9, 12, "ORGANIZATION", 0.62, "OrganizationContextRecognizer"))


def test_organization_context_skips_months() -> None:
    assert matched(OrganizationContextRecognizer(), "She joined March 2020 as an analyst.") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Aristóteles spent a year at Jones, Mitchell and Williams as the assistant.", "Jones, Mitchell and Williams"),
    ("Poweradvocate in Bremen, which later became Zillow in 2014.", "Zillow"),
    ("Persint is an German multinational investment bank.", "Persint"),
])
def test_organization_context(text: str, value: str) -> None:
    assert value in matched(OrganizationContextRecognizer(), text)
