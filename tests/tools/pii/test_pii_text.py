"""Free-text PII detection: spans with exact offsets, batching, chunking and odd cells (real Presidio)."""

from __future__ import annotations

import math

import pytest

from privsynth.errors import ConfigError
from privsynth.tools.pii.postprocess import RawSpan, clean_spans
from privsynth.tools.pii.text import Span, TextScanner, as_text, scan_text, scan_texts


def _found(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for span in scan_text(text):
        out.setdefault(span.entity_type, []).append(text[span.start:span.end])
    return out


@pytest.mark.parametrize(("text", "entity", "value"), [
    ("You said your email is EwanDawson@dayrep.com. Is that correct?", "EMAIL_ADDRESS", "EwanDawson@dayrep.com"),
    ("My card 4131034282458809939 is expiring this month.", "CREDIT_CARD", "4131034282458809939"),
    ("Patient is a 38-year-old male with a history of headaches", "AGE", "38"),
    ("They're not answering at 0490 39 07 81", "PHONE_NUMBER", "0490 39 07 81"),
    ("my name is bertram and I sing", "PERSON", "bertram"),
    ("Mr. Spears is a 61 year old man.", "PERSON", "Spears"),
    ("My IBAN is GB59IFUE40226315499137", "IBAN_CODE", "GB59IFUE40226315499137"),
    ("ZIP: 48750", "LOCATION", "48750"),
])
def test_detects_entity_with_exact_offsets(text: str, entity: str, value: str) -> None:
    found = _found(text)
    assert value in found.get(entity, []), found


def test_street_address_extends_over_city_and_postcode() -> None:
    text = "Please return to 6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677 in case of an issue."
    spans = [s for s in scan_text(text) if s.entity_type == "ADDRESS"]
    assert len(spans) == 1
    assert text[spans[0].start:spans[0].end] == "6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677"


def test_relative_dates_and_plain_numbers_are_not_dates() -> None:
    found = _found("I paid 3520 for it this month and will pay again next year.")
    assert "DATE_TIME" not in found


def test_batch_matches_single_and_keeps_order() -> None:
    texts = ["Contact anna@example.com", "", None, "nothing here", "Call me at (904) 809-7004"]
    batch = scan_texts(texts)
    assert len(batch) == len(texts)
    assert batch[1] == [] and batch[2] == [] and batch[3] == []
    assert batch[0] == scan_text(texts[0])
    assert [s.entity_type for s in batch[4]] == ["PHONE_NUMBER"]


def test_non_text_cells_are_scanned_as_strings() -> None:
    assert as_text(None) == "" and as_text(math.nan) == "" and as_text(42) == "42"
    spans = scan_texts([4111111111111111, 3.5, True])
    assert [s.entity_type for s in spans[0]] == ["CREDIT_CARD"]
    assert spans[1] == [] and spans[2] == []


def test_huge_cell_is_chunked_and_offsets_stay_global() -> None:
    filler = "the weather was fine and nothing happened at all. " * 4000  # 200k characters
    email_at = len(filler)
    text = filler + "write to lena.berg@example.org please " + filler
    scanner = TextScanner(max_chunk_chars=20_000)
    spans = scanner.scan(text)
    emails = [s for s in spans if s.entity_type == "EMAIL_ADDRESS"]
    assert len(emails) == 1
    assert text[emails[0].start:emails[0].end] == "lena.berg@example.org"
    assert emails[0].start == email_at + len("write to ")


def test_entity_on_a_chunk_boundary_is_found_once() -> None:
    text = "word " * 170 + "mail me at kim.lee@example.com today " + "word " * 170
    spans = TextScanner(max_chunk_chars=900).scan(text)
    emails = [text[s.start:s.end] for s in spans if s.entity_type == "EMAIL_ADDRESS"]
    assert emails == ["kim.lee@example.com"]


def test_span_to_dict_is_json_ready() -> None:
    assert Span(1, 5, "PERSON", 0.123456).to_dict() == {"start": 1, "end": 5, "entity_type": "PERSON",
                                                         "score": 0.1235}


def test_clean_spans_prefers_specific_evidence_over_ner() -> None:
    text = "card 4131034282458809939 ok"
    raw = [RawSpan(5, 24, "DATE_TIME", 0.85, "SpacyRecognizer"), RawSpan(5, 24, "CREDIT_CARD", 0.6, "Luhn")]
    assert [s.entity_type for s in clean_spans(text, raw)] == ["CREDIT_CARD"]


def test_bad_scanner_settings_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        TextScanner(batch_size=0)
