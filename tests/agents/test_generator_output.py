"""What every generator's sample looks like on disk: integer columns are written as integers (issue 16)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from privsynth.agents.generator import integers_as_integers
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer


def _table(n: int = 600) -> tuple[pd.DataFrame, TableSchema]:
    rng = np.random.default_rng(0)
    age = rng.integers(18, 80, n).astype(float)
    age[rng.random(n) < 0.2] = np.nan  # missing values turn the column float in numpy
    frame = pd.DataFrame({"age": age, "kind": rng.choice(["a", "b"], n), "ratio": rng.random(n)})
    schema = TableSchema(columns=[ColumnSpec(name="age", kind="numeric", min=18, max=80, integer=True),
                                  ColumnSpec(name="kind", kind="categorical", categories=["a", "b"]),
                                  ColumnSpec(name="ratio", kind="numeric", min=0, max=1)])
    return frame, schema


def test_integer_column_with_missing_values_is_written_without_a_decimal_point():
    frame, schema = _table()
    out = AIMSynthesizer(2.0, 1e-6, seed=1, progress=False).fit(frame, schema).sample(400)
    assert out["age"].isna().any() and str(out["age"].dtype) == "Int64"
    ages = out.to_csv(index=False).splitlines()[1:]
    assert all(re.fullmatch(r"\d*", line.split(",")[0]) for line in ages)
    assert pd.api.types.is_float_dtype(out["ratio"])  # a non-integer column stays float


def test_only_whole_values_become_integers():
    schema = TableSchema(columns=[ColumnSpec(name="x", kind="numeric", min=0, max=10, integer=True)])
    assert str(integers_as_integers(pd.DataFrame({"x": [1.0, np.nan, 3.0]}), schema)["x"].dtype) == "Int64"
    assert integers_as_integers(pd.DataFrame({"x": [1.5, 2.0]}), schema)["x"].dtype == float
