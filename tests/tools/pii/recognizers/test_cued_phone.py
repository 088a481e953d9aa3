"""Tests of the cued_phone recognizer (:mod:`privsynth.tools.pii.recognizers.cued_phone`)."""

from __future__ import annotations

import pytest
from pii_support import matched


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
