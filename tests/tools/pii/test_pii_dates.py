"""Dates must survive the place, organisation and address recognizers (the DATE_TIME regression).

Month and weekday names after a movement cue ("born in March 1985") were taken for places, and a
dictionary word before a year ("during 2019") for a street with a house number.
"""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.postprocess import RawSpan, plausible
from privsynth.tools.pii.recognizers._calendar import is_calendar_phrase
from privsynth.tools.pii.recognizers.intl_address import InternationalAddressRecognizer
from privsynth.tools.pii.recognizers.organization_context import OrganizationContextRecognizer
from privsynth.tools.pii.recognizers.place_context import PlaceContextRecognizer
from privsynth.tools.pii.text import scan_text


def test_calendar_phrase() -> None:
    assert is_calendar_phrase("March") and is_calendar_phrase("Monday, June")
    assert not is_calendar_phrase("Marchetti") and not is_calendar_phrase("Mayo")


@pytest.mark.parametrize("text", ["She was born in March 1985.", "We are returning in June.", "Where: Friday"])
def test_place_context_skips_months_and_weekdays(text: str) -> None:
    assert matched(PlaceContextRecognizer(), text) == []


def test_place_context_stops_before_a_weekday() -> None:
    assert matched(PlaceContextRecognizer(), "We arrived in Paris on Monday.") == ["Paris"]


def test_organization_context_skips_months() -> None:
    assert matched(OrganizationContextRecognizer(), "She joined March 2020 as an analyst.") == []


@pytest.mark.parametrize("text", ["I lived there during 2019.", "We met in the Spring 2021 at a fair."])
def test_word_and_year_is_not_a_street(text: str) -> None:
    assert matched(InternationalAddressRecognizer(), text) == []


def test_streets_with_numbers_still_found() -> None:
    assert matched(InternationalAddressRecognizer(), "Send it to Mellemvej 32 please") == ["Mellemvej 32"]
    assert matched(InternationalAddressRecognizer(), "Address: Koskikatu 1985") == ["Koskikatu 1985"]


def test_calendar_place_is_implausible_and_clock_times_are_dates() -> None:
    text = "Where: Friday at 3pm"
    assert not plausible(text, RawSpan(7, 13, "LOCATION", 0.68, "PlaceContextRecognizer"))
    assert plausible(text, RawSpan(17, 20, "DATE_TIME", 0.5, "SpacyRecognizer"))


@pytest.mark.parametrize(("text", "date"), [
    ("She was born in March 1985 in Boston.", "March"),
    ("They went back in April 2019 to Rome.", "April"),
    ("I lived there during 2019 and moved to Oslo.", "2019"),
])
def test_scan_keeps_the_date(text: str, date: str) -> None:
    spans = scan_text(text)
    assert any(s.entity_type == "DATE_TIME" and date in text[s.start:s.end] for s in spans)
    assert not any(s.entity_type in ("LOCATION", "ADDRESS") and date in text[s.start:s.end] for s in spans)
