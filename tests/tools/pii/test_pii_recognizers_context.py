"""privsynth's context and gazetteer recognizers: places, named streets, organisations, ages, name cues."""

from __future__ import annotations

from privsynth.tools.pii.postprocess import RawSpan, clean_spans
from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers._gazetteer import place_names, region_abbreviations
from privsynth.tools.pii.text import scan_text


def test_new_recognizers_are_registered() -> None:
    names = {cls.__name__ for cls in RECOGNIZERS}
    assert {"PlaceNameRecognizer", "PlaceContextRecognizer", "NamedStreetRecognizer",
            "OrganizationContextRecognizer"} <= names


def test_gazetteer_has_cities_countries_and_states() -> None:
    places = place_names()
    assert {"espoo", "germany", "texas"} <= places
    assert "WI" in region_abbreviations()


def test_scan_finds_gazetteer_place_and_cued_name() -> None:
    text = "Last year Anna Holm travelled to ESPOO. My name is Aantje Mourik but everyone calls me Aantje."
    found = {(text[s.start:s.end], s.entity_type) for s in scan_text(text)}
    assert ("ESPOO", "LOCATION") in found
    assert ("Aantje", "PERSON") in found


def test_dictionary_phrase_is_not_a_person() -> None:
    text = "Awarded Salesperson of the Month."
    assert clean_spans(text, [RawSpan(8, 19, "PERSON", 0.85, "SpacyRecognizer")]) == []
