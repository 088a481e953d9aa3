"""US phone numbers in the formats tables actually hold.

Presidio's default ``PhoneRecognizer`` (libphonenumbers) misses several common spellings, such as
``001-`` international prefixes, ``x1234`` extensions and dotted numbers. This pattern recognizer
covers the North American Numbering Plan formats::

    (904)809-7004   (904) 809-7004   904-809-7004   904.809.7004   904 809 7004
    +1-336-605-6559   1-336-605-6559   001-336-605-6559   ...x123 / ext. 123
    9048097004 (ten bare digits: lower score, since account numbers look alike)
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

# Area code and exchange both start with 2-9 under the NANP.
_PREFIX = r"(?:(?:\+1|001|1)[\s.-]?)?"
_AREA = r"(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])"
_LOCAL = r"[2-9]\d{2}[\s.-]\d{4}"
_EXTENSION = r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?"
_FORMATTED = rf"(?<![\w+]){_PREFIX}{_AREA}{_LOCAL}{_EXTENSION}(?!\w)"
_BARE = r"(?<![\w+])(?:\+?1)?[2-9]\d{2}[2-9]\d{6}(?!\w)"


class UsPhoneRecognizer(PatternRecognizer):
    """Recognize formatted and bare US phone numbers, extensions included, as ``PHONE_NUMBER``."""

    PATTERNS = [
        Pattern("us_phone_formatted", _FORMATTED, 0.7),
        Pattern("us_phone_bare_digits", _BARE, 0.4),
    ]
    CONTEXT = ["phone", "telephone", "tel", "call", "mobile", "cell", "fax", "contact"]

    def __init__(self) -> None:
        super().__init__(supported_entity="PHONE_NUMBER", name="UsPhoneRecognizer", patterns=self.PATTERNS,
                         context=self.CONTEXT, supported_language="en")
