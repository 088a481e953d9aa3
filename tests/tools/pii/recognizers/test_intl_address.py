"""Tests of the intl_address recognizer (:mod:`privsynth.tools.pii.recognizers.intl_address`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.postprocess import RawSpan, clean_spans
from privsynth.tools.pii.recognizers.intl_address import InternationalAddressRecognizer


@pytest.mark.parametrize("text", ["I lived there during 2019.", "We met in the Spring 2021 at a fair."])
def test_word_and_year_is_not_a_street(text: str) -> None:
    assert matched(InternationalAddressRecognizer(), text) == []


def test_streets_with_numbers_still_found() -> None:
    assert matched(InternationalAddressRecognizer(), "Send it to Mellemvej 32 please") == ["Mellemvej 32"]
    assert matched(InternationalAddressRecognizer(), "Address: Koskikatu 1985") == ["Koskikatu 1985"]


def test_house_number_before_street_prefix() -> None:
    assert matched(InternationalAddressRecognizer(), "Ship it to 15 Rue de la Paix, Paris") == ["15 Rue de la Paix"]
    assert matched(InternationalAddressRecognizer(), "I sent 3 via email, then") == []


def test_name_guess_inside_address_is_dropped() -> None:
    text = "Meet me at 526 Rua Cyro Franco 1213 now"
    spans = [RawSpan(11, 35, "ADDRESS", 0.6, "InternationalAddressRecognizer"),
             RawSpan(15, 30, "PERSON", 0.5, "SpacyRecognizer")]
    assert [s.entity_type for s in clean_spans(text, spans)] == ["ADDRESS"]


@pytest.mark.parametrize(("text", "value"), [
    ("Il negozio è in Piazza Garibaldi, 14 a Torino.", "Piazza Garibaldi, 14"),
    ("Moramos na Ladeira do Sol, 230 desde 2010.", "Ladeira do Sol, 230"),
    ("La oficina está en C/ Mayor 21, Zaragoza.", "C/ Mayor 21"),
    ("Envíelo a Avda. de la Paz 7, Sevilla.", "Avda. de la Paz 7"),
])
def test_street_prefixes(text: str, value: str) -> None:
    assert value in matched(InternationalAddressRecognizer(), text)
