"""Schema validity of a synthetic table: types, ranges, categories, required columns and the schema's relations.

:func:`check_schema` never raises on bad values; it lists them (count and a few examples per column and
problem) so that the report can show them and the release policy can fail the release.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from privsynth.tools.data.schema import ColumnSpec, TableSchema, category_keys
from privsynth.tools.metrics.fidelity import as_category_str

EXAMPLES = 5


class ColumnIssue(BaseModel):
    """A way the synthetic table breaks the schema in one column (``count`` rows, a few ``examples``)."""

    column: str
    problem: Literal["unknown_category", "below_min", "above_max", "not_a_number", "not_integer",
                     "missing_not_allowed", "breaks_rule"]
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


class _Columns:
    """Each column's labels and numbers, converted once (a million-row table has several rules per column)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._labels: dict[str, pd.Series] = {}
        self._numbers: dict[str, pd.Series] = {}

    def labels(self, name: str) -> pd.Series:
        if name not in self._labels:  # each distinct value converted once
            codes, uniques = pd.factorize(self.frame[name])  # missing cells get code -1: the appended None
            labels = np.append(as_category_str(pd.Series(uniques, dtype=object)).to_numpy(dtype=object), None)
            self._labels[name] = pd.Series(labels[codes], index=self.frame.index, dtype=object)
        return self._labels[name]

    def numbers(self, spec: ColumnSpec, specials: bool = True) -> pd.Series:
        """A numeric column's values; special values by their number, or (``specials`` False) as none."""
        if spec.name not in self._numbers:
            self._numbers[spec.name] = pd.to_numeric(self.frame[spec.name], errors="coerce")
        values = self._numbers[spec.name]
        if specials or not spec.special_values:
            return values
        return values.where(~self.labels(spec.name).isin(spec.special_values))


def _rule_breaks(cols: _Columns, spec: ColumnSpec, schema: TableSchema) -> list[tuple[str, pd.Series]]:
    """For each of ``spec``'s relations to another column present: that column's name and the rows breaking it."""
    frame = cols.frame
    names, found = set(frame.columns), []
    rule = spec.holds_when
    if rule is not None and rule.column in names:
        gate = cols.numbers(schema.column(rule.column), specials=False) if rule.below is not None else None
        meets = (gate < rule.below) if gate is not None else cols.labels(rule.column).isin(rule.among or [])
        fails = (gate >= rule.below) if gate is not None else ~meets  # special values meet no threshold
        labels = cols.labels(spec.name)
        holds = labels.isna() if rule.value is None else labels.eq(str(rule.value))
        found.append((rule.column, (meets & ~holds) | ((fails & holds) if rule.exact else False)))
    if spec.greater_than is not None and spec.greater_than in names:
        other, this = cols.numbers(schema.column(spec.greater_than)), cols.numbers(spec)
        broken = (other.notna() & this.notna() & (this <= other)) | ((other > 0) & this.isna())
        found.append((spec.greater_than, broken))
    if spec.max_by is not None and spec.max_by.column in names:
        keys = category_keys(spec)
        age, rank = cols.numbers(schema.column(spec.max_by.column)), cols.labels(spec.name).map(keys)
        broken = pd.Series(False, index=frame.index)
        for below, most in spec.max_by.steps:
            broken |= (age < below) & (rank > keys[most])
        found.append((spec.max_by.column, broken))
    if spec.function_of is not None and spec.function_of in names:
        keys = pd.factorize(frame[spec.function_of], use_na_sentinel=False)[0]
        values = pd.factorize(frame[spec.name], use_na_sentinel=False)[0]
        pairs = pd.DataFrame({"k": keys, "v": values}).drop_duplicates()
        distinct = pairs["k"].value_counts()  # values per key
        found.append((spec.function_of, pd.Series(distinct.reindex(keys).to_numpy() > 1, index=frame.index)))
    return found


def _relation_issues(synthetic: pd.DataFrame, schema: TableSchema) -> list[ColumnIssue]:
    """One issue per relation (``holds_when``, ``greater_than``, ``max_by``, ``function_of``) that rows break."""
    issues, cols = [], _Columns(synthetic)
    for spec in schema.modelled_columns:
        if spec.name not in synthetic.columns:
            continue
        for other, mask in _rule_breaks(cols, spec, schema):
            if not mask.any():
                continue
            rows = synthetic.loc[mask, [other, spec.name]].astype(str).drop_duplicates().head(EXAMPLES)
            examples = [f"{other}={a}, {spec.name}={b}" for a, b in rows.itertuples(index=False)]
            issues.append(ColumnIssue(column=spec.name, problem="breaks_rule", count=int(mask.sum()),
                                      examples=examples))
    return issues


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
    issues += _relation_issues(synthetic, schema)
    return SchemaDiagnostics(
        valid=not missing and not issues, missing_columns=missing, issues=issues,
        absent_unmodelled_columns=[c.name for c in schema.columns if not c.modelled and c.name not in synthetic],
        extra_columns=[str(c) for c in synthetic.columns if c not in schema.names])
