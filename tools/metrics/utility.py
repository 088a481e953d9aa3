"""Utility metrics: is a model trained on the synthetic table as good on real rows as one trained on real rows?

Train on synthetic, test on real (TSTR) against train on real, test on real (TRTR), both scored on the
same real holdout that the generator never saw. Not differentially private: for the data owner only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from privsynth.errors import InputDataError
from privsynth.tools.data.schema import ColumnSpec
from privsynth.tools.metrics.fidelity import Specs, as_category_str, as_specs, encode_columns

UTILITY_DEFS = {
    "roc_auc": ("ROC AUC on the real holdout: the chance the model ranks a random positive above a random "
                "negative (macro one-vs-rest for several classes); 0.5 is guessing.", (0.0, 1.0)),
    "accuracy": ("Share of real holdout rows whose class the model predicts correctly.", (0.0, 1.0)),
    "r2": ("R^2 on the real holdout: share of the target's variance the model explains; 0 is predicting "
           "the mean.", (None, 1.0)),
}
ORIGINS = {"tstr": "Model trained on the synthetic table. ", "trtr": "Model trained on the real training rows "
           "(the reference the synthetic table should approach). "}


def _feature_matrix(frames: Sequence[pd.DataFrame], features: Sequence[str],
                    specs: Mapping[str, ColumnSpec]) -> tuple[list[np.ndarray], list[bool]]:
    """Encode features identically in several frames: categories -> ordinal codes, numbers -> floats."""
    blocks: list[list[np.ndarray]] = [[] for _ in frames]
    is_cat: list[bool] = []
    for col in features:
        spec = specs.get(col)
        numeric, parts = encode_columns(frames, col, spec)
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
