"""Address spans: streets known by their shape, and growth over the parts written around a street."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.address_spans import extend_address
from privsynth.tools.pii.postprocess import RawSpan, clean_spans
from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers.numbered_street import NumberedStreetRecognizer
from privsynth.tools.pii.text import scan_text


def _values(text: str) -> list[str]:
    return matched(NumberedStreetRecognizer(), text)


def test_registered() -> None:
    assert NumberedStreetRecognizer in RECOGNIZERS


def test_extend_address_backwards_over_unit_and_number() -> None:
    text = "Dr. Cindy Holinka Apt. 117 5720 Skoanveien 226\nFAUSKE nan 8200"
    start = text.index("Skoanveien")
    grown = extend_address(text, RawSpan(start, start + len("Skoanveien 226"), "ADDRESS", 0.6))
    assert text[grown.start:grown.end] == "Apt. 117 5720 Skoanveien 226\nFAUSKE nan 8200"


def test_extend_address_stops_at_other_entities() -> None:
    text = "1659 Hoog St\n Brakpan\n South Africa 70651\n082 490 1693"
    phone = RawSpan(text.index("082"), len(text), "PHONE_NUMBER", 0.55)
    grown = extend_address(text, RawSpan(0, 12, "ADDRESS", 0.6), [phone])
    assert text[grown.start:grown.end] == "1659 Hoog St\n Brakpan\n South Africa 70651"


def test_unit_word_is_trimmed_from_a_name_and_weak_names_in_streets_go() -> None:
    text = "Mrs. Diana Usamov Suite 913 Berg Hills Street"
    spans = [RawSpan(5, 23, "PERSON", 0.5, "SpacyRecognizer"),
             RawSpan(28, 45, "ADDRESS", 0.6, "NamedStreetRecognizer"),
             RawSpan(28, 45, "PERSON", 0.65, "NameListRecognizer")]
    out = [(text[s.start:s.end], s.entity_type) for s in clean_spans(text, spans)]
    assert ("Diana Usamov", "PERSON") in out
    assert any(kind == "ADDRESS" and "Berg Hills Street" in value for value, kind in out)
    assert not any(kind == "PERSON" and "Berg" in value for value, kind in out)


def test_scan_whole_address_block() -> None:
    text = "Mrs. Barbara Yudina Apt. 675 62314 Mellemvej 32\nAalborg NO 9100"
    spans = {(text[s.start:s.end], s.entity_type) for s in scan_text(text)}
    assert ("Apt. 675 62314 Mellemvej 32\nAalborg NO 9100", "ADDRESS") in spans


@pytest.mark.parametrize(("text", "value"), [
    ("my address is 4123 maple avenue apt 5, springfield, il 62704", "4123 maple avenue apt 5, springfield, il 62704"),
    ("deliver to 77 harbour road, wellington 6011, new zealand", "77 harbour road, wellington 6011, new zealand"),
    ("the office on 221b baker street is closed", "221b baker street"),
])
def test_lowercase_address(text: str, value: str) -> None:
    assert (value, "ADDRESS") in [(text[s.start:s.end], s.entity_type) for s in scan_text(text)]
