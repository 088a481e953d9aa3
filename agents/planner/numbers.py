"""Numbers as people write them in a request: digits, ``1e-6``, ``10^-6``, ``10k``, ``2.5k``, ``1,000`` and words.

:func:`words_to_digits` rewrites number words ("epsilon one", "half a unit", "ten thousand rows", "one and a
half", "zero point five", "a quarter") as digits, so the other readers only ever see digits. It works on whole
words only, so names such as ``one_hot`` or ``data/one.csv`` are left alone.
"""

from __future__ import annotations

import re

_UNITS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: float(10 * i) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_FRACTIONS = {"half": 0.5, "halves": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3,
              "tenth": 0.1, "tenths": 0.1, "hundredth": 0.01, "hundredths": 0.01, "thousandth": 0.001}
_ARTICLES = ("a", "an")
_PRONOUN_BEFORE = {"the", "this", "that", "which", "each", "every", "any", "no", "another", "other", "recent", "latest",
                   "last", "previous", "pending", "new", "first", "same", "only", "right", "wrong", "good", "bad",
                   "current", "waiting", "older", "newer", "big", "small"}
_WORD = re.compile(r"(?<![\w./\\'-])[A-Za-z]+(?:-[A-Za-z]+)*(?![\w/\\'-])")

NUMBER = r"[-+−]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+−]?\d+)?"
POWER = r"10\s*(?:\^|\*\*)\s*\(?\s*[-+−]?\d+\s*\)?"
VALUE = rf"(?<![\w.])(?P<val>{POWER}|{NUMBER})(?!\w)(?!\.\d)(?!,\d)"
COUNT = (r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u202f\u00a0]\d{3})+(?![\d.])|"
         r"\d+(?:\.\d+)?(?:[eE]\+?\d+)?)\s*"
         r"(?P<mult>k|K|m|M|mm|bn|thousand|million|billion)?(?!\w)")
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


def parse_number(value: str) -> float:
    """Parse one number as written in a request (``1e-6``, ``10^-6``, ``0.5``, ``−1``).

    Raises:
        ValueError: The text is not a number.
    """
    text = value.strip().lower().replace("−", "-")
    power = re.fullmatch(r"10\s*(?:\^|\*\*)\s*\(?\s*([-+]?\d+)\s*\)?", text)
    if power:
        return 10.0 ** int(power.group(1))
    return float(text)


def count_value(match: re.Match[str]) -> float:
    """The value of a :data:`COUNT` match: ``10k`` is 10000, ``2.5k`` 2500, ``1e6`` a million, ``1,000`` 1000."""
    value = float(re.sub(r"[,\s\u202f\u00a0]", "", match.group("num")))
    return value * _MULTIPLIERS.get((match.group("mult") or "").lower(), 1.0)


def numbers_in(sentence: str) -> list[float]:
    """All numbers written in a sentence, digits or words (used to check that an LLM plan invented none).

    Args:
        sentence: The request.

    Returns:
        Every number, in order of appearance; ``10k`` counts as 10000.
    """
    text = words_to_digits(sentence)
    found: list[float] = []
    for match in re.finditer(VALUE, text):
        try:
            found.append(parse_number(match.group("val")))
        except ValueError:
            continue
    found += [count_value(m) for m in re.finditer(rf"(?<![\w.,]){COUNT}", text) if m.group("mult") or
              "," in m.group("num")]
    return found


class _Words:
    """Whole words of a text with their offsets, read left to right."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]

    def word(self, i: int) -> str | None:
        return self.items[i][2] if 0 <= i < len(self.items) else None

    def adjacent(self, i: int) -> bool:
        """Whether word ``i`` follows word ``i - 1`` with only spaces between."""
        return 0 < i < len(self.items) and not self.text[self.items[i - 1][1]:self.items[i][0]].strip()


def _cardinal(words: _Words, i: int, current: float = 0.0) -> tuple[float, int] | None:
    """Read ``twenty five thousand``, ``one hundred and five`` from word ``i``; returns (value, next index)."""
    total, j, seen = 0.0, i, False
    while words.word(j) is not None and (j == i or words.adjacent(j)):
        parts = (words.word(j) or "").split("-")
        if all(p in _UNITS or p in _TENS for p in parts):
            current += sum(_UNITS.get(p, _TENS.get(p, 0.0)) for p in parts)
        elif len(parts) == 1 and parts[0] in _SCALES and (seen or current):
            scale = _SCALES[parts[0]]
            if scale == 100:
                current = (current or 1.0) * 100
            else:
                total, current = total + (current or 1.0) * scale, 0.0
        elif parts == ["and"] and seen and words.word(j + 1) in {**_UNITS, **_TENS} and words.adjacent(j + 1):
            pass
        else:
            break
        seen, j = True, j + 1
    return (total + current, j) if seen else None


def _read(words: _Words, i: int) -> tuple[float, int] | None:
    """A number phrase starting at word ``i``, as (value, index after it), or None."""
    word, after = words.word(i), words.word(i + 1)
    if word is None:
        return None
    if word in _ARTICLES:
        if after in _FRACTIONS and words.adjacent(i + 1):
            return _FRACTIONS[after], i + 2
        if after in _SCALES and words.adjacent(i + 1):
            return _cardinal(words, i + 1, current=1.0)
        return None
    if word == "half":
        if after in _ARTICLES and words.adjacent(i + 1):
            scale = words.word(i + 2)
            if scale in _SCALES and words.adjacent(i + 2):
                return 0.5 * _SCALES[scale], i + 3
            return 0.5, i + 2
        return 0.5, i + 1
    read = _cardinal(words, i)
    if read is None:
        return None
    value, j = read
    if j == i + 1 and word == "one" and words.word(i - 1) in _PRONOUN_BEFORE and words.adjacent(i):
        return None  # "the most recent one", "this one": a pronoun, not a number
    if words.word(j) == "point" and words.adjacent(j) and words.word(j + 1) in _UNITS:
        digits, j = "", j + 1
        while words.word(j) in _UNITS and _UNITS[words.word(j) or ""] < 10 and words.adjacent(j):
            digits, j = digits + str(int(_UNITS[words.word(j) or ""])), j + 1
        value = float(f"{int(value)}.{digits}")
    tail = [words.word(j + k) for k in range(3)]
    if tail[0] == "and" and tail[1] in _ARTICLES and tail[2] in ("half", "quarter") and words.adjacent(j + 2):
        value, j = value + _FRACTIONS[tail[2] or ""], j + 3
    elif tail[0] in _FRACTIONS and words.adjacent(j):
        value, j = value * _FRACTIONS[tail[0] or ""], j + 1
    return value, j


def _digits(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def words_to_digits(text: str) -> str:
    """Rewrite number words as digits: ``"epsilon one"`` -> ``"epsilon 1"``, ``"half a unit"`` -> ``"0.5 unit"``.

    Args:
        text: Any text.

    Returns:
        The text with each number phrase replaced by its value in digits (everything else unchanged).
    """
    words = _Words(text)
    pieces, cursor, i = [], 0, 0
    while i < len(words.items):
        read = _read(words, i)
        if read is None:
            i += 1
            continue
        value, j = read
        pieces += [text[cursor:words.items[i][0]], _digits(value)]
        cursor, i = words.items[j - 1][1], j
    return _ratios("".join(pieces) + text[cursor:])


def _ratios(text: str) -> str:
    """``1 in 1000000`` ("one in a million"), ``1 out of 100000`` and ``1/2`` become the fraction they name."""
    def ratio(match: re.Match[str]) -> str:
        top, bottom = float(match.group(1)), float(match.group(2))
        return f"{top / bottom:g}" if 0 < top < bottom else match.group()

    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s+(?:in|out\s+of)\s+(10{2,}|1e\d+)(?![\w.])", ratio, text)
    text = re.sub(r"(?<![\w.])10\s+(?:to\s+the\s+(?:power|exponent)\s+(?:of\s+)?|raised\s+to\s+(?:the\s+)?)"
                  r"(minus\s+|negative\s+|-\s*|−\s*)?(\d+)(?:th|st|nd|rd)?(?:\s+power)?(?![\w.])",
                  lambda m: f"1e{'-' if m.group(1) else ''}{m.group(2)}", text, flags=re.IGNORECASE)
    return re.sub(r"(?<![\w./\\])(\d{1,3})\s*/\s*(\d{1,4})(?![\w./\\])", ratio, text)  # "1/2" is a half
