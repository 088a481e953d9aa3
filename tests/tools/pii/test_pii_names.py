"""Organisation and person name cues: surname partnerships and sentences that say what people do."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers.organization_partnership import PartnershipRecognizer
from privsynth.tools.pii.recognizers.person_context import PersonContextRecognizer


def test_partnership_registered() -> None:
    assert PartnershipRecognizer in RECOGNIZERS


@pytest.mark.parametrize(("text", "value"), [
    ("Tomomi is from Hawkins, Richardson and Santana", "Hawkins, Richardson and Santana"),
    ("Zargan Vedzizhev from Garcia-Roberson is the keynote speaker", "Garcia-Roberson"),
    ("naomi ryan\nsewer pipe cleaner\nhubbard, fox and gillespie\n3747 fourth avenue", "hubbard, fox and gillespie"),
])
def test_partnership(text: str, value: str) -> None:
    assert matched(PartnershipRecognizer(), text) == [value]


@pytest.mark.parametrize("text", ["Our 3 founders: Kónya, Becker and Vasquez.", "I went with John and Mary to the park",
                                  "I am from Paris and London"])
def test_partnership_needs_cue_and_surnames(text: str) -> None:
    assert matched(PartnershipRecognizer(), text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Tomomi is from Hawkins and Sons", "Tomomi"),
    ("Asya spent a year at Allstate.", "Asya"),
    ("Scott is a very sympathetic person.", "Scott"),
    ("We met. Anna Smith was born in Oslo.", "Anna Smith"),
])
def test_human_subject(text: str, value: str) -> None:
    assert value in matched(PersonContextRecognizer(), text)


@pytest.mark.parametrize("text", ["It is from me.", "He was born in 1990.", "The company is from Ohio."])
def test_human_subject_skips_pronouns_and_articles(text: str) -> None:
    assert matched(PersonContextRecognizer(), text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Thanks, Siobhán", "Siobhán"),
    ("Kind regards,\nNaledi Dlamini", "Naledi Dlamini"),
])
def test_greeting_and_signature(text: str, value: str) -> None:
    assert value in matched(PersonContextRecognizer(), text)


def test_signature_of_a_team_is_no_person() -> None:
    assert matched(PersonContextRecognizer(), "Best,\nThe Team") == []


def test_overlapping_name_parts_merge_into_one_span() -> None:
    from privsynth.tools.pii.postprocess import RawSpan, clean_spans

    text = "Please send the invoice to Mariam Okonkwo-Beltrán."
    spans = [RawSpan(27, 41, "PERSON", 0.65, "NameListRecognizer"), RawSpan(27, 49, "PERSON", 0.5, "SpacyRecognizer"),
             RawSpan(42, 49, "PERSON", 0.6, "NameListRecognizer")]
    assert [(s.start, s.end) for s in clean_spans(text, spans)] == [(27, 49)]


def test_given_name_that_is_a_place_before_a_surname_is_a_person() -> None:
    from privsynth.tools.pii.text import scan_text

    text = "please change it to Moira Pagan"
    assert [(text[s.start:s.end], s.entity_type) for s in scan_text(text)] == [("Moira Pagan", "PERSON")]


@pytest.mark.parametrize(("text", "value"), [
    ("Name: Chise T. Horiguchi Phone: 0378 3549890", "0378 3549890"),
    ("085 175 7641-Office,3660170548-Fax", "3660170548"),
])
def test_cued_phone(text: str, value: str) -> None:
    from privsynth.tools.pii.recognizers.cued_phone import CuedPhoneRecognizer

    assert value in matched(CuedPhoneRecognizer(), text)


def test_phone_label_without_number() -> None:
    from privsynth.tools.pii.recognizers.cued_phone import CuedPhoneRecognizer

    assert matched(CuedPhoneRecognizer(), "Phone: 2020-01-01; my phone is broken since 2019") == []


@pytest.mark.parametrize(("text", "found"), [
    ("Anna is from Plotwatt", ["Plotwatt"]),
    ("Tom I. Holzman from Predilytics is the keynote speaker", ["Predilytics"]),
    ("I am from Ouagadougou.", []),
    ("A letter from Mom.", []),
])
def test_coined_organization_after_from(text: str, found: list[str]) -> None:
    from privsynth.tools.pii.recognizers.organization_from import CoinedOrganizationRecognizer

    assert matched(CoinedOrganizationRecognizer(), text) == found


@pytest.mark.parametrize("text", ["The Senior Vice President of Marketing will attend.",
                                  "The Chief Technology Officer, Jane Park, joined in 2019."])
def test_roles_are_not_organizations(text: str) -> None:
    from privsynth.tools.pii.text import scan_text

    assert not any(s.entity_type == "ORGANIZATION" for s in scan_text(text))
