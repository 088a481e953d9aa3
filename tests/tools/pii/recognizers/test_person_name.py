"""Tests of the person_name recognizer (:mod:`privsynth.tools.pii.recognizers.person_name`)."""

from __future__ import annotations

from privsynth.tools.pii.postprocess import RawSpan, clean_spans


def test_name_stops_at_line_break() -> None:
    text = "Cormac Allan\nEchocardiographer\n"
    out = clean_spans(text, [RawSpan(0, len(text), "PERSON", 0.65, "NameListRecognizer")])
    assert [text[s.start:s.end] for s in out] == ["Cormac Allan"]


def test_overlapping_name_parts_merge_into_one_span() -> None:
    from privsynth.tools.pii.postprocess import RawSpan, clean_spans

    text = "Please send the invoice to Mariam Okonkwo-Beltrán."
    spans = [RawSpan(27, 41, "PERSON", 0.65, "NameListRecognizer"), RawSpan(27, 49, "PERSON", 0.5, "SpacyRecognizer"),
             RawSpan(42, 49, "PERSON", 0.6, "NameListRecognizer")]
    assert [(s.start, s.end) for s in clean_spans(text, spans)] == [(27, 49)]
