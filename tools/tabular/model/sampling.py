"""Low-variance ("rounded") forward sampling for the junction-tree models.

Forward sampling draws each record's new attributes independently given its separator values, so a synthetic
table of ``n`` rows carries multinomial sampling noise on top of the model's own error (for the SDNist
k-marginal score, ``n`` rows drawn i.i.d. from the *real* table's own distribution score only about 948 of
1000 on the NIST MA/TX excerpts). Rounded sampling keeps the model and the sampling order and removes most of
that noise, as private-pgm's ``synthetic_data`` does: the records that share a separator configuration ``g``
(``m_g`` of them) receive the new values in counts that are a randomised rounding of ``m_g * p(new | g)``:
``floor`` of every expected count, plus one extra record on a set of cells drawn by systematic sampling whose
inclusion probabilities are exactly the fractional parts. Every count therefore has expectation
``m_g * p(new | g)`` (unbiased) and differs from it by less than one; which record of the group gets which
value is a uniform random permutation. It is post-processing of the fitted model (no data is read).

:func:`herded_choice` keeps the same rounded counts but chooses *which* records get which value by herding
over attributes the records already have, so that the new attribute is also spread over each of them in
proportion; a random assignment leaves chance associations between attributes of different cliques (and,
in AIM's decoding, between a numeric column's position within its group and every other column). On the
NIST MA/TX excerpts at epsilon 1 this adds about 2.5 k-marginal points (six seeds); its loop over the records
is compiled (:mod:`~privsynth.tools.tabular.model.herding`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from privsynth.tools.tabular.model.herding import herd_groups


def rounded_counts(m: np.ndarray, cond: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Integer counts per group and cell: a randomised systematic rounding of ``m[:, None] * cond``.

    Args:
        m: ``(G,)`` non-negative integer group sizes.
        cond: ``(G, W)`` conditional probabilities (each row sums to 1).
        rng: Random generator.

    Returns:
        ``(G, W)`` int64 counts; row ``g`` sums to ``m[g]`` and every cell is the floor or the ceiling of its
        expected count, with the expected count as its mean.
    """
    expected = m[:, None].astype(float) * cond
    base = np.floor(expected)
    frac = expected - base
    rem = np.rint(m - base.sum(axis=1))
    cum = np.cumsum(frac, axis=1)
    total = cum[:, -1:]
    cum = np.where(total > 0, cum * (rem[:, None] / np.where(total > 0, total, 1.0)), 0.0)
    hits = np.floor(cum + rng.random(len(m))[:, None])
    extra = np.diff(hits, axis=1, prepend=0.0)
    counts = (base + extra).astype(np.int64)
    short = m.astype(np.int64) - counts.sum(axis=1)  # float round-off guard (0 in practice)
    for g in np.flatnonzero(short):
        counts[g, int(np.argmax(cond[g]))] += short[g]
    return np.maximum(counts, 0)


def rounded_choice(rows: np.ndarray, cond: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One pick per record: within each group of ``rows``, the values of :func:`rounded_counts`, shuffled.

    Args:
        rows: ``(n,)`` group index of every record, in ``[0, G)``.
        cond: ``(G, W)`` conditional probabilities of the values given the group.
        rng: Random generator.

    Returns:
        ``(n,)`` int64 values in ``[0, W)``.
    """
    n, (groups, width) = len(rows), cond.shape
    counts = rounded_counts(np.bincount(rows, minlength=groups), cond, rng)
    values = np.repeat(np.tile(np.arange(width), groups), counts.ravel())
    order = np.lexsort((rng.random(n), rows))  # records by group, random order within a group
    out = np.empty(n, dtype=np.int64)
    out[order] = values
    return out


def herded_choice(rows: np.ndarray, cond: np.ndarray, rng: np.random.Generator, others: np.ndarray,
                  use: Sequence[int] | None = None) -> np.ndarray:
    """As :func:`rounded_choice` (the same rounded counts per group), but values given to records by herding.

    Within a group, records are visited in random order and each takes the value (with quota left) whose share
    among the records seen so far falls furthest short of its target share, summed over the records' codes of
    the ``others`` attributes: every value ends up spread over each other attribute in proportion, which
    removes most of the chance association a random assignment adds to every two-way table. Post-processing.

    Args:
        rows: ``(n,)`` group index of every record, in ``[0, G)``.
        cond: ``(G, W)`` conditional probabilities of the values given the group.
        rng: Random generator.
        others: ``(n, A)`` non-negative integer codes of other attributes of the records.
        use: Columns of ``others`` to balance over (default all): lets a caller pass its whole code matrix
            without copying the columns out (a million-row table has 24 of them).

    Returns:
        ``(n,)`` int64 values in ``[0, W)``.
    """
    cols = np.arange(others.shape[1]) if use is None else np.asarray(list(use), dtype=np.int64)
    if len(cols) == 0:
        return rounded_choice(rows, cond, rng)
    n, groups = len(rows), cond.shape[0]
    counts = rounded_counts(np.bincount(rows, minlength=groups), cond, rng)
    widths = np.array([int(others[:, c].max()) + 1 for c in cols], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.int64)  # one range of codes per attribute
    out = np.empty(n, dtype=np.int64)
    shuffled = rng.permutation(n)  # records by group, in a uniformly random order within each group
    order = shuffled[np.argsort(rows[shuffled], kind="stable")]
    bounds = np.flatnonzero(np.r_[True, np.diff(rows[order]) != 0, True])
    herd_groups(order.astype(np.int64), bounds.astype(np.int64), np.asarray(rows, dtype=np.int64),
                counts.astype(np.int64), np.ascontiguousarray(others), cols.astype(np.int64), offsets,
                int(widths.sum()), out)
    return out
