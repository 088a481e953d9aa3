"""Firms named after their partners: ``Hawkins, Richardson and Santana``, ``Garcia-Roberson``, ``Weeks & Rivas``.

Law, accounting and consulting firms are named by joining surnames (``A, B and C``, ``A and B``,
``A & B``, ``A-B``). A list of surnames is also how people are listed ("our founders: Kónya, Becker and
Vasquez"), so such a name counts as an ``ORGANIZATION`` (score :data:`SCORE`) only

* after a preposition or verb that introduces an employer or a company (``from``, ``at``, ``for``,
  ``with``, ``by``, ``joined``), or
* after a role in a company (``the CEO of``, ``a partner of``), or
* before a singular verb (``Owens, Duran and Oneal is hiring``: people listed together take ``are``), or
* alone on its line, as in a letterhead or a business card (``Owens, Duran and Oneal`` above an
  address),

and only when every part is a known surname (Faker's lists, see
:mod:`~privsynth.tools.pii.recognizers._lexicon`) and the parts are not given names only.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._lexicon import name_lists
from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_L = r"[^\W\d_]"
_CAP = rf"(?-i:[A-ZÀ-ÞĀ-Ž]){_L}+(?:['’]{_L}+)?"
_ANY = rf"{_L}+(?:['’]{_L}+)?"
_JOIN = r"(?:,[ \t]+|,?[ \t]+(?:and|&)[ \t]+)"
_LIST = rf"{_CAP}(?:{_JOIN}{_CAP}){{1,3}}"
_HYPHEN = rf"{_CAP}-{_CAP}"
_CUE = (r"\b(?:from|at|for|with|by|joined|joining|join|(?:ceo|cfo|cto|director|manager|employee|partner|founder|"
        r"president|head|member|client|customer|clients|customers|staff|team|owner|owners|founders)[ \t]+of)[ \t]+")
_SINGULAR = (r"[ \t]+(?-i:is|was|has|does|provides|offers|announces|operates|employs|hires|sells|makes|specializes|"
             r"specialises|represents|seeks|needs|wants)\b")
"""A singular verb after a list makes it one thing, a firm: people listed together take ``are``/``have``."""
SCORE = 0.62
"""Above single name-list hits (0.6) and the NER (0.5); below name cues (0.7)."""
PATTERNS = [
    ("after_cue", rf"{_CUE}(?P<ent>{_LIST}|{_HYPHEN})(?![\w-])", SCORE),
    ("singular_verb", rf"(?<![\w-])(?P<ent>{_LIST}|{_HYPHEN})(?![\w-]){_SINGULAR}", SCORE),
    ("own_line", rf"(?m)^[ \t]*(?P<ent>{_ANY}(?:{_JOIN}{_ANY}){{1,3}}|{_ANY}-{_ANY})[ \t]*$", SCORE),
]
_PARTS = re.compile(r",|\band\b|&|-")


class PartnershipRecognizer(GroupRegexRecognizer):
    """Recognize surname partnerships (``Owens, Duran and Oneal``) after a company cue or on their own line."""

    def __init__(self) -> None:
        super().__init__("ORGANIZATION", "PartnershipRecognizer", PATTERNS, flags=re.IGNORECASE)
        self._first, self._last = name_lists()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list:
        """Find partnerships, one result per span where several patterns agree.

        Args:
            text: The text.
            entities: Requested entity types.
            nlp_artifacts: Unused.

        Returns:
            The ``ORGANIZATION`` results.
        """
        seen: dict[tuple[int, int], object] = {}
        for result in super().analyze(text, entities, nlp_artifacts):
            seen.setdefault((result.start, result.end), result)
        return list(seen.values())

    def validate(self, value: str) -> bool:
        """Keep a match whose every part is a known surname and not all parts are given names.

        Args:
            value: The matched name.

        Returns:
            True for a plausible partnership name.
        """
        parts = [p.strip().lower() for p in _PARTS.split(value) if p.strip()]
        if len(parts) < 2 or not all(p in self._last for p in parts):
            return False
        return not all(p in self._first for p in parts) and super().validate(value)
