"""When a request is a mixed table: a text column named on a table whose schema declares structured columns.

The one documented way in: the request names a text column (``text_field="Review Text"``, ``--text-field``,
"text column 'Review Text'"), and the public schema declares that column ``"kind": "text"`` and at least two
structured (categorical or numeric) columns besides the label and user columns of a text corpus. A corpus with a
text column and one label stays a text request; a table whose text columns are not named stays a table (its
free text is left out, as before).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from privsynth.errors import SchemaError
from privsynth.tools.data.schema import TableSchema, load_schema

MIN_STRUCTURED = 2


def schema_path_of(source: str | Path, schema_path: str | Path | None) -> Path | None:
    """The request's schema file, else a ``<stem>.schema.json`` next to the source, else None."""
    if schema_path:
        return Path(schema_path)
    sidecar = Path(source).with_name(f"{Path(source).stem}.schema.json")
    return sidecar if sidecar.is_file() else None


def is_mixed_table(schema: TableSchema, text_field: str | None, corpus_fields: Iterable[str | None] = ()) -> bool:
    """Whether a request naming ``text_field`` on a table with this schema is a mixed table (module docstring).

    Args:
        schema: The public schema.
        text_field: The text column the request names.
        corpus_fields: The request's label and user columns: a text corpus's own columns, not structured ones.
    """
    if not text_field or text_field not in schema.names or schema.column(text_field).kind != "text":
        return False
    own = {f for f in corpus_fields if f}
    return sum(c.name not in own for c in schema.modelled_columns) >= MIN_STRUCTURED


def mixed_schema(source: str | Path, schema_path: str | Path | None, text_field: str | None,
                 corpus_fields: Iterable[str | None] = ()) -> TableSchema | None:
    """The schema when the request is a mixed table, else None (also when no schema can be read)."""
    path = schema_path_of(source, schema_path)
    if path is None or not path.is_file():
        return None
    try:
        schema = load_schema(path)
    except SchemaError:
        return None
    return schema if is_mixed_table(schema, text_field, corpus_fields) else None
