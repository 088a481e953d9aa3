"""The k-marginal score of NIST's SDNist benchmark (version 2), on a 0-1000 scale.

What is implemented (after SDNist's ``sdnist/metrics/kmarginal.py`` and ``sdnist/report/dataset/binning.py``):

* **Marginals.** With a key column (``PUMA`` in the NIST excerpts; any ``key`` here), every pair of the
  other features ``(a, b)`` gives a 3-way marginal ``(key, a, b)``; without a key, every pair gives a
  2-way marginal ``(a, b)``. Each marginal is a *density table*: the share of all rows in each cell, so
  it sums to 1 in each table. Every pair counts (SDNist 2 enumerates all pairs; its first version drew
  random ones).
* **Score.** For each marginal, the L1 distance ``sum |real share - synthetic share|`` over all cells
  (range 0-2). ``score = (2 - mean L1 over all pairs) * 500``: 1000 means every marginal matches, 0
  that no cell is shared. Per pair, ``(2 - L1) * 500`` gives a pair score on the same scale.
* **Per key value** (e.g. per PUMA), as SDNist reports it: within the key value ``g``, the summed
  absolute differences are capped at the real share of ``g``, scaled by ``N / N_g``, averaged over the
  pairs, and mapped to ``(1 - mean) * 1000``.
* **Binning.** Numeric features go into 20 percentile bins of the *real* (target) data, as SDNist does:
  a real value's bin is ``int(20 * percentile rank)`` (ties share a rank); synthetic values fall into
  the bin whose range of real values covers them (below the real minimum: first bin, above the maximum:
  last bin). Missing and special values (NIST's ``N``) are bins of their own. Categorical features are
  compared by category; missing is a category of its own, unknown synthetic categories are cells of
  their own (so they count as differences).
* Features listed in ``ignore`` are left out (SDNist leaves out ``INDP``, whose many categories it
  summarises through ``INDP_CAT``).

The score reads the real data: it is a non-DP statistic for the data owner, never released.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd

from privsynth.errors import InputDataError
from privsynth.tools.metrics import sdnist
from privsynth.tools.metrics.fidelity import MISSING, Specs, as_category_str, as_specs, split_numeric

PERCENTILE_BINS = 20
DEFAULT_KEYS = ("PUMA",)


def percentile_bin_edges(values: np.ndarray, bins: int = PERCENTILE_BINS) -> np.ndarray:
    """Upper edges of SDNist's percentile bins of the real values (NaN ignored).

    A value's bin is ``int(bins * pct_rank)`` (the top rank goes to the last bin); each occupied bin's
    upper edge is the largest real value in it.

    Returns:
        Sorted upper edges, one per occupied bin (empty when there is no real number).
    """
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return np.empty(0)
    pct = pd.Series(finite).rank(pct=True).to_numpy()
    idx = np.minimum((bins * pct).astype(int), bins - 1)
    return np.array(sorted(finite[idx == b].max() for b in np.unique(idx)))


def _bin_numeric(values: np.ndarray, special: pd.Series, edges: np.ndarray) -> np.ndarray:
    """Labels ``bin<k>`` by the edges; missing -> ``<missing>``; special values keep their label."""
    if edges.size:
        idx = np.minimum(np.searchsorted(edges, np.nan_to_num(values, nan=edges[0]), side="left"), edges.size - 1)
        labels = np.char.add("bin", idx.astype(str)).astype(object)
    else:
        labels = np.full(len(values), "bin0", dtype=object)
    labels[np.isnan(values)] = MISSING
    mask = special.notna().to_numpy()
    labels[mask] = special.to_numpy()[mask]
    return labels


def _labels(real: pd.Series, synth: pd.Series, spec: Any, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Bin labels of one feature in both tables (numeric per spec, else by dtype)."""
    numeric = spec.kind == "numeric" if spec is not None else (
        pd.api.types.is_numeric_dtype(real) and pd.api.types.is_numeric_dtype(synth) and real.nunique() > bins)
    if numeric:
        (rv, rs), (sv, ss) = split_numeric(real, spec), split_numeric(synth, spec)
        edges = percentile_bin_edges(rv, bins)
        return _bin_numeric(rv, rs, edges), _bin_numeric(sv, ss, edges)
    return (as_category_str(real).fillna(MISSING).to_numpy(dtype=object),
            as_category_str(synth).fillna(MISSING).to_numpy(dtype=object))


def _code(real: np.ndarray, synth: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    codes, uniques = pd.factorize(np.concatenate([real, synth]))
    return codes[: len(real)].astype(np.int64), codes[len(real):].astype(np.int64), len(uniques)


def _densities(real_cells: np.ndarray, synth_cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of each occupied cell in both tables, and each cell's original code."""
    cells, inverse = np.unique(np.concatenate([real_cells, synth_cells]), return_inverse=True)
    p = np.bincount(inverse[: len(real_cells)], minlength=len(cells)) / len(real_cells)
    q = np.bincount(inverse[len(real_cells):], minlength=len(cells)) / len(synth_cells)
    return p, q, cells


def kmarginal_score(real: pd.DataFrame, synth: pd.DataFrame, columns: Sequence[str] | None = None,
                    key: str | None = None, specs: Specs | None = None, ignore: Sequence[str] = (),
                    bins: int = PERCENTILE_BINS, binning: Literal["percentile", "sdnist"] = "percentile",
                    density_max: float | None = None) -> dict[str, Any]:
    """SDNist's k-marginal score of a synthetic table against the real one (see the module docstring).

    ``binning="sdnist"`` bins exactly as SDNist does on the NIST excerpts (:mod:`privsynth.tools.metrics.sdnist`:
    percentile bins of AGEP, POVPIP, PINCP, PWGTP and WGTP only, DENSITY's log bins, INDP left out, PUMA the
    key); the benchmarks use it, so that their figures compare with NIST's published ones.

    Args:
        real: Real (target) table.
        synth: Synthetic (deidentified) table.
        columns: Features to use (default: every column of ``real``).
        key: Key column of the 3-way marginals (e.g. ``"PUMA"``), or ``None`` for 2-way marginals.
        specs: Public specs; a spec's ``kind`` decides numeric binning (else the dtype does).
        ignore: Features to leave out.
        bins: Percentile bins per numeric feature.
        binning: ``"percentile"`` (the general rule above) or ``"sdnist"`` (columns, key and specs then
            come from SDNist's rules).
        density_max: With ``binning="sdnist"``: the data dictionary's DENSITY maximum.

    Returns:
        ``{"score", "key", "n_pairs", "pair_scores": {"a|b": score}, "per_key": {value: score} or None,
        "bins"}``. ``score`` is in [0, 1000]; higher is better. With a single feature, its 1-way (or
        key x feature) marginal is scored instead.

    Raises:
        InputDataError: A table is empty, or lacks a feature or the key.
    """
    if binning == "sdnist":
        real, synth = (frame.astype(str) for frame in sdnist.binned(real, synth, density_max or sdnist.DENSITY_MAX))
        columns = sorted(c for c in real.columns if c not in sdnist.EXCLUDED)
        key = sdnist.GROUP if sdnist.GROUP in real.columns else None
        specs, ignore = None, ()
    spec_map = as_specs(specs or {})
    columns = list(columns) if columns is not None else [str(c) for c in real.columns]
    features = [c for c in columns if c != key and c not in set(ignore)]
    needed = features + ([key] if key else [])
    for name, frame in (("real", real), ("synthetic", synth)):
        if len(frame) == 0:
            raise InputDataError(f"The {name} table has no rows; the k-marginal score needs rows in both.")
        absent = [c for c in needed if c not in frame.columns]
        if absent:
            raise InputDataError(f"The {name} table lacks column(s) {absent} needed for the k-marginal score.")
    if not features:
        raise InputDataError("The k-marginal score needs at least one feature besides the key.")
    coded = {c: _code(*_labels(real[c], synth[c], spec_map.get(c), bins)) for c in needed}
    key_r, key_s, n_key = coded[key] if key else (np.zeros(len(real), np.int64), np.zeros(len(synth), np.int64), 1)
    groups = list(combinations(features, 2)) or [(features[0],)]
    pair_scores: dict[str, float] = {}
    total_l1, group_sum = 0.0, np.zeros(n_key)
    group_n = np.bincount(key_r, minlength=n_key).astype(float)
    for group in groups:
        r_cells, s_cells = key_r.copy(), key_s.copy()
        for c in group:
            r, s, n = coded[c]
            r_cells, s_cells = r_cells * n + r, s_cells * n + s
        p, q, cells = _densities(r_cells, s_cells)
        diff = np.abs(p - q)
        l1 = float(diff.sum())
        total_l1 += l1
        pair_scores["|".join(group)] = (2.0 - l1) * 500.0
        if key:
            divisor = int(np.prod([coded[c][2] for c in group]))
            cell_key = cells // divisor
            per_key_diff = np.bincount(cell_key, weights=diff, minlength=n_key)
            per_key_real = np.bincount(cell_key, weights=p, minlength=n_key)
            group_sum += np.minimum(per_key_diff, per_key_real) * len(real) / np.maximum(group_n, 1.0)
    per_key = None
    if key:
        names = pd.factorize(np.concatenate(_labels(real[key], synth[key], spec_map.get(key), bins)))[1]
        per_key = {str(names[g]): float((1.0 - group_sum[g] / len(groups)) * 1000.0)
                   for g in range(n_key) if group_n[g] > 0}
    return {"score": (2.0 - total_l1 / len(groups)) * 500.0, "key": key, "n_pairs": len(groups),
            "pair_scores": pair_scores, "per_key": per_key, "bins": bins}


def default_key(columns: Sequence[str]) -> str | None:
    """The key column SDNist would use for these columns (``PUMA`` when present), else ``None``."""
    return next((k for k in DEFAULT_KEYS if k in columns), None)


def puma_scores(target: pd.DataFrame, synth: pd.DataFrame, density_max: float = sdnist.DENSITY_MAX) -> pd.Series:
    """SDNist's per-PUMA breakdown (report tables only, not the headline score), one score per group value.

    Per pair, the absolute density differences are summed within each group value, capped at that group's
    target density, and rescaled by ``N / N_group``; the score is ``(1 - mean over pairs) * 1000``.

    Returns:
        Scores indexed by the target's group values.
    """
    per_key = kmarginal_score(target, synth, binning="sdnist", density_max=density_max)["per_key"] or {}
    return pd.Series(per_key, dtype=float)


def subsample_score(target: pd.DataFrame, fraction: float, seed: int = 0) -> float:
    """The score of a random ``fraction`` of the target's rows (SDNist's sampling-error reference)."""
    return kmarginal_score(target, target.sample(frac=fraction, random_state=seed), binning="sdnist")["score"]
