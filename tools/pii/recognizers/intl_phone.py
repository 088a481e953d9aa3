"""Phone numbers in international and national spellings that libphonenumbers' region list misses.

Presidio's ``PhoneRecognizer`` validates numbers against a handful of regions, so European spellings
(``0490 39 07 81``, ``+41 (0)69 979 80 58``, ``07700 063 966``, ``(72) 754-186``) go unseen. This
recognizer accepts 2 to 6 digit groups with one kind of separator, an optional ``+CC`` and ``(0)``,
7 to 15 digits in all, and rejects shapes that are something else: ISO dates, clock times, IP
addresses, US SSNs and plain decimals. Without a phone cue the score stays moderate.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_CC = r"(?:\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?)"
_AREA = r"(?:\(\d{1,5}\)[ .-]?)"
_BODY = r"\d{2,6}(?:[ .-]\d{2,6}){1,5}"
_ENT = rf"(?P<ent>{_CC}?{_AREA}?{_BODY}|{_CC}?{_AREA}\d{{5,10}}|\+\d{{8,15}}|0\d{{9,10}})"
PATTERNS = [("international_phone", rf"(?<![\w+(./:-]){_ENT}(?!\w|[.,:/-]\d)", 0.55)]

_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_SSN = re.compile(r"^\d{3}-\d{2}-\d{4}$")
_DECIMAL = re.compile(r"^\d+\.\d+$")


class InternationalPhoneRecognizer(GroupRegexRecognizer):
    """Recognize international and national phone spellings as ``PHONE_NUMBER``."""

    def __init__(self) -> None:
        super().__init__("PHONE_NUMBER", "InternationalPhoneRecognizer", PATTERNS)

    def validate(self, value: str) -> bool:
        """Reject dates, IPs, SSNs, decimals and digit counts outside 7-15."""
        digits = sum(c.isdigit() for c in value)
        if not 7 <= digits <= 15 or _DATE.match(value) or _IP.match(value) or _SSN.match(value):
            return False
        if _DECIMAL.match(value):
            return False
        separators = {c for c in value.strip("+") if c in " .-"}
        if len(separators) > 1 and "(" not in value:
            return False
        if digits == 7 and not re.fullmatch(r"\d{3}[ -]\d{4}", value):
            return False
        return True
