"""Tests of the place_context recognizer (:mod:`privsynth.tools.pii.recognizers.place_context`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.postprocess import RawSpan, plausible
from privsynth.tools.pii.recognizers.place_context import PlaceContextRecognizer


@pytest.mark.parametrize("text", ["She was born in March 1985.", "We are returning in June.", "Where: Friday"])
def test_place_context_skips_months_and_weekdays(text: str) -> None:
    assert matched(PlaceContextRecognizer(), text) == []


def test_place_context_stops_before_a_weekday() -> None:
    assert matched(PlaceContextRecognizer(), "We arrived in Paris on Monday.") == ["Paris"]


def test_calendar_place_is_implausible_and_clock_times_are_dates() -> None:
    text = "Where: Friday at 3pm"
    assert not plausible(text, RawSpan(7, 13, "LOCATION", 0.68, "PlaceContextRecognizer"))
    assert plausible(text, RawSpan(17, 20, "DATE_TIME", 0.5, "SpacyRecognizer"))


@pytest.mark.parametrize(("text", "value"), [
    ("When: 1984-04-27 15:25:53 Where: Beerze Country Club.", "Beerze"),
    ("where: cite ben hjel country club.", "cite ben hjel"),
    ("On Sunday we returned to San Bernardino by helicopter.", "San Bernardino"),
    ("She was born in UPTON SCUDAMORE and moved away.", "UPTON SCUDAMORE"),
    ("Looking to support Acme in ARENDAL 4844 in its mission.", "ARENDAL 4844"),
])
def test_place_context(text: str, value: str) -> None:
    assert value in matched(PlaceContextRecognizer(), text)


def test_place_context_skips_years_and_pronouns() -> None:
    assert matched(PlaceContextRecognizer(), "He moved to The city in 2004 and then in Python 2019") == []
