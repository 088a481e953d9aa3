"""Clean the analyzer's raw results into the final spans of one text.

Steps, in order:

1. **NER score**: the spaCy model gives every entity the same score (0.85) whatever its certainty;
   it is lowered to :data:`NER_SCORE` so that specific evidence (a checksum, a street pattern, a
   name cue) wins over a bare NER guess where the two disagree.
2. **Thresholds**: a span below its entity type's threshold (:data:`THRESHOLDS`, else
   :data:`DEFAULT_THRESHOLD`) is dropped.
3. **False-positive filters** (:func:`plausible`): a ``DATE_TIME`` must look like a date or time
   (a month or weekday name, a year, a ``12/05``-style date, a clock time such as ``10:30`` or ``3pm``), so
   relative phrases such as "this month" and bare numbers go; names and places must contain a letter and
   must not be a field label ("IBAN", "ZIP", "P.O. Box"); a place or organisation made only of month and
   weekday names ("March", "Friday") is a date, not a name, and goes, and so does a name or place that only
   the NER proposes and that is an everyday acronym ("PIN", "ATM") or, for an organisation, a department
   (:mod:`~privsynth.tools.pii.generic_terms`); a ``PERSON`` that only the NER
   proposes and whose every word is an English dictionary word and no known name ("Guilty Pleasures",
   "Salesperson") goes.
4. **Overlaps**: where spans overlap, the stronger one wins (higher score, then longer span); spans
   of the same family (``ADDRESS`` and ``LOCATION`` are one family) merge into one span.
5. **Addresses**: an ``ADDRESS`` span extends over the city, region, country and postal-code parts
   that follow it after a comma or line break, and absorbs ``LOCATION`` spans it touches; a name
   guess (``PERSON``, ``ORGANIZATION``) inside an address, below :data:`STRONG_NAME_SCORE`, is a street or
   town named after someone ("Rua Cyro Schmutzer Franco") and goes; a place takes in a short bracketed
   qualifier and a postal code written right after it (``Cyprus (Greek)``, ``Hungary 34796``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from privsynth.tools.pii.address_spans import extend_address
from privsynth.tools.pii.coordination import unify_person_lists
from privsynth.tools.pii.generic_terms import COMMON_ACRONYMS, is_generic_organization
from privsynth.tools.pii.letterhead import header_organizations
from privsynth.tools.pii.recognizers._calendar import MONTHS, WEEKDAYS, is_calendar_phrase
from privsynth.tools.pii.recognizers._lexicon import english_words, name_lists


class RawSpan(NamedTuple):
    """A result of the analyzer, with the name of the recognizer that produced it."""

    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str = ""


NER_RECOGNIZERS = frozenset({"SpacyRecognizer"})
NER_SCORE = 0.5
STRONG_NAME_SCORE = 0.7
"""Name spans at or above this score (a cue such as "my name is") survive inside an address."""
DEFAULT_THRESHOLD = 0.4
THRESHOLDS: dict[str, float] = {"US_DRIVER_LICENSE": 0.5, "US_BANK_NUMBER": 0.5, "US_PASSPORT": 0.5}
_FAMILY = {"ADDRESS": "PLACE", "LOCATION": "PLACE"}

_DATE_SHAPE = re.compile(
    rf"\b(?:{MONTHS})\b|\b(?:{WEEKDAYS})\b|\b(?:1[89]\d\d|20\d\d)\b|\b\d{{1,4}}[-/.]\d{{1,2}}(?:[-/.]\d{{1,4}})?\b"
    r"|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)\b|\b(?:19|20)?\d0s\b|\b\d{1,2}\s?[ap]\.?m\b\.?", re.IGNORECASE)
_LABELS = frozenset({"iban", "ssn", "zip", "zip code", "phone", "email", "e-mail", "p.o. box", "po box", "box",
                     "apt", "suite", "dob", "name", "address", "card", "credit card", "passport", "license"})
_NAME_TYPES = frozenset({"PERSON", "ORGANIZATION", "NRP"})
_PLACE_TYPES = frozenset({"LOCATION", "ADDRESS"})
_UNIT_TAIL = re.compile(r"[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Flat)\.?$")
"""A unit word glued to the end of a name by the NER ("Diana Usamov Suite" before "913 ...")."""
_STRONG_ADDRESS_SCORE = 0.55
_HYPHEN_HEAD = re.compile(r"(?<![\w-])(?-i:[A-ZÀ-Þ])[^\W\d_]+-$")
_QUALIFIER = re.compile(r"[ \t]*\([^\W\d_][^()\n]{0,24}\)")
_POSTCODE_AFTER = re.compile(r"[ \t]+(?!(?:19|20)\d\d\b)(\d{4,6}|\d{3}[ ]\d{2}|\d{5}-\d{3,4}|\d{4}-\d{3})"
                             r"(?![\w-])(?![ \t]*[a-z%$€£])")
"""A postal code after a place (``Hungary 34796``): not a year, nor a count (``Oslo 2000 people``)."""


def plausible(text: str, span: RawSpan) -> bool:
    """Whether the span's text can be the entity it claims (see the module docstring, step 3).

    Args:
        text: The whole text.
        span: One span in it.

    Returns:
        False for spans to drop.
    """
    value = text[span.start:span.end].strip()
    if not value or not re.search(r"\w", value):
        return False
    if span.entity_type == "DATE_TIME":
        return bool(_DATE_SHAPE.search(value))
    if span.recognizer in NER_RECOGNIZERS and value.lower() in COMMON_ACRONYMS:
        return False
    if span.entity_type in _NAME_TYPES:
        if span.entity_type == "PERSON" and span.recognizer in NER_RECOGNIZERS and _dictionary_phrase(value):
            return False
        if span.entity_type == "ORGANIZATION" and (is_calendar_phrase(value) or (
                span.recognizer in NER_RECOGNIZERS and is_generic_organization(value))):
            return False
        return bool(re.search(r"[^\W\d_]", value)) and value.lower().strip(".:#") not in _LABELS
    if span.entity_type in _PLACE_TYPES:
        return value.lower().strip(".:#") not in _LABELS and not is_calendar_phrase(value)
    return True


def _dictionary_phrase(value: str) -> bool:
    """Whether every word of ``value`` is an English word (or its plural) and none is a known name."""
    words = re.findall(r"[^\W\d_]+", value.lower())
    if not words:
        return False
    first, last = name_lists()
    vocabulary = english_words()
    for word in words:
        if word in first or word in last:
            return False
        if word not in vocabulary and word.removesuffix("s") not in vocabulary \
                and word.removesuffix("es") not in vocabulary:
            return False
    return True


def _family(entity_type: str) -> str:
    return _FAMILY.get(entity_type, entity_type)


def _resolve(spans: list[RawSpan]) -> list[RawSpan]:
    """Greedy overlap resolution: strongest first; overlapping spans of one family merge."""
    ranked = sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start))
    kept: list[RawSpan] = []
    for span in ranked:
        hits = [i for i, other in enumerate(kept) if span.start < other.end and other.start < span.end]
        if not hits:
            kept.append(span)
            continue
        if any(_family(kept[i].entity_type) != _family(span.entity_type) for i in hits):
            continue  # a stronger span of another type holds this text
        # One family: the strongest kept span absorbs this one and every other kept span it bridges.
        group = [kept[i] for i in hits]
        merged = group[0]._replace(start=min([span.start] + [g.start for g in group]),
                                   end=max([span.end] + [g.end for g in group]))
        kept = [k for i, k in enumerate(kept) if i not in hits[1:]]
        kept[hits[0]] = merged
    return sorted(kept)


def _merge_places(text: str, spans: list[RawSpan]) -> list[RawSpan]:
    """Extend addresses, then merge places separated only by commas/whitespace and drop what they cover."""
    others = [s for s in spans if _family(s.entity_type) != "PLACE"
              and (s.entity_type not in _NAME_TYPES or s.score >= STRONG_NAME_SCORE)]
    spans = [extend_address(text, s, others) if s.entity_type == "ADDRESS" else s for s in spans]
    out: list[RawSpan] = []
    for span in sorted(spans):
        if out and _family(span.entity_type) == "PLACE" == _family(out[-1].entity_type) \
                and re.fullmatch(r"[\s,]{0,3}", text[out[-1].end:span.start]) is not None \
                and text.count("\n", out[-1].end, span.start) < 2:  # a blank line ends an address block
            prev = out[-1]
            kind = "ADDRESS" if "ADDRESS" in (prev.entity_type, span.entity_type) else prev.entity_type
            out[-1] = prev._replace(end=max(prev.end, span.end), entity_type=kind, score=max(prev.score, span.score))
            continue
        if out and out[-1].entity_type == "ADDRESS" and span.start < out[-1].end and span.score <= NER_SCORE:
            continue  # an NER guess inside an extended address
        out.append(span)
    out = [_with_qualifier(text, s, out) if _family(s.entity_type) == "PLACE" else s for s in out]
    places = [s for s in out if _family(s.entity_type) == "PLACE"]
    return [s for s in out if not any(a is not s and a.start <= s.start and s.end <= a.end and _covered(s, a)
                                      for a in places)]


def _covered(span: RawSpan, place: RawSpan) -> bool:
    """Whether ``span``, lying inside ``place``, is part of it rather than an entity of its own.

    A nationality inside a place is the place's qualifier (``Cyprus (Greek)``), not a group of people.
    """
    if _family(span.entity_type) == "PLACE" or span.entity_type == "NRP":
        return True
    if span.entity_type not in _NAME_TYPES:
        return False
    return span.recognizer in NER_RECOGNIZERS or (place.entity_type == "ADDRESS" and span.score < STRONG_NAME_SCORE)


def _with_qualifier(text: str, span: RawSpan, spans: Sequence[RawSpan] = ()) -> RawSpan:
    """Extend a place over a short bracketed qualifier (``Cyprus (Greek)``) and a postal code right after it.

    The postal code (:data:`_POSTCODE_AFTER`) is taken only where no other span holds it.
    """
    match = _QUALIFIER.match(text, span.end)
    if match:
        span = span._replace(end=match.end())
    code = _POSTCODE_AFTER.match(text, span.end)
    if code and not any(o.start < code.end(1) and span.end < o.end and o is not span for o in spans):
        span = span._replace(end=code.end(1))
    return span


def clean_spans(text: str, spans: list[RawSpan]) -> list[RawSpan]:
    """Apply the steps of the module docstring to the raw spans of one text.

    Args:
        text: The text the spans point into.
        spans: The analyzer's results.

    Returns:
        Non-overlapping spans sorted by start offset.
    """
    rescored = [s._replace(score=min(s.score, NER_SCORE)) if s.recognizer in NER_RECOGNIZERS else s for s in spans]
    kept = [_trim_name(text, s) for s in rescored
            if s.score >= THRESHOLDS.get(s.entity_type, DEFAULT_THRESHOLD) and plausible(text, s)]
    kept = unify_person_lists(text, kept, NER_RECOGNIZERS)
    return header_organizations(text, _merge_places(text, _resolve(_drop_names_in_addresses(kept))), NER_RECOGNIZERS)


def _trim_name(text: str, span: RawSpan) -> RawSpan:
    """Fix a name's edges.

    Cut at a line break, drop a trailing unit word (``Diana Usamov Suite``) and a possessive
    (``Tanaka's``), and take in the first part of a hyphenated given name (``Jean-Baptiste``).
    """
    if span.entity_type not in _NAME_TYPES:
        return span
    newline = text.find("\n", span.start, span.end)
    if newline > span.start and text[span.start:newline].strip():
        span = span._replace(end=len(text[:newline].rstrip()))  # a name does not run onto the next line
    match = _UNIT_TAIL.search(text, span.start, span.end)
    if match and match.start() > span.start:
        span = span._replace(end=match.start())
    if span.entity_type == "PERSON":
        if re.search(r"['’]s$", text[span.start:span.end]) and span.end - span.start > 3:
            span = span._replace(end=span.end - 2)  # the possessive is not part of the name
        head = _HYPHEN_HEAD.search(text, max(0, span.start - 20), span.start)
        if head is not None:
            span = span._replace(start=head.start())  # "Jean-" of "Jean-Baptiste Lefèvre"
    return span


def _drop_names_in_addresses(spans: list[RawSpan]) -> list[RawSpan]:
    """Drop weak name guesses lying inside a street match (``Berg Hills Street``, ``Rua Cyro Schmutzer Franco 12``)."""
    streets = [s for s in spans if s.entity_type == "ADDRESS" and s.score >= _STRONG_ADDRESS_SCORE]
    return [s for s in spans if not (s.entity_type in _NAME_TYPES and s.score < STRONG_NAME_SCORE
                                     and any(a.start <= s.start and s.end <= a.end for a in streets))]
