"""NIST's data-dictionary format, and the reviewed relations privsynth ships for NIST's ACS excerpts.

A NIST dictionary (``data_dictionary.json`` of the SDNist excerpts) maps each column to a description and its
``values``: a code list, or ``min``/``max`` with special codes. :func:`from_nist_dictionary` reads it in full:

* a column may be missing exactly when its values list ``N`` (NIST's missing marker), so ``nullable`` is
  true or false, never left to the data;
* ``min``/``max`` make a numeric column (integer when both bounds are), other keys its special values;
* a column with no ``values`` has no public domain: kind ``unknown``, which stops a run until it is given a
  domain or dropped (it is never dropped silently).

The dictionary also states relations in words ("N/A (less than 15 years old)", "discretized into 10% bins").
``privsynth/schemas/nist_acs_excerpts.json`` writes them down once, reviewed, with the words beside each
(:func:`apply_reviewed`); it is applied when the dictionary's columns carry the descriptions the file lists
under ``match``, that is, for every excerpt that shares NIST's dictionary, and never for other files.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

REVIEWED_FILES = ("nist_acs_excerpts.json",)
NIST_MISSING = "N"


def from_nist_dictionary(raw: dict[str, Any]) -> dict[str, Any]:
    """Convert NIST's data-dictionary format (column -> {description, values}) to privsynth's schema format.

    Returns:
        The schema as a dict in privsynth's format (the caller validates it as a ``TableSchema``).
    """
    columns: list[dict[str, Any]] = []
    for name, entry in raw.items():
        values = entry.get("values") if isinstance(entry, dict) else None
        description = entry.get("description") if isinstance(entry, dict) else None
        if not isinstance(values, dict):
            columns.append({"name": name, "kind": "unknown", "description": description})
            continue
        nullable = NIST_MISSING in values
        if "min" in values and "max" in values:
            bounds = (float(values["min"]), float(values["max"]))
            columns.append({"name": name, "kind": "numeric", "min": bounds[0], "max": bounds[1],
                            "integer": all(b.is_integer() for b in bounds), "nullable": nullable,
                            "special_values": [k for k in values if k not in ("min", "max", NIST_MISSING)],
                            "description": description})
        else:
            columns.append({"name": name, "kind": "categorical", "categories": [k for k in values if k != NIST_MISSING],
                            "nullable": nullable, "description": description})
    return {"columns": columns, "na_values": [NIST_MISSING]}


@functools.cache
def reviewed_files() -> tuple[tuple[str, dict[str, Any]], ...]:
    """The reviewed relation files shipped in ``privsynth/schemas`` (name, content)."""
    folder = resources.files("privsynth") / "schemas"
    return tuple((name, json.loads((folder / name).read_text(encoding="utf-8"))) for name in REVIEWED_FILES)


def apply_reviewed(raw: dict[str, Any]) -> dict[str, Any]:
    """A schema dict with the first shipped reviewed file whose ``match`` descriptions it carries applied.

    Each column entry of the file updates that column's spec (``why`` is kept as its ``review_note``); the
    file's ``workload`` becomes the schema's. A schema that matches no file is returned unchanged.
    """
    described = {c["name"]: c.get("description") for c in raw["columns"]}
    for name, reviewed in reviewed_files():
        if any(described.get(col) != words for col, words in reviewed["match"].items()):
            continue
        raw = json.loads(json.dumps(raw))
        for column in raw["columns"]:
            update = dict(reviewed["columns"].get(column["name"], {}))
            note = update.pop("why", None)
            column.update(update)
            if note:
                column["review_note"] = note
        raw["workload"] = reviewed.get("workload")
        raw["source_note"] = f"NIST data dictionary with privsynth's reviewed relations (privsynth/schemas/{name})"
        return raw
    return raw
