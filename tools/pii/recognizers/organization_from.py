"""Coined company names after ``from``: ``Anna is from Plotwatt``, ``Tom Holzman from Predilytics is...``.

After "from", a capitalised name is a place or an organisation. Places are mostly known (the gazetteer of
:mod:`~privsynth.tools.pii.recognizers._gazetteer` holds about 70,000); a name that is in no place list,
no person-name list and no English dictionary looks coined, the way brand names are (``Xignite``,
``Plotwatt``), and is reported as an ``ORGANIZATION`` at :data:`SCORE`, just above the NER's guess.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._gazetteer import place_names
from privsynth.tools.pii.recognizers._lexicon import english_words, name_lists
from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_CAP = r"(?-i:[A-Z])[^\W\d_]+"
SCORE = 0.52
PATTERNS = [("from_coined_name",
             rf"\bfrom[ \t]+(?P<ent>{_CAP}(?:[ \t]+{_CAP}){{0,2}})(?=[ \t]*(?:[.,;!?)]|$|(?:is|was|are|were|and)\b))",
             SCORE)]


class CoinedOrganizationRecognizer(GroupRegexRecognizer):
    """Recognize coined names after ``from`` (no place, no person name, no English word) as ``ORGANIZATION``."""

    def __init__(self) -> None:
        super().__init__("ORGANIZATION", "CoinedOrganizationRecognizer", PATTERNS, flags=re.IGNORECASE)
        self._places = place_names()
        first, last = name_lists()
        self._names = first | last
        self._words = english_words()

    def validate(self, value: str) -> bool:
        """Keep names whose words are in no place, person-name or English word list.

        Args:
            value: The matched name.

        Returns:
            True for a coined-looking name.
        """
        if value.lower() in self._places:
            return False
        words = value.lower().split()
        return all(w not in self._places and w not in self._names and w not in self._words for w in words)
