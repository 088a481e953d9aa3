"""Pure metric functions comparing a real table with a synthetic one.

Every function reads DataFrames and returns plain numbers; none of them is differentially private. They
are the data owner's view of a run, never part of the released synthetic data.

Domains come from the public schema: categorical columns are compared over their declared categories,
numeric columns over bins between their public ``min`` and ``max``. Two extra labels catch everything
else: ``<missing>`` for empty cells and ``<other>`` for values outside the declared categories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from privsynth.errors import InputDataError
from privsynth.tools.schema import ColumnSpec, TableSchema

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
        return series.astype(str).astype(object)
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

    return series.astype(object).map(_fmt)


def _split_numeric(series: pd.Series, spec: ColumnSpec | None) -> tuple[np.ndarray, pd.Series]:
    """Split a numeric column into float values (NaN where not a number) and special-value labels."""
    labels = as_category_str(series)
    special = labels.isin(spec.special_values if spec else [])
    values = pd.to_numeric(series.where(~special), errors="coerce").to_numpy(dtype=float)
    return values, labels.where(special, None)


def _encode(frames: Sequence[pd.DataFrame], col: str, spec: ColumnSpec | None) -> tuple[bool, list]:
    """``(True, float arrays)`` for a numeric column (by spec, else by dtype), else ``(False, label series)``."""
    if spec.kind == "numeric" if spec else all(pd.api.types.is_numeric_dtype(f[col]) for f in frames):
        return True, [_split_numeric(f[col], spec)[0] for f in frames]
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
        values, special = _split_numeric(series, spec)
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
    labels = domain_labels(spec, bins)
    return pd.Categorical(discretize(series, spec, bins), categories=labels).codes.astype(np.int64), len(labels)


def _check(real: pd.DataFrame, synth: pd.DataFrame, columns: Sequence[str]) -> None:
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
    _check(real, synth, [spec.name])
    labels = domain_labels(spec, bins)
    p = discretize(real[spec.name], spec, bins).value_counts(normalize=True).reindex(labels, fill_value=0.0)
    q = discretize(synth[spec.name], spec, bins).value_counts(normalize=True).reindex(labels, fill_value=0.0)
    keep = (p > 0) | (q > 0)
    return [str(x) for x in p.index[keep]], p[keep].tolist(), q[keep].tolist()


def _ks_atoms(series: pd.Series, spec: ColumnSpec) -> np.ndarray:
    """Numeric values clipped to the bounds; missing and special values become atoms below the minimum."""
    values, special = _split_numeric(series, spec)
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
    _check(real, synth, [spec.name])
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
    _check(real, synth, columns)
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


# -- utility ------------------------------------------------------------------------------------------------

def _feature_matrix(frames: Sequence[pd.DataFrame], features: Sequence[str],
                    specs: Mapping[str, ColumnSpec]) -> tuple[list[np.ndarray], list[bool]]:
    """Encode features identically in several frames: categories -> ordinal codes, numbers -> floats."""
    blocks: list[list[np.ndarray]] = [[] for _ in frames]
    is_cat: list[bool] = []
    for col in features:
        spec = specs.get(col)
        numeric, parts = _encode(frames, col, spec)
        cats = [] if numeric else spec.categories if spec and spec.categories else sorted(
            set().union(*(p.dropna() for p in parts)))
        mapping = {c: float(i) for i, c in enumerate(cats)}
        for out, part in zip(blocks, parts, strict=True):
            out.append(part if numeric else part.map(mapping).to_numpy(dtype=float))  # unknown/missing -> NaN
        is_cat.append(not numeric and len(cats) <= 250)
    return [np.column_stack(b) if b else np.empty((len(f), 0)) for b, f in zip(blocks, frames, strict=True)], is_cat


def _classify(model: Any, x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
              classes: list[str]) -> dict[str, float | None]:
    """Fit on (x, y), then accuracy and macro one-vs-rest ROC AUC on the test rows.

    A single training class gives a constant guess (AUC 0.5); no training rows give ``None`` values.
    """
    from sklearn.metrics import roc_auc_score

    seen = sorted(set(y))
    if not seen:
        return {"roc_auc": None, "accuracy": None}
    proba = np.zeros((len(y_test), len(classes)))
    if len(seen) == 1:
        proba[:, classes.index(seen[0])] = 1.0
    else:
        fitted = model.fit(x, y).predict_proba(x_test)
        for j, c in enumerate(model.classes_):
            proba[:, classes.index(str(c))] = fitted[:, j]
    present = [c for c in classes if 0 < (y_test == c).sum() < len(y_test)]
    scored = present[1:] if len(present) == 2 else present
    auc = np.mean([roc_auc_score(y_test == c, proba[:, classes.index(c)]) for c in scored]) if scored else None
    pred = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    return {"roc_auc": None if auc is None else float(auc), "accuracy": float(np.mean(pred == y_test))}


def utility_tstr(train_real: pd.DataFrame, test_real: pd.DataFrame, synth: pd.DataFrame, target: str,
                 features: Sequence[str], specs: Specs | None = None, seed: int = 0,
                 max_rows: int = 50_000) -> dict[str, Any]:
    """Machine-learning utility: train on synthetic, test on real (TSTR) against train on real (TRTR).

    Definition: a ``HistGradientBoosting`` model (categorical features ordinal-encoded and handled
    natively) is trained once on the synthetic table and once on the real training table; both are scored
    on the same real test table. Classification reports ROC AUC (macro one-vs-rest for several classes;
    range [0, 1], 0.5 = guessing) and accuracy (range [0, 1]); a numeric target with more than 15
    distinct values is a regression and reports R^2 (range (-inf, 1]). Higher is better; TSTR close to
    TRTR means the synthetic data is as useful for this task as the real data.

    Args:
        train_real: Real rows the generator was fitted on.
        test_real: Real rows it never saw (holdout).
        synth: Synthetic rows.
        target: Column to predict.
        features: Predictor columns.
        specs: Public specs (used for category lists and the task type); optional.
        seed: Model seed.
        max_rows: Training tables are subsampled to this many rows.

    Returns:
        ``{"task", "target", "tstr": {...}, "trtr": {...}, "degenerate", "notes", "n_train_real",
        "n_test_real", "n_synthetic"}``; metric dicts hold ``roc_auc``/``accuracy`` or ``r2``.

    Raises:
        InputDataError: The target or a feature is absent, or a table has no labelled rows.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    spec_map = as_specs(specs) if specs is not None else {}
    frames = []
    for name, frame in (("real training", train_real), ("real test", test_real), ("synthetic", synth)):
        absent = [c for c in [target, *features] if c not in frame.columns]
        if absent:
            raise InputDataError(f"The {name} table lacks column(s) {absent} needed for the utility test.",
                                 "Name a target and features present in every table.")
        frame = frame[frame[target].notna()]
        if len(frame) > max_rows:
            frame = frame.sample(max_rows, random_state=seed)
        frames.append(frame)
    if len(frames[0]) == 0 or len(frames[1]) == 0:
        raise InputDataError(f"The real tables have no rows with a value for target '{target}'.",
                             "Choose a target column that is filled in.")
    tspec = spec_map.get(target)
    numeric = tspec.kind == "numeric" if tspec else pd.api.types.is_numeric_dtype(train_real[target])
    task = "regression" if numeric and frames[0][target].nunique() > 15 else "classification"
    (x_tr, x_te, x_sy), is_cat = _feature_matrix(frames, features, spec_map)
    out: dict[str, Any] = {"task": task, "target": target, "degenerate": False, "notes": [],
                           "n_train_real": len(frames[0]), "n_test_real": len(frames[1]),
                           "n_synthetic": len(frames[2])}
    cat_mask = np.asarray(is_cat, dtype=bool) if any(is_cat) else None
    if task == "regression":
        from sklearn.metrics import r2_score

        y_tr, y_te, y_sy = (pd.to_numeric(f[target], errors="coerce").to_numpy(dtype=float) for f in frames)
        x_te, y_te = x_te[~np.isnan(y_te)], y_te[~np.isnan(y_te)]
        model = HistGradientBoostingRegressor(categorical_features=cat_mask, random_state=seed)
        for key, x, y in (("trtr", x_tr, y_tr), ("tstr", x_sy, y_sy)):
            ok = ~np.isnan(y)
            out[key] = {"r2": float(r2_score(y_te, model.fit(x[ok], y[ok]).predict(x_te))) if ok.sum() > 1 else None}
        if out["tstr"]["r2"] is None:
            out["degenerate"] = True
            out["notes"].append("The synthetic table has fewer than 2 numeric target values; no model trained.")
        return out
    y_tr, y_te, y_sy = (as_category_str(f[target]).to_numpy(dtype=object) for f in frames)
    classes = sorted(set(y_tr) | set(y_te) | set(y_sy))
    model = HistGradientBoostingClassifier(categorical_features=cat_mask, random_state=seed)
    out["trtr"], out["tstr"] = (_classify(model, x, y, x_te, y_te, classes) for x, y in ((x_tr, y_tr), (x_sy, y_sy)))
    absent, synth_classes = sorted(set(y_tr) - set(y_sy)), sorted(set(y_sy))
    if absent:
        out["degenerate"] = True
        out["notes"].append(f"Class(es) {absent} of '{target}' never occur in the synthetic table; a model "
                            "trained on it cannot predict them.")
    if len(synth_classes) == 1:
        out["notes"].append(f"The synthetic table holds a single class ('{synth_classes[0]}'): its 'model' "
                            "predicts that class for everyone (a constant guess).")
    if out["trtr"]["roc_auc"] is None:
        out["notes"].append("The real test table holds a single class, so ROC AUC is undefined.")
    return out


# -- privacy ------------------------------------------------------------------------------------------------

def _gower_blocks(frames: Sequence[pd.DataFrame], columns: Sequence[str],
                  specs: Mapping[str, ColumnSpec]) -> list[np.ndarray]:
    """Encode frames so that L1 distance / number of columns is a Gower-like distance in [0, 1].

    Categories are one-hot with weight 1/2 (a mismatch costs 1). Numbers are scaled to [0, 1] by the
    public bounds (else the observed range); a missing or special value sits at 1/2 and differs from a
    number by an extra 1/2 through a one-hot state with weight 1/4.
    """
    blocks: list[list[np.ndarray]] = [[] for _ in frames]
    for col in columns:
        spec = specs.get(col)
        numeric, parts = _encode(frames, col, spec)
        if not numeric:
            labels = [p.fillna(MISSING) for p in parts]
            weight = 0.5
        else:
            seen = np.concatenate([v[~np.isnan(v)] for v in parts] + [np.zeros(1)])
            lo, hi = (float(spec.min), float(spec.max)) if spec else (float(seen.min()), float(seen.max()))  # type: ignore[arg-type]
            for out, v in zip(blocks, parts, strict=True):
                out.append(np.nan_to_num((np.clip(v, lo, hi) - lo) / (hi - lo if hi > lo else 1.0), nan=0.5)[:, None])
            labels = [as_category_str(f[col]).where(np.isnan(v), "<value>").fillna(MISSING)
                      for f, v in zip(frames, parts, strict=True)]
            weight = 0.25
        domain = sorted(set().union(*labels))
        if len(domain) > 1:
            for out, lab in zip(blocks, labels, strict=True):
                out.append(weight * pd.get_dummies(pd.Categorical(lab, categories=domain)).to_numpy(dtype=float))
    width = max(len(columns), 1)
    return [np.hstack(b) / width if b else np.zeros((len(f), 1)) for b, f in zip(blocks, frames, strict=True)]


def _row_keys(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    norm = pd.DataFrame({c: as_category_str(frame[c]).fillna(MISSING) for c in columns})
    return pd.util.hash_pandas_object(norm, index=False).to_numpy()


def exact_match_rate(rows: pd.DataFrame, reference: pd.DataFrame, columns: Sequence[str]) -> float:
    """Share of ``rows`` identical to some row of ``reference`` on ``columns`` (range [0, 1])."""
    if len(rows) == 0:
        return 0.0
    return float(np.isin(_row_keys(rows, columns), _row_keys(reference, columns)).mean())


def dcr(train_real: pd.DataFrame, holdout_real: pd.DataFrame, synth: pd.DataFrame, columns: Sequence[str],
        specs: Specs | None = None, max_rows: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Distance to closest record (DCR): are synthetic rows closer to training rows than to unseen ones?

    Definition: the Gower-like distance (mean over columns of a per-column distance in [0, 1]; a category
    mismatch counts 1, numbers count their gap divided by the public range) from each synthetic row to
    its nearest training row and to its nearest holdout row. The training rows are subsampled to the
    holdout's size, so a generator that never saw either set scores 0.5 whatever the split (a generator
    that copies its training rows then scores ``copy_benchmark = 1/2 + 1/2 * n_reference / n_train``,
    which is 1 for equal splits and 0.625 for an 80/20 split).

    * ``share_closer_to_train``: share of synthetic rows nearer a training row (ties count 1/2).
      Range [0, 1]; closer to 0.5 is better; well above 0.5 suggests memorisation.
    * ``p5_ratio``: 5th percentile of DCR to training / to holdout. Range [0, inf); values well below 1
      mean some synthetic rows sit unusually close to training rows (higher is better, 1 = no gap).
    * ``exact_copy_rate``: share of all synthetic rows identical to some (full) training row. Range [0, 1];
      lower is better. ``holdout_exact_match_rate`` gives the baseline of unseen real rows.

    Args:
        train_real: Real rows the generator was fitted on.
        holdout_real: Real rows it never saw.
        synth: Synthetic rows.
        columns: Modelled columns to compare.
        specs: Public specs (bounds scale numbers); optional.
        max_rows: Synthetic and reference rows are subsampled to at most this many.
        seed: Subsampling seed.

    Returns:
        The statistics above plus ``dcr_train_p5``, ``dcr_holdout_p5``, sample sizes and the distance
        arrays ``distances_train`` / ``distances_holdout`` (numpy, one per sampled synthetic row).

    Raises:
        InputDataError: A table is empty or lacks a column.
    """
    from sklearn.neighbors import NearestNeighbors

    for name, frame in (("training", train_real), ("holdout", holdout_real), ("synthetic", synth)):
        if len(frame) == 0:
            raise InputDataError(f"The {name} table has no rows; DCR needs rows in all three tables.")
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise InputDataError(f"The {name} table lacks column(s) {absent}.", "Compare columns all tables have.")
    rng = np.random.default_rng(seed)

    def _sample(frame: pd.DataFrame, n: int) -> pd.DataFrame:
        return frame.iloc[np.sort(rng.choice(len(frame), n, replace=False))] if len(frame) > n else frame

    n_ref = min(len(train_real), len(holdout_real), max_rows)
    ref_train, ref_hold, sample = _sample(train_real, n_ref), _sample(holdout_real, n_ref), _sample(synth, max_rows)
    x_train, x_hold, x_syn = _gower_blocks([ref_train, ref_hold, sample], columns, as_specs(specs or {}))
    d_train = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(x_train).kneighbors(x_syn)[0][:, 0]
    d_hold = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(x_hold).kneighbors(x_syn)[0][:, 0]
    tie = np.isclose(d_train, d_hold, rtol=0, atol=1e-12)
    p5_train, p5_hold = float(np.percentile(d_train, 5)), float(np.percentile(d_hold, 5))
    if p5_hold > 0:
        ratio: float | None = p5_train / p5_hold
    else:
        ratio = 1.0 if p5_train == 0 else None
    return {
        "share_closer_to_train": float(np.mean((d_train < d_hold) & ~tie) + 0.5 * np.mean(tie)),
        "dcr_train_p5": p5_train, "dcr_holdout_p5": p5_hold, "p5_ratio": ratio,
        "exact_copy_rate": exact_match_rate(synth, train_real, columns),
        "holdout_exact_match_rate": exact_match_rate(holdout_real, train_real, columns),
        "n_synthetic_sampled": len(sample), "n_reference": n_ref,
        "copy_benchmark": 0.5 + 0.5 * n_ref / len(train_real),
        "distances_train": d_train, "distances_holdout": d_hold,
    }
