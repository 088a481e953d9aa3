"""Tests of the MST synthesizer: the generator contract plus privacy, domain and bad-input checks."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from dp_accounting import dp_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privsynth.agents.testing import GeneratorContract, check_in_domain
from privsynth.errors import ConfigError, SchemaError
from privsynth.policies.accountant import epsilon_of
from privsynth.tools.data.schema import ColumnSpec, TableSchema, load_schema
from privsynth.tools.tabular.mechanisms.mst import MSTSynthesizer, exp_mech_epsilon, laplace_shift
from privsynth.tools.tabular.model.graphical_model import JunctionTreeModel, Measurement, clique_tree

FAST = {"iters": 60, "progress": False}


def small_schema() -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["north", "south", "east", "west"]),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="income", kind="numeric", min=-5000, max=500000, special_values=["-1"]),
        ColumnSpec(name="sex", kind="categorical", categories=["F", "M"], nullable=False),
        ColumnSpec(name="ssn", kind="pii", pii_entity="US_SSN"),
    ])


def small_data(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east"], n)
    age = rng.integers(0, 90, n)
    income = np.where(age < 16, np.nan, np.round(rng.lognormal(10, 1, n), 2))
    income[rng.random(n) < 0.05] = -1
    return pd.DataFrame({"region": region, "age": age, "income": income,
                         "sex": rng.choice(["F", "M"], n), "ssn": [f"000-00-{i:04d}" for i in range(n)]})


class TestMSTContract(GeneratorContract):
    generator_class = MSTSynthesizer

    def make_data(self) -> tuple[pd.DataFrame, TableSchema]:
        return small_data(), small_schema()

    def make_generator(self) -> dict:
        return {"epsilon": 1.0, "delta": 1e-6, "seed": 0, "key": "region", **FAST}


def test_declared_event_matches_spent_noise() -> None:
    """The per-marginal sigmas used by fit compose exactly to the declared Gaussian multiplier."""
    gen = MSTSynthesizer(1.0, 1e-6, seed=0, key="region", **FAST).fit(small_data(), small_schema())
    event = gen.privacy_event()
    assert isinstance(event, dp_event.ComposedDpEvent)
    gauss, laplace = event.events
    plan, m, r = gen.sigmas, 4, gen.rounds()
    assert r == 2 and len(gen.edges) == r
    inv = m / plan["one_way"] ** 2 + (m - 1) / plan["key"] ** 2 + r / plan["tree"] ** 2
    assert math.isclose(inv, 1.0 / gauss.noise_multiplier ** 2, rel_tol=1e-9)
    assert laplace.count == r
    u = 1.0 / laplace.event.noise_multiplier
    assert math.isclose(plan["eps0"], exp_mech_epsilon(u)) and plan["eps0"] < u  # Laplace dominates eps0-DP
    assert epsilon_of([event], 1e-6) <= 1.0 + 1e-6
    assert math.isclose(u, laplace_shift(gen.privacy_event().events[0].noise_multiplier
                                         * math.sqrt(1 - 0.1), r, 0.1))


def test_noise_scale_matches_declared_sigma() -> None:
    """The empirical noise of the fine one-way marginals has the declared standard deviation."""
    data, schema = small_data(), small_schema()
    gen = MSTSynthesizer(1.0, 1e-6, seed=3, **FAST).fit(data, schema)
    residuals = [noisy - np.bincount(col.encode(data[col.name]), minlength=col.size)
                 for noisy, col in zip(gen.noisy_fine, gen.columns, strict=True)]
    r = np.concatenate(residuals)
    assert len(r) > 200
    ratio = r.std() / gen.sigmas["one_way"]
    assert 0.85 < ratio < 1.15, ratio
    assert abs(r.mean()) < 4 * gen.sigmas["one_way"] / math.sqrt(len(r))


def test_domains_never_read_from_data() -> None:
    """Model domains before compression depend on the schema only: data outside the support changes nothing."""
    schema = small_schema()
    a = MSTSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(small_data(seed=1), schema)
    b = MSTSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(small_data(seed=1).assign(age=5), schema)
    assert [c.size for c in a.columns] == [c.size for c in b.columns]
    assert a.columns[1].n_bins == 100  # one bin per declared integer age, even though data has one value
    out = b.sample(300)
    assert set(out["region"].dropna()) <= {"north", "south", "east", "west"}


def test_seed_determinism_and_types() -> None:
    data, schema = small_data(), small_schema()
    one = MSTSynthesizer(2.0, 1e-6, seed=7, **FAST).fit(data, schema).sample(150)
    two = MSTSynthesizer(2.0, 1e-6, seed=7, **FAST).fit(data, schema).sample(150)
    pd.testing.assert_frame_equal(one, two)
    assert list(one.columns) == ["region", "age", "income", "sex"]
    assert one["age"].dtype == np.int64 and one["income"].dtype == np.float64
    assert one["sex"].notna().all()
    check_in_domain(one, schema)


def test_conditioning_and_row_count() -> None:
    gen = MSTSynthesizer(3.0, 1e-6, seed=0, key="region", **FAST).fit(small_data(), small_schema())
    out = gen.sample(100, conditions={"region": "west"})
    assert (out["region"] == "west").all()
    assert abs(gen.estimated_rows() - 400) < 200
    with pytest.raises(ConfigError):
        gen.sample(10, conditions={"age": 3})
    with pytest.raises(ConfigError):
        gen.sample(10, conditions={"region": "mars"})


def test_bad_inputs() -> None:
    schema = small_schema()
    with pytest.raises(SchemaError):  # value outside the declared categories
        MSTSynthesizer(1.0, 1e-6, **FAST).fit(small_data().assign(region="mars"), schema)
    clipped = MSTSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(small_data().assign(age=150), schema)
    assert clipped.sample(50)["age"].max() <= 99  # numeric values are clipped to the public bounds
    with pytest.raises(ConfigError, match="too small"):
        MSTSynthesizer(1e-5, 1e-6, **FAST).fit(small_data(), schema)
    one_row = MSTSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(small_data(1), schema)
    assert len(one_row.sample(5)) == 5
    missing = MSTSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(small_data().assign(income=np.nan), schema)
    check_in_domain(missing.sample(50), schema)
    with pytest.raises(ValueError):  # a numeric column without public bounds cannot even be declared
        ColumnSpec(name="x", kind="numeric")


def test_undeclared_domain_is_not_modelled(tmp_path) -> None:
    path = tmp_path / "dict.json"
    path.write_text(json.dumps({"A": {"values": {"1": "a", "2": "b"}}, "B": {"description": "no domain"}}))
    schema = load_schema(path)
    frame = pd.DataFrame({"A": ["1", "2"] * 20, "B": range(40)})
    gen = MSTSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(frame, schema)
    assert list(gen.sample(10).columns) == ["A"]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 60), st.integers(0, 10_000))
def test_property_small_random_tables(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    schema = TableSchema(columns=[
        ColumnSpec(name="c", kind="categorical", categories=["a", "b", "c"]),
        ColumnSpec(name="x", kind="numeric", min=0, max=1),
        ColumnSpec(name="k", kind="numeric", min=1, max=5, integer=True, special_values=["N/A"]),
    ])
    frame = pd.DataFrame({"c": rng.choice(["a", "b", None], n), "x": rng.random(n),
                          "k": rng.choice([1, 2, 5, "N/A"], n).astype(object)})
    out = MSTSynthesizer(1.0, 1e-6, seed=seed, **FAST).fit(frame, schema).sample(20)
    assert list(out.columns) == ["c", "x", "k"] and len(out) == 20
    check_in_domain(out, schema)


def test_graphical_model_recovers_exact_marginals() -> None:
    rng = np.random.default_rng(0)
    data = rng.integers(0, 3, (2000, 3))
    data[:, 2] = (data[:, 1] + (rng.random(2000) < 0.2)) % 3
    cliques, parents = clique_tree([(1, 2)], (0,))
    model = JunctionTreeModel([3, 3, 3], cliques, parents)

    def counts(attrs: tuple[int, ...]) -> np.ndarray:
        flat = np.ravel_multi_index(tuple(data[:, a] for a in attrs), [3] * len(attrs))
        return np.bincount(flat, minlength=3 ** len(attrs)).reshape([3] * len(attrs)).astype(float)

    model.fit([Measurement((0, 1, 2), counts((0, 1, 2)), 1.0)], 2000, iters=300)
    assert np.abs(model.marginal((1, 2)) - counts((1, 2))).sum() < 40
