"""Organisation and person name cues: surname partnerships and sentences that say what people do."""

from __future__ import annotations

import pytest

from privsynth.tools.pii.recognizers import RECOGNIZERS
from privsynth.tools.pii.recognizers.organization_partnership import PartnershipRecognizer


def test_partnership_registered() -> None:
    assert PartnershipRecognizer in RECOGNIZERS


def test_given_name_that_is_a_place_before_a_surname_is_a_person() -> None:
    from privsynth.tools.pii.text import scan_text

    text = "please change it to Moira Pagan"
    assert [(text[s.start:s.end], s.entity_type) for s in scan_text(text)] == [("Moira Pagan", "PERSON")]


@pytest.mark.parametrize("text", ["The Senior Vice President of Marketing will attend.",
                                  "The Chief Technology Officer, Jane Park, joined in 2019."])
def test_roles_are_not_organizations(text: str) -> None:
    from privsynth.tools.pii.text import scan_text

    assert not any(s.entity_type == "ORGANIZATION" for s in scan_text(text))
