"""A place absorbs the postal code written right after it, but not a year or a count."""

from __future__ import annotations

import pytest

from privsynth.tools.pii.text import scan_text


def _places(text: str) -> list[str]:
    return [text[s.start:s.end] for s in scan_text(text) if s.entity_type in ("LOCATION", "ADDRESS")]


@pytest.mark.parametrize(("text", "value"), [
    ("Her parcel went to Finland 33100, not to Spain.", "Finland 33100"),
    ("He retired to Portugal 4050-123", "Portugal 4050-123"),
])
def test_postcode_after_place(text: str, value: str) -> None:
    assert value in _places(text)


@pytest.mark.parametrize(("text", "value"), [
    ("We toured Finland 2019 with friends.", "Finland"),
    ("They flew to Portugal 3000 times.", "Portugal"),
])
def test_year_or_count_after_place_stays_out(text: str, value: str) -> None:
    assert value in _places(text)
