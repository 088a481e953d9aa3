"""Tests of ``holds_when`` rules: forced group cuts, forbidden cells, the model's zeros, and AIM's samples."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privsynth.errors import SchemaError
from privsynth.tools.data.schema import ColumnSpec, TableSchema, load_schema
from privsynth.tools.tabular.encoding.codec import FineColumn, Groups, compress
from privsynth.tools.tabular.encoding.structural_zeros import gate_cuts, zero_tables
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.model.graphical_model import Measurement
from privsynth.tools.tabular.model.junction_tree import LargeCliqueModel, junction_tree, transfer_theta

FAST = {"iters": 80, "round_iters": 15, "progress": False}


def rule_schema(rules: bool = True) -> TableSchema:
    rule = {"column": "age", "below": 15} if rules else None
    return TableSchema(columns=[
        ColumnSpec(name="region", kind="categorical", categories=["a", "b", "c"], nullable=False),
        ColumnSpec(name="age", kind="numeric", min=0, max=99, integer=True, nullable=False),
        ColumnSpec(name="marital", kind="categorical", categories=["single", "married", "widowed"],
                   holds_when=rule),
        ColumnSpec(name="income", kind="numeric", min=0, max=200_000, holds_when=rule),
        ColumnSpec(name="sex", kind="categorical", categories=["F", "M"], nullable=False),
    ])


def rule_data(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 90, n)
    young = age < 15
    marital = pd.Series(rng.choice(["single", "married", "widowed"], n, p=[0.4, 0.5, 0.1]), dtype=object)
    marital[young] = np.nan
    income = np.round(rng.lognormal(10, 0.7, n)).clip(0, 200_000)
    income[young] = np.nan
    return pd.DataFrame({"region": rng.choice(["a", "b", "c"], n), "age": age, "marital": marital,
                         "income": income, "sex": rng.choice(["F", "M"], n)})


def violations(frame: pd.DataFrame) -> int:
    young = frame["age"] < 15
    return int(sum(((young & frame[c].notna()) | (~young & frame[c].isna())).sum() for c in ("marital", "income")))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 50), min_size=20, max_size=60), st.sets(st.integers(1, 59), max_size=4))
def test_compress_starts_a_group_at_every_cut(counts: list[float], cuts: set[int]) -> None:
    noisy = np.array(counts + [3.0])  # ordered bins, then one unordered code
    n_ordered = len(counts)
    groups = compress(noisy, n_ordered, threshold=30.0, groups=5, cuts=sorted(cuts))
    of = groups.of_fine[:n_ordered]
    for c in cuts:
        if c < n_ordered:
            assert of[c] != of[c - 1]
    assert np.all(np.diff(of) >= 0)  # ordered bins still form contiguous groups


def test_gate_cuts_and_zero_tables_name_only_the_forbidden_cells() -> None:
    schema = rule_schema()
    columns = [FineColumn(s) for s in schema.modelled_columns]
    assert gate_cuts(columns) == {1: [15]}
    age = compress(np.full(columns[1].size, 20.0), columns[1].n_bins, 30.0, 6, cuts=[15])
    marital = Groups(of_fine=np.array([0, 1, 1, 2]), weights=np.ones(4), n_groups=3)  # missing alone in 2
    income = Groups(of_fine=np.r_[np.zeros(columns[3].n_bins, int), 1], weights=np.ones(columns[3].size),
                    n_groups=2)
    plain = Groups(of_fine=np.arange(3), weights=np.ones(3), n_groups=3)
    zeros = dict(zero_tables(columns, [plain, age, marital, income, plain]))
    young = np.array([np.all(np.flatnonzero(age.of_fine[:100] == k) < 15) for k in range(age.n_groups)])
    table = zeros[(1, 2)]
    assert table.shape == (age.n_groups, 3)
    assert np.array_equal(table[:, :2], np.repeat(young[:, None], 2, axis=1))  # young: no marital status
    assert np.array_equal(table[:, 2], ~young)  # older: never missing
    assert (1, 3) in zeros


def test_schema_checks_holds_when(tmp_path) -> None:
    raw = {"columns": [{"name": "x", "kind": "categorical", "categories": ["u"],
                        "holds_when": {"column": "age", "below": 3}}]}
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(SchemaError, match="rule on 'age', which is not another numeric"):
        load_schema(path)
    raw["columns"].append({"name": "age", "kind": "numeric", "min": 0, "max": 99})
    raw["columns"][0]["nullable"] = False
    path.write_text(json.dumps(raw))
    with pytest.raises(SchemaError, match="not nullable"):
        load_schema(path)
    assert rule_schema().without(["age"]).column("marital").holds_when is None


def test_model_zeros_hold_through_fitting_and_a_warm_start() -> None:
    domain = [3, 4, 2]
    model = LargeCliqueModel(domain, *junction_tree([(0, 1), (1, 2)], domain))
    forbid = np.zeros((3, 4), bool)
    forbid[0, :2] = True
    model.set_zeros([((0, 1), forbid)])
    rng = np.random.default_rng(0)
    truth = rng.random((3, 4)) * 100
    model.fit([Measurement((0, 1), truth, 1.0), Measurement((1, 2), rng.random((4, 2)) * 100, 1.0)],
              total=truth.sum(), iters=100)
    assert model.marginal((0, 1))[forbid].max() < 1e-9
    assert model.marginal((0, 1))[~forbid].min() > 0.1
    bigger = LargeCliqueModel(domain, *junction_tree([(0, 1, 2)], domain))
    transfer_theta(model, bigger)
    assert np.allclose(bigger.marginal((0, 1)), model.marginal((0, 1)))
    codes = bigger.sample(500, rng, rounding=True)
    assert not np.any(forbid[codes[:, 0], codes[:, 1]])


def test_aim_keeps_the_rules_in_every_sampled_row_and_spends_the_same() -> None:
    data = rule_data()
    with_rules = AIMSynthesizer(1.0, 1e-5, seed=0, **FAST)
    synth = with_rules.fit(data, rule_schema()).sample()
    assert violations(synth) == 0
    without = AIMSynthesizer(1.0, 1e-5, seed=0, **FAST)
    plain = without.fit(data, rule_schema(rules=False)).sample()
    assert violations(plain) > 0  # the noisy model alone breaks the rule
    assert with_rules.privacy_event() == without.privacy_event()  # public rules: no measurement added
    off = AIMSynthesizer(1.0, 1e-5, seed=0, structural_zeros=False, **FAST).fit(data, rule_schema())
    assert off.model.zeros == []
