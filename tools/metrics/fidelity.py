"""Fidelity metrics: how alike the real and synthetic distributions are, column by column and pair by pair.

Every function reads DataFrames and returns plain numbers; none of them is differentially private. They
are the data owner's view of a run, never part of the released synthetic data.

Domains come from the public schema: categorical columns are compared over their declared categories,
numeric columns over bins between their public ``min`` and ``max``. Two extra labels catch everything
else: ``<missing>`` for empty cells and ``<other>`` for values outside the declared categories. The
encoding helpers here (:func:`as_category_str`, :func:`split_numeric`, :func:`encode_columns`) are shared
by the utility and privacy metrics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from privsynth.errors import InputDataError
from privsynth.tools.data.schema import ColumnSpec, TableSchema

MISSING = "<missing>"
OTHER = "<other>"
SHAPE_BINS = 20
PAIR_BINS = 10

Specs = Mapping[str, ColumnSpec] | TableSchema


def as_specs(specs: Specs) -> dict[str, ColumnSpec]:
    """Return a name -> spec mapping from a schema or a mapping."""
    if isinstance(specs, TableSchema):
        return {c.name: c for c in specs.columns}
    return dict(specs)


def as_category_str(series: pd.Series) -> pd.Series:
    """Cast values to category strings; integral floats lose their ``.0`` (``39.0`` -> ``"39"``).

    Missing values stay missing (``None``), so that ``39``, ``39.0`` and ``"39"`` compare equal.
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        codes, uniques = pd.factorize(series, use_na_sentinel=True)  # format each distinct value once
        labels = np.array([str(v) for v in uniques] + [None], dtype=object)
        return pd.Series(labels[codes], index=series.index, dtype=object)
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float)
        whole = np.isfinite(values) & (np.mod(values, 1) == 0)
        out = np.where(whole, np.where(whole, values, 0).astype(np.int64).astype(str), values.astype(str))
        return pd.Series(out, index=series.index, dtype=object).where(~np.isnan(values), None)

    def _fmt(value: Any) -> Any:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return None
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
        return str(value)

    # Format each distinct value once (a million-row column has a few hundred), then spread the labels.
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    labels = np.array([_fmt(v) for v in uniques] + [None], dtype=object)
    return pd.Series(labels[codes], index=series.index, dtype=object)


def split_numeric(series: pd.Series, spec: ColumnSpec | None) -> tuple[np.ndarray, pd.Series]:
    """Split a numeric column into float values (NaN where not a number) and special-value labels."""
    labels = as_category_str(series)
    special = labels.isin(spec.special_values if spec else [])
    values = pd.to_numeric(series.where(~special), errors="coerce").to_numpy(dtype=float)
    return values, labels.where(special, None)


def encode_columns(frames: Sequence[pd.DataFrame], col: str, spec: ColumnSpec | None) -> tuple[bool, list]:
    """``(True, float arrays)`` for a numeric column (by spec, else by dtype), else ``(False, label series)``."""
    if spec.kind == "numeric" if spec else all(pd.api.types.is_numeric_dtype(f[col]) for f in frames):
        return True, [split_numeric(f[col], spec)[0] for f in frames]
    return False, [as_category_str(f[col]) for f in frames]


def _public_bins(spec: ColumnSpec, bins: int) -> tuple[np.ndarray, list[str]]:
    """Bin edges and labels over a numeric column's public range (one bin per integer if few)."""
    lo, hi = float(spec.min), float(spec.max)  # type: ignore[arg-type]
    if spec.integer and hi - lo + 1 <= bins:
        edges = np.arange(lo, hi + 2)
        return edges, [f"{v:g}" for v in edges[:-1]]
    edges = np.linspace(lo, hi, bins + 1)
    return edges, [f"{a:g} to {b:g}" for a, b in zip(edges[:-1], edges[1:], strict=True)]


def domain_labels(spec: ColumnSpec, bins: int = SHAPE_BINS) -> list[str]:
    """The labels a column is compared over: categories or public bins, specials, ``<other>``, ``<missing>``."""
    if spec.kind == "numeric":
        return _public_bins(spec, bins)[1] + list(spec.special_values) + [MISSING]
    return list(spec.categories or []) + [OTHER, MISSING]


def discretize(series: pd.Series, spec: ColumnSpec, bins: int = SHAPE_BINS) -> pd.Series:
    """Map a column onto :func:`domain_labels` (numeric values are clipped to the public bounds).

    Args:
        series: The column.
        spec: Its public spec (categorical or numeric).
        bins: Number of public bins for numeric columns.

    Returns:
        A series of labels, one per row.
    """
    if spec.kind == "numeric":
        values, special = split_numeric(series, spec)
        edges, labels = _public_bins(spec, bins)
        idx = np.clip(np.searchsorted(edges, np.clip(values, edges[0], edges[-1]), side="right") - 1,
                      0, len(labels) - 1)
        out = np.where(np.isnan(values), MISSING, np.asarray(labels, dtype=object)[idx])
        return pd.Series(out, index=series.index, dtype=object).where(special.isna(), special)
    if spec.kind != "categorical":
        raise InputDataError(f"Column '{spec.name}' is {spec.kind}; only categorical and numeric columns are "
                             "compared.", "Compare modelled columns only.")
    labels = as_category_str(series)
    known = labels.isin(spec.categories or [])
    return labels.where(known, OTHER).where(labels.notna(), MISSING)


def _codes(series: pd.Series, spec: ColumnSpec, bins: int) -> tuple[np.ndarray, int]:
    """Integer codes of a column over :func:`domain_labels`, and the number of labels."""
    labels = domain_labels(spec, bins)
    return pd.Categorical(discretize(series, spec, bins), categories=labels).codes.astype(np.int64), len(labels)


def check_columns(real: pd.DataFrame, synth: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`InputDataError` when either table is empty or lacks one of ``columns``."""
    for name, frame in (("real", real), ("synthetic", synth)):
        if len(frame) == 0:
            raise InputDataError(f"The {name} table has no rows.", "Compare tables with at least one row.")
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise InputDataError(f"The {name} table lacks column(s) {absent}.", "Compare columns both tables have.")


def marginal_frequencies(real: pd.DataFrame, synth: pd.DataFrame, spec: ColumnSpec,
                         bins: int = SHAPE_BINS) -> tuple[list[str], list[float], list[float]]:
    """Relative frequencies of one column's labels in both tables (labels absent from both are dropped).

    Returns:
        ``(labels, real_shares, synthetic_shares)``; each share list sums to 1.
    """
    check_columns(real, synth, [spec.name])
    labels = domain_labels(spec, bins)
    p = discretize(real[spec.name], spec, bins).value_counts(normalize=True).reindex(labels, fill_value=0.0)
    q = discretize(synth[spec.name], spec, bins).value_counts(normalize=True).reindex(labels, fill_value=0.0)
    keep = (p > 0) | (q > 0)
    return [str(x) for x in p.index[keep]], p[keep].tolist(), q[keep].tolist()


def _ks_atoms(series: pd.Series, spec: ColumnSpec) -> np.ndarray:
    """Numeric values clipped to the bounds; missing and special values become atoms below the minimum."""
    values, special = split_numeric(series, spec)
    lo = float(spec.min)  # type: ignore[arg-type]
    out = np.clip(values, lo, float(spec.max))  # type: ignore[arg-type]
    out[np.isnan(values)] = lo - 1.0
    for k, label in enumerate(spec.special_values):
        out[(special == label).to_numpy()] = lo - 2.0 - k
    return out


def column_shape_similarity(real: pd.DataFrame, synth: pd.DataFrame, spec: ColumnSpec) -> float:
    """How alike one column's distribution is in the real and synthetic tables.

    Definition: categorical columns score ``1 - TVD``, where the total variation distance
    ``TVD = 1/2 * sum_k |p_k - q_k|`` runs over the declared categories plus ``<other>`` and ``<missing>``.
    Numeric columns score ``1 - KS``, the Kolmogorov-Smirnov statistic (largest gap between the two
    empirical CDFs) of the values clipped to the public bounds; missing and special values are atoms
    below the minimum, so a difference in their share counts too.

    Range [0, 1]; higher is better (1 = identical distributions).

    Raises:
        InputDataError: A table is empty or lacks the column.
    """
    check_columns(real, synth, [spec.name])
    if spec.kind != "numeric":  # categorical (other kinds raise in discretize)
        _, p, q = marginal_frequencies(real, synth, spec)
        return float(1.0 - 0.5 * np.abs(np.subtract(p, q)).sum())
    a = np.sort(_ks_atoms(real[spec.name], spec))
    b = np.sort(_ks_atoms(synth[spec.name], spec))
    grid = np.union1d(a, b)
    gap = np.abs(np.searchsorted(a, grid, side="right") / len(a) - np.searchsorted(b, grid, side="right") / len(b))
    return float(1.0 - gap.max())


def pair_trend_scores(real: pd.DataFrame, synth: pd.DataFrame, specs: Specs,
                      columns: Sequence[str] | None = None, bins: int = PAIR_BINS) -> dict[tuple[str, str], float]:
    """:func:`pair_trend_similarity` for every pair of columns, encoding each column once.

    Args:
        real: Real table.
        synth: Synthetic table.
        specs: Public specs (a schema or a name -> spec mapping).
        columns: Columns to pair (default: every modelled column in ``specs``).
        bins: Public bins per numeric column.

    Returns:
        ``{(col_a, col_b): score}`` for every unordered pair, in column order.
    """
    spec_map = as_specs(specs)
    columns = list(columns) if columns is not None else [n for n, s in spec_map.items() if s.modelled]
    check_columns(real, synth, columns)
    coded = {c: (_codes(real[c], spec_map[c], bins), _codes(synth[c], spec_map[c], bins)[0]) for c in columns}
    scores = {}
    for col_a, col_b in combinations(columns, 2):
        (ra, na), sa = coded[col_a]
        (rb, nb), sb = coded[col_b]
        p = np.bincount(ra * nb + rb, minlength=na * nb) / len(ra)
        q = np.bincount(sa * nb + sb, minlength=na * nb) / len(sa)
        scores[(col_a, col_b)] = float(1.0 - 0.5 * np.abs(p - q).sum())
    return scores


def pair_trend_similarity(real: pd.DataFrame, synth: pd.DataFrame, col_a: str, col_b: str, specs: Specs,
                          bins: int = PAIR_BINS) -> float:
    """How alike the joint distribution of two columns is in the real and synthetic tables.

    Definition: ``1 - TVD`` of the two-way contingency tables (shares of each category / public-bin
    combination, ``<other>`` and ``<missing>`` included). Every pair counts; no threshold skips any.

    Range [0, 1]; higher is better (1 = identical joint distributions).
    """
    return pair_trend_scores(real, synth, specs, [col_a, col_b], bins)[(col_a, col_b)]



def _cramers_v(a: np.ndarray, b: np.ndarray, na: int, nb: int) -> float:
    """Cramer's V of two code arrays (0 = independent, 1 = one determines the other)."""
    table = np.bincount(a * nb + b, minlength=na * nb).reshape(na, nb).astype(float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return float(np.sqrt(chi2 / table.sum() / (min(table.shape) - 1)))


def association_matrices(real: pd.DataFrame, synth: pd.DataFrame, specs: Specs,
                         columns: Sequence[str] | None = None, bins: int = PAIR_BINS) -> dict[str, Any]:
    """Strength of association of every pair of columns in both tables (for a correlation-difference map).

    Definition: Cramer's V of the two-way table of categories / public bins (``<missing>`` and ``<other>``
    included), which works for any mix of categorical and numeric columns. Range [0, 1]: 0 means the two
    columns are unrelated, 1 that one determines the other. ``difference`` is ``|real - synthetic|``
    (lower is better).

    Args:
        real: Real table.
        synth: Synthetic table.
        specs: Public specs.
        columns: Columns to compare (default: every modelled column in ``specs``).
        bins: Public bins per numeric column.

    Returns:
        ``{"columns", "real", "synthetic", "difference"}``; the last three are square nested lists.
    """
    spec_map = as_specs(specs)
    columns = list(columns) if columns is not None else [n for n, s in spec_map.items() if s.modelled]
    check_columns(real, synth, columns)
    coded = {c: (_codes(real[c], spec_map[c], bins), _codes(synth[c], spec_map[c], bins)[0]) for c in columns}
    size = len(columns)
    mats = {"real": np.eye(size), "synthetic": np.eye(size)}
    for i, j in combinations(range(size), 2):
        (ra, na), sa = coded[columns[i]]
        (rb, nb), sb = coded[columns[j]]
        for key, (a, b) in (("real", (ra, rb)), ("synthetic", (sa, sb))):
            mats[key][i, j] = mats[key][j, i] = _cramers_v(a, b, na, nb)
    diff = np.abs(mats["real"] - mats["synthetic"])
    return {"columns": columns, "real": mats["real"].round(4).tolist(),
            "synthetic": mats["synthetic"].round(4).tolist(), "difference": diff.round(4).tolist()}
