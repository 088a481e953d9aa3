"""Street addresses typed in lower case: ``4123 maple avenue apt 5``, ``77 harbour road``, ``221b baker street``.

The US and European street recognizers rely on capital letters. In informal, all-lower-case text a house
number, one to three words and a spelled-out or abbreviated street type make an ``ADDRESS`` (score
:data:`SCORE`), with an optional unit, when a place cue comes first (``at``, ``to``, ``on``, ``in``, ``from``,
``near``, ``address is``, a colon, or the start of a line); the words between the number and the type
must not be function words, so "5 miles down the road" is no address. The city, state and postal code
that follow after a comma are added by the address growth of :mod:`privsynth.tools.pii.address_spans`.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_TYPES = (r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|terrace|ter|place|pl|parkway|"
          r"pkwy|highway|hwy|square|sq|circle|cir|crescent|close|way|trail|plaza|alley|row|stream|grove|heights|"
          r"gardens|mews|quay|strasse|straße|gade|vej|katu|gatan|gata")
_WORD = r"(?-i:[a-zà-ÿ][a-zà-ÿ'’.-]*)"
SCORE = 0.55
"""Below the capitalised street patterns (0.6): lower-case text carries less evidence."""
PATTERNS = [("lowercase_street",
             rf"(?:\b(?:at|to|on|in|is|from|near|address)[ \t]+|:[ \t]*|^|(?<=\n))"
             rf"(?P<ent>\d{{1,6}}[a-z]?[ \t]+(?:{_WORD}[ \t]+){{1,3}}(?-i:{_TYPES})\b\.?"
             r"(?:[ \t]*,?[ \t]*(?:apt|apartment|suite|ste|unit|#)\.?[ \t]*#?\d{1,5}[a-z]?)?)(?![\w-])", SCORE)]
_NUMBER = re.compile(r"^\d{1,6}[a-z]?\s+")


class LowercaseStreetRecognizer(GroupRegexRecognizer):
    """Recognize lower-case street addresses (``4123 maple avenue apt 5``) as ``ADDRESS``."""

    def __init__(self) -> None:
        super().__init__("ADDRESS", "LowercaseStreetRecognizer", PATTERNS)

    def validate(self, value: str) -> bool:
        """Refuse a match whose street name contains a function word ("5 miles down the road").

        Args:
            value: The matched address.

        Returns:
            True for a plausible street.
        """
        words = _NUMBER.sub("", value).split()
        name = []
        for word in words:
            if re.fullmatch(rf"(?:{_TYPES})\.?", word):
                break
            name.append(word)
        return bool(name) and not any(w.strip(".'’") in STOP_WORDS for w in name) and super().validate(value)
