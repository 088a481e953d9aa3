"""SDNist's binning for the k-marginal score (``kmarginal_score(..., binning="sdnist")``), re-implemented.

Source read (usnistgov/SDNist on GitHub, v2.x report code; no code copied):

* ``sdnist/metrics/kmarginal.py``, class ``KMarginal``: the marginals are every pair of features other than
  ``PUMA`` and ``INDP`` (sorted, ``i < j``); with group feature ``PUMA`` each pair becomes the 3-way
  marginal ``(PUMA, A, B)``.
* ``sdnist/report/score/utility/__init__.py``, ``utility_score``: the reported k-marginal score is
  ``int(KMarginal(..., ['PUMA']).score)``.
* ``sdnist/report/dataset/__init__.py`` (``Dataset``) and ``sdnist/report/dataset/binning.py``: the binning.

Definition. For each pair ``(A, B)``, the *densities* of the 3-way marginal ``(PUMA, A, B)`` are cell counts
divided by that table's **total** row count (one global table, not normalised within each PUMA); the sum of
absolute differences between target and deidentified densities over all cells is in ``[0, 2]``. The score is
``(2 - mean over pairs) * 500`` (0 worst, 1000 identical); SDNist truncates it with ``int`` for display,
here it is kept as a float. SDNist also computes per-PUMA scores (differences summed within a PUMA, capped
at the PUMA's target density, rescaled by ``N / N_PUMA``, score ``(1 - mean) * 1000``), but only for the
report's breakdown tables; the headline number is the global one above (:func:`puma_scores` gives the
breakdown). Calibration on the 2019 excerpts with this module (seeds 0-2): a 40% subsample of the target
scores 934 on MA and 935 on TX, and the exact independent-within-PUMA table (each column drawn from its real
``P(X | PUMA)``) 880 / 883, as the NIST documentation states (about 930 and 880).

Binning (SDNist's ``Dataset``/``binning.py``, reproduced here):

* ``AGEP``, ``POVPIP``, ``PINCP``, ``PWGTP``, ``WGTP``: **percentile bins of the target**. Target values
  (``N``/missing excluded, and ``501`` excluded for ``POVPIP``) are truncated to integers, ranked with
  pandas' average-rank percentiles ``pct``, and put in bin ``min(int(20 * pct), 19)``. A synthetic value
  goes to the first target bin whose largest target value is ``>=`` it; values above the last bin's maximum
  go to the last bin (for ``POVPIP`` target ``501`` is that last "bin", as in SDNist). Missing is ``-1``.
* ``DENSITY``: SDNist's fixed log bins ``[0, 150] + logspace(10, max + 500, 21)[8:]`` (``max`` from the data
  dictionary), values clipped to that range.
* Every other feature is compared on its raw codes (missing as its own value, SDNist's ``-1``).

Only features present in both tables are scored (SDNist drops the features a deidentified file lacks or
holds out-of-domain values for); ``INDP`` is never scored (SDNist excludes it from the marginals).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

PERCENTILE_FEATURES = ("AGEP", "POVPIP", "PINCP", "PWGTP", "WGTP")
GROUP = "PUMA"
EXCLUDED = ("INDP",)  # never in a marginal (SDNist KMarginal)
DENSITY_MAX = 52864.7  # the NIST data dictionary's DENSITY maximum


def _percentile_bins(target: pd.Series, synth: pd.Series, special: float | None) -> tuple[pd.Series, pd.Series]:
    t = pd.to_numeric(target, errors="coerce")
    s = pd.to_numeric(synth, errors="coerce")
    t_out = pd.Series(-1, index=target.index, dtype=np.int64)
    s_out = pd.Series(-1, index=synth.index, dtype=np.int64)
    t_num = t.notna() & ((t != special) if special is not None else True)
    ranks = np.trunc(t[t_num]).rank(pct=True)
    bins = np.minimum((20 * ranks).astype(np.int64), 19)
    t_out[t_num] = bins
    if special is not None:
        t_out[t == special] = int(special)
    present = sorted(bins.unique())
    maxima = np.array([np.trunc(t[t_num][bins == b]).max() for b in present])
    s_num = s.notna()
    values = np.trunc(s[s_num].to_numpy(float))
    pos = np.searchsorted(maxima, values, side="left")
    labels = np.array(present + ([int(special)] if special is not None else [present[-1]]))
    s_out[s_num] = labels[np.minimum(pos, len(labels) - 1)]
    return t_out, s_out


def _density_bins(values: pd.Series, dict_max: float) -> pd.Series:
    n_max = dict_max + 500
    edges = np.logspace(1.0, math.log10(n_max), 21)
    edges = np.concatenate([[0.0, 150.0], edges[8:]])
    x = pd.to_numeric(values, errors="coerce").clip(lower=0.0)
    x = x.where(x <= n_max, n_max - 100)
    return pd.cut(x, bins=edges, labels=False, include_lowest=False).fillna(-1).astype(np.int64)


def _codes(values: pd.Series) -> pd.Series:
    def norm(v: object) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "N"
        if isinstance(v, float | np.floating) and float(v).is_integer():
            return str(int(v))
        return str(v)
    return values.map(norm)


def binned(target: pd.DataFrame, synth: pd.DataFrame,
           density_max: float = DENSITY_MAX) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables binned the SDNist way (see the module docstring), on their common columns."""
    common = [c for c in target.columns if c in synth.columns]
    t_out, s_out = pd.DataFrame(index=target.index), pd.DataFrame(index=synth.index)
    for col in common:
        if col in PERCENTILE_FEATURES:
            t_out[col], s_out[col] = _percentile_bins(target[col], synth[col], 501.0 if col == "POVPIP" else None)
        elif col == "DENSITY":
            t_out[col], s_out[col] = _density_bins(target[col], density_max), _density_bins(synth[col], density_max)
        else:
            t_out[col], s_out[col] = _codes(target[col]), _codes(synth[col])
    return t_out, s_out
