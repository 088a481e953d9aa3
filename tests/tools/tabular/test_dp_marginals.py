"""DP marginals synthesizer: contract, privacy calibration, noise scale, domains, bad input, fidelity."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import privsynth
from privsynth.agents.registry import get_generator
from privsynth.agents.testing import GeneratorContract, check_in_domain
from privsynth.errors import AccountingError, ConfigError, GeneratorError, SchemaError
from privsynth.policies.accountant import epsilon_of
from privsynth.tools.data.schema import ColumnSpec, TableSchema, load_schema
from privsynth.tools.tabular.encoding.discretize import ColumnDiscretizer, build_discretizers, encode_table
from privsynth.tools.tabular.mechanisms.dp_marginals import (
    DPMarginalSynthesizer,
    calibrated_noise_multiplier,
    tree_edges,
)

SAMPLE = Path(privsynth.__file__).parent / "sample_data"


@functools.cache
def _adult() -> tuple[pd.DataFrame, TableSchema]:
    return pd.read_csv(SAMPLE / "adult_people.csv"), load_schema(SAMPLE / "adult_people.schema.json")


def adult() -> tuple[pd.DataFrame, TableSchema]:
    data, schema = _adult()
    return data.copy(), schema


def tv_distance(a: pd.Series, b: pd.Series) -> float:
    pa, pb = a.value_counts(normalize=True), b.value_counts(normalize=True)
    return 0.5 * float(pa.sub(pb, fill_value=0).abs().sum())


def with_extra_category(schema: TableSchema, column: str, category: str) -> TableSchema:
    cols = [c.model_copy(update={"categories": [*c.categories, category]}) if c.name == column else c
            for c in schema.columns]
    return TableSchema(name=schema.name, columns=cols)


# -- the contract, three ways -------------------------------------------------------------------
class TestDPMarginals(GeneratorContract):
    generator_class = DPMarginalSynthesizer

    def make_data(self):
        return adult()

    def make_generator(self):
        return {"epsilon": 1.0, "delta": 1e-6, "seed": 0, "target": "income"}


class TestDPMarginalsChain(TestDPMarginals):
    def make_generator(self):
        return {"epsilon": 0.5, "delta": 1e-6, "seed": 3, "bins": 8}


class TestDPMarginalsMessyTable(GeneratorContract):
    """Missing values, special codes, a float column, out-of-bounds values, an all-missing column."""

    generator_class = DPMarginalSynthesizer

    def make_data(self):
        rng = np.random.default_rng(0)
        n = 400
        income = rng.uniform(-50, 1200, n).astype(object)
        income[::7] = "b"  # special code
        income[::11] = np.nan
        data = pd.DataFrame({
            "id": np.arange(n),
            "color": rng.choice(["red", "green", None], n),
            "income": income,
            "kids": rng.integers(0, 12, n),  # 10 and 11 are above the public max: clipped
            "empty": [np.nan] * n,
        })
        schema = TableSchema(columns=[
            ColumnSpec(name="id", kind="id"),
            ColumnSpec(name="color", kind="categorical", categories=["red", "green", "blue"]),
            ColumnSpec(name="income", kind="numeric", min=0, max=1000, special_values=["b"]),
            ColumnSpec(name="kids", kind="numeric", min=0, max=9, integer=True, nullable=False),
            ColumnSpec(name="empty", kind="categorical", categories=["x", "y"]),
        ])
        return data, schema

    def make_generator(self):
        return {"epsilon": 2.0, "delta": 1e-5, "seed": 7, "target": "color"}


# -- privacy accounting -------------------------------------------------------------------------
@settings(max_examples=4, deadline=None, derandomize=True)
@given(epsilon=st.floats(0.1, 10.0), delta=st.sampled_from([1e-5, 1e-6, 1e-8]))
def test_calibrated_epsilon_never_exceeds_target(epsilon, delta):
    event = DPMarginalSynthesizer(epsilon, delta).privacy_event()
    spent = epsilon_of([event], delta)
    assert spent <= epsilon * (1 + 1e-6)
    assert spent >= epsilon * 0.99  # and the calibration wastes (almost) nothing


def test_calibration_is_tight():
    z = calibrated_noise_multiplier(1.0, 1e-6)
    assert epsilon_of([DPMarginalSynthesizer(1.0, 1e-6).privacy_event()], 1e-6) <= 1.0
    from dp_accounting import dp_event

    assert epsilon_of([dp_event.GaussianDpEvent(z * 0.99)], 1e-6) > 1.0


def test_event_needs_no_schema_but_noise_scale_does():
    gen = DPMarginalSynthesizer(1.0, 1e-6)
    z = gen.privacy_event().noise_multiplier
    with pytest.raises(GeneratorError, match="schema"):
        gen.noise_scale()
    _, schema = adult()
    early = DPMarginalSynthesizer(1.0, 1e-6, schema=schema)
    assert early.marginal_count() == 2 * 10 - 1  # 10 modelled columns: 10 one-way + 9 tree edges
    assert early.noise_scale() == pytest.approx(z * math.sqrt(19))


def test_epsilon_too_small_is_a_clear_error():
    data, schema = adult()
    gen = DPMarginalSynthesizer(1e-6, 1e-6)
    spent = []
    with pytest.raises(AccountingError, match="too small"):
        gen.fit(data, schema, spend=spent.append)
    assert spent == []
    with pytest.raises(ConfigError, match="epsilon"):
        DPMarginalSynthesizer(0.0, 1e-6)


def _true_marginals(gen: DPMarginalSynthesizer, data: pd.DataFrame, schema: TableSchema):
    discs = build_discretizers(schema, gen.bins)
    codes = encode_table(data, discs)
    one = [np.bincount(codes[:, j], minlength=d.size) for j, d in enumerate(discs)]
    two = [np.bincount(codes[:, p] * discs[c].size + codes[:, c], minlength=discs[p].size * discs[c].size)
           .reshape(discs[p].size, discs[c].size) for p, c in gen._edges]
    return one, two


def test_noise_scale_matches_declared_sigma():
    data, schema = adult()
    residuals = []
    for seed in range(4):
        gen = DPMarginalSynthesizer(1.0, 1e-6, seed=seed, target="income").fit(data, schema)
        assert gen.sigma == pytest.approx(gen.privacy_event().noise_multiplier * math.sqrt(19))
        one, two = _true_marginals(gen, data, schema)
        for noisy, true in zip(gen.noisy_one_way + gen.noisy_two_way, one + two, strict=True):
            assert noisy.shape == true.shape
            residuals.append((noisy - true).ravel())
    noise = np.concatenate(residuals)
    sigma = gen.sigma
    assert len(noise) > 1500
    assert np.std(noise) == pytest.approx(sigma, rel=0.07)  # a sqrt(2) error in k would fail
    assert abs(np.mean(noise)) < 4 * sigma / math.sqrt(len(noise))


def test_same_seed_same_noise_and_different_seed_differs():
    data, schema = adult()
    a = DPMarginalSynthesizer(1.0, 1e-6, seed=5).fit(data, schema)
    b = DPMarginalSynthesizer(1.0, 1e-6, seed=5).fit(data, schema)
    c = DPMarginalSynthesizer(1.0, 1e-6, seed=6).fit(data, schema)
    np.testing.assert_array_equal(a.noisy_one_way[0], b.noisy_one_way[0])
    assert not np.array_equal(a.noisy_one_way[0], c.noisy_one_way[0])


# -- domains come from the schema only ---------------------------------------------------------
def test_unseen_category_still_gets_a_cell():
    data, schema = adult()
    wider = with_extra_category(schema, "race", "Unicorn")
    gen = DPMarginalSynthesizer(1.0, 1e-6, seed=0, target="race").fit(data, wider)
    race = [c.name for c in wider.modelled_columns].index("race")
    assert gen.noisy_one_way[race].shape == (len(wider.column("race").categories) + 1,)  # + missing
    assert all(t.shape[0] == 7 for t in gen.noisy_two_way)  # race is the star's centre


def test_marginal_shapes_do_not_depend_on_the_data():
    data, schema = adult()
    full = DPMarginalSynthesizer(1.0, 1e-6, seed=0).fit(data, schema)
    tiny = DPMarginalSynthesizer(1.0, 1e-6, seed=0).fit(data.head(3), schema)
    assert [m.shape for m in full.noisy_one_way] == [m.shape for m in tiny.noisy_one_way]
    assert [t.shape for t in full.noisy_two_way] == [t.shape for t in tiny.noisy_two_way]


def test_out_of_bounds_numeric_values_are_clipped():
    spec = ColumnSpec(name="age", kind="numeric", min=17, max=90, integer=True)
    disc = ColumnDiscretizer(spec, bins=16)
    codes = disc.encode(pd.Series([-5, 17, 90, 200, 1e9]))
    assert codes.tolist() == [0, 0, disc.n_values - 1, disc.n_values - 1, disc.n_values - 1]
    data, schema = adult()
    data.loc[:99, "age"] = 500
    out = DPMarginalSynthesizer(5.0, 1e-6, seed=0).fit(data, schema).sample(500)
    assert out["age"].between(17, 90).all()


def test_discretizer_roundtrip_and_special_values():
    rng = np.random.default_rng(0)
    ints = ColumnDiscretizer(ColumnSpec(name="a", kind="numeric", min=17, max=90, integer=True), bins=100)
    values = pd.Series(np.arange(17, 91))
    assert ints.size == 74 + 1
    assert ints.decode(ints.encode(values), rng).tolist() == values.tolist()
    grouped = ColumnDiscretizer(ColumnSpec(name="a", kind="numeric", min=0, max=9, integer=True), bins=4)
    codes = grouped.encode(pd.Series(range(10)))
    assert sorted(set(codes.tolist())) == [0, 1, 2, 3]
    assert (grouped.encode(grouped.decode(codes, rng)) == codes).all()
    floats = ColumnDiscretizer(ColumnSpec(name="f", kind="numeric", min=0, max=1, special_values=["501", "N"]))
    codes = floats.encode(pd.Series([0.05, "501", "N", None, 0.99, "0.5"], dtype=object))
    assert codes.tolist() == [0, 16, 17, 18, 15, 8]
    decoded = floats.decode(codes, rng)
    assert decoded[1] == 501 and decoded[2] == "N" and pd.isna(decoded[3])
    assert 0 <= decoded[0] < 1 / 16 and 15 / 16 <= decoded[4] <= 1
    cats = ColumnDiscretizer(ColumnSpec(name="c", kind="categorical", categories=["1", "2"]))
    assert cats.encode(pd.Series([1.0, 2.0, np.nan])).tolist() == [0, 1, 2]


# -- bad input ------------------------------------------------------------------------------------
def test_undeclared_category_is_a_schema_error_before_spending():
    data, schema = adult()
    data.loc[5, "sex"] = "Robot"
    spent = []
    with pytest.raises(SchemaError, match="sex") as info:
        DPMarginalSynthesizer(1.0, 1e-6).fit(data, schema, spend=spent.append)
    # issue 14 item 6: the error names the column, the row count and the rule, never the private value
    assert "Robot" not in str(info.value) and "1 row(s)" in str(info.value) and "schema" in str(info.value)
    assert spent == []


def test_mixed_type_numeric_column_is_a_clear_error():
    data, schema = adult()
    data["age"] = data["age"].astype(object)
    data.loc[3, "age"] = "forty"
    spent = []
    with pytest.raises(SchemaError, match="age") as info:
        DPMarginalSynthesizer(1.0, 1e-6).fit(data, schema, spend=spent.append)
    assert "forty" not in str(info.value) and "1 row(s)" in str(info.value) and "numeric" in str(info.value)
    assert spent == []


def test_missing_in_non_nullable_column_is_a_schema_error():
    disc = ColumnDiscretizer(ColumnSpec(name="k", kind="numeric", min=0, max=1, nullable=False))
    with pytest.raises(SchemaError, match="nullable"):
        disc.encode(pd.Series([0.5, None]))


def test_all_missing_columns_work():
    data, schema = adult()
    data["occupation"] = np.nan
    data["hours_per_week"] = np.nan
    out = DPMarginalSynthesizer(10.0, 1e-6, seed=0).fit(data, schema).sample(1000)
    assert out["occupation"].isna().mean() > 0.9
    assert out["hours_per_week"].isna().mean() > 0.9
    check_in_domain(out, schema)


def test_one_row_table_works():
    data, schema = adult()
    gen = DPMarginalSynthesizer(1.0, 1e-6, seed=0).fit(data.head(1), schema)
    assert len(gen.sample()) >= 1
    out = gen.sample(10)
    assert len(out) == 10
    check_in_domain(out, schema)


def test_bad_options_and_conditions():
    data, schema = adult()
    with pytest.raises(ConfigError, match="Unknown option"):
        DPMarginalSynthesizer(1.0, 1e-6, depth=3)
    with pytest.raises(ConfigError, match="bins"):
        DPMarginalSynthesizer(1.0, 1e-6, bins=1)
    spent = []
    with pytest.raises(ConfigError, match="full_name"):
        DPMarginalSynthesizer(1.0, 1e-6, target="full_name").fit(data, schema, spend=spent.append)
    assert spent == []
    gen = DPMarginalSynthesizer(1.0, 1e-6, seed=0).fit(data, schema)
    with pytest.raises(ConfigError, match="Female"):
        gen.sample(5, conditions={"sex": "Robot"})
    with pytest.raises(ConfigError, match="categorical"):
        gen.sample(5, conditions={"age": 30})
    with pytest.raises(ConfigError, match="modelled"):
        gen.sample(5, conditions={"email": "x"})


# -- model behaviour -----------------------------------------------------------------------------
def test_tree_edges_are_data_independent():
    assert tree_edges(4, None) == [(0, 1), (1, 2), (2, 3)]
    assert tree_edges(4, 2) == [(2, 0), (2, 1), (2, 3)]
    assert tree_edges(1, None) == []


def test_fidelity_at_high_epsilon():
    data, schema = adult()
    gen = DPMarginalSynthesizer(10.0, 1e-6, seed=0, target="income").fit(data, schema)
    assert abs(gen.noisy_rows - len(data)) < 50
    out = gen.sample()
    assert len(out) == gen.noisy_rows
    for column in ("sex", "income", "race", "relationship"):
        assert tv_distance(out[column], data[column]) < 0.1, column

    def gap(frame: pd.DataFrame) -> float:
        rich = frame["income"] == ">50K"
        return rich[frame["sex"] == "Male"].mean() - rich[frame["sex"] == "Female"].mean()

    big = gen.sample(20000, seed=1)
    assert gap(data) > 0.1
    assert gap(big) == pytest.approx(gap(data), abs=0.06)


def test_conditions_fix_values_and_follow_the_model():
    data, schema = adult()
    gen = DPMarginalSynthesizer(10.0, 1e-6, seed=0, target="income").fit(data, schema)
    out = gen.sample(4000, conditions={"sex": "Female"})
    assert (out["sex"] == "Female").all()
    real = (data.loc[data["sex"] == "Female", "income"] == ">50K").mean()
    assert (out["income"] == ">50K").mean() == pytest.approx(real, abs=0.05)
    both = gen.sample(50, conditions={"sex": "Male", "income": ">50K"})
    assert (both["sex"] == "Male").all() and (both["income"] == ">50K").all()


def test_conditioning_a_chain_matches_rejection_sampling():
    data, schema = adult()
    gen = DPMarginalSynthesizer(3.0, 1e-6, seed=2).fit(data, schema)  # chain: condition a middle node
    big = gen.sample(100_000, seed=1)
    rejected = big[big["relationship"] == "Wife"]
    conditioned = gen.sample(len(rejected), conditions={"relationship": "Wife"}, seed=3)
    assert (conditioned["relationship"] == "Wife").all()
    for column in ("occupation", "race", "sex", "income"):  # upstream and downstream of the evidence
        assert tv_distance(conditioned[column], rejected[column]) < 0.05, column


def test_state_dict_roundtrip_is_json_and_reproducible():
    data, schema = adult()
    gen = DPMarginalSynthesizer(1.0, 1e-6, seed=4, target="sex").fit(data, schema)
    state = json.loads(json.dumps(gen.state_dict()))
    restored = DPMarginalSynthesizer(1.0, 1e-6).load_state_dict(state)
    assert restored.noisy_rows == gen.noisy_rows
    pd.testing.assert_frame_equal(restored.sample(300), gen.sample(300))
    state["two_way"] = state["two_way"][:-1]
    with pytest.raises(GeneratorError, match="do not match"):
        DPMarginalSynthesizer(1.0, 1e-6).load_state_dict(state)


def test_registered_and_samples_the_noisy_row_count():
    # its speed is a benchmark now (evals/speed_bench.py), not a clock assert
    assert get_generator("dp_marginals") is DPMarginalSynthesizer
    data, schema = adult()
    synthetic = DPMarginalSynthesizer(1.0, 1e-6, seed=0, target="income").fit(data, schema).sample()
    assert abs(len(synthetic) - len(data)) < 0.05 * len(data)
