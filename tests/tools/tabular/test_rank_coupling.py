"""Tests of the declared rank relation (``rank_of``): schema checks, the coupling, and the synthesizers' output."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privsynth.errors import SchemaError
from privsynth.tools.data.schema import ColumnSpec, TableSchema, load_schema
from privsynth.tools.tabular.encoding.rank_coupling import couple_to_rank, rank_order
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.mechanisms.mst import MSTSynthesizer

DECILES = [str(d) for d in range(9, -1, -1)]  # listed high to low, as in the NIST dictionary


def decile_schema() -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["a", "b", "c"]),
        ColumnSpec(name="income", kind="numeric", min=0, max=200_000, integer=True),
        ColumnSpec(name="decile", kind="categorical", categories=DECILES, rank_of="income"),
        ColumnSpec(name="sex", kind="categorical", categories=["F", "M"]),
    ])


def decile_data(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    income = np.round(rng.lognormal(10, 0.8, n)).clip(0, 200_000)
    income[rng.random(n) < 0.1] = np.nan
    cuts = np.nanquantile(income, np.linspace(0.1, 0.9, 9))
    decile = pd.Series(np.searchsorted(cuts, income, side="right"), dtype=object).astype(str)
    decile[np.isnan(income)] = np.nan
    return pd.DataFrame({"region": rng.choice(["a", "b", "c"], n), "income": income, "decile": decile,
                         "sex": rng.choice(["F", "M"], n)})


def co_monotone(frame: pd.DataFrame, spec: ColumnSpec, value: str) -> bool:
    both = frame[frame[spec.name].notna() & frame[value].notna()]
    ranks = rank_order(spec, both[spec.name])
    values = both[value].to_numpy(float)
    order = np.lexsort((values, ranks))
    return bool(np.all(np.diff(values[order]) >= 0))


def test_rank_order_uses_numeric_categories_by_value_and_others_by_position() -> None:
    spec = decile_schema().column("decile")
    assert list(rank_order(spec, pd.Series(["9", "0", "5", 3.0]))) == [9.0, 0.0, 5.0, 3.0]
    named = ColumnSpec(name="band", kind="categorical", categories=["low", "mid", "high"])
    assert list(rank_order(named, pd.Series(["high", "low", "mid"]))) == [2.0, 0.0, 1.0]
    assert np.isnan(rank_order(named, pd.Series(["unknown"]))[0])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DECILES + [None]), st.one_of(st.none(), st.integers(0, 1000))),
                min_size=1, max_size=60), st.integers(0, 10))
def test_coupling_only_reorders_the_value_column(rows: list[tuple[str | None, int | None]], seed: int) -> None:
    frame = pd.DataFrame({"decile": [r[0] for r in rows], "income": [r[1] for r in rows],
                          "other": np.arange(len(rows))})
    frame["income"] = frame["income"].astype(float)
    spec = decile_schema().column("decile")
    out = couple_to_rank(frame, spec, "income", np.random.default_rng(seed))
    assert out["decile"].equals(frame["decile"]) and out["other"].equals(frame["other"])
    assert sorted(out["income"].dropna()) == sorted(frame["income"].dropna())
    one_missing = frame["decile"].isna() | frame["income"].isna()
    assert out["income"][one_missing].equals(frame["income"][one_missing])  # rows lacking one value kept
    assert co_monotone(out, spec, "income")


def test_schema_rejects_a_rank_of_a_missing_or_non_numeric_column(tmp_path) -> None:
    bad = {"columns": [{"name": "d", "kind": "categorical", "categories": ["0", "1"], "rank_of": "x"}]}
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(SchemaError, match="rank of 'x'"):
        load_schema(path)
    bad["columns"].append({"name": "x", "kind": "categorical", "categories": ["u", "v"]})
    path.write_text(json.dumps(bad))
    with pytest.raises(SchemaError, match="not a numeric column"):
        load_schema(path)


def test_without_drops_the_relation_to_a_removed_column() -> None:
    schema = decile_schema().without(["income"])
    assert schema.column("decile").rank_of is None


@pytest.mark.parametrize("generator", [MSTSynthesizer, AIMSynthesizer])
def test_synthesizers_sample_a_co_monotone_rank(generator: type) -> None:
    data, schema = decile_data(), decile_schema()
    synth = generator(2.0, 1e-5, seed=0, iters=60, progress=False).fit(data, schema).sample()
    assert co_monotone(synth, schema.column("decile"), "income")
    plain = schema.without([]).model_copy(deep=True)
    plain.columns[2] = plain.columns[2].model_copy(update={"rank_of": None})
    before = generator(2.0, 1e-5, seed=0, iters=60, progress=False).fit(data, plain).sample()
    assert not co_monotone(before, schema.column("decile"), "income")  # the model alone breaks the order
    assert sorted(before["income"].dropna()) == sorted(synth["income"].dropna())  # same values, re-dealt
