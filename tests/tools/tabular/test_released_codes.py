"""What the model may emit: never a missing value the schema forbids, rare groups spread by shrinkage."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privsynth.agents.testing import check_in_domain
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.encoding.codec import FineColumn, compress, shrunk_rare_weights
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.mechanisms.mst import MSTSynthesizer

FAST = {"iters": 60, "round_iters": 15, "progress": False}


def test_pure_noise_in_a_rare_group_is_spread_evenly() -> None:
    rng = np.random.default_rng(0)
    sigma = 20.0
    spreads = [np.ptp(w / w.sum()) for w in (shrunk_rare_weights(30 + rng.normal(0, sigma, 6), sigma)
                                              for _ in range(200))]
    assert np.median(spreads) < 0.05  # the thresholded counts handed most of the mass to the noisiest member


def test_a_clear_signal_in_a_rare_group_is_kept() -> None:
    w = shrunk_rare_weights(np.array([400.0, 10.0, 5.0, 0.0]), sigma=5.0)
    assert w.argmax() == 0 and w[0] / w.sum() > 0.9


def test_silent_missing_code_is_released_only_when_significant() -> None:
    col = FineColumn(ColumnSpec(name="c", kind="categorical", categories=["a", "b"]))
    assert col.missing_code == 2
    assert col.unreleased_codes(np.array([500.0, 480.0, 30.0]), sigma=10.0) == [2]
    assert col.unreleased_codes(np.array([500.0, 480.0, 60.0]), sigma=10.0) == []
    declared = FineColumn(ColumnSpec(name="c", kind="categorical", categories=["a", "b"], nullable=True))
    assert declared.unreleased_codes(np.array([500.0, 480.0, 0.0]), sigma=10.0) == []
    groups = compress(np.array([500.0, 480.0, 30.0]), 0, 30.0, 4, 10.0, (), [2])
    assert groups.forbidden == groups.of_fine[2] and groups.forbidden_table().sum() == 1


def _small_table(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, TableSchema]:
    cats = [f"k{i}" for i in range(8)]
    frame = pd.DataFrame({"c": rng.choice(cats, n), "d": rng.choice(["x", "y"], n), "v": rng.integers(0, 50, n),
                          "m": np.where(rng.random(n) < 0.4, np.nan, rng.choice(["p", "q"], n))})
    frame["m"] = frame["m"].where(frame["m"] != "nan")
    schema = TableSchema(columns=[
        ColumnSpec(name="c", kind="categorical", categories=cats),  # silent, no missing cell
        ColumnSpec(name="d", kind="categorical", categories=["x", "y"], nullable=False),
        ColumnSpec(name="v", kind="numeric", min=0, max=60, integer=True),  # silent, no missing cell
        ColumnSpec(name="m", kind="categorical", categories=["p", "q"], nullable=True),
    ])
    return frame, schema


def test_no_invented_missing_values_in_ten_runs_and_declared_ones_kept() -> None:
    frame, schema = _small_table(300, np.random.default_rng(1))
    for cls in (AIMSynthesizer, MSTSynthesizer):
        for run in range(5):
            out = cls(1.0, 1e-6, seed=run, **({**FAST} if cls is AIMSynthesizer else {"iters": 60,
                                                                                       "progress": False})
                      ).fit(frame, schema).sample(400)
            assert not out[["c", "d", "v"]].isna().any().any(), (cls.name, run)
            assert out["m"].isna().mean() > 0.15  # 40% missing in the data, declared nullable: kept


def test_a_significant_silent_missing_share_is_released() -> None:
    frame, schema = _small_table(2000, np.random.default_rng(2))
    frame.loc[: 799, "c"] = None  # 40% missing in a column whose schema is silent
    out = AIMSynthesizer(1.0, 1e-6, seed=0, **FAST).fit(frame, schema).sample(2000)
    assert 0.25 < out["c"].isna().mean() < 0.55


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.lists(st.tuples(st.sampled_from(["categorical", "numeric"]), st.integers(2, 9),
                                                    st.sampled_from([None, False, True]), st.booleans()),
                                          min_size=2, max_size=5))
def test_property_random_schemas_never_leave_their_domain(seed: int, layout: list) -> None:
    rng = np.random.default_rng(seed)
    columns, data = [], {}
    for i, (kind, size, nullable, integer) in enumerate(layout):
        name = f"col{i}"
        if kind == "categorical":
            cats = [f"v{j}" for j in range(size)]
            columns.append(ColumnSpec(name=name, kind=kind, categories=cats, nullable=nullable))
            values = pd.Series(rng.choice(cats, 200), dtype=object)
        else:
            columns.append(ColumnSpec(name=name, kind=kind, min=-size, max=size * 10, integer=integer,
                                      nullable=nullable))
            values = pd.Series(rng.integers(-size, size * 10, 200) if integer else rng.uniform(-size, size * 10, 200))
        if nullable:
            values = values.where(rng.random(200) > 0.3)
        data[name] = values
    schema = TableSchema(columns=columns)
    out = AIMSynthesizer(1.0, 1e-6, seed=seed, **FAST).fit(pd.DataFrame(data), schema).sample(150)
    check_in_domain(out, schema)  # categories, bounds, integers, and no missing value where nullable is false
    for spec in columns:
        if spec.nullable is None:  # silent and no missing cell in the data: none in the output
            assert not out[spec.name].isna().any()


def test_an_empty_key_group_is_dropped_even_when_its_one_way_noise_looks_significant() -> None:
    rng = np.random.default_rng(4)
    areas = [f"area{i:02d}" for i in range(30)]
    n = 3000
    frame = pd.DataFrame({"area": rng.choice(areas[:5], n), "x": rng.choice(["a", "b", "c"], n),
                          "y": rng.integers(0, 40, n)})
    schema = TableSchema(columns=[ColumnSpec(name="area", kind="categorical", categories=areas, nullable=False),
                                  ColumnSpec(name="x", kind="categorical", categories=["a", "b", "c"]),
                                  ColumnSpec(name="y", kind="numeric", min=0, max=50, integer=True)])
    gen = AIMSynthesizer(1.0, 1e-6, seed=0, key="area", drop_empty_key=False, **FAST).fit(frame, schema)
    key, sigma = gen.key_index(), gen.sigmas["one_way"]
    rare = np.flatnonzero(gen.noisy_fine[key] < 3 * sigma)
    assert len(rare) >= 20
    gen.noisy_fine[key][rare] = 2.5 * sigma / np.sqrt(len(rare))  # total 2.5 sigma sqrt(k): the one-way alone
    gen._drop_empty_key_group(key, sigma)  # would keep the group (the old rule kept it below 2 sigma sqrt(k))
    group = gen.groups[key].of_fine[rare[0]]
    assert gen.model.marginal((key,))[group] < 1e-3  # the (key, X) tables show it empty: dropped
    assert not set(gen.sample(2000)["area"]) - set(areas[:5])
