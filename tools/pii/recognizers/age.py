"""Ages stated in text: ``42 years old``, ``a 38-year-old male``, ``aged 61``, ``age: 42``, ``42 y/o``.

Only the number is the entity (``AGE``); the cue words around it make it an age rather than any
number. Presidio has no default age recognizer, and the spaCy model tags ``38-year-old`` as a date.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_NUM = r"(?P<ent>(?:1[01]\d|\d{1,2}))"
PATTERNS = [
    ("years_old", rf"\b{_NUM}(?:\s*|-)(?:years?|yrs?)(?:\s*|-)old\b", 0.85),
    ("y_o", rf"\b{_NUM}\s*(?:y/o|yo|y\.o\.)(?!\w)", 0.75),
    ("aged", rf"\b(?:aged|age|age:|age is|ages)\s*:?\s*{_NUM}\b(?![.,]\d)", 0.7),
    ("turned", rf"\b(?:turned|turns|turning)\s+{_NUM}\b(?![.,:]\d)(?!\s*(?:%|percent|degrees|times))", 0.5),
]


class AgeRecognizer(GroupRegexRecognizer):
    """Recognize ages next to an age cue as ``AGE``."""

    def __init__(self) -> None:
        super().__init__("AGE", "AgeRecognizer", PATTERNS, flags=re.IGNORECASE)
