"""Ages stated in text: ``42 years old``, ``a 38-year-old male``, ``aged 61``, ``age: 42``, ``42 y/o``.

Also ``42 years of age``, ``at the age of 42``, ``my 42nd birthday``, ``I'm 42 years young``, ages
spelled out in words (``forty-two years old``, ``aged seventy``), a bare number said of a person where the
clause ends (``I am 34.``, ``I'm 23 and``, ``my son is 7 years.``, ``he died at 84``), ``At 67, he...``,
``will turn 30`` and ``John, 45, was...``.

Only the number is the entity (``AGE``); the cue words around it make it an age rather than any
number. Presidio has no default age recognizer, and the spaCy model tags ``38-year-old`` as a date.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_WORDS = (rf"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:{_UNITS}))?|ten|eleven|twelve|"
          rf"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{_UNITS}")
_NUM = rf"(?P<ent>(?:1[01]\d|\d{{1,2}})|(?:a[ -]hundred(?:[- ]and[- ])?)?(?:{_WORDS})|a[ -]hundred)"
_SUBJECT = (r"i|he|she|you|we|they|(?:my|his|her|our|their)\s+(?:son|daughter|child|kid|baby|brother|sister|mother|"
            r"mom|mum|father|dad|grandmother|grandfather|grandma|grandpa|granny|husband|wife|partner|boyfriend|"
            r"girlfriend|niece|nephew|cousin|aunt|uncle|friend|patient|client)")
_BE = r"am|'m|is|'s|was|will\s+be|'ll\s+be|are|'re|were"
_BE_AFTER = rf"(?:\s+(?:{_BE})|\s*['’](?:m|s|re|ll\s+be))"
"""A form of *to be* after the subject, written out (``I am``) or contracted (``I'm``, ``he’s``)."""
_END = r"(?=\s*(?:[.,;!?)]|$|(?:and|but|when|now|yet|next|tomorrow|today|this|in|on|since|so|i|he|she|we|they|my)\b))"
"""After a bare number: the clause ends, so the number is not a quantity of something ("I am 5 feet")."""
PATTERNS = [
    ("years_old", rf"\b{_NUM}(?:\s*|-)(?:years?|yrs?\.?)(?:\s*|-)(?:old|young)\b", 0.85),
    ("years_of_age", rf"\b{_NUM}\s+(?:years?|yrs?)\s+of\s+age\b", 0.85),
    ("age_of", rf"\b(?:at|reached|reaching|of)\s+(?:the\s+)?age\s+of\s+{_NUM}\b(?![.,]\d)", 0.75),
    ("birthday", r"\b(?P<ent>(?:1[01]\d|\d{1,2})(?:st|nd|rd|th))\s+birthday\b", 0.7),
    ("y_o", rf"\b{_NUM}\s*(?:y/o|yo|y\.o\.)(?!\w)", 0.75),
    ("aged", rf"\b(?:aged|age|age:|age is|ages)\s*:?\s*{_NUM}\b(?![.,]\d)", 0.7),
    ("turned", rf"\b(?:turned|turns|turning|turn)\s+{_NUM}\b(?![.,:]\d)(?!\s*(?:%|percent|degrees|times))", 0.5),
    ("subject_is", rf"\b(?:{_SUBJECT}){_BE_AFTER}\s+(?:(?:now|only|just|almost|nearly|about|over|under|currently|"
                   rf"already)\s+)?{_NUM}(?:\s+(?:years?|yrs?))?\b{_END}", 0.6),
    ("at_age_clause", rf"(?:^|(?<=[.!?]\s))(?-i:At)\s+{_NUM},\s+(?=(?:{_SUBJECT})\b)", 0.55),
    ("died_at", rf"\b(?:died|passed away|retired|married|graduated|emigrated)\s+at\s+{_NUM}\b{_END}", 0.6),
    ("apposition", r"\b(?-i:[A-Z][a-z]+),\s+(?P<ent>\d{1,2}|1[01]\d),\s+(?=(?:was|is|has|had|who|said|says|from|of|"
                   r"and|a|an|the)\b)", 0.55),
]


class AgeRecognizer(GroupRegexRecognizer):
    """Recognize ages next to an age cue as ``AGE``."""

    def __init__(self) -> None:
        super().__init__("AGE", "AgeRecognizer", PATTERNS, flags=re.IGNORECASE)
