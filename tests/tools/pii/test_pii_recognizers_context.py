"""privsynth's context and gazetteer recognizers: places, named streets, organisations, ages, name cues."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.postprocess import RawSpan, clean_spans
from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers._gazetteer import place_names, region_abbreviations
from privsynth.tools.pii.recognizers.age import AgeRecognizer
from privsynth.tools.pii.recognizers.named_street import NamedStreetRecognizer
from privsynth.tools.pii.recognizers.organization_context import OrganizationContextRecognizer
from privsynth.tools.pii.recognizers.place_context import PlaceContextRecognizer
from privsynth.tools.pii.text import scan_text


def test_new_recognizers_are_registered() -> None:
    names = {cls.__name__ for cls in RECOGNIZERS}
    assert {"PlaceNameRecognizer", "PlaceContextRecognizer", "NamedStreetRecognizer",
            "OrganizationContextRecognizer"} <= names


def test_gazetteer_has_cities_countries_and_states() -> None:
    places = place_names()
    assert {"espoo", "germany", "texas"} <= places
    assert "WI" in region_abbreviations()


@pytest.mark.parametrize(("text", "value"), [
    ("When: 1984-04-27 15:25:53 Where: Beerze Country Club.", "Beerze"),
    ("where: cite ben hjel country club.", "cite ben hjel"),
    ("On Sunday we returned to San Bernardino by helicopter.", "San Bernardino"),
    ("She was born in UPTON SCUDAMORE and moved away.", "UPTON SCUDAMORE"),
    ("Looking to support Acme in ARENDAL 4844 in its mission.", "ARENDAL 4844"),
])
def test_place_context(text: str, value: str) -> None:
    assert value in matched(PlaceContextRecognizer(), text)


def test_place_context_skips_years_and_pronouns() -> None:
    assert matched(PlaceContextRecognizer(), "He moved to The city in 2004 and then in Python 2019") == []


def test_named_street() -> None:
    assert matched(NamedStreetRecognizer(), "early shows on Berg Hills Street were great") == ["Berg Hills Street"]
    assert matched(NamedStreetRecognizer(), "we walked on the Street") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Aristóteles spent a year at Jones, Mitchell and Williams as the assistant.", "Jones, Mitchell and Williams"),
    ("Poweradvocate in Bremen, which later became Zillow in 2014.", "Zillow"),
    ("Persint is an German multinational investment bank.", "Persint"),
])
def test_organization_context(text: str, value: str) -> None:
    assert value in matched(OrganizationContextRecognizer(), text)


@pytest.mark.parametrize(("text", "value"), [
    ("she is forty-two years old", "forty-two"),
    ("He is 61 years of age", "61"),
    ("retired at the age of 67.", "67"),
])
def test_age_phrasings(text: str, value: str) -> None:
    assert value in matched(AgeRecognizer(), text)


def test_scan_finds_gazetteer_place_and_cued_name() -> None:
    text = "Last year Anna Holm travelled to ESPOO. My name is Aantje Mourik but everyone calls me Aantje."
    found = {(text[s.start:s.end], s.entity_type) for s in scan_text(text)}
    assert ("ESPOO", "LOCATION") in found
    assert ("Aantje", "PERSON") in found


def test_name_guess_inside_address_is_dropped() -> None:
    text = "Meet me at 526 Rua Cyro Franco 1213 now"
    spans = [RawSpan(11, 35, "ADDRESS", 0.6, "InternationalAddressRecognizer"),
             RawSpan(15, 30, "PERSON", 0.5, "SpacyRecognizer")]
    assert [s.entity_type for s in clean_spans(text, spans)] == ["ADDRESS"]


def test_dictionary_phrase_is_not_a_person() -> None:
    text = "Awarded Salesperson of the Month."
    assert clean_spans(text, [RawSpan(8, 19, "PERSON", 0.85, "SpacyRecognizer")]) == []
