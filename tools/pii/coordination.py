"""Lists of names share one type: in ``Kónya, Becker and Vasquez`` all three are people or none is.

The NER types each word of a list on its own and often mixes them (``Kónya`` a place, ``Becker`` a
person, ``Reed`` nothing). When a list of three or more single capitalised words (``A, B and C``,
``A, B, C & D``) has a member that a name recognizer (not the NER alone) calls a ``PERSON``, or has at
least as many members called a person as called anything else, every member becomes a ``PERSON`` at
:data:`LIST_SCORE`, above the NER's guesses and below any specific evidence (a partnership cue makes the
same words one ``ORGANIZATION`` at a higher score, and wins).
"""

from __future__ import annotations

import re

LIST_SCORE = 0.58
_CAP = r"(?-i:[A-ZÀ-ÞĀ-Ž])[^\W\d_]+(?:['’-][^\W\d_]+)?"
_LIST = re.compile(rf"(?<![\w-])({_CAP}(?:,[ \t]+{_CAP}){{1,5}},?[ \t]+(?:and|&)[ \t]+{_CAP})(?![\w-])")
_MEMBER = re.compile(_CAP)


def unify_person_lists(text: str, spans: list, ner: frozenset[str]) -> list:
    """Add a ``PERSON`` span for every member of a name list with one recognised person member.

    Args:
        text: The whole text.
        spans: Candidate spans (``RawSpan``-like named tuples).
        ner: Names of the NER recognizers, whose verdicts alone do not count as evidence.

    Returns:
        The spans, plus one ``PERSON`` span per list member where a list qualifies.
    """
    added = []
    for match in _LIST.finditer(text):
        members = [(m.start() + match.start(1), m.end() + match.start(1)) for m in _MEMBER.finditer(match.group(1))]
        covering = [[s for s in spans if s.start <= a and b <= s.end] for a, b in members]
        people = sum(any(s.entity_type == "PERSON" for s in c) for c in covering)
        others = sum(any(s.entity_type != "PERSON" for s in c) for c in covering)
        sure = any(s.entity_type == "PERSON" and s.recognizer not in ner for c in covering for s in c)
        if not (sure or (people and people >= others)):
            continue
        kind = type(spans[0])  # the caller's span type (a list qualifies only with spans in it)
        added.extend(kind(a, b, "PERSON", LIST_SCORE, "NameListCoordination") for a, b in members)
    return spans + added
