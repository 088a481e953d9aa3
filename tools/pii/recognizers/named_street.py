"""Named streets without a house number: ``on Berg Hills Street``, ``at Baker Street``, ``off Mill Lane``.

The street recognizers need a house number; in running text a street is often named alone after a
preposition (``on``, ``at``, ``off``, ``along``, ``to``, ``the corner of``...), right after a number
(``Fuglie 41 Popović Dam``) or after ``and`` right after another street's house number (``the corner of
ul. Cicha 86 and Leokadia Trail``). One to three capitalised words followed by a spelled-out,
capitalised street type make an ``ADDRESS`` (abbreviations such as ``St`` are left out:
``St`` also means *Saint*).
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_L = r"[^\W\d_]"
_CAPWORD = rf"(?-i:[A-ZÀ-ÞĀ-Ž]){_L}*(?:['’.-]{_L}+)*\.?"
_NOT_START = r"(?!(?:The|A|An|This|That|My|Our|Your|His|Her|Their|Its)\b)"
_STREET = (r"Street|Avenue|Road|Lane|Drive|Boulevard|Court|Place|Square|Terrace|Crescent|Parkway|Highway|"
           r"Close|Alley|Trail|Row|Way|Walk|Mews|Gardens|Pass|Passage|Promenade|Embankment|Quay|"
           # spelled-out USPS street suffixes (Publication 28, appendix C1) that are rarely anything else
           r"Courts|Points?|Dam|Union|Unions|Crossroad|Expressway|Freeway|Turnpike|Causeway|Circle|Circles|"
           r"Plaza|Loop|Junction|Spur|Skyway|Throughway|Underpass|Overpass|Viaduct")
_CUE = r"(?:\b(?:on|at|off|along|to|into|down|up|in|corner[ \t]+of)|(?<=\d)|(?<=\d[ \t]and)|(?<=\d\.[ \t]and))"
PATTERNS = [("named_street", rf"{_CUE}[ \t]+"
                             rf"(?P<ent>{_NOT_START}{_CAPWORD}(?:[ \t]+{_CAPWORD}){{0,2}}[ \t]+(?-i:{_STREET}))\b",
             0.6)]


class NamedStreetRecognizer(GroupRegexRecognizer):
    """Recognize named streets without a house number (``on Baker Street``) as ``ADDRESS``."""

    def __init__(self) -> None:
        super().__init__("ADDRESS", "NamedStreetRecognizer", PATTERNS, flags=re.IGNORECASE)
