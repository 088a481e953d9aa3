"""Tests of the sub-group ``(key, X)`` tables (:mod:`privsynth.tools.tabular.mechanisms.key_subgroups`) and
their use in AIM."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from privsynth.errors import ConfigError
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.mechanisms.key_subgroups import (
    SubGroups,
    coarse_measurement,
    shrink_to_independence,
    split_groups,
    subgroup_masses,
)
from privsynth.tools.tabular.model.graphical_model import Measurement

FAST = {"iters": 80, "round_iters": 15, "progress": False}


def test_split_groups_nest_in_groups_with_about_equal_weight() -> None:
    group_of_fine = np.array([0] * 8 + [1] * 3 + [2] + [3, 4])  # 12 ordered bins, then 2 unordered codes
    weights = np.array([1.0] * 8 + [5.0, 0.0, 5.0] + [7.0] + [3.0, 3.0])
    sub = split_groups(group_of_fine, weights, n_ordered=12, parts=2)
    assert sub.n_sub == 2 + 2 + 1 + 1 + 1
    assert np.array_equal(sub.group_of[sub.of_fine], group_of_fine)  # every sub-group inside one group
    assert np.all(np.diff(sub.of_fine[:12]) >= 0)  # contiguous, in order
    first = [weights[:8][sub.of_fine[:8] == s].sum() for s in np.unique(sub.of_fine[:8])]
    assert first == [4.0, 4.0]
    assert split_groups(group_of_fine, weights, 12, parts=1).n_sub == 5  # parts=1: the groups themselves


def test_coarse_measurement_sums_back_with_the_right_noise() -> None:
    sub = SubGroups(of_fine=np.array([0, 1, 2, 3]), group_of=np.array([0, 0, 1, 2]))
    values = np.arange(12.0).reshape(3, 4)  # (key, sub-groups)
    got = coarse_measurement(Measurement((0, 1), values, 2.0), axis=1, sub=sub, n_groups=3)
    assert np.array_equal(got.values, np.stack([values[:, 0] + values[:, 1], values[:, 2], values[:, 3]], 1))
    assert np.allclose(got.sigma, np.broadcast_to([2.0 * math.sqrt(2), 2.0, 2.0], (3, 3)))
    flipped = coarse_measurement(Measurement((0, 1), values.T, 2.0), axis=0, sub=sub, n_groups=3)
    assert np.array_equal(flipped.values, got.values.T) and np.allclose(flipped.sigma, np.asarray(got.sigma).T)


def _masses(truth_share: np.ndarray, sigma: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two sub-groups per group, 40 key values; prediction 50/50; measurement of the true split."""
    rng = np.random.default_rng(seed)
    sub = SubGroups(of_fine=np.arange(2), group_of=np.array([0, 0]))
    total = np.full((40, 1), 1000.0)
    pred = np.hstack([total / 2, total / 2])
    true = np.hstack([total * truth_share[:, None], total * (1 - truth_share[:, None])])
    noisy = true + rng.normal(0.0, sigma, true.shape)
    return subgroup_masses(pred, noisy, sigma, sub), true


def test_subgroup_masses_keep_group_totals_and_follow_real_departures() -> None:
    share = np.linspace(0.1, 0.9, 40)  # the split differs by key value, far beyond the noise
    est, true = _masses(share, sigma=5.0, seed=0)
    assert np.allclose(est.sum(axis=1), 1000.0)
    assert np.abs(est - true).mean() < 10.0  # follows the measurement (the 50/50 prediction is off by up to 400)


def test_subgroup_masses_ignore_noise_sized_departures() -> None:
    est, _ = _masses(np.full(40, 0.5), sigma=40.0, seed=1)  # the prediction is right; only noise departs
    assert np.allclose(est, 500.0, atol=25.0)  # shrunk towards it (raw noise would be about 40 per cell)
    est0, _ = _masses(np.full(40, 0.5), sigma=1e-9, seed=2)
    assert np.allclose(est0, 500.0)


def _schema() -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="area", kind="categorical", categories=["a", "b"], nullable=False),
        ColumnSpec(name="weight", kind="numeric", min=0, max=999, integer=True, nullable=False),
        ColumnSpec(name="sex", kind="categorical", categories=["F", "M"], nullable=False),
    ])


def _data(n: int = 6000, seed: int = 0) -> pd.DataFrame:
    """Weights: 30% peaked at 100 (area a) or 140 (area b), the rest uniform; both peaks in the model's first group."""
    rng = np.random.default_rng(seed)
    area = rng.choice(["a", "b"], n)
    peak = np.where(area == "a", rng.integers(95, 106, n), rng.integers(135, 146, n))
    weight = np.where(rng.random(n) < 0.3, peak, rng.integers(0, 1000, n))
    return pd.DataFrame({"area": area, "weight": weight, "sex": rng.choice(["F", "M"], n)})


def test_aim_decodes_the_split_within_a_group_per_key_value() -> None:
    data = _data()
    on = AIMSynthesizer(2.0, 1e-6, seed=0, key="area", rounds=2, numeric_groups=2, **FAST).fit(data, _schema())
    off = AIMSynthesizer(2.0, 1e-6, seed=0, key="area", rounds=2, numeric_groups=2, key_parts=1,
                         **FAST).fit(data, _schema())
    assert on.split_columns() == [1] and off.split_columns() == []
    assert on.privacy_event() == off.privacy_event()  # same declared event: the precision is only re-split

    def error(gen: AIMSynthesizer) -> float:
        out = gen.sample(6000)
        return sum(abs(np.mean(out.loc[out.area == a, "weight"] < 120)
                       - np.mean(data.loc[data.area == a, "weight"] < 120)) for a in ("a", "b"))

    assert error(on) < 0.1
    assert error(on) < error(off)


@pytest.mark.parametrize("bad", [{"key_parts": 0}, {"key_parts": 1.5}, {"split_share": 0.0}, {"split_share": 1.5},
                                 {"herding": "yes"}])
def test_bad_split_options_are_refused(bad: dict) -> None:
    with pytest.raises(ConfigError):
        AIMSynthesizer(1.0, 1e-6, **bad)


@pytest.mark.parametrize("seed", range(5))
def test_shrink_to_independence_keeps_margins_and_removes_noise_sized_interactions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, cols = rng.uniform(50, 500, 6), rng.dirichlet(np.ones(10))
    true = np.outer(rows, cols)  # independent
    noisy = true + rng.normal(0.0, 20.0, true.shape)
    shrunk, c = shrink_to_independence(noisy, 20.0)
    assert 0.0 <= c <= 1.0
    assert np.allclose(shrunk.sum(axis=0), noisy.sum(axis=0)) and np.allclose(shrunk.sum(axis=1), noisy.sum(axis=1))
    assert np.square(shrunk - true).sum() < np.square(noisy - true).sum()  # closer to the truth than the raw table


def test_shrink_to_independence_keeps_a_strong_interaction() -> None:
    rng = np.random.default_rng(0)
    true = np.diag([400.0, 300.0, 500.0]) + 10.0  # each row lives on its own column
    noisy = true + rng.normal(0.0, 5.0, true.shape)
    shrunk, c = shrink_to_independence(noisy, np.full(true.shape, 5.0))
    assert c > 0.99 and np.abs(shrunk - noisy).max() < 5.0
    same, one = shrink_to_independence(np.array([1.0, 2.0]), 1.0)  # not a two-way table: unchanged
    assert one == 1.0 and np.array_equal(same, [1.0, 2.0])


def test_aim_shrinks_its_key_tables() -> None:
    rng = np.random.default_rng(3)
    areas, jobs = [f"r{i}" for i in range(5)], [f"j{i}" for i in range(8)]
    area = rng.choice(areas, 5000)
    age = np.where(np.isin(area, areas[:2]), rng.integers(0, 30, 5000), rng.integers(50, 90, 5000))
    data = pd.DataFrame({"area": area, "job": rng.choice(jobs, 5000), "age": age})  # job: independent of the area
    schema = TableSchema(columns=[
        ColumnSpec(name="area", kind="categorical", categories=areas, nullable=False),
        ColumnSpec(name="job", kind="categorical", categories=jobs, nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False)])
    gen = AIMSynthesizer(1.0, 1e-6, seed=0, key="area", rounds=1, **FAST).fit(data, schema)
    assert sorted(gen.key_shrink) == ["age", "job"] and len(gen.key_shrink["age"]) == 2  # age: groups, sub-groups
    assert gen.key_shrink["job"][0] < 0.5 < 0.95 < min(gen.key_shrink["age"])
    off = AIMSynthesizer(1.0, 1e-6, seed=0, key="area", rounds=1, key_shrink=False, **FAST).fit(data, schema)
    assert off.key_shrink == {} and off.privacy_event() == gen.privacy_event()
