"""Columns that are a function of another (``function_of``): one value per value of the column they follow.

A schema rule ``"function_of": "PUMA"`` says the column holds a single value for each value of the named
categorical column: NIST's ``DENSITY`` is "population density among residents of each PUMA". A model of
noisy marginals draws the column afresh in every row (on TX 2019 at epsilon 1, about 1,300 distinct densities
in each PUMA, 1.3% of the rows in another of SDNist's density bins than their PUMA's). Here every row of one
value of the named column gets the same value: for a numeric column, the lower median of what the model drew
for those rows (a value it drew, so it keeps the column's domain, type and precision); for a categorical one,
the most frequent category. Where most of those rows drew a missing value, all of them are missing.
Post-processing of the synthetic rows: no data is read, no budget spent.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from privsynth.tools.data.schema import TableSchema


def _one_value(values: pd.Series, numeric: bool) -> object:
    """The value a group of rows shares: missing by majority, else the lower median (numeric) or the mode."""
    present = values.dropna()
    if len(present) * 2 < len(values):
        return np.nan
    if numeric:
        ordered = np.sort(present.to_numpy(dtype=float))
        return ordered[(len(ordered) - 1) // 2]
    return present.value_counts(sort=True).index[0]


def collapse_functions(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Give every column with a ``function_of`` rule one value per value of the column it follows.

    Args:
        frame: A synthetic table.
        schema: Its public schema.

    Returns:
        The table (``frame`` itself when no rule applies).
    """
    for spec in schema.columns:
        follows = spec.function_of
        if follows is None or spec.name not in frame.columns or follows not in frame.columns or frame.empty:
            continue
        frame = frame.copy()
        keys = frame[follows].astype(object).where(frame[follows].notna(), "\x00<NA>")
        shared = frame.groupby(keys, sort=False)[spec.name].agg(partial(_one_value, numeric=spec.kind == "numeric"))
        values = pd.Series(keys.map(shared).to_numpy(), index=frame.index)
        dtype = frame[spec.name].dtype
        frame[spec.name] = values if values.isna().any() and dtype.kind in "iu" else values.astype(dtype)
    return frame
