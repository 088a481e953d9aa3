"""The line above an address in a letterhead or business card names the company (``Dataweave`` / address).

Business cards and letterheads stack a name, a job title, a company and an address, one per line; the
line right above an address block is usually the company. :func:`header_organizations` turns that line
into an ``ORGANIZATION`` (score :data:`HEADER_SCORE`) when nothing better is known about it:

* it is one to four words with no digits, capitalised (or the whole text is lower case);
* no recognizer other than the NER found anything in it, and the NER did not call it a person;
* it is a single word, or the NER called it an organisation; and its first word is no known given name
  (a person's name is also often written above their address).
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._lexicon import name_lists

HEADER_SCORE = 0.55
_LINE_ABOVE = re.compile(r"(?:^|\n)[ \t]*([^\n]+?)[ \t]*\n(?:[ \t]*\n)*[ \t]*$")
_WORDS = re.compile(r"[^\W\d_][^\s\d]*")


def _header(text: str, start: int) -> tuple[int, int] | None:
    """The (start, end) of the non-blank line right above the line holding ``start``."""
    start = text.rfind("\n", 0, start) + 1  # the address's own line may begin with a word it lacks
    match = _LINE_ABOVE.search(text, max(0, start - 80), start)
    if match is None:
        return None
    return match.start(1), match.end(1)


def header_organizations(text: str, spans: list, ner: frozenset[str]) -> list:
    """Add an ``ORGANIZATION`` span for the company line above each address (see the module docstring).

    Args:
        text: The whole text.
        spans: The cleaned, non-overlapping spans (``RawSpan``-like named tuples).
        ner: Names of the NER recognizers.

    Returns:
        The spans, with NER guesses on a company line replaced by one ``ORGANIZATION`` span.
    """
    first_names = name_lists()[0]
    out = list(spans)
    for address in (s for s in spans if s.entity_type == "ADDRESS"):
        where = _header(text, address.start)
        if where is None:
            continue
        start, end = where
        line = text[start:end]
        words = line.split()
        if not 1 <= len(words) <= 4 or any(c.isdigit() for c in line) or line.endswith(":"):
            continue
        if not (all(w[0].isupper() for w in words) or text.islower()) or not _WORDS.match(words[0]):
            continue
        inside = [s for s in out if s.start < end and start < s.end]
        if any(s.recognizer not in ner or s.entity_type == "PERSON" for s in inside):
            continue
        if not (len(words) == 1 or any(s.entity_type == "ORGANIZATION" for s in inside)):
            continue
        if words[0].lower() in first_names:
            continue
        out = [s for s in out if s not in inside]
        out.append(address._replace(start=start, end=end, entity_type="ORGANIZATION", score=HEADER_SCORE,
                                    recognizer="LetterheadHeader"))
    return sorted(out)
