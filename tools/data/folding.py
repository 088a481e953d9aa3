"""A schema's rules for values outside its domain, and its date columns, applied to a table.

A drafted schema (:mod:`privsynth.tools.data.discovery`) lists only the values its DP histogram released. Its
``unlisted`` rule says what every other value becomes, so that the run neither stops on them nor models them:
a categorical column folds them into the named category (the draft's ``"(other)"``) or into missing; a numeric
column treats cells that are neither numbers nor special values as missing. A numeric column with ``"date":
true`` holds days since 1970-01-01: its ISO dates are read as such numbers and the synthetic numbers written
back as dates. Both are public rules of the schema, applied the same way to every row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from privsynth.tools.data.discovery.profile import EPOCH, as_days, as_numbers
from privsynth.tools.data.schema import TableSchema
from privsynth.tools.tabular.encoding.discretize import normalize_value


def apply_domain_rules(data: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """The table with dates as days and unlisted values folded (a copy when anything changes)."""
    rules = [c for c in schema.columns if c.name in data.columns and (c.unlisted is not None or c.date)]
    if not rules:
        return data
    data = data.copy()
    for spec in rules:
        column = data[spec.name]
        if spec.date:
            data[spec.name] = as_days(column)
        elif spec.kind == "numeric":
            numbers = as_numbers(column)  # formatted numbers ($1,234.50, 12%) read as their number
            if spec.special_values:
                special = _text(column).isin(set(spec.special_values))
                data[spec.name] = column.where(special, numbers).where(special | numbers.notna(), np.nan)
            else:
                data[spec.name] = numbers
        elif spec.kind == "categorical":
            text = _text(column)
            listed = text.isin(set(spec.categories or [])) | text.isna()
            data[spec.name] = text.where(listed, np.nan if spec.unlisted == "missing" else spec.unlisted)
    return data


def _text(column: pd.Series) -> pd.Series:
    """Each cell's canonical string (:func:`normalize_value`, stripped); missing stays missing."""
    return column.map(lambda v: normalize_value(v).strip() if pd.notna(v) else np.nan)


def dates_for_output(data: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """The synthetic table with each date column's days written as ISO dates (``YYYY-MM-DD``).

    A column with ``"time": true`` keeps the time of day, to the second (``YYYY-MM-DD HH:MM:SS``).
    """
    dated = [c for c in schema.columns if c.date and c.name in data.columns]
    if not dated:
        return data
    data = data.copy()
    for spec in dated:
        days = pd.to_numeric(data[spec.name], errors="coerce")
        if spec.time:
            stamps = EPOCH + pd.to_timedelta((days * 86_400).round(), unit="s")
            data[spec.name] = stamps.dt.strftime("%Y-%m-%d %H:%M:%S").where(days.notna(), None)
        else:
            stamps = EPOCH + pd.to_timedelta(days.round(), unit="D")
            data[spec.name] = stamps.dt.strftime("%Y-%m-%d").where(days.notna(), None)
    return data
