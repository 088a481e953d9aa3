r"""Address span boundaries: grow a street match over the parts of the address written around it.

A street recognizer finds the street line (``1659 Hoog St``, ``Skoanveien 226``); the rest of the address
is written around it in many ways. :func:`extend_address` grows an ``ADDRESS`` span

* **backwards** over a building number or a unit right before it (``3536 1659 Hoog St``,
  ``Apt. 117 5720 Skoanveien 226``), at most :data:`MAX_PARTS_BEFORE` of them;
* **forwards** over the city, region, country and postal-code parts that follow after a comma or a line
  break (``..., Grubbenvorst, Netherlands 04020``), and over a whole short line that ends in a postal code
  whatever its middle looks like (``\nASKER nan 1386``, ``\nAalborg NO 9100``), and over upper-case
  words that end the street's line after a number (``Apt. 597 MÜLLNERN KA``), at most :data:`MAX_PARTS_AFTER` parts;
  in an all-lower-case text, lower-case parts without function words count too (``, wellington 6011``).

Growth stops where another entity (a phone number on the next line, a name found by a cue) begins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from spacy.lang.en.stop_words import STOP_WORDS


class _Span(Protocol):
    start: int
    end: int

    def _replace(self, **kwargs: object) -> _Span: ...


MAX_PARTS_BEFORE = 2
MAX_PARTS_AFTER = 4
_UNIT = r"(?:Apt\.?|Apartment|Suite|Ste\.|Unit|Flat)[ \t]*#?\d{1,5}[A-Za-z]?"
_PART_BEFORE = re.compile(rf"(?:(?<![\w.,:/+-]){_UNIT}|(?<![\w.,:/+()-])\d{{1,6}}[A-Za-z]?)[ \t]*,?[ \t]+$")
_TOKEN = r"(?:[A-ZÀ-ÞĀ-ŽΑ-ΩА-Я][^\s,]*|[A-Z]{2}|\d{3,6}(?:-\d{3,4})?|\([^\W\d_][^)\n]{0,20}\))"
_LINK = r"(?:de|da|di|do|del|der|la|le|am|an|im|upon|on|sur|en)"
_POSTCODE = r"(?:\d{4,6}|\d{3}[ ]\d{2}|\d{5}-\d{4}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2})"
_PART_AFTER = re.compile(rf"[ \t]*(?:,[ \t]*|\n[ \t]*(?:,[ \t]*)?)({_TOKEN}(?:[ \t]+(?:{_TOKEN}|{_LINK}))*)")
_UPPER_TAIL = re.compile(
    rf"[ \t]+((?:[A-ZÀ-ÞĀ-Ž]{{2,}}[ \t]+){{0,3}}[A-ZÀ-ÞĀ-Ž]{{2,}}(?:[ \t]+{_POSTCODE})?)(?=[ \t]*(?:\n|$))")
_LOWER_TOKEN = r"(?:[a-zà-ÿ][\w'’.-]*|\d{3,6}(?:-\d{3,4})?)"
_LOWER_PART_AFTER = re.compile(rf"[ \t]*(?:,[ \t]*|\n[ \t]*(?:,[ \t]*)?)({_LOWER_TOKEN}(?:[ \t]+{_LOWER_TOKEN}){{0,3}})"
                               r"(?=[ \t]*(?:[,.;!?\n]|$))")
_LINE_WITH_POSTCODE = re.compile(
    rf"[ \t]*,?[ \t]*\n[ \t]*(?:,[ \t]*)?({_TOKEN}(?:[ \t]+[^\s]+){{0,3}}?[ \t]+{_POSTCODE})(?=[ \t]*(?:\n|$))")


def _grow_back(text: str, start: int, floor: int) -> int:
    for _ in range(MAX_PARTS_BEFORE):
        match = _PART_BEFORE.search(text, floor, start)
        if match is None or match.end() != start:
            break
        start = match.start()
    return start


def _grow_forward(text: str, end: int, ceiling: int) -> int:
    lowercase = not any(c.isupper() for c in text)
    for _ in range(MAX_PARTS_AFTER):
        match = _LINE_WITH_POSTCODE.match(text, end) or _PART_AFTER.match(text, end)
        if match is None and text[end - 1].isdigit():  # a town after a house or unit number
            match = _UPPER_TAIL.match(text, end)
        if match is None and lowercase:
            match = _LOWER_PART_AFTER.match(text, end)
            if match is not None and any(w in STOP_WORDS for w in match.group(1).split()):
                match = None
        if match is None or match.end(1) > ceiling:
            break
        end = match.end(1)
    return end


def extend_address(text: str, span: _Span, others: Sequence[_Span] = ()) -> _Span:
    """Grow an address span over the address parts around it (see the module docstring).

    Args:
        text: The whole text.
        span: The ``ADDRESS`` span.
        others: Spans of other entities; the address does not grow into them.

    Returns:
        The grown span (the same span when nothing was added).
    """
    # A unit or building number is a few characters long: look back 40 characters at most.
    floor = max([o.end for o in others if o.end <= span.start] + [span.start - 40, 0])
    ceiling = min((o.start for o in others if o.start >= span.end), default=len(text))
    start = _grow_back(text, span.start, floor)
    end = _grow_forward(text, span.end, ceiling)
    if end > span.end and text[end - 1] == "." and (end == len(text) or text[end].isspace()) \
            and not re.search(r"\b[A-Z]\.$|\b(?:St|Ave|Rd|Apt|Dr)\.$", text[start:end]):
        end -= 1  # the sentence's full stop, not part of the town or country
    return span._replace(start=start, end=end) if (start, end) != (span.start, span.end) else span
