"""SDMetrics' QualityReport, configured so that every column pair counts.

SDMetrics' default report skips column pairs whose *real* correlation or association is weak (they are
"below threshold" and left out of the Column Pair Trends score), which flatters a synthesizer that loses
weak relations. privsynth sets both thresholds to 0, so all pairs are scored.

Categorical values are compared as canonical strings: a code read as a float (``6.0``, as pandas reads an
integer column holding missing values) and the same code as a string or integer (``"6"``) are one category;
missing values stay missing. Without this, a synthetic table whose codes are strings scored near zero on every
categorical column whose real data had a missing value.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd
from sdmetrics.reports import QualityReport

from privsynth.tools.data.schema import TableSchema

TABLE = "table"


def _canonical(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return pd.NA
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _prepare(frame: pd.DataFrame, schema: TableSchema, columns: list[str]) -> pd.DataFrame:
    out = frame[columns].copy()
    for spec in schema.modelled_columns:
        if spec.name in columns:
            if spec.kind == "numeric":
                out[spec.name] = pd.to_numeric(out[spec.name], errors="coerce")
            else:
                out[spec.name] = out[spec.name].map(_canonical).astype("string")
    return out


def sdmetrics_quality(real: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema) -> dict[str, Any]:
    """Run SDMetrics' QualityReport on the modelled columns with every pair counted.

    Args:
        real: Real rows.
        synthetic: Synthetic rows.
        schema: Public schema (numeric columns are ``numerical``, the rest ``categorical``).

    Returns:
        ``{"score", "column_shapes", "column_pair_trends", "pairs_scored", "seconds"}``; scores are in
        [0, 1], higher is better.
    """
    columns = [c.name for c in schema.modelled_columns if c.name in real.columns and c.name in synthetic.columns]
    metadata = {"tables": {TABLE: {"columns": {
        c.name: {"sdtype": "numerical" if c.kind == "numeric" else "categorical"}
        for c in schema.modelled_columns if c.name in columns}}}}
    report = QualityReport()
    report.real_correlation_threshold = 0
    report.real_association_threshold = 0
    start = time.perf_counter()
    report.generate({TABLE: _prepare(real, schema, columns)}, {TABLE: _prepare(synthetic, schema, columns)},
                    metadata, verbose=False)
    properties = report.get_properties().set_index("Property")["Score"]
    pairs = report.get_details("Column Pair Trends")
    return {"score": float(report.get_score()), "column_shapes": float(properties["Column Shapes"]),
            "column_pair_trends": float(properties["Column Pair Trends"]),
            "pairs_scored": int(pairs["Score"].notna().sum()), "seconds": time.perf_counter() - start}
