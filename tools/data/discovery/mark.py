"""The mark of a schema draft read from the private data without DP, and the refusal it causes.

Standard library only: the command line checks a ``--schema`` file for the mark before any heavy import.
"""

from __future__ import annotations

import json
from pathlib import Path

from privsynth.errors import SchemaError

PRIVATE_MARK = "read from the private data: replace with public knowledge"


def private_mark_error(path: str | Path) -> SchemaError:
    """The refusal of a schema draft that was read from the private data without DP (it still has its mark)."""
    return SchemaError(f"Schema file {path} is a draft read from the private data without DP (\"private_mark\": "
                       f"\"{PRIVATE_MARK}\"), so its domains are not public. Nothing was read or spent.",
                       "Replace each field listed under \"estimated\" with public knowledge, then delete the "
                       "\"private_mark\" line; or draft it with DP: privsynth schema draft DATA --epsilon E "
                       "--out FILE.")


def check_unmarked(path: str | Path) -> None:
    """Refuse a schema file that still carries the private mark (a file that is not JSON is left to the loader).

    Raises:
        SchemaError: The mark is there.
    """
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(raw, dict) and raw.get("private_mark"):
        raise private_mark_error(path)
