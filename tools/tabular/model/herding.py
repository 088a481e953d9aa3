"""The compiled inner loop of herded assignment (:func:`~privsynth.tools.tabular.model.sampling.herded_choice`).

Herding is sequential within a group of records (each record's choice depends on the ones before it), so it
cannot be vectorised over the records; in Python it cost about one minute per column for a million rows. This
module runs the same loop compiled by numba, with the same arithmetic and tie-breaking (the first value with
the highest score wins), over records already ordered by group (``order``, group boundaries ``bounds``).
It reads only the model's rounded counts and the synthetic records' own codes: post-processing, no data.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def herd_groups(order: np.ndarray, bounds: np.ndarray, rows: np.ndarray, counts: np.ndarray,
                flat: np.ndarray, size: int, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Give each record of each group a value by herding, in place in ``out``.

    Args:
        order: ``(n,)`` record indices sorted by group (random order within a group).
        bounds: ``(B + 1,)`` start of each group's run in ``order``, and ``n`` at the end.
        rows: ``(n,)`` group index of every record.
        counts: ``(G, W)`` rounded counts of every value per group (row ``g`` sums to the group's size).
        flat: ``(n, A)`` codes of the records' other attributes, each attribute in its own range of ``[0, size)``.
        size: Total width of those ranges.
        out: ``(n,)`` output values.
    """
    n_attrs = flat.shape[1]
    width = counts.shape[1]
    for b in range(len(bounds) - 1):
        lo, hi = bounds[b], bounds[b + 1]
        quota = counts[rows[order[lo]]]
        live = np.flatnonzero(quota > 0)
        n_live = len(live)
        if n_live == 1:
            for k in range(lo, hi):
                out[order[k]] = live[0]
            continue
        total = 0.0
        for v in range(width):
            total += quota[v]
        share = np.empty(n_live)
        left = np.empty(n_live)
        for i in range(n_live):
            share[i] = quota[live[i]] / total
            left[i] = quota[live[i]]
        seen = np.zeros(size)
        given = np.zeros((n_live, size))
        for k in range(lo, hi):
            r = order[k]
            for a in range(n_attrs):
                seen[flat[r, a]] += 1.0
            best, best_score = -1, -np.inf
            for i in range(n_live):
                if left[i] <= 0:
                    continue
                score = 0.0
                for a in range(n_attrs):
                    c = flat[r, a]
                    score += share[i] * seen[c] - given[i, c]
                if best < 0 or score > best_score:
                    best, best_score = i, score
            for a in range(n_attrs):
                given[best, flat[r, a]] += 1.0
            left[best] -= 1.0
            out[r] = live[best]
