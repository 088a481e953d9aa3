"""Postal codes announced by a cue word: ``ZIP: 8592``, ``postal code 394 13``, ``Postcode SW1A 1AA``.

A bare five-digit number is not a postal code, so only cued codes are reported here (as ``LOCATION``:
a postal code names a small area); codes at the end of an address are absorbed into the address span
by :mod:`privsynth.tools.pii.postprocess`.
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_CODE = (r"(?P<ent>\d{2,6}(?:[ -]\d{2,4})?(?![\w-])|[A-Z]\d[A-Z] ?\d[A-Z]\d\b"
         r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b)")
_CUE = r"\b(?:zip|zip code|zipcode|postal code|postcode|post code|plz)\s*[:#]?\s*"
PATTERNS = [("cued_postal_code", rf"{_CUE}{_CODE}", 0.75)]


class PostalCodeRecognizer(GroupRegexRecognizer):
    """Recognize postal codes after a cue word as ``LOCATION``."""

    def __init__(self) -> None:
        super().__init__("LOCATION", "PostalCodeRecognizer", PATTERNS, flags=re.IGNORECASE)
