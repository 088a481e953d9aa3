"""Streets known only by their shape: numbers around capitalised words, with no street type.

Many address formats put the house number after the street (``Bygget 91``, ``Skoanveien 226``) or give a
building or unit number before it (``5521 119 Countess Close``, ``9816 214 Pavlou Drandaki``), and the
street's name carries no recognisable type. Two shapes (entity ``ADDRESS``, score :data:`SCORE`), each
ending at a line break, a comma, a full stop, the text's end or a unit (``Apt.``, ``Suite``):

* ``number number Words``: two numbers (not a ``555 1234`` phone number), then two to four capitalised words;
* ``number Words number``: a number, one to three capitalised words, a house number.

Month names are refused as words and a year as a number, so ``12 March 2019`` stays a date.
"""

from __future__ import annotations

from privsynth.tools.pii.recognizers._calendar import MONTHS
from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_L = r"[^\W\d_]"
_CAP = rf"(?!(?i:{MONTHS})\b)[A-ZÀ-ÞĀ-ŽΑ-ΩА-Я]{_L}*(?:['’.-]{_L}+)*\.?"
_WORDS = rf"{_CAP}(?:[ \t]+{_CAP}){{1,3}}"
_NOT_PHONE = r"(?!\d{3}[ \t]\d{4}\b)"
_BEFORE = r"(?<![\w.,/:+-])"
_AFTER = r"(?=[ \t]*(?:[,.;]?[ \t]*\n|[,;]|\.(?:\s|$)|$|(?:Apt|Apartment|Suite|Unit|Flat)\b))"
_NOT_YEAR = r"(?!(?:1[89]|20)\d\d\b)"
SCORE = 0.55
"""Above the NER's guess (0.5) for the words, below the street recognizers with a street type (0.6)."""
PATTERNS = [
    ("number_number_words",
     rf"{_BEFORE}{_NOT_PHONE}{_NOT_YEAR}(?P<ent>\d{{1,6}}[ \t]+\d{{1,5}}[A-Za-z]?[ \t]+{_WORDS}){_AFTER}", SCORE),
    ("number_words_number",
     rf"{_BEFORE}(?P<ent>\d{{1,6}}[ \t]+{_CAP}(?:[ \t]+{_CAP}){{0,2}}[ \t]+{_NOT_YEAR}\d{{1,4}}[A-Za-z]?)(?!\w)"
     rf"{_AFTER}",
     SCORE),
]


class NumberedStreetRecognizer(GroupRegexRecognizer):
    """Recognize streets shaped ``5521 119 Countess Close`` or ``0547 Bygget 91`` as ``ADDRESS``."""

    def __init__(self) -> None:
        super().__init__("ADDRESS", "NumberedStreetRecognizer", PATTERNS)
