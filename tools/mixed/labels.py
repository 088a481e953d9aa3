"""The conditioning label of a mixed table's text: a few structured columns' values, read as one category.

A table with a free-text column (product reviews: age, rating, department, the review) is synthesized in two
parts: the tabular generator makes the structured columns, and the DP text model writes each row's text
conditioned on that row's values. The text model conditions on one categorical label, so the row's values of a
few *conditioning columns* are joined into a composite label (``"Department Name: Dresses, Rating: 5"``),
which is also how the model reads it in its prompt.

The label's domain is the product of the conditioning columns' public categories (plus ``missing`` for a column
the schema does not declare never missing): it comes from the schema alone, never from the data.

Which columns (:func:`condition_columns`): those the request names (``label_field="Department Name, Rating"``),
else the schema's categorical columns in schema order, each kept while the product of the domains stays at
most :data:`MAX_LABELS`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pandas as pd

from privsynth.errors import SchemaError
from privsynth.tools.data.schema import ColumnSpec, TableSchema

MAX_LABELS = 64
MISSING = "missing"
LABEL_COLUMN = "__privsynth_condition__"  # the text model's label column: in the private corpus only


def _named(requested: str | Sequence[str] | None) -> list[str]:
    if requested is None:
        return []
    parts = requested.split(",") if isinstance(requested, str) else list(requested)
    return [p.strip() for p in parts if p and p.strip()]


def condition_columns(schema: TableSchema, requested: str | Sequence[str] | None = None,
                      max_labels: int = MAX_LABELS) -> list[str]:
    """The structured columns a text column is conditioned on (module docstring).

    Args:
        schema: The public schema of the whole table.
        requested: Column names (a list, or one string with commas), or None for the default rule.
        max_labels: Largest composite domain the default rule builds.

    Returns:
        The column names, in the order the label reads them (possibly empty: unconditional text).

    Raises:
        SchemaError: A named column is not a categorical column of the schema, or the named columns' domain
            is larger than ``max_labels``.
    """
    named = _named(requested)
    by_name = {c.name: c for c in schema.columns}
    if named:
        wrong = [n for n in named if n not in by_name or by_name[n].kind != "categorical"]
        if wrong:
            raise SchemaError(f"The text can be conditioned only on categorical columns of the schema; "
                              f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not.",
                              "Name categorical columns with --label-field A,B (their categories come from the "
                              "schema).")
        size = domain_size([by_name[n] for n in named])
        if size > max_labels:
            raise SchemaError(f"Conditioning on {', '.join(named)} gives {size} labels (at most {max_labels}).",
                              "Name fewer or smaller categorical columns with --label-field.")
        return named
    chosen: list[str] = []
    for spec in schema.columns:
        if spec.kind == "categorical" and domain_size([by_name[c] for c in chosen] + [spec]) <= max_labels:
            chosen.append(spec.name)
    return chosen


def _values(spec: ColumnSpec) -> list[str]:
    return list(spec.categories or []) + ([] if spec.nullable is False else [MISSING])


def domain_size(specs: Sequence[ColumnSpec]) -> int:
    """Labels in the product of the columns' public domains (1 for no column)."""
    return math.prod(len(_values(s)) for s in specs)


def compose(columns: Sequence[str], values: Sequence[str]) -> str:
    """One label from the columns' values: ``"Department Name: Dresses, Rating: 5"``."""
    return ", ".join(f"{c}: {v}" for c, v in zip(columns, values, strict=True))


def label_domain(schema: TableSchema, columns: Sequence[str]) -> list[str]:
    """Every composite label, from the schema's categories only (never from the data)."""
    specs = [schema.column(c) for c in columns]
    return [compose(columns, combo) for combo in itertools.product(*(_values(s) for s in specs))]


def category_text(value: object) -> str:
    """A cell as the schema's category reads it (``5`` and ``5.0`` both read ``"5"``; a missing cell ``missing``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def row_labels(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Each row's composite label (the conditioning columns' values, as categories)."""
    if not columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    parts = [frame[c].map(category_text) for c in columns]
    return pd.Series([compose(columns, vals) for vals in zip(*parts, strict=True)], index=frame.index, dtype=object)


def split_label(label: str, columns: Sequence[str]) -> list[str]:
    """The columns' values back from a composite label (:func:`compose`'s inverse for these columns)."""
    values, rest = [], label
    for i, column in enumerate(columns):
        rest = rest[len(f"{column}: "):] if rest.startswith(f"{column}: ") else rest
        if i + 1 < len(columns):
            cut = rest.find(f", {columns[i + 1]}: ")
            values.append(rest if cut < 0 else rest[:cut])
            rest = "" if cut < 0 else rest[cut + 2:]
        else:
            values.append(rest)
    return values
