"""Names known by the shape of the surname (patronymic and family-name suffixes)."""

from __future__ import annotations

from pii_support import matched

from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers.person_surname import SurnameShapeRecognizer
from privsynth.tools.pii.text import scan_text


def _values(text: str) -> list[str]:
    return matched(SurnameShapeRecognizer(), text)


def test_registered() -> None:
    assert SurnameShapeRecognizer in RECOGNIZERS


def test_scan_prefers_person_over_ner_organisation() -> None:
    text = "Kindly update the payee to Yerlan Abdrakhmanovich before Friday."
    spans = {(text[s.start:s.end], s.entity_type) for s in scan_text(text)}
    assert ("Yerlan Abdrakhmanovich", "PERSON") in spans


def test_company_with_legal_form_stays_an_organisation() -> None:
    text = "She signed with Volkov Logistics Ltd last year."
    spans = {(text[s.start:s.end], s.entity_type) for s in scan_text(text)}
    assert not any(kind == "PERSON" for _value, kind in spans)
