"""Tests of the organization_from recognizer (:mod:`privsynth.tools.pii.recognizers.organization_from`)."""

from __future__ import annotations

import pytest
from pii_support import matched


@pytest.mark.parametrize(("text", "found"), [
    ("Anna is from Plotwatt", ["Plotwatt"]),
    ("Tom I. Holzman from Predilytics is the keynote speaker", ["Predilytics"]),
    ("I am from Ouagadougou.", []),
    ("A letter from Mom.", []),
])
def test_coined_organization_after_from(text: str, found: list[str]) -> None:
    from privsynth.tools.pii.recognizers.organization_from import CoinedOrganizationRecognizer

    assert matched(CoinedOrganizationRecognizer(), text) == found
