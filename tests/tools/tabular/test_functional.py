"""Tests of ``function_of``: one value of a column per value of the column it follows, in AIM's and MST's samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from privsynth.tools.data.nist import reviewed_files
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.encoding.functional import collapse_functions
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.mechanisms.mst import MSTSynthesizer

FAST = {AIMSynthesizer: {"iters": 80, "round_iters": 15, "progress": False},
        MSTSynthesizer: {"iters": 80, "progress": False}}
DENSITY = {"a": 120.5, "b": 2300.0, "c": 9100.7}


def area_schema(rule: bool = True) -> TableSchema:
    return TableSchema(columns=[
        ColumnSpec(name="area", kind="categorical", categories=["a", "b", "c", "d"], nullable=False),
        ColumnSpec(name="density", kind="numeric", min=10, max=20000, decimals=1, nullable=False,
                   function_of="area" if rule else None),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
    ])


def area_data(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    area = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    return pd.DataFrame({"area": area, "density": [DENSITY[a] for a in area], "age": rng.integers(0, 90, n)})


@pytest.mark.parametrize("synthesizer", [AIMSynthesizer, MSTSynthesizer])
def test_each_area_gets_one_density_and_without_the_rule_it_does_not(synthesizer: type) -> None:
    data = area_data()
    synth = synthesizer(epsilon=1.0, delta=1e-6, seed=0, **FAST[synthesizer]).fit(data, area_schema()).sample(
        2000)
    per_area = synth.groupby("area")["density"]
    assert (per_area.nunique() == 1).all()
    for area, value in per_area.first().items():  # the shared value is near the area's (the model's location)
        if area in DENSITY:
            assert abs(np.log(value / DENSITY[area])) < 0.5
    without = synthesizer(epsilon=1.0, delta=1e-6, seed=0, **FAST[synthesizer]).fit(
        data, area_schema(rule=False)).sample(2000)
    assert (without.groupby("area")["density"].nunique() > 1).any()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["x", "y", "z"]),
                          st.one_of(st.none(), st.floats(0, 1e4, allow_nan=False))), min_size=1, max_size=40))
def test_the_shared_value_is_one_the_rows_drew(rows: list[tuple[str, float | None]]) -> None:
    """Property: one value per key; it is one of the group's drawn values, or missing when most were."""
    frame = pd.DataFrame(rows, columns=["k", "v"]).astype({"v": float})
    schema = TableSchema(columns=[ColumnSpec(name="k", kind="categorical", categories=["x", "y", "z"]),
                                  ColumnSpec(name="v", kind="numeric", min=0, max=1e4, function_of="k")])
    out = collapse_functions(frame, schema)
    assert len(out) == len(frame) and list(out["k"]) == list(frame["k"])
    for key, group in out.groupby("k"):
        drawn = frame.loc[frame["k"] == key, "v"]
        values = group["v"]
        if values.isna().any():
            assert values.isna().all() and drawn.isna().sum() * 2 > len(drawn)
        else:
            assert values.nunique() == 1 and values.iloc[0] in set(drawn.dropna())


def test_the_schema_refuses_a_function_of_a_number() -> None:
    with pytest.raises(ValidationError, match="function of 'age'"):
        TableSchema(columns=[ColumnSpec(name="age", kind="numeric", min=0, max=9),
                             ColumnSpec(name="d", kind="numeric", min=0, max=9, function_of="age")])


def test_the_shipped_nist_relations_make_density_a_function_of_puma() -> None:
    (_, reviewed), = reviewed_files()
    assert reviewed["columns"]["DENSITY"]["function_of"] == "PUMA"
