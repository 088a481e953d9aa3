"""Span cleaning that reads the text's layout: name lists, letterhead company lines, names at line ends."""

from __future__ import annotations

import pytest

from privsynth.tools.pii.coordination import unify_person_lists
from privsynth.tools.pii.letterhead import header_organizations
from privsynth.tools.pii.postprocess import NER_RECOGNIZERS, RawSpan
from privsynth.tools.pii.text import scan_text


def _find(text: str, value: str, kind: str, score: float, recognizer: str = "SpacyRecognizer") -> RawSpan:
    start = text.index(value)
    return RawSpan(start, start + len(value), kind, score, recognizer)


def test_list_with_a_recognised_person_becomes_people() -> None:
    text = "Our 3 founders: Kónya, Becker and Vasquez."
    spans = [_find(text, "Kónya", "LOCATION", 0.5), _find(text, "Becker", "PERSON", 0.6, "NameListRecognizer")]
    added = unify_person_lists(text, spans, NER_RECOGNIZERS)[len(spans):]
    assert [text[s.start:s.end] for s in added] == ["Kónya", "Becker", "Vasquez"]
    assert {s.entity_type for s in added} == {"PERSON"}


def test_list_of_places_stays() -> None:
    text = "We flew to Paris, London and Berlin."
    spans = [_find(text, w, "LOCATION", 0.5) for w in ("Paris", "London", "Berlin")]
    assert unify_person_lists(text, spans, NER_RECOGNIZERS) == spans


def test_company_line_above_an_address() -> None:
    text = "Thomas Svendsen\nAssistant property manager\nHopstop\nPSC 6477, Box 2981"
    spans = [_find(text, "Thomas Svendsen", "PERSON", 0.65, "NameListRecognizer"),
             _find(text, "PSC 6477, Box 2981", "ADDRESS", 0.7, "InternationalAddressRecognizer")]
    out = header_organizations(text, spans, NER_RECOGNIZERS)
    assert ("Hopstop", "ORGANIZATION") in [(text[s.start:s.end], s.entity_type) for s in out]


@pytest.mark.parametrize("header", ["Debra Neal", "Anna"])
def test_person_line_above_an_address_is_not_a_company(header: str) -> None:
    text = f"{header}\n\n1659 Hoog St\n Brakpan"
    spans = [_find(text, "1659 Hoog St", "ADDRESS", 0.6, "StreetAddressRecognizer")]
    out = header_organizations(text, spans, NER_RECOGNIZERS)
    assert not any(s.entity_type == "ORGANIZATION" for s in out)


def test_scan_business_card() -> None:
    text = "Cormac Allan\nEchocardiographer\nPlaceilivecom\n338 17 St Omers Road, Beauwelz, Belgium"
    found = {(text[s.start:s.end], s.entity_type) for s in scan_text(text)}
    assert ("Cormac Allan", "PERSON") in found
    assert ("Placeilivecom", "ORGANIZATION") in found


@pytest.mark.parametrize(("text", "value"), [
    ("Hiroshi Tanaka's report is late.", "Hiroshi Tanaka"),
    ("Customer: Jean-Baptiste Lefèvre", "Jean-Baptiste Lefèvre"),
])
def test_name_edges(text: str, value: str) -> None:
    assert (value, "PERSON") in [(text[s.start:s.end], s.entity_type) for s in scan_text(text)]
