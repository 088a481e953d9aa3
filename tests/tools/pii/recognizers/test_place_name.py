"""Tests of the place_name recognizer (:mod:`privsynth.tools.pii.recognizers.place_name`)."""

from __future__ import annotations

from privsynth.tools.pii.postprocess import RawSpan, clean_spans


def _find(text: str, value: str, kind: str, score: float, recognizer: str = "SpacyRecognizer") -> RawSpan:
    start = text.index(value)
    return RawSpan(start, start + len(value), kind, score, recognizer)


def test_place_absorbs_a_bracketed_qualifier() -> None:
    text = "Glad that Cyprus (Greek) is moving."
    spans = [_find(text, "Cyprus", "LOCATION", 0.6, "PlaceNameRecognizer"), _find(text, "Greek", "NRP", 0.5)]
    assert [(text[s.start:s.end], s.entity_type) for s in clean_spans(text, spans)] == \
        [("Cyprus (Greek)", "LOCATION")]
