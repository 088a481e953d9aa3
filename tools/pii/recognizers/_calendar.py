"""Calendar words: month and weekday names, shared by the date filter and the name/place recognizers.

A capitalised month or weekday (``March``, ``May``, ``Friday``) looks like a proper name to a
capitalisation-based cue ("born in March 1985", "Where: Friday"), but it is a date. The place and
organisation cue recognizers refuse a name that starts with one, and
:mod:`~privsynth.tools.pii.postprocess` keeps only dates that contain one (or another date shape).
"""

from __future__ import annotations

import re

MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
"""Month names and their usual abbreviations (a regex alternation, to be used case-insensitively)."""
WEEKDAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun"
"""Weekday names and their three-letter abbreviations."""
FULL_CALENDAR_WORD = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
                      r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)")
"""Only the full month and weekday names: what a cue-based name recognizer must not take for a name."""
NOT_CALENDAR = rf"(?!(?i:{FULL_CALENDAR_WORD})\b)"
"""A negative lookahead: the next word is not a full month or weekday name (any case)."""
_CALENDAR_ONLY = re.compile(rf"(?:(?:{FULL_CALENDAR_WORD})\W*)+", re.IGNORECASE)


def is_calendar_phrase(value: str) -> bool:
    """Whether ``value`` is made only of full month and weekday names (``"March"``, ``"Monday"``).

    Args:
        value: A candidate span's text.

    Returns:
        True when every word is a month or weekday name.
    """
    return _CALENDAR_ONLY.fullmatch(value.strip()) is not None
