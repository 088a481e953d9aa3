"""Privacy metrics: do synthetic rows copy, or sit unusually close to, the real training rows?

Distance to closest record (DCR) against a real holdout, exact copies, and a membership inference attack
that scores each real row by the synthetic data's nearest-neighbour density. They are sanity checks for
the data owner (non-DP statistics of the real data), never a privacy guarantee and never released.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from privsynth.errors import InputDataError
from privsynth.tools.data.schema import ColumnSpec
from privsynth.tools.metrics.fidelity import MISSING, Specs, as_category_str, as_specs, encode_columns

TIE_BREAK = 1e-3
MIA_DEFINITION = ("Membership inference advantage: an attacker holding the synthetic table guesses that a real person "
       "was in the training data when a synthetic row lies close to them (nearest-neighbour density). "
       "2 x AUC - 1 over equally many training and holdout people; 0 means the guess is no better than a "
       "coin flip, 1 that it always tells them apart.")


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
        numeric, parts = encode_columns(frames, col, spec)
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


def _check_three(train_real: pd.DataFrame, holdout_real: pd.DataFrame, synth: pd.DataFrame,
                 columns: Sequence[str]) -> None:
    for name, frame in (("training", train_real), ("holdout", holdout_real), ("synthetic", synth)):
        if len(frame) == 0:
            raise InputDataError(f"The {name} table has no rows; this check needs rows in all three tables.")
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise InputDataError(f"The {name} table lacks column(s) {absent}.", "Compare columns all tables have.")


def _subsample(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    return frame.iloc[np.sort(rng.choice(len(frame), n, replace=False))] if len(frame) > n else frame


def _balanced_blocks(train_real: pd.DataFrame, holdout_real: pd.DataFrame, synth: pd.DataFrame,
                     columns: Sequence[str], specs: Any, seed: int, max_real: int, max_synth: int
                     ) -> tuple[list[pd.DataFrame], list[np.ndarray]]:
    """Check the three tables, subsample train and holdout to the same size, and Gower-encode all three."""
    _check_three(train_real, holdout_real, synth, columns)
    rng = np.random.default_rng(seed)
    n = min(len(train_real), len(holdout_real), max_real)
    frames = [_subsample(train_real, n, rng), _subsample(holdout_real, n, rng), _subsample(synth, max_synth, rng)]
    return frames, _gower_blocks(frames, columns, as_specs(specs or {}))


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

    (ref_train, ref_hold, sample), (x_train, x_hold, x_syn) = _balanced_blocks(
        train_real, holdout_real, synth, columns, specs, seed, max_rows, max_rows)
    n_ref = len(ref_train)
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


def membership_inference(train_real: pd.DataFrame, holdout_real: pd.DataFrame, synth: pd.DataFrame,
                         columns: Sequence[str], specs: Specs | None = None, max_rows: int = 1000,
                         max_synthetic_rows: int = 5000, k: int = 5, seed: int = 0) -> dict[str, Any]:
    """Membership inference advantage of a simple density-based attack.

    Attack: an attacker holding the synthetic table guesses that a real record was in the training data
    when the synthetic data is dense around it. Each candidate's score is minus its Gower distance to the
    closest synthetic row (a nearest-neighbour density estimate); ties are broken by the mean distance to
    the ``k`` closest synthetic rows.
    Candidates are equally many training rows (members) and holdout rows (non-members).

    * ``auc``: ROC AUC of the score separating members from non-members. Range [0, 1]; 0.5 = guessing.
    * ``advantage``: ``2 * AUC - 1``. Range [-1, 1]; 0 means the attacker learns nothing about
      membership, 1 that it always tells members apart (lower is better; small negative values are noise).
    * ``tpr_minus_fpr``: the largest gap between the true and false positive rates over all thresholds
      (range [0, 1]; a small positive value is expected from noise alone).

    Args:
        train_real: Real rows the generator was fitted on.
        holdout_real: Real rows it never saw.
        synth: Synthetic rows.
        columns: Modelled columns to compare.
        specs: Public specs (bounds scale numbers); optional.
        max_rows: Members and non-members are each subsampled to at most this many.
        max_synthetic_rows: Synthetic rows are subsampled to at most this many.
        k: Neighbours of the density estimate.
        seed: Subsampling seed.

    Returns:
        The statistics above plus ``n_candidates`` (per class) and ``n_synthetic_sampled``.

    Raises:
        InputDataError: A table is empty or lacks a column.
    """
    from sklearn.metrics import roc_auc_score, roc_curve
    from sklearn.neighbors import NearestNeighbors

    (members, others, sample), (x_mem, x_oth, x_syn) = _balanced_blocks(
        train_real, holdout_real, synth, columns, specs, seed, max_rows, max_synthetic_rows)
    n = len(members)
    k = max(1, min(k, len(sample)))
    dist = NearestNeighbors(n_neighbors=k, metric="manhattan").fit(x_syn).kneighbors(np.vstack([x_mem, x_oth]))[0]
    score = -(dist[:, 0] + TIE_BREAK * dist.mean(axis=1))
    labels = np.r_[np.ones(len(members)), np.zeros(len(others))]
    auc = float(roc_auc_score(labels, score))
    fpr, tpr, _ = roc_curve(labels, score)
    return {"auc": auc, "advantage": 2.0 * auc - 1.0, "tpr_minus_fpr": float(np.max(tpr - fpr)),
            "n_candidates": n, "n_synthetic_sampled": len(sample)}
