"""A light, shared view of a spaCy ``Doc``'s tokens for the token-based recognizers.

Iterating a ``Doc`` builds one Python ``Token`` object per token, which costs more than the name and
place look-ups themselves. :func:`token_rows` reads the needed attributes in one ``Doc.to_array`` call
and returns plain tuples with the same attribute names (``text``, ``lower_``, ``idx``, ``pos_``,
``is_stop``, ``whitespace_``), computed once per document and shared by every recognizer that asks.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.attrs import IDX, IS_STOP, LENGTH, POS, SPACY
from spacy.parts_of_speech import NAMES

_POS_NAMES = {int(k): v for k, v in NAMES.items()}


class TokenRow(NamedTuple):
    """The attributes of one token that the recognizers read (named as on ``spacy.tokens.Token``)."""

    text: str
    lower_: str
    idx: int
    pos_: str
    is_stop: bool
    whitespace_: str


_last: tuple[object, list[TokenRow]] | None = None


def token_rows(doc: object) -> list[TokenRow]:
    """Return the document's tokens as :class:`TokenRow` tuples (cached for the last document).

    Args:
        doc: A spaCy ``Doc`` (Presidio's ``nlp_artifacts.tokens``).

    Returns:
        One row per token, in order.
    """
    global _last  # noqa: PLW0603 - a one-document cache shared by the recognizers of one analysis
    if _last is not None and _last[0] is doc:
        return _last[1]
    text = doc.text
    rows = []
    for idx, length, pos, stop, space in doc.to_array([IDX, LENGTH, POS, IS_STOP, SPACY]).tolist():
        word = text[idx:idx + length]
        rows.append(TokenRow(word, word.lower(), idx, _POS_NAMES.get(pos, ""), bool(stop), " " if space else ""))
    _last = (doc, rows)
    return rows
