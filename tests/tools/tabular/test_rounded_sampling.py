"""Rounded (low-variance) sampling: exact group sizes, floor/ceil counts, unbiased, and tighter than i.i.d."""

from __future__ import annotations

import numpy as np
import pytest

from privsynth.tools.tabular.model.graphical_model import JunctionTreeModel, Measurement, clique_tree
from privsynth.tools.tabular.model.junction_tree import LargeCliqueModel, junction_tree
from privsynth.tools.tabular.model.sampling import rounded_choice, rounded_counts


def test_counts_are_floor_or_ceil_and_sum_to_the_group_size() -> None:
    rng = np.random.default_rng(0)
    cond = rng.dirichlet(np.ones(7), size=50)
    m = rng.integers(0, 40, 50)
    for _ in range(20):
        counts = rounded_counts(m, cond, rng)
        expected = m[:, None] * cond
        assert (counts.sum(axis=1) == m).all()
        assert (counts >= np.floor(expected) - 1e-9).all() and (counts <= np.ceil(expected) + 1e-9).all()


def test_counts_are_unbiased() -> None:
    rng = np.random.default_rng(1)
    cond = np.array([[0.05, 0.15, 0.3, 0.5], [0.97, 0.01, 0.01, 0.01]])
    m = np.array([3, 5])
    mean = np.mean([rounded_counts(m, cond, rng) for _ in range(20000)], axis=0)
    assert mean == pytest.approx(m[:, None] * cond, abs=0.02)


def test_choice_gives_each_group_its_counts_in_random_order() -> None:
    rng = np.random.default_rng(2)
    rows = rng.integers(0, 3, 600)
    cond = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.2, 0.3, 0.5]])
    picks = rounded_choice(rows, cond, rng)
    assert (picks[rows == 0] == 0).all()
    assert set(picks[rows == 1]) <= {1, 2}
    for g in range(3):
        got = np.bincount(picks[rows == g], minlength=3)
        assert np.abs(got - (rows == g).sum() * cond[g]).max() < 1.0 + 1e-9
    assert not (np.diff(picks[rows == 2]) >= 0).all()  # shuffled, not sorted by value


@pytest.mark.parametrize("cls", [JunctionTreeModel, LargeCliqueModel])
def test_rounded_model_samples_track_the_model_more_tightly(cls: type) -> None:
    rng = np.random.default_rng(3)
    dom = [4, 5, 3]
    data = rng.integers(0, 60, (3000, 3)) % np.array(dom)
    data[:, 1] = (data[:, 0] + rng.integers(0, 2, 3000)) % 5
    if cls is JunctionTreeModel:
        model = cls(dom, *clique_tree([(0, 1), (1, 2)], ()))
    else:
        model = cls(dom, *junction_tree([(0, 1), (1, 2)], dom))
    meas = [Measurement(c, np.bincount(np.ravel_multi_index(tuple(data[:, a] for a in c), [dom[a] for a in c]),
                                       minlength=int(np.prod([dom[a] for a in c]))).reshape([dom[a] for a in c])
                        .astype(float), 1.0) for c in [(0, 1), (1, 2)]]
    model.fit(meas, 3000, iters=200)
    want = model.marginal((0, 1)) / model.total

    def error(rounding: bool) -> float:
        errs = []
        for _ in range(20):
            draws = model.sample(500, rng, rounding=rounding)
            got = np.bincount(draws[:, 0] * 5 + draws[:, 1], minlength=20).reshape(4, 5) / 500
            errs.append(np.abs(got - want).sum())
        return float(np.mean(errs))

    assert error(True) < 0.6 * error(False)
    fixed = model.sample(50, rng, evidence={1: 2}, rounding=True)
    assert (fixed[:, 1] == 2).all()


def test_smoothing_keeps_spikes_and_denoises_flat_columns() -> None:
    from privsynth.tools.tabular.encoding.codec import compress, spiky

    rng = np.random.default_rng(4)
    sigma = 60.0
    flat = np.full(100, 75.0)  # an age-like column: about as much noise as signal per bin
    noisy_flat = flat + rng.normal(0, sigma, 100)
    spikes = np.zeros(100)
    spikes[[10, 40, 70]] = 2500.0  # a density-like column: a few strong values
    noisy_spikes = spikes + rng.normal(0, sigma, 100)
    assert not spiky(noisy_flat, sigma) and spiky(noisy_spikes, sigma)

    def within_error(noisy: np.ndarray, true: np.ndarray, smooth: float | None) -> float:
        g = compress(np.concatenate([noisy, [0.0]]), 100, 3 * sigma, 1, smooth)
        w = g.weights[:100] / g.weights[:100].sum()
        return float(np.abs(w - true / true.sum()).sum())

    assert within_error(noisy_flat, flat, sigma) < 0.5 * within_error(noisy_flat, flat, None)
    assert within_error(noisy_spikes, spikes, sigma) == pytest.approx(within_error(noisy_spikes, spikes, None))


def test_group_decoding_with_rounding_gives_floor_or_ceil_counts() -> None:
    from privsynth.tools.tabular.encoding.codec import Groups

    groups = Groups(of_fine=np.array([0, 0, 0, 1, 1]), weights=np.array([1.0, 2.0, 1.0, 3.0, 1.0]), n_groups=2)
    rng = np.random.default_rng(5)
    codes = np.repeat([0, 1], [10, 6])
    fine = groups.decode_fine(codes, rng, rounding=True)
    assert set(fine[:10]) <= {0, 1, 2} and set(fine[10:]) <= {3, 4}
    got = np.bincount(fine, minlength=5)
    want = np.array([2.5, 5.0, 2.5, 4.5, 1.5])
    assert (np.abs(got - want) < 1.0).all()


def test_low_epsilon_puts_more_budget_on_the_key_tables() -> None:
    from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
    from privsynth.tools.tabular.mechanisms.mst import MSTSynthesizer

    assert AIMSynthesizer(1.0, 1e-5).opts["key_share"] == 0.65
    assert AIMSynthesizer(10.0, 1e-5).opts["key_share"] == 0.3
    assert MSTSynthesizer(1.0, 1e-5).opts["key_share"] == 0.5
    assert MSTSynthesizer(1.0, 1e-5, key_share=0.2).opts["key_share"] == 0.2
