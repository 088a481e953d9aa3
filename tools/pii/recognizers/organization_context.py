"""Organisation names announced by their context, whatever the name looks like.

One-word brand names (``Teradata``, ``Mhealthcoach``) and partnership names built from surnames
(``Jones, Mitchell and Williams``, ``Weeks-Rivas``) carry no legal-form suffix, so
:mod:`~privsynth.tools.pii.recognizers.organization` misses them and the small spaCy model calls them a
person or a place. Cues (entity ``ORGANIZATION``, score :data:`CUE_SCORE`):

* employment: ``worked at X``, ``a year at X``, ``employed by X``, ``internship with X``;
* corporate events and roles: ``later became X``, ``acquired by X``, ``founder of X``, ``CEO of X``,
  ``recorded for X``, ``partnered with X``;
* a description after the name: ``X is a software company``, ``X is an Swedish multinational
  investment bank``, ``X is the brainchild of``.

The name is one to four capitalised words, hyphenated pairs, or a list of them joined by commas and
``and``/``&``.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._calendar import NOT_CALENDAR
from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_L = r"[^\W\d_]"
_CAP = rf"{NOT_CALENDAR}(?-i:[A-Z]){_L}*(?:[-&.]{_L}+)*"
_NOT = r"(?!(?:The|A|An|This|That|My|Our|Your|His|Her|Their|Its|It|He|She|They|We|I|Mr|Mrs|Ms|Dr)\b)"
_NAME = rf"{_NOT}{_CAP}(?:(?:,?[ \t](?:and|&)[ \t]|,[ \t]|[ \t]){_NOT}{_CAP}){{0,3}}"
_BEFORE = (r"(?:(?:work(?:s|ed|ing)?|employed|year|years|months?|weeks?|internship|job|stint|position|career|"
           r"tenure)[ \t]+(?:at|for|with|by)|later[ \t]+became|acquired[ \t]+by|merged[ \t]+with|subsidiary[ \t]+of|"
           r"(?:co-?)?founders?[ \t]+of|(?:ceo|cto|cfo|coo|president|chairman|employee|employees)[ \t]+(?:of|at)|"
           r"recorded[ \t]+for|signed[ \t]+(?:to|with)|partnered[ \t]+with|joined)")
_KIND = (r"(?:company|firm|bank|startup|start-up|corporation|business|provider|manufacturer|retailer|agency|brand|"
         r"platform|multinational|conglomerate|enterprise|vendor|brainchild|subsidiary)")
CUE_SCORE = 0.62
"""Above single name-list hits (0.6), below a given name + surname (0.65) and person cues (0.7)."""
PATTERNS = [
    ("before_cue", rf"\b{_BEFORE}[ \t]+(?P<ent>{_NAME})(?![\w-])", CUE_SCORE),
    ("description", rf"(?:^|(?<=[\s\"'(]))(?P<ent>{_NAME})[ \t]+is[ \t]+(?:a|an|the)[ \t]+"
                    rf"(?:[\w-]+[ \t]+){{0,3}}{_KIND}\b", CUE_SCORE),
]


BUSINESS_FUNCTIONS = frozenset({
    "marketing", "sales", "finance", "engineering", "operations", "accounting", "research", "development",
    "product", "products", "design", "legal", "compliance", "procurement", "logistics", "security", "support",
    "communications", "strategy", "technology", "administration", "customer", "customers", "business",
    "infrastructure", "quality", "production", "manufacturing", "purchasing", "planning", "analytics"})
"""A role's area rather than an employer: ``Vice President of Marketing``, ``Head of Sales``."""


class OrganizationContextRecognizer(GroupRegexRecognizer):
    """Recognize names after an employment or corporate cue, or before a company description, as ``ORGANIZATION``."""

    def __init__(self) -> None:
        super().__init__("ORGANIZATION", "OrganizationContextRecognizer", PATTERNS, flags=re.IGNORECASE)

    def validate(self, value: str) -> bool:
        """Drop business functions (``Marketing``, ``Research and Development``) named after a role.

        Args:
            value: The matched name.

        Returns:
            False when every word is a business function or a joining word.
        """
        words = [w for w in re.split(r"[\s,&-]+", value.lower()) if w and w != "and"]
        return not all(w in BUSINESS_FUNCTIONS for w in words) and super().validate(value)
