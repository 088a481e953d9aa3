"""Dates must survive the place, organisation and address recognizers (the DATE_TIME regression).

Month and weekday names after a movement cue ("born in March 1985") were taken for places, and a
dictionary word before a year ("during 2019") for a street with a house number.
"""

from __future__ import annotations

import pytest

from privsynth.tools.pii.recognizers._calendar import is_calendar_phrase
from privsynth.tools.pii.text import scan_text


def test_calendar_phrase() -> None:
    assert is_calendar_phrase("March") and is_calendar_phrase("Monday, June")
    assert not is_calendar_phrase("Marchetti") and not is_calendar_phrase("Mayo")


@pytest.mark.parametrize(("text", "date"), [
    ("She was born in March 1985 in Boston.", "March"),
    ("They went back in April 2019 to Rome.", "April"),
    ("I lived there during 2019 and moved to Oslo.", "2019"),
])
def test_scan_keeps_the_date(text: str, date: str) -> None:
    spans = scan_text(text)
    assert any(s.entity_type == "DATE_TIME" and date in text[s.start:s.end] for s in spans)
    assert not any(s.entity_type in ("LOCATION", "ADDRESS") and date in text[s.start:s.end] for s in spans)
