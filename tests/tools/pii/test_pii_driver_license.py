"""Cued driver's licence numbers, French-style house numbers, and the shared token view."""

from __future__ import annotations

import spacy

from privsynth.tools.pii.engine import SPACY_MODEL
from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers._tokens import token_rows
from privsynth.tools.pii.recognizers.driver_license import DriverLicenseRecognizer
from privsynth.tools.pii.text import scan_text


def test_registered() -> None:
    assert DriverLicenseRecognizer in RECOGNIZERS


def test_scan_reports_the_whole_license() -> None:
    text = "My driver's license: D123-4567-8901"
    assert [(text[s.start:s.end], s.entity_type) for s in scan_text(text)] == \
        [("D123-4567-8901", "US_DRIVER_LICENSE")]


def test_token_rows_match_spacy_tokens() -> None:
    doc = spacy.load(SPACY_MODEL)("Hello  John Smith,\nhe lives in Paris. ")
    for token, row in zip(doc, token_rows(doc), strict=True):
        assert (token.text, token.lower_, token.idx, token.pos_, token.is_stop, token.whitespace_) == tuple(row)
