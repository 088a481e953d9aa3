"""SDMetrics QualityReport with every pair counted: known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from privsynth.tools.data.schema import load_schema
from privsynth.tools.metrics.sdmetrics_quality import sdmetrics_quality


def _data(sample_csv, sample_schema):
    schema = load_schema(sample_schema).without(["full_name", "email", "phone"])
    data = pd.read_csv(sample_csv)[schema.names]
    return data, schema


def test_every_pair_counts_and_a_copy_scores_one(sample_csv, sample_schema):
    data, schema = _data(sample_csv, sample_schema)
    n = len(schema.modelled_columns)
    result = sdmetrics_quality(data, data.copy(), schema)
    assert result["pairs_scored"] == n * (n - 1) // 2
    assert result["score"] > 0.99


def test_shuffled_columns_lose_pair_trends(sample_csv, sample_schema):
    data, schema = _data(sample_csv, sample_schema)
    rng = np.random.default_rng(0)
    shuffled = data.apply(lambda col: col.to_numpy()[rng.permutation(len(col))])
    good = sdmetrics_quality(data.iloc[:1500], data.iloc[1500:], schema)
    bad = sdmetrics_quality(data.iloc[:1500], shuffled.iloc[1500:], schema)
    assert abs(bad["column_shapes"] - good["column_shapes"]) < 0.05  # marginals intact
    assert bad["column_pair_trends"] < good["column_pair_trends"] - 0.03  # relations destroyed


def test_validate_table_reports_it(sample_csv, sample_schema):
    from privsynth.agents.validators.tabular import validate_table

    data, schema = _data(sample_csv, sample_schema)
    result = validate_table(data.iloc[:2000], data.iloc[2000:], data.iloc[2000:].reset_index(drop=True), schema,
                            None, level="basic")
    metric = result.fidelity.sdmetrics_quality
    assert metric is not None and 0.9 < metric.value <= 1.0 and "every column pair counts" in metric.definition


def test_codes_as_floats_and_strings_are_one_category():
    from privsynth.tools.data.schema import ColumnSpec, TableSchema

    schema = TableSchema(columns=[ColumnSpec(name="c", kind="categorical", categories=["1", "2", "6"]),
                                  ColumnSpec(name="x", kind="numeric", min=0, max=10)])
    rng = np.random.default_rng(0)
    codes = rng.choice([1, 2, 6], 400)
    real = pd.DataFrame({"c": np.where(np.arange(400) % 10 == 0, np.nan, codes), "x": rng.uniform(0, 10, 400)})
    synth = pd.DataFrame({"c": [None if np.isnan(v) else str(int(v)) for v in real["c"]], "x": real["x"]})
    assert real["c"].dtype == float and synth["c"].iloc[1] in {"1", "2", "6"}
    assert sdmetrics_quality(real, synth, schema)["column_shapes"] > 0.99
