"""Tests of the schema-validity check of relations: every declared rule a synthetic row breaks is listed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.tools.data.schema import ColumnSpec, TableSchema, load_schema
from privsynth.tools.metrics.schema_checks import check_schema

NIST = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "nist_excerpts"


def rules_schema() -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="area", kind="categorical", categories=["a", "b"], nullable=False),
        ColumnSpec(name="density", kind="numeric", min=0, max=1e4, function_of="area", nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="income", kind="numeric", min=0, max=1e6, holds_when={"column": "age", "below": 15}),
        ColumnSpec(name="job", kind="categorical", categories=["x", "y"],
                   holds_when={"column": "age", "below": 16, "exact": False}),
        ColumnSpec(name="school", kind="categorical", categories=["1", "2", "3"], nullable=False,
                   max_by={"column": "age", "steps": [[6, "1"], [18, "2"]]}),
        ColumnSpec(name="children", kind="numeric", min=1, max=9, integer=True, special_values=["0"]),
        ColumnSpec(name="family", kind="numeric", min=2, max=12, integer=True, greater_than="children"),
    ])


def good_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "area": ["a", "a", "b", "b"], "density": [10.0, 10.0, 99.5, 99.5], "age": [3, 15, 40, 70],
        "income": [np.nan, 100.0, 5e4, 3e4], "job": [np.nan, np.nan, "x", np.nan], "school": ["1", "2", "3", "3"],
        "children": [np.nan, 0, 2, 0], "family": [np.nan, np.nan, 3, 2]})


def breaks(frame: pd.DataFrame) -> dict[str, int]:
    return {i.column: i.count for i in check_schema(frame, rules_schema()).issues if i.problem == "breaks_rule"}


def test_rows_that_keep_every_rule_pass() -> None:
    assert breaks(good_rows()) == {}
    assert check_schema(good_rows(), rules_schema()).valid


@pytest.mark.parametrize(("column", "row", "value"), [
    ("density", 1, 11.0),  # a second density in area a
    ("income", 0, 10.0),  # an income at age 3 (holds_when, exact)
    ("income", 2, np.nan),  # no income at 40 (exact: missing exactly under 15)
    ("job", 1, "x"),  # a job at 15 (one-sided)
    ("school", 0, "2"),  # above the ceiling under 6
    ("family", 2, 2),  # a family of two with two children
    ("family", 1, np.nan),  # children and no family, once the count is positive
])
def test_each_broken_rule_is_listed_with_its_rows(column: str, row: int, value: object) -> None:
    frame = good_rows()
    if column == "family" and row == 1:
        frame.loc[1, "children"] = 1
    frame.loc[row, column] = value
    found = breaks(frame)
    assert column in found and sum(found.values()) >= 1
    diagnostics = check_schema(frame, rules_schema())
    assert not diagnostics.valid
    issue = next(i for i in diagnostics.issues if i.column == column and i.problem == "breaks_rule")
    assert issue.examples and "=" in issue.examples[0]


def test_the_real_nist_excerpts_keep_every_shipped_relation() -> None:
    """The reviewed relations are public rules: the real data must keep every one of them."""
    if not NIST.exists():
        pytest.skip(f"{NIST} is absent (see ../shared/data/README.md)")
    schema = load_schema(NIST / "data_dictionary.json")
    for state in ("ma", "tx"):
        real = pd.read_csv(NIST / f"{state}2019.csv", na_values=["N"], dtype={"PUMA": str})
        assert [i for i in check_schema(real, schema).issues if i.problem == "breaks_rule"] == []
