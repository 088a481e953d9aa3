"""Generic acronyms and departments that name no organisation, and real organisations that stay."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.generic_terms import is_generic_organization
from privsynth.tools.pii.recognizers.age import AgeRecognizer


def _values(text: str) -> list[str]:
    return matched(AgeRecognizer(), text)


@pytest.mark.parametrize("value", ["PIN", "ATM", "the Risk Department", "Customer Service", "IT Helpdesk"])
def test_generic_organizations(value: str) -> None:
    assert is_generic_organization(value)


@pytest.mark.parametrize("value", ["NATO", "Goldman Sachs", "Acme Widgets", "Dataweave", "Walk Score"])
def test_real_organizations(value: str) -> None:
    assert not is_generic_organization(value)
