"""Cued driver's licence numbers, French-style house numbers, and the shared token view."""

from __future__ import annotations

import pytest
import spacy
from pii_support import matched

from privsynth.tools.pii.engine import SPACY_MODEL
from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers._tokens import token_rows
from privsynth.tools.pii.recognizers.driver_license import DriverLicenseRecognizer
from privsynth.tools.pii.recognizers.intl_address import InternationalAddressRecognizer
from privsynth.tools.pii.text import scan_text


def test_registered() -> None:
    assert DriverLicenseRecognizer in RECOGNIZERS


@pytest.mark.parametrize(("text", "value"), [
    ("My driver license number is 58391047.", "58391047"),
    ("My driver's license: D123-4567-8901", "D123-4567-8901"),
    ("His DL# is S530-4507-3428-12", "S530-4507-3428-12"),
    ("my drivers license is ab123456 and it expired", "ab123456"),
    ("the driving licence no. 5829 441 0927 expired", "5829 441 0927"),
])
def test_cued_license(text: str, value: str) -> None:
    assert matched(DriverLicenseRecognizer(), text) == [value]


@pytest.mark.parametrize("text", ["License number: 12 months ago", "DL 12", "My license is valid."])
def test_no_license_without_a_number(text: str) -> None:
    assert matched(DriverLicenseRecognizer(), text) == []


def test_scan_reports_the_whole_license() -> None:
    text = "My driver's license: D123-4567-8901"
    assert [(text[s.start:s.end], s.entity_type) for s in scan_text(text)] == \
        [("D123-4567-8901", "US_DRIVER_LICENSE")]


def test_house_number_before_street_prefix() -> None:
    assert matched(InternationalAddressRecognizer(), "Ship it to 15 Rue de la Paix, Paris") == ["15 Rue de la Paix"]
    assert matched(InternationalAddressRecognizer(), "I sent 3 via email, then") == []


def test_token_rows_match_spacy_tokens() -> None:
    doc = spacy.load(SPACY_MODEL)("Hello  John Smith,\nhe lives in Paris. ")
    for token, row in zip(doc, token_rows(doc), strict=True):
        assert (token.text, token.lower_, token.idx, token.pos_, token.is_stop, token.whitespace_) == tuple(row)
