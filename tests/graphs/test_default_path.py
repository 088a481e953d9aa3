"""The README's command on tables it has not seen: every column accounted for, the schema's rules kept."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import privsynth
from privsynth.errors import SchemaError
from privsynth.policies.ledger import Ledger
from tests.run_support import released


def _dictionary_table(tmp_path, n: int = 600):
    rng = np.random.default_rng(3)
    age = rng.integers(0, 90, n)
    frame = pd.DataFrame({
        "AREA": rng.choice(["a1", "a2", "a3"], n),
        "AGE": age,
        "MAR": np.where(age < 15, "N", rng.choice(["1", "2"], n)),
        "INC": np.where(age < 15, "N", rng.integers(0, 90_000, n).astype(str)),
        "CODE": rng.integers(100, 999, n),
    })
    dictionary = {
        "AREA": {"description": "Area code", "values": {"a1": "x", "a2": "y", "a3": "z"}},
        "AGE": {"description": "Age", "values": {"min": 0, "max": 99}},
        "MAR": {"description": "Married", "values": {"N": "N/A (age less than 15 years)", "1": "yes", "2": "no"}},
        "INC": {"description": "Income", "values": {"N": "N/A", "min": 0, "max": 100_000}},
        "CODE": {"description": "Codes without a list"},
    }
    (tmp_path / "t.csv").write_text(frame.to_csv(index=False))
    (tmp_path / "dict.json").write_text(json.dumps(dictionary))
    return tmp_path / "t.csv", tmp_path / "dict.json"


def test_a_column_without_a_domain_stops_before_spending_then_is_dropped_and_listed(tmp_path, privsynth_home):
    source, dictionary = _dictionary_table(tmp_path)
    with pytest.raises(SchemaError) as err:
        privsynth.synthesize(source, schema=dictionary, epsilon=1.0, validation="basic")
    assert "CODE" in str(err.value) and "--drop-column CODE" in err.value.fix
    out = tmp_path / "synth.csv"
    result = released(privsynth.synthesize(source, schema=dictionary, epsilon=1.0, drop_columns=["CODE"], out=out,
                                           target="INC", validation="basic"))
    assert len(Ledger(privsynth_home / "ledger.sqlite", (3.0, 1e-5)).history("t")) == 1  # the stop spent nothing
    rows = {r["column"]: r["outcome"] for r in result.report["columns"]}
    assert set(rows) == {"AREA", "AGE", "MAR", "INC", "CODE"} and rows["CODE"] == "dropped (--drop-column)"
    text = out.read_text().splitlines()
    assert text[0] == "AREA,AGE,MAR,INC" and not any("." in line for line in text[1:])  # integers stay integers
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (written[["AREA", "AGE"]] != "").all().all() and (written[["AREA", "AGE"]] != "N").all().all()
    assert (written["MAR"] == "N").mean() > 0.05  # N is listed for MAR: missing values kept, written as N
    utility = result.report["validation"]["utility"]
    assert "r2" in json.dumps(utility)  # a numeric target gives an R^2 figure
    assert result.report["generation"]["workload"]["key"] is None  # INC is numeric: not a key


def test_a_table_with_no_missing_cell_gets_none_back(tmp_path):
    rng = np.random.default_rng(5)
    n = 500
    frame = pd.DataFrame({"plan": rng.choice(["basic", "plus", "pro"], n, p=[0.6, 0.3, 0.1]),
                          "tenure": rng.integers(0, 72, n), "paid": rng.uniform(10, 120, n).round(2)})
    schema = {"columns": [
        {"name": "plan", "kind": "categorical", "categories": ["basic", "plus", "pro"]},
        {"name": "tenure", "kind": "numeric", "min": 0, "max": 100, "integer": True},
        {"name": "paid", "kind": "numeric", "min": 0, "max": 200, "decimals": 2}]}
    (tmp_path / "c.csv").write_text(frame.to_csv(index=False))
    (tmp_path / "c.schema.json").write_text(json.dumps(schema))
    result = released(privsynth.synthesize(tmp_path / "c.csv", epsilon=1.0, target="plan", out=tmp_path / "o.csv",
                                           validation="basic"))
    out = pd.read_csv(tmp_path / "o.csv")
    assert not out.isna().any().any()
    assert out["paid"].map(lambda v: len(repr(float(v)).split(".")[1]) <= 2).all()
    assert result.report["generation"]["workload"] == {"key": "plan",
                                                       "reason": "the utility target, a categorical column"}
