"""Tests of AIM's decoding within groups: heaping on round values and the refined within-group shape."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from privsynth.policies.accountant import epsilon_of
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.encoding.codec import FineColumn, fit_heaping, roundness
from privsynth.tools.tabular.encoding.group_shapes import interpolated_mass, refined_shape
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer

FAST = {"iters": 60, "round_iters": 15, "progress": False}
INCOME = ColumnSpec(name="income", kind="numeric", min=-9000, max=1_000_000, integer=True)


def schema() -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="area", kind="categorical", categories=["a", "b", "c"], nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        INCOME,
        ColumnSpec(name="sex", kind="categorical", categories=["F", "M"], nullable=False),
    ])


def heaped_incomes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Lognormal incomes, 70% rounded to thousands, 10% exactly 0."""
    x = np.round(rng.lognormal(10.3, 0.8, n))
    x = np.where(rng.random(n) < 0.7, np.round(x, -3), x)
    return np.where(rng.random(n) < 0.1, 0.0, np.minimum(x, 1_000_000))


def data(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    area = rng.choice(["a", "b", "c"], n)
    age = np.where(area == "a", rng.integers(0, 40, n), rng.integers(30, 90, n))
    return pd.DataFrame({"area": area, "age": age, "income": heaped_incomes(n, rng), "sex": rng.choice(["F", "M"], n)})


def test_roundness_classes_and_bin_counts() -> None:
    assert roundness(np.array([0, 5, 10, 100, 1200, -3000, 20000]), 3).tolist() == [3, 0, 1, 2, 2, 3, 3]
    col = FineColumn(INCOME)
    assert col.wide and col.heaping_levels == 6
    counts = col.bin_classes()
    assert np.array_equal(counts.sum(axis=1), np.diff(col.edges))  # every integer of a bin in one class
    zero = int(np.searchsorted(col.edges, 0, side="right") - 1)
    assert counts[zero, 6] == 1  # 0 is in the top class
    assert FineColumn(ColumnSpec(name="a", kind="numeric", min=0, max=99, integer=True)).heaping_levels == 0
    assert FineColumn(ColumnSpec(name="d", kind="numeric", min=0, max=5e4)).heaping_levels == 0  # not integer


def test_fit_heaping_finds_round_values_and_ignores_flat_columns() -> None:
    rng = np.random.default_rng(1)
    col = FineColumn(INCOME)
    sigma = 50.0
    values = heaped_incomes(6000, rng)
    mass = np.bincount(col.encode(pd.Series(values)), minlength=col.size)[:col.n_bins].astype(float)
    noisy = col.roundness_counts(pd.Series(values)) + rng.normal(0, sigma, 7)
    h = fit_heaping(col.bin_classes(), mass, noisy, sigma)
    assert h is not None and h[3] > 20 * h[0] and h[6] > h[0]
    col.heaping = h
    fine = col.encode(pd.Series(values))
    decoded = col.decode(fine, rng).to_numpy(float)
    assert abs(np.mean(decoded % 1000 == 0) - np.mean(values % 1000 == 0)) < 0.05
    assert abs(np.mean(decoded == 0) - 0.1) < 0.02
    flat = rng.integers(1, 10_000, 6000).astype(float)  # no heaping: weights stay off
    mass = np.bincount(col.encode(pd.Series(flat)), minlength=col.size)[:col.n_bins].astype(float)
    noisy = col.roundness_counts(pd.Series(flat)) + rng.normal(0, sigma, 7)
    assert fit_heaping(col.bin_classes(), mass, noisy, sigma) is None


def test_refined_shape_keeps_group_masses_and_spikes() -> None:
    rng = np.random.default_rng(2)
    true = np.exp(-0.5 * ((np.arange(100) - 40) / 15) ** 2) * 80
    true[70] += 1500  # a point mass
    of_fine = np.repeat(np.arange(10), 10)
    mass = np.bincount(of_fine, weights=true)
    smooth = interpolated_mass(of_fine, mass)
    assert np.allclose(np.bincount(of_fine, weights=smooth), mass)
    sigma = 60.0
    noisy = true + rng.normal(0, sigma, 100)
    shape, spikes = refined_shape(of_fine, mass, noisy, sigma)
    assert np.flatnonzero(spikes).tolist() == [70]
    assert (np.abs(np.bincount(of_fine, weights=shape + spikes) - mass) < 0.1 * mass + 2 * sigma).all()
    rest = np.arange(100) != 70
    got, want = shape[rest] / shape[rest].sum(), true[rest] / true[rest].sum()
    assert np.abs(got - want).sum() < np.abs(np.clip(noisy[rest], 0, None) / np.clip(noisy[rest], 0, None).sum()
                                             - want).sum()


def test_heaping_histograms_are_declared_and_spent() -> None:
    """One roundness histogram per wide integer column shares the one-way budget; the event is unchanged."""
    on = AIMSynthesizer(1.0, 1e-6, seed=0, key="area", rounds=3, **FAST).fit(data(), schema())
    off = AIMSynthesizer(1.0, 1e-6, seed=0, key="area", rounds=3, heaping=False, **FAST).fit(data(), schema())
    assert on.heaping_columns() == [2] and off.heaping_columns() == []
    assert on.privacy_event() == off.privacy_event()
    assert epsilon_of([on.privacy_event()], 1e-6) <= 1.0 + 1e-6
    gauss, plan = on.privacy_event().events[0], on.sigmas
    inv = (4 + 1) / plan["one_way"] ** 2 + sum(s ** -2 for s in on.key_sigmas().values()) + 3 / plan["tree"] ** 2
    assert math.isclose(inv, 1.0 / gauss.noise_multiplier ** 2, rel_tol=1e-9)
    assert len(on.noisy_roundness[2]) == 7
    assert off.sigmas["one_way"] < on.sigmas["one_way"]
    out = on.sample(4000)
    real = data()["income"]
    assert abs(np.mean(out["income"] == 0) - np.mean(real == 0)) < 0.04
    assert abs(np.mean(out["income"] % 1000 == 0) - np.mean(real % 1000 == 0)) < 0.1


def test_refined_shapes_follow_the_key() -> None:
    """With ``shape="refined"`` a numeric column's values within a group depend on the key's group."""
    gen = AIMSynthesizer(0.5, 1e-6, seed=0, key="area", rounds=3, **FAST).fit(data(), schema())
    assert 1 in gen.shapes and gen.shapes[1].shape[0] == gen.groups[0].n_groups
    assert not np.allclose(gen.shapes[1][0], gen.shapes[1][1])  # tilted by the key group
    out = gen.sample(6000)
    young = out.loc[out["area"] == "a", "age"]
    assert (young < 40).mean() > 0.9
    same = AIMSynthesizer(0.5, 1e-6, seed=0, key="area", rounds=3, shape="smooth", **FAST).fit(data(), schema())
    assert same.shapes == {}
    pd.testing.assert_frame_equal(gen.sample(100, seed=3), gen.sample(100, seed=3))
