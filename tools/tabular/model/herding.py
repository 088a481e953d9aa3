"""The compiled inner loop of herded assignment (:func:`~privsynth.tools.tabular.model.sampling.herded_choice`).

Herding is sequential within a group of records (each record's choice depends on the ones before it), so it
cannot be vectorised over the records; in Python it cost about one minute per column for a million rows. This
module runs the same loop compiled by numba, over records already ordered by group (``order``, group boundaries
``bounds``). A value's score for a record is ``share * S - G``: ``S`` sums, over the record's codes, how many
records seen so far carry that code, ``G`` how many of those took the value; the first value with the highest
score and quota left wins.
It reads only the model's rounded counts and the synthetic records' own codes: post-processing, no data.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def herd_groups(order: np.ndarray, bounds: np.ndarray, rows: np.ndarray, counts: np.ndarray,
                codes: np.ndarray, cols: np.ndarray, offsets: np.ndarray, size: int,
                out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Give each record of each group a value by herding, in place in ``out``.

    Args:
        order: ``(n,)`` record indices sorted by group (random order within a group).
        bounds: ``(B + 1,)`` start of each group's run in ``order``, and ``n`` at the end.
        rows: ``(n,)`` group index of every record.
        counts: ``(G, W)`` rounded counts of every value per group (row ``g`` sums to the group's size).
        codes: ``(n, C)`` non-negative integer codes of the records' attributes (read, never copied).
        cols: ``(A,)`` the columns of ``codes`` to balance over.
        offsets: ``(A,)`` start of each of those attributes' own range in ``[0, size)``.
        size: Total width of those ranges.
        out: ``(n,)`` output values.
    """
    n_attrs = len(cols)
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
        given = np.zeros((size, n_live))  # given[c, i]: records with code c that took value i (rows contiguous)
        picked = np.empty(n_attrs, dtype=np.int64)
        short = np.empty(n_live)
        for k in range(lo, hi):
            r = order[k]
            seen_sum = 0.0
            for a in range(n_attrs):
                c = codes[r, cols[a]] + offsets[a]
                picked[a] = c
                seen[c] += 1.0
                seen_sum += seen[c]
            short[:] = 0.0
            for a in range(n_attrs):
                row = given[picked[a]]
                for i in range(n_live):
                    short[i] += row[i]
            best, best_score = -1, -np.inf
            for i in range(n_live):
                if left[i] <= 0:
                    continue
                score = share[i] * seen_sum - short[i]
                if best < 0 or score > best_score:
                    best, best_score = i, score
            for a in range(n_attrs):
                given[picked[a], best] += 1.0
            left[best] -= 1.0
            out[r] = live[best]
