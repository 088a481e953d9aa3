"""Schema validity of a synthetic table: types, ranges, categories and required columns.

:func:`check_schema` never raises on bad values; it lists them (count and a few examples per column and
problem) so that the report can show them and the release policy can fail the release.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.metrics.fidelity import as_category_str

EXAMPLES = 5


class ColumnIssue(BaseModel):
    """A way the synthetic table breaks the schema in one column (``count`` rows, a few ``examples``)."""

    column: str
    problem: Literal["unknown_category", "below_min", "above_max", "not_a_number", "not_integer",
                     "missing_not_allowed"]
    count: int
    examples: list[str] = Field(default_factory=list)


class SchemaDiagnostics(BaseModel):
    """Whether the synthetic table fits the public schema.

    ``missing_columns`` are modelled columns the synthetic table lacks; ``absent_unmodelled_columns`` are
    PII, text or id columns it lacks (expected when PII is dropped); ``extra_columns`` are not in the schema.
    """

    valid: bool
    missing_columns: list[str] = Field(default_factory=list)
    absent_unmodelled_columns: list[str] = Field(default_factory=list)
    extra_columns: list[str] = Field(default_factory=list)
    issues: list[ColumnIssue] = Field(default_factory=list)



def _issue(column: str, problem: str, mask: pd.Series, values: pd.Series) -> ColumnIssue | None:
    if not mask.any():
        return None
    examples = [str(v) for v in pd.unique(values[mask])[:EXAMPLES]]
    return ColumnIssue(column=column, problem=problem, count=int(mask.sum()), examples=examples)  # type: ignore[arg-type]


def _column_issues(series: pd.Series, spec: ColumnSpec) -> list[ColumnIssue | None]:
    labels = as_category_str(series)
    present = labels.notna()
    found = [_issue(spec.name, "missing_not_allowed", ~present, labels.fillna("")) if spec.nullable is False else None]
    if spec.kind == "categorical":
        return [*found, _issue(spec.name, "unknown_category", present & ~labels.isin(spec.categories or []), labels)]
    special = labels.isin(spec.special_values)
    values = pd.to_numeric(series.where(~special), errors="coerce")
    number = values.notna()
    found.append(_issue(spec.name, "not_a_number", present & ~special & ~number, labels))
    found.append(_issue(spec.name, "below_min", number & (values < spec.min), labels))
    found.append(_issue(spec.name, "above_max", number & (values > spec.max), labels))
    if spec.integer:
        found.append(_issue(spec.name, "not_integer", number & (values % 1 != 0), labels))
    return found


def check_schema(synthetic: pd.DataFrame, schema: TableSchema) -> SchemaDiagnostics:
    """List how the synthetic table breaks the schema (never raises on bad values).

    Args:
        synthetic: The synthetic table.
        schema: The public schema.

    Returns:
        The diagnostics; ``valid`` is False when a modelled column is missing or any issue was found.
    """
    missing = [c.name for c in schema.modelled_columns if c.name not in synthetic.columns]
    issues = [i for c in schema.modelled_columns if c.name in synthetic.columns
              for i in _column_issues(synthetic[c.name], c) if i is not None]
    return SchemaDiagnostics(
        valid=not missing and not issues, missing_columns=missing, issues=issues,
        absent_unmodelled_columns=[c.name for c in schema.columns if not c.modelled and c.name not in synthetic],
        extra_columns=[str(c) for c in synthetic.columns if c not in schema.names])
