"""Card numbers of 12 to 19 digits that pass the Luhn checksum, with or without separators.

Presidio's default ``CreditCardRecognizer`` covers the common 13-16 digit brands; Maestro (12-19
digits) and 19-digit Visa/UnionPay numbers slip through, and the spaCy model then tags them as dates.
The Luhn check keeps the false-positive rate low (one random digit string in ten passes, so numbers
are also required to stand alone, not be part of a longer digit run).
"""

from __future__ import annotations

from privsynth.tools.pii.recognizers._regex import GroupRegexRecognizer

_GROUPED = r"\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,4})?"
PATTERNS = [
    ("luhn_plain", r"(?<![\w.+-])(?P<ent>\d{12,19})(?![\w-]|\.\d)", 0.6),
    ("luhn_grouped", rf"(?<![\w.+-])(?P<ent>{_GROUPED})(?![\w-]|\.\d)", 0.7),
]


def luhn_valid(value: str) -> bool:
    """Whether the digits of ``value`` pass the Luhn checksum."""
    digits = [int(c) for c in value if c.isdigit()][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return len(digits) >= 12 and total % 10 == 0


class LuhnCardRecognizer(GroupRegexRecognizer):
    """Recognize Luhn-valid 12-19 digit card numbers as ``CREDIT_CARD``."""

    def __init__(self) -> None:
        super().__init__("CREDIT_CARD", "LuhnCardRecognizer", PATTERNS)

    def validate(self, value: str) -> bool:
        """Keep only Luhn-valid numbers with at least two distinct digits."""
        digits = [c for c in value if c.isdigit()]
        return luhn_valid(value) and len(set(digits)) > 1
