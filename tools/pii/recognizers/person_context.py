"""Person names announced by a cue: ``my name is Anna``, ``Dear Mr. Holm``, ``Name: aantje mourik``, ``calls me Anna``.

The cue makes the next one or two words a name whatever their case or origin, so these results
score high (0.7); a greeting or a letter's closing line before a name (``Thanks, Siobhán``, ``Regards,``
then ``Tadeusz Wróblewski`` on the next line) scores 0.6. A sentence that opens with a name and goes on to
say what is said of people (``Tomomi is from``, ``Asya spent a year at``, ``Scott is a very kind
person``, ``Brathvik asked``), and a name with a possessive before a family noun (``Vodrick's wife``),
make the name a person at 0.55, just above the NER's verdict (often "organisation" for an unfamiliar
name). ``call me back`` and ``call me later`` name nobody. Titles (``Mr.``, ``Mrs.``, ``Dr.``...) are not
part of the span.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_W = r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)?"
_NOT = r"(?!(?:not|a|an|the|on|in|at|by|for|is|and|but|or|so|very|just|also|from|with|to)\b)"
_NAME = rf"(?P<ent>{_NOT}{_W}(?:\s(?:[^\W\d_]\.?\s)?{_NOT}{_W})?)"
_CAP_NAME = rf"(?P<ent>(?-i:[A-Z]){_W}(?:\s(?:[A-Z]\.?\s)?(?-i:[A-Z]){_W})?)"
_HUMAN_PREDICATE = (r"(?:is|was)\s+from\b|was\s+born\b|grew\s+up\b|(?:lives|lived)\s+(?:in|at|with)\b|"
                    r"spent\s+(?:a|an|one|two|three|four|five|several|many|\d+)\s+(?:years?|months?|weeks?|days?)\b|"
                    r"(?:is|was)\s+(?:a|an)\s+(?:very\s+)?\w+\s+(?:person|man|woman|guy|girl|boy|lady|gentleman)\b|"
                    r"(?:asked|asks|told|tells|replied|replies|thinks|thought|feels|felt|loves|loved|likes|liked|hates|"
                    r"hated|married|died|smiled|laughed|cried)\b")
_NOT_SUBJECT = (r"(?!(?-i:It|He|She|They|We|I|You|This|That|There|The|A|An|My|Our|His|Her|Their|Your|Who|What|"
                r"Which|Everyone|Someone|Nobody|One|Each|Every|Our|Its)\b)")
_NOT_GROUP = r"(?!(?-i:Team|Staff|All|Everyone|Everybody|Guys|Folks|Sir|Madam|Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\b)"
"""What is said of people, not companies: where they are from, were born, grew up, live, spent years, what they
asked, told, felt or liked (companies *say* and *announce*, so those verbs are left out)."""
_KIN = (r"wife|husband|mother|father|mom|mum|dad|son|daughter|brother|sister|children|kids|parents|family|friend|"
        r"friends|boyfriend|girlfriend|fiancée?|partner|boss|grandmother|grandfather|uncle|aunt|cousin|nephew|niece|"
        r"birthday|funeral|wedding")
"""Nouns that only a person's possessive takes (``Vodrick's wife``); a company has no wife or birthday."""
_NOT_NAME_AFTER_CALL = (r"(?!(?:back|later|tomorrow|today|tonight|now|again|soon|anytime|asap|sometime|please|then|"
                        r"first|instead|directly|when|if|at|on|in|sir|madam)\b)")
"""Words after ``call me`` that are no name (``call me back``, ``call me later``)."""
PATTERNS = [
    ("my_name_is", rf"\b(?:my name is|my name's|name is|names? ?:|i am called|signed,?)\s+{_NAME}", 0.7),
    ("last_or_first_name", rf"\b(?:last|first|full|sur|given|family) ?name\??:?\s+{_NAME}", 0.7),
    ("called", rf"\b(?:(?:was|is|am|are|were|be|being) called|calls? me|named|known as|goes by|went by)\s+{_CAP_NAME}",
     0.6),
    ("called_lower", rf"\b(?:(?:was|is|am|are|were|be|being) called|calls? me|goes by)\s+{_NOT_NAME_AFTER_CALL}"
                     rf"{_NAME}(?=\s*(?:[.,;!?\n]|$))",
     0.6),
    ("title", rf"\b(?-i:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau)\.?\s+{_CAP_NAME}", 0.7),
    ("dear", rf"\b(?:dear|hi|hello|thanks|thank you)\s*,?\s+{_NOT_GROUP}{_CAP_NAME}\s*(?:[,!.]|$)", 0.6),
    ("signature", rf"(?m)\b(?:regards|best|thanks|thank you|sincerely|cheers|yours(?: truly| sincerely)?|"
                  rf"best wishes|kind regards|warm regards),?[ \t]*\n[ \t]*{_NOT_SUBJECT}{_NOT_GROUP}{_CAP_NAME}"
                  r"[ \t]*$",
     0.6),
    ("possessive_kin", rf"(?<![\w'’-]){_NOT_SUBJECT}{_CAP_NAME}['’]s\s+(?:(?:late|new|old|little|older|younger|"
                       rf"best|eldest|youngest)\s+)?(?:{_KIN})\b", 0.55),
    ("human_subject", rf"(?:^|(?<=[.!?]\s)|(?<=\n)){_NOT_SUBJECT}{_CAP_NAME}\s+(?={_HUMAN_PREDICATE})", 0.55),
]


class PersonContextRecognizer(GroupRegexRecognizer):
    """Recognize names right after a name cue or a title as ``PERSON``."""

    def __init__(self) -> None:
        super().__init__("PERSON", "PersonContextRecognizer", PATTERNS, flags=re.IGNORECASE)
