"""Herded thinning (:mod:`privsynth.tools.tabular.model.thinning`): a subset closer to its pool than chance."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.model.thinning import BINS, MAX_ROWS, _coarse, herded_subset, workload_cells

FAST = {"iters": 60, "round_iters": 10, "progress": False}


def _pool(seed: int, rows: int = 1200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    key = rng.integers(0, 3, rows)
    a = np.minimum(key + rng.integers(0, 3, rows), 4)  # depends on the key
    b = (a + rng.integers(0, 2, rows)) % 5
    c = rng.integers(0, 120, rows)  # many codes: quantile bins
    return np.stack([key, a, b, c], axis=1)


def _table_error(codes: np.ndarray, subset: np.ndarray, key: int | None) -> float:
    """Mean L1 distance between the subset's and the pool's workload tables (shares)."""
    cells = workload_cells(codes, key)
    errors = []
    for q in range(cells.shape[1]):
        size = int(cells[:, q].max()) + 1
        full = np.bincount(cells[:, q], minlength=size) / len(codes)
        part = np.bincount(cells[subset, q], minlength=size) / len(subset)
        errors.append(np.abs(full - part).sum())
    return float(np.mean(errors))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(5, 400), keep=st.floats(0.05, 1.0))
def test_subset_is_n_distinct_sorted_pool_rows(seed: int, rows: int, keep: float) -> None:
    codes = _pool(seed, rows)
    n = max(1, int(rows * keep))
    picked = herded_subset(codes, n, key=0, rng=np.random.default_rng(seed))
    assert len(picked) == n and len(np.unique(picked)) == n
    assert np.all(np.diff(picked) > 0) and picked.min() >= 0 and picked.max() < rows


@pytest.mark.parametrize("key", [0, None])
@pytest.mark.parametrize("seed", range(4))
def test_subset_follows_the_pool_better_than_a_random_subset(seed: int, key: int | None) -> None:
    codes = _pool(seed)
    rng = np.random.default_rng(100 + seed)
    picked = herded_subset(codes, 300, key=key, rng=rng)
    random = [_table_error(codes, rng.choice(len(codes), 300, replace=False), key) for _ in range(5)]
    assert _table_error(codes, picked, key) < 0.5 * min(random)


def test_coarse_bins_keep_the_code_order() -> None:
    column = np.random.default_rng(0).integers(0, 500, 5000)
    binned = _coarse(column)
    assert binned.max() == BINS - 1 and binned.min() == 0
    order = np.argsort(column, kind="stable")
    assert np.all(np.diff(binned[order]) >= 0)  # monotone in the code
    few = np.array([7, 3, 3, 9])
    assert np.array_equal(_coarse(few), [1, 0, 0, 2])  # few codes: dense codes, no binning


def test_cells_of_every_pair_with_the_key() -> None:
    codes = _pool(1, 50)
    cells = workload_cells(codes, key=0)
    assert cells.shape == (50, 3)  # (a, b), (a, c), (b, c), each with the key
    for q, (x, y) in enumerate(itertools.combinations([1, 2, 3], 2)):
        same = (codes[:, None, 0] == codes[None, :, 0]) & (codes[:, None, x] == codes[None, :, x])
        same &= _coarse(codes[:, y])[:, None] == _coarse(codes[:, y])[None, :]
        assert np.array_equal(same, cells[:, None, q] == cells[None, :, q])  # one id per occurring cell


def _table() -> tuple[pd.DataFrame, TableSchema]:
    rng = np.random.default_rng(7)
    region = rng.choice(["n", "s", "e"], 3000)
    age = np.where(region == "n", rng.integers(0, 40, 3000), rng.integers(30, 90, 3000))
    job = np.where(age < 16, "none", rng.choice(["a", "b", "c"], 3000))
    data = pd.DataFrame({"region": region, "age": age, "job": job})
    schema = TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["n", "s", "e"], nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="job", kind="categorical", categories=["none", "a", "b", "c"], nullable=False,
                   holds_when={"column": "age", "below": 16, "value": "none", "exact": True})])
    return data, schema


def test_aim_thinned_sample_keeps_rows_rules_conditions_and_the_event() -> None:
    data, schema = _table()
    thinned = AIMSynthesizer(2.0, 1e-6, seed=3, key="region", **FAST).fit(data, schema)
    direct = AIMSynthesizer(2.0, 1e-6, seed=3, key="region", sample_pool=1, **FAST).fit(data, schema)
    assert thinned.privacy_event() == direct.privacy_event()  # post-processing: the same DP event
    out = thinned.sample(2500)
    assert len(out) == 2500 and out.notna().all().all()
    assert ((out["age"] < 16) == (out["job"] == "none")).all()  # the schema's rule holds in every row
    assert not out.equals(direct.sample(2500))  # the option is used
    fixed = thinned.sample(400, conditions={"region": "s"})
    assert len(fixed) == 400 and (fixed["region"] == "s").all()


def test_large_samples_are_drawn_directly() -> None:
    data, schema = _table()
    thinned = AIMSynthesizer(2.0, 1e-6, seed=4, key="region", **FAST).fit(data, schema)
    direct = AIMSynthesizer(2.0, 1e-6, seed=4, key="region", sample_pool=1, **FAST).fit(data, schema)
    big = MAX_ROWS + 1  # past the cap the pool is not drawn: the same rows as a direct draw
    pd.testing.assert_frame_equal(thinned.sample(big), direct.sample(big))
