"""Tests of the AIM synthesizer and its junction-tree helpers: contract, privacy, inference and bad inputs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from dp_accounting import dp_event

from privsynth.agents.testing import GeneratorContract, check_in_domain
from privsynth.errors import ConfigError, SchemaError
from privsynth.policies.accountant import epsilon_of
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.mechanisms.mst import exp_mech_epsilon
from privsynth.tools.tabular.model.graphical_model import Measurement
from privsynth.tools.tabular.model.junction_tree import (
    LargeCliqueModel,
    add_clique,
    junction_tree,
    pair_marginals,
    transfer_theta,
    triangulate,
)

FAST = {"iters": 60, "round_iters": 15, "progress": False}


def small_schema() -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["north", "south", "east", "west"]),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="income", kind="numeric", min=-5000, max=500000, special_values=["-1"]),
        ColumnSpec(name="sex", kind="categorical", categories=["F", "M"], nullable=False),
        ColumnSpec(name="job", kind="categorical", categories=["a", "b", "c"]),
        ColumnSpec(name="ssn", kind="pii", pii_entity="US_SSN"),
    ])


def small_data(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east"], n)
    age = rng.integers(0, 90, n)
    income = np.where(age < 16, np.nan, np.round(rng.lognormal(10, 1, n), 2))
    income[rng.random(n) < 0.05] = -1
    sex = rng.choice(["F", "M"], n)
    job = np.where(rng.random(n) < 0.8, np.where(sex == "F", "a", "b"), "c")
    return pd.DataFrame({"region": region, "age": age, "income": income, "sex": sex, "job": job,
                         "ssn": [f"000-00-{i:04d}" for i in range(n)]})


class TestAIMContract(GeneratorContract):
    generator_class = AIMSynthesizer

    def make_data(self) -> tuple[pd.DataFrame, TableSchema]:
        return small_data(), small_schema()

    def make_generator(self) -> dict:
        return {"epsilon": 1.0, "delta": 1e-6, "seed": 0, "key": "region", **FAST}


def test_declared_event_matches_spent_noise() -> None:
    """The sigmas fit uses compose exactly to the declared Gaussian; T selections of the declared eps0."""
    gen = AIMSynthesizer(1.0, 1e-6, seed=0, key="region", rounds=5, **FAST).fit(small_data(), small_schema())
    gauss, laplace = gen.privacy_event().events
    plan, m, t = gen.sigmas, 5, gen.rounds()
    assert t == 5 and len(gen.selected) == t
    one_way = [x for x in gen.measurements if len(x.attrs) == 1]
    key_pairs = gen.measurements[m:len(gen.measurements) - t]
    rounds = gen.measurements[-t:]
    assert len(one_way) == m and len(rounds) == t
    key_sigmas = gen.key_sigmas()
    assert all(0 in x.attrs and len(x.attrs) == 2 for x in key_pairs)
    assert gen.split_columns() == [1, 2] and len(key_pairs) == m - 1 + 2  # the numeric columns: two tables each
    assert sorted(gen.key_spent) == sorted(key_sigmas) and [len(gen.key_spent[j]) for j in (1, 2, 3, 4)] == [2, 2, 1, 1]
    for j, spent in gen.key_spent.items():  # what was measured has exactly the planned precision
        assert math.isclose(sum(s ** -2 for s in spent), key_sigmas[j] ** -2, rel_tol=1e-12)
    assert all(x.sigma == plan["tree"] for x in rounds)
    inv = m / plan["one_way"] ** 2 + sum(s ** -2 for s in key_sigmas.values()) + t / plan["tree"] ** 2
    assert math.isclose(inv, 1.0 / gauss.noise_multiplier ** 2, rel_tol=1e-9)
    assert isinstance(laplace, dp_event.SelfComposedDpEvent) and laplace.count == t
    assert math.isclose(plan["eps0"], exp_mech_epsilon(1.0 / laplace.event.noise_multiplier))
    assert epsilon_of([gen.privacy_event()], 1e-6) <= 1.0 + 1e-6
    # The event depends on public parameters only: other data, same event.
    other = AIMSynthesizer(1.0, 1e-6, seed=0, key="region", rounds=5, **FAST).fit(small_data(50, 9), small_schema())
    assert other.privacy_event() == gen.privacy_event()


def test_round_noise_matches_declared_sigma() -> None:
    """The measured cliques' noise has the declared per-round standard deviation."""
    data, schema = small_data(2000, 4), small_schema()
    gen = AIMSynthesizer(1.0, 1e-6, seed=5, key="region", rounds=8, key_share=0.3, **FAST).fit(data, schema)
    codes = np.stack([g.of_fine[c.encode(data[c.name])] for c, g in zip(gen.columns, gen.groups, strict=True)], 1)
    residuals = []
    for m in gen.measurements[2 * 5 - 1:]:
        dims = [gen.groups[a].n_groups for a in m.attrs]
        true = np.bincount(np.ravel_multi_index(tuple(codes[:, a] for a in m.attrs), dims),
                           minlength=int(np.prod(dims))).reshape(dims)
        residuals.append((m.values - true).ravel())
    r = np.concatenate(residuals)
    assert len(r) > 100
    assert 0.8 < r.std() / gen.sigmas["tree"] < 1.2
    assert abs(r.mean()) < 4 * gen.sigmas["tree"] / math.sqrt(len(r))


def test_determinism_types_and_conditions() -> None:
    data, schema = small_data(), small_schema()
    one = AIMSynthesizer(2.0, 1e-6, seed=7, key="region", **FAST).fit(data, schema)
    two = AIMSynthesizer(2.0, 1e-6, seed=7, key="region", **FAST).fit(data, schema)
    assert one.selected == two.selected
    pd.testing.assert_frame_equal(one.sample(150), two.sample(150))
    out = one.sample(150)
    assert list(out.columns) == ["region", "age", "income", "sex", "job"]
    assert out["age"].dtype == np.int64 and out["sex"].notna().all()
    check_in_domain(out, schema)
    west = one.sample(80, conditions={"region": "west"})
    assert (west["region"] == "west").all()


def test_learns_a_strong_dependence_at_high_epsilon() -> None:
    """At epsilon 8 the (sex, job) dependence is selected and reproduced."""
    data, schema = small_data(3000, 1), small_schema()
    gen = AIMSynthesizer(8.0, 1e-6, seed=0, rounds=4, iters=200, round_iters=30, progress=False).fit(data, schema)
    assert ("sex", "job") in gen.selected or ("region", "sex", "job") in gen.selected
    out = gen.sample(3000)
    real = pd.crosstab(data["sex"], data["job"], normalize=True)
    fake = pd.crosstab(out["sex"], out["job"], normalize=True).reindex_like(real).fillna(0)
    assert np.abs(real - fake).to_numpy().sum() < 0.1


def test_bad_inputs() -> None:
    schema = small_schema()
    with pytest.raises(SchemaError):
        AIMSynthesizer(1.0, 1e-6, **FAST).fit(small_data().assign(region="mars"), schema)
    clipped = AIMSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(small_data().assign(age=150), schema)
    assert clipped.sample(50)["age"].max() <= 99
    with pytest.raises(ConfigError, match="too small"):
        AIMSynthesizer(1e-5, 1e-6, **FAST).fit(small_data(), schema)
    one_row = AIMSynthesizer(1.0, 1e-6, seed=0, key="region", **FAST).fit(small_data(1), schema)
    assert len(one_row.sample(5)) == 5
    missing = AIMSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(small_data().assign(income=np.nan), schema)
    check_in_domain(missing.sample(50), schema)
    for bad in ({"rounds": -1}, {"rounds": 1.5}, {"max_cells": 0}, {"select_share": 1.0}, {"bogus": 1}):
        with pytest.raises(ConfigError):
            AIMSynthesizer(1.0, 1e-6, **bad)
    with pytest.raises(ConfigError):
        AIMSynthesizer(1.0, 1e-6, key="age", **FAST).fit(small_data(), schema)  # key must be categorical
    single = TableSchema(columns=[ColumnSpec(name="c", kind="categorical", categories=["x", "y"])])
    gen = AIMSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(pd.DataFrame({"c": ["x"] * 30}), single)
    assert gen.rounds() == 0 and list(gen.sample(4).columns) == ["c"]


def _counts(data: np.ndarray, attrs: tuple[int, ...], dom: list[int]) -> np.ndarray:
    dims = [dom[a] for a in attrs]
    flat = np.ravel_multi_index(tuple(data[:, a] for a in attrs), dims)
    return np.bincount(flat, minlength=int(np.prod(dims))).reshape(dims).astype(float)


def test_junction_tree_inference_is_exact() -> None:
    """pair_marginals across cliques equals brute-force marginals of the model's joint; warm start keeps it."""
    rng = np.random.default_rng(0)
    dom = [2, 3, 2, 3, 2]
    graph: dict[int, set[int]] = {j: set() for j in range(5)}
    for c in [(0, 1, 2), (0, 2, 3), (0, 3, 4)]:
        graph = add_clique(graph, c)
    chordal, cliques = triangulate(graph, dom)
    model = LargeCliqueModel(dom, *junction_tree(cliques, dom))
    model.theta = [rng.normal(size=t.shape) for t in model.theta]
    model.total = 10.0
    probs = model.calibrate(model.theta)
    grids = np.meshgrid(*[np.arange(d) for d in dom], indexing="ij")
    logp = sum(t[tuple(grids[a] for a in c)] for t, c in zip(model.theta, model.cliques, strict=True))
    joint = np.exp(logp - logp.max())
    joint = 10.0 * joint / joint.sum()
    for x, y in itertools.combinations(range(1, 5), 2):
        got = pair_marginals(model, probs, x, 0, [y])[y]
        want = joint.sum(axis=tuple(a for a in range(5) if a not in (0, x, y)))
        assert np.allclose(got, want), (x, y)
    grown, bigger = triangulate(add_clique(chordal, (0, 1, 4)), dom)
    new = LargeCliqueModel(dom, *junction_tree(bigger, dom))
    transfer_theta(model, new)
    new_probs = new.calibrate(new.theta)
    assert np.allclose(pair_marginals(new, new_probs, 1, 0, [4])[4], joint.sum(axis=(2, 3)))


def test_sampler_matches_model_and_fit_recovers_marginals() -> None:
    rng = np.random.default_rng(1)
    dom = [3, 4, 3, 2]
    data = rng.integers(0, 3, (5000, 4)) % np.array(dom)
    data[:, 1] = (data[:, 0] + data[:, 2] + (rng.random(5000) < 0.2)) % 4
    model = LargeCliqueModel(dom, *junction_tree([(0, 1, 2), (2, 3)], dom))
    meas = [Measurement(c, _counts(data, c, dom), 1.0) for c in [(0, 1, 2), (2, 3)]]
    model.fit(meas, 5000, iters=300)
    assert np.abs(model.marginal((0, 1, 2)) - _counts(data, (0, 1, 2), dom)).sum() < 100
    draws = model.sample(20000, rng)
    assert np.abs(_counts(draws, (0, 1, 2), dom) / 4 - model.marginal((0, 1, 2))).sum() < 250
    fixed = model.sample(100, rng, evidence={1: 2})
    assert (fixed[:, 1] == 2).all()
