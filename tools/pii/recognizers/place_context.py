"""Places announced by their context, whether or not any list knows them.

Patterns (entity ``LOCATION`` unless stated):

* a form label: ``Where: Erwetegem Country Club``, ``City: ASKER``, ``Location: novo mesto`` (one to four
  words of any case, up to punctuation or the line end);
* a movement or residence cue: ``lives in``, ``moved to``, ``returned to``, ``born in``, ``originally from``,
  ``based in``, ``located in``, ``travelling to``, ``coming to``... followed by one to three capitalised or
  upper-case words (with links such as ``del``, ``de``, ``upon``);
* a town before a postal code: ``in ARENDAL 4844``, ``in Costamezzana 43015``, ``in ÖVERTURINGEN 840 24``
  (after ``in``/``at``/``near`` or a comma; the number must not look like a year; the span covers both).

A month or weekday name is never a place word here ("born in March 1985", "returning in June" are dates).

Named streets without a house number are :mod:`~privsynth.tools.pii.recognizers.named_street`'s.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._calendar import NOT_CALENDAR
from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_UP = r"(?-i:[A-ZÀ-ÞĀ-ŽΑ-ΩА-Я])"
_L = r"[^\W\d_]"
_LINK = r"(?:de|da|di|do|del|der|den|la|le|les|am|an|im|upon|on|sur|en|y|of)"
_CAPWORD = rf"{NOT_CALENDAR}{_UP}{_L}*(?:['’.-]{_L}+)*"
_CAPS = rf"{_CAPWORD}(?:[ \t]+(?:{_LINK}[ \t]+)?{_CAPWORD}){{0,2}}"
_ANYWORD = rf"{_L}[\w'’.-]*"
_LABEL = r"(?:where|location|city|town|country|destination|place of birth|birthplace|hometown|venue)"
_MOVE = (r"(?:lives?|lived|living|resides?|resided|residing|moved|moving|move|relocated|relocating|returned|"
         r"returning|return|travel(?:l)?ed|travel(?:l)?ing|flew|flying|fly|drove|driving|born|based|located|"
         r"situated|headquartered|originally|coming|going|went|headed|heading|arrived|arriving|stationed|"
         r"grew up|raised|stay(?:ed|ing)?|vacation(?:ed|ing)?|holiday(?:ed|ing)?)")
_PREP = r"(?:in|to|from|at|near|into|outside|around)"
_NOT_START = r"(?!(?:The|A|An|This|That|These|Those|My|Our|Your|His|Her|Their|Its|It|He|She|They|We|I)\b)"
_NOT_YEAR = r"(?!(?:1[89]|20)\d\d\b)"
_POSTCODE = rf"{_NOT_YEAR}\d{{4,5}}(?![\d,.:/-]\d)|\d{{3}} \d{{2}}(?!\d)"
CUE_SCORE = 0.68
"""Above name-list guesses (at most 0.65): after "returned to", "San Bernardino" is a place, not a person."""
PATTERNS = [
    ("form_label", rf"\b{_LABEL}\s*:[ \t]*(?P<ent>{NOT_CALENDAR}{_ANYWORD}(?:[ \t]+{_ANYWORD}){{0,3}}?"
                   r"(?:[ \t]+\([^()\n]{1,30}\))?)"
                   r"(?=[ \t]*(?:[.,;!?)\n]|$| Country Club| Hotel| Club))", CUE_SCORE),
    ("movement_cue", rf"\b{_MOVE}[ \t]+(?:up[ \t]+|back[ \t]+|out[ \t]+)?{_PREP}[ \t]+(?:the[ \t]+)?"
                     rf"(?P<ent>{_NOT_START}{_CAPS})(?![\w'’-])", CUE_SCORE),
    ("town_postcode", rf"(?:\b(?:in|at|near)|,)[ \t]+(?P<ent>{_NOT_START}{_CAPS}[ \t]+(?:{_POSTCODE}))", CUE_SCORE),
]


class PlaceContextRecognizer(GroupRegexRecognizer):
    """Recognize places after a form label or a movement cue, or before a postal code, as ``LOCATION``."""

    def __init__(self) -> None:
        super().__init__("LOCATION", "PlaceContextRecognizer", PATTERNS, flags=re.IGNORECASE)

