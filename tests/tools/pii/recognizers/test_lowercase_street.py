"""Tests of the lowercase_street recognizer (:mod:`privsynth.tools.pii.recognizers.lowercase_street`)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", ["i walked 5 miles down the road", "it costs 20 dollars per street"])
def test_lowercase_prose_is_no_address(text: str) -> None:
    from privsynth.tools.pii.recognizers.lowercase_street import LowercaseStreetRecognizer

    assert LowercaseStreetRecognizer().analyze(text, []) == []
