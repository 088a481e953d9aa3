"""The NIST excerpts' schema: ``data_dictionary.json`` plus the relations its descriptions state in words.

Domains come from the dictionary only (:func:`privsynth.tools.schema.load_schema`). The dictionary also
defines some columns by others, in its descriptions; :data:`RELATIONS` writes those down as schema
relations (public metadata, no data read), each with the dictionary's words:

* ``PINCP_DECILE``: "Person's total income rank (with respect to their state) discretized into 10% bins",
  a non-decreasing function of ``PINCP`` (``rank_of``).
"""

from __future__ import annotations

from pathlib import Path

from privsynth.tools.schema import TableSchema, load_schema

RELATIONS: dict[str, dict[str, object]] = {
    "PINCP_DECILE": {"rank_of": "PINCP"},
}


def nist_schema(dictionary: Path, relations: bool = True) -> TableSchema:
    """Load the NIST data dictionary as a schema, with :data:`RELATIONS` unless ``relations`` is False.

    Args:
        dictionary: Path of ``data_dictionary.json``.
        relations: Add the relations the dictionary's descriptions state.

    Returns:
        The schema.
    """
    schema = load_schema(dictionary)
    if not relations:
        return schema
    columns = [c.model_copy(update=RELATIONS.get(c.name, {})) for c in schema.columns]
    return TableSchema.model_validate({**schema.model_dump(), "columns": [c.model_dump() for c in columns]})
