"""Organisation names ending in a legal form or an unmistakable company word.

``Galorath Incorporated``, ``Healthpocket Inc``, ``Thomas and Sons``, ``Allstate Insurance Group``:
one to four capitalised words followed by a suffix such as ``Inc``, ``LLC``, ``GmbH``, ``Group``,
``Bank``. The small spaCy model often calls such names a person; this recognizer scores above it.
"""

from __future__ import annotations

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_SUFFIX = (
    r"Inc\.?|Incorporated|Corp\.?|Corporation|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|S\.A\.|PLC|plc|LLP|"
    r"Group|Holdings|Company|Co\.|(?:and|&) (?:Sons|Co\.?)|Partners|Associates|Systems|Solutions|"
    r"Technologies|Technology|Bank|Insurance|Foundation|Labs?|Software|Networks|Services|Consulting|"
    r"Enterprises|Industries|Bioscience|Pharmaceuticals|Analytics|Media|Ventures|Capital|Transit"
)
_WORD = r"[A-Z][\w'&.-]*"
_STOPWORDS = "The|A|An|My|Our|Your|This|That|At|In|For|From|With|To|And|Of"
_ORG = rf"(?!(?:{_STOPWORDS})\b){_WORD}(?:[ ,]+{_WORD}){{0,3}} (?:{_SUFFIX})"
_ROLE = (r"Officer|Director|Manager|Engineer|Lead|Specialist|Consultant|Architect|Analyst|Advisor|Adviser|"
         r"Administrator|Coordinator|Assistant|Associate|Executive|Supervisor|Technician|Developer|Scientist")
"""A job title follows: ``Chief Technology Officer`` names a role, not a company."""
PATTERNS = [("org_with_legal_form", rf"(?<![\w-])(?P<ent>{_ORG})(?![\w-])(?![ \t]+(?:{_ROLE})\b)", 0.6)]


class OrganizationSuffixRecognizer(GroupRegexRecognizer):
    """Recognize capitalised names with a company suffix as ``ORGANIZATION``."""

    def __init__(self) -> None:
        super().__init__("ORGANIZATION", "OrganizationSuffixRecognizer", PATTERNS)

