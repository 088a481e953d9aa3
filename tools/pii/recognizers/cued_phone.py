"""Phone numbers announced by a label, whatever their grouping: ``Phone: 0378 3549890``, ``3660170548-Fax``.

Unlabelled digit strings are too ambiguous to be phone numbers in any grouping, so
:mod:`~privsynth.tools.pii.recognizers.intl_phone` accepts only common groupings. With a label before
(``phone``, ``tel``, ``mobile``, ``cell``, ``fax``, ``call me at``, ``text me at``...) or a line label
right after (``-Office``, ``-Fax``, ``(mobile)``), any run of 7 to 15 digits with spaces, dots, hyphens,
brackets and an optional ``+`` is a ``PHONE_NUMBER`` (score :data:`SCORE`).
"""

from __future__ import annotations

import re

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_NUMBER = r"\+?\(?\d[\d ().-]{5,20}\d"
_BEFORE = (r"\b(?:phone|ph|tel|telephone|mobile|mob|cell|cellphone|fax|whatsapp|contact number|phone number|"
           r"call me at|call me on|text me at|text me on|reach me at|reach me on)\b\.?[ \t]*(?:number|no\.?|#)?[ \t]*"
           r"(?:is|:)?[ \t]*")
_AFTER = r"(?=[ \t]*(?:-[ \t]*|\([ \t]*)(?:office|fax|mobile|cell|home|work|phone|tel)\b)"
SCORE = 0.7
PATTERNS = [
    ("label_before", rf"{_BEFORE}(?P<ent>{_NUMBER})(?![\d])", SCORE),
    ("label_after", rf"(?<![\w+(./-])(?P<ent>{_NUMBER}){_AFTER}", SCORE),
]


class CuedPhoneRecognizer(GroupRegexRecognizer):
    """Recognize digit runs next to a phone label as ``PHONE_NUMBER``."""

    def __init__(self) -> None:
        super().__init__("PHONE_NUMBER", "CuedPhoneRecognizer", PATTERNS, flags=re.IGNORECASE)

    def validate(self, value: str) -> bool:
        """Keep 7 to 15 digits that are not an ISO date.

        Args:
            value: The matched number.

        Returns:
            True for a plausible phone number.
        """
        digits = sum(c.isdigit() for c in value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return False
        return 7 <= digits <= 15 and super().validate(value)
