"""Herded sampling: the rounded counts of every group, with values spread in proportion over other attributes."""

from __future__ import annotations

import numpy as np
import pytest

from privsynth.tools.tabular.model.graphical_model import JunctionTreeModel, Measurement, clique_tree
from privsynth.tools.tabular.model.junction_tree import LargeCliqueModel, junction_tree
from privsynth.tools.tabular.model.sampling import herded_choice, rounded_choice


def _setup(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, 4, 2000)
    cond = rng.dirichlet(np.ones(5), size=4)
    others = np.stack([rng.integers(0, 6, 2000), rng.integers(0, 3, 2000), rng.integers(0, 9, 2000)], axis=1)
    return rows, cond, others


def _association(rows: np.ndarray, values: np.ndarray, other: np.ndarray) -> float:
    """L1 distance of the (group, value, other) counts from group-wise independence of value and other."""
    total = 0.0
    for g in np.unique(rows):
        sel = rows == g
        table = np.zeros((5, other.max() + 1))
        np.add.at(table, (values[sel], other[sel]), 1.0)
        total += np.abs(table - np.outer(table.sum(1), table.sum(0)) / table.sum()).sum()
    return total


@pytest.mark.parametrize("seed", range(4))
def test_herding_keeps_the_rounded_counts(seed: int) -> None:
    rows, cond, others = _setup(seed)
    got = herded_choice(rows, cond, np.random.default_rng(seed), others)
    counts = np.zeros((4, 5))
    np.add.at(counts, (rows, got), 1.0)
    expected = np.bincount(rows, minlength=4)[:, None] * cond
    assert (counts.sum(axis=1) == np.bincount(rows, minlength=4)).all()
    assert (counts >= np.floor(expected) - 1e-9).all() and (counts <= np.ceil(expected) + 1e-9).all()


@pytest.mark.parametrize("seed", range(4))
def test_herding_removes_chance_association(seed: int) -> None:
    rows, cond, others = _setup(seed)
    herded = herded_choice(rows, cond, np.random.default_rng(seed), others)
    rounded = rounded_choice(rows, cond, np.random.default_rng(seed))
    for a in range(others.shape[1]):
        assert _association(rows, herded, others[:, a]) < 0.5 * _association(rows, rounded, others[:, a])
    assert np.array_equal(herded_choice(rows, cond, np.random.default_rng(9), others[:, :0]),
                          rounded_choice(rows, cond, np.random.default_rng(9)))  # nothing to balance: as rounding


@pytest.mark.parametrize("cls", [JunctionTreeModel, LargeCliqueModel])
def test_herded_model_samples_keep_cliques_and_drop_chance_links(cls: type) -> None:
    """Attributes 0 and 2 are independent given 1: herding keeps them so in the sample, not just on average."""
    rng = np.random.default_rng(3)
    dom = [4, 2, 5]
    data = np.stack([rng.integers(0, 4, 4000), rng.integers(0, 2, 4000), rng.integers(0, 5, 4000)], axis=1)
    model = cls(dom, *(clique_tree([(0, 1), (1, 2)], ()) if cls is JunctionTreeModel
                       else junction_tree([(0, 1), (1, 2)], dom)))
    meas = [Measurement(c, np.bincount(np.ravel_multi_index(tuple(data[:, a] for a in c), [dom[a] for a in c]),
                                       minlength=int(np.prod([dom[a] for a in c]))).reshape([dom[a] for a in c])
                        .astype(float), 1.0) for c in [(0, 1), (1, 2)]]
    model.fit(meas, 4000, iters=100)

    def link(herding: bool) -> float:
        out = []
        for s in range(5):
            draws = model.sample(1000, np.random.default_rng(s), rounding=True, herding=herding)
            assert draws.shape == (1000, 3)
            out.append(_association(draws[:, 1], draws[:, 0], draws[:, 2]))
        return float(np.mean(out))

    assert link(True) < 0.5 * link(False)


def _herd_reference(rows: np.ndarray, counts: np.ndarray, order: np.ndarray, flat: np.ndarray,
                    size: int) -> np.ndarray:
    """The herding rule written out in plain Python (the specification the compiled loop must follow)."""
    out = np.full(len(rows), -1)
    bounds = np.flatnonzero(np.r_[True, np.diff(rows[order]) != 0, True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        quota = counts[rows[order[lo]]]
        live = [v for v in range(len(quota)) if quota[v] > 0]
        share = {v: quota[v] / quota.sum() for v in live}
        left = {v: int(quota[v]) for v in live}
        seen = [0.0] * size
        given = {v: [0.0] * size for v in live}
        for r in order[lo:hi]:
            codes = list(flat[r])
            for c in codes:
                seen[c] += 1.0
            seen_sum = sum(seen[c] for c in codes)
            best, best_score = None, -np.inf
            for v in live:
                if left[v] <= 0:
                    continue
                score = share[v] * seen_sum - sum(given[v][c] for c in codes)
                if best is None or score > best_score:
                    best, best_score = v, score
            for c in codes:
                given[best][c] += 1.0
            left[best] -= 1
            out[r] = best
    return out


@pytest.mark.parametrize("seed", range(3))
def test_compiled_herding_follows_the_plain_rule(seed: int) -> None:
    """The numba loop gives exactly what the rule written in Python gives, record by record."""
    from privsynth.tools.tabular.model.herding import herd_groups
    from privsynth.tools.tabular.model.sampling import rounded_counts

    rows, cond, others = _setup(seed)
    rows, others = rows[:400], others[:400]
    rng = np.random.default_rng(seed)
    counts = rounded_counts(np.bincount(rows, minlength=4), cond, rng)
    order = np.lexsort((rng.random(len(rows)), rows))
    offsets = np.concatenate([[0], np.cumsum(others.max(axis=0) + 1)[:-1]])
    flat = others + offsets
    size = int(flat.max()) + 1
    out = np.empty(len(rows), dtype=np.int64)
    bounds = np.flatnonzero(np.r_[True, np.diff(rows[order]) != 0, True])
    cols, start = np.arange(others.shape[1]), offsets.astype(np.int64)
    herd_groups(order, bounds, rows.astype(np.int64), counts, others.astype(np.int64), cols, start, size, out)
    assert np.array_equal(out, _herd_reference(rows, counts, order, flat, size))
    got = np.zeros_like(counts)
    np.add.at(got, (rows, out), 1)
    assert np.array_equal(got, counts)


def test_herding_over_chosen_columns_equals_herding_over_their_copy() -> None:
    """``use=`` reads the chosen columns in place: the same values as passing a copy of just those columns."""
    rows, cond, others = _setup(5)
    wide = np.concatenate([others, np.random.default_rng(0).integers(0, 4, (len(rows), 2))], axis=1)
    picked = herded_choice(rows, cond, np.random.default_rng(3), wide, use=[0, 2])
    copied = herded_choice(rows, cond, np.random.default_rng(3), np.ascontiguousarray(wide[:, [0, 2]]))
    assert np.array_equal(picked, copied)
