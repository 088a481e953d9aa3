"""Tests of the driver_license recognizer (:mod:`privsynth.tools.pii.recognizers.driver_license`)."""

from __future__ import annotations

import pytest
from pii_support import matched

from privsynth.tools.pii.recognizers.driver_license import DriverLicenseRecognizer


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
