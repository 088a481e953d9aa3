"""Herded thinning: the ``n`` records of a larger model sample whose workload marginals best match the pool's.

A synthetic table of ``n`` rows carries sampling error on top of the model's own error: on the NIST excerpts
at epsilon 1, a sample of four times the rows scores about 4.5 k-marginal points more than one of ``n`` rows
from the same fitted model (``evals/aim_ablation.py --rows-scale 4``), although the model is the same. The
sampler's herding balances each clique's draw over the attributes already drawn, but the (key, A, B) tables a
user compares on are mostly not cliques of the model.

Here the model draws ``pool`` times the rows, and ``n`` of them are chosen one at a time by herding on the
workload's marginals: every ``(key, A, B)`` table (every ``(A, B)`` without a key), columns with many codes in
at most :data:`BINS` quantile bins of the pool. Record ``r``'s score after ``k`` choices is
``(k + 1) / n * sum_q T_q(r) - sum_q C_q(r)``, with ``T_q(r)`` the pool's count of ``r``'s cell in table ``q``
scaled to ``n`` and ``C_q(r)`` the count already chosen there; the best unchosen record is taken (ties by
a random jitter). The chosen rows keep every property a sampled row has (the schema's rules hold row by
row). Post-processing of the model's draws with the run's random stream: no data is read, no budget spent.

Cost: ``O(pool * n)`` comparisons and a ``pool x tables`` index, so tables of more than :data:`MAX_ROWS` rows
are drawn directly (their sampling error is smaller anyway): at 30,000 rows and 25 columns thinning doubled the
README command's time (67 s to 127 s) and added 800 MiB (``evals/scale_bench.py``).
"""

from __future__ import annotations

import itertools

import numba
import numpy as np

BINS = 40  # quantile bins of a column with more codes than this (20 bins: +1.6 on a TX seed, 40: +1.8)
MAX_ROWS = 15_000  # above this many rows, no thinning (30,000 rows: +60 s and +800 MiB on 2 cores)


def workload_cells(codes: np.ndarray, key: int | None) -> np.ndarray:
    """Each record's cell in every workload table, as one global cell index per (record, table).

    Args:
        codes: ``(P, m)`` non-negative integer codes of the pool's records.
        key: The key column (in every table), or None for all pairs.

    Returns:
        ``(P, Q)`` int64 cell ids: tables are numbered consecutively, and only cells that occur get an id.
    """
    coarse = np.stack([_coarse(codes[:, j]) for j in range(codes.shape[1])], axis=1)
    others = [j for j in range(codes.shape[1]) if j != key]
    tables = list(itertools.combinations(others, 2)) if len(others) > 1 else [(j,) for j in others]
    out = np.empty((len(codes), len(tables)), dtype=np.int64)
    offset = 0
    for q, pair in enumerate(tables):
        cols = ((key,) if key is not None else ()) + pair
        dims = [int(coarse[:, c].max()) + 1 for c in cols]
        flat = np.ravel_multi_index(tuple(coarse[:, c] for c in cols), dims)
        _, local = np.unique(flat, return_inverse=True)
        out[:, q] = local.ravel() + offset
        offset += int(local.max()) + 1
    return out


def _coarse(column: np.ndarray) -> np.ndarray:
    """A column's codes, or their quantile bins (by code order) when it has more than :data:`BINS` codes."""
    values, dense = np.unique(column, return_inverse=True)
    dense = dense.ravel()
    if len(values) <= BINS:
        return dense
    counts = np.bincount(dense, minlength=len(values))
    mid = (np.cumsum(counts) - counts / 2.0) / len(column)  # each code's mid-rank share
    return np.minimum((mid * BINS).astype(np.int64), BINS - 1)[dense]


def herded_subset(codes: np.ndarray, n: int, key: int | None, rng: np.random.Generator) -> np.ndarray:
    """Indices (sorted) of ``n`` pool records whose workload marginals follow the pool's (module docstring).

    Args:
        codes: ``(P, m)`` codes of the pool's records, ``P >= n``.
        n: Records to keep.
        key: The workload's key column, or None.
        rng: The run's random stream (ties).

    Returns:
        ``(n,)`` sorted int64 indices into the pool (all of them when ``P == n``).
    """
    pool = len(codes)
    if n >= pool:
        return np.arange(pool, dtype=np.int64)
    cells = workload_cells(codes, key)
    flat = cells.ravel()
    counts = np.bincount(flat)  # the pool's count of every cell
    members = np.argsort(flat, kind="stable") // cells.shape[1]  # the records of each cell, cell by cell
    starts = np.concatenate(([0], np.cumsum(counts)))
    base = (counts * (n / pool))[cells].sum(axis=1) + rng.random(pool) * 1e-6
    return np.sort(_herd(cells, base, n, starts, members))


@numba.njit(cache=True, nogil=True)
def _herd(cells: np.ndarray, base: np.ndarray, n: int, starts: np.ndarray,
          members: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """The greedy loop: ``n`` picks, each the best ``(k + 1) / n * base - chosen`` among unchosen records."""
    pool, tables = cells.shape
    chosen = np.zeros(pool)
    free = np.ones(pool, dtype=np.bool_)
    out = np.empty(n, dtype=np.int64)
    for k in range(n):
        share = (k + 1) / n
        best, top = -1, -np.inf
        for r in range(pool):
            if free[r]:
                value = share * base[r] - chosen[r]
                if value > top:
                    top, best = value, r
        out[k] = best
        free[best] = False
        for q in range(tables):
            cell = cells[best, q]
            for t in range(starts[cell], starts[cell + 1]):
                chosen[members[t]] += 1.0
    return out
