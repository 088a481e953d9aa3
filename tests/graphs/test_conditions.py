"""Conditions and rebalancing: rows of one class, sampled from the fitted model, checked before any spend."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import privsynth
from privsynth.errors import ConfigError
from tests.cli_support import spends_by_dataset
from tests.run_support import released

DEVICES = ["phone", "laptop", "tablet", "desktop"]
REAL_ROWS = 1500


def _fraud_table(folder: Path) -> tuple[Path, Path, pd.DataFrame]:
    """Fraud (15% of rows) changes the device mix sharply: its conditional distribution is not the overall one."""
    rng = np.random.default_rng(3)
    fraud = (rng.random(REAL_ROWS) < 0.15).astype(int)
    device = np.where(fraud == 1, rng.choice(DEVICES, REAL_ROWS, p=[0.7, 0.2, 0.05, 0.05]),
                      rng.choice(DEVICES, REAL_ROWS, p=[0.1, 0.3, 0.3, 0.3]))
    amount = np.where(fraud == 1, rng.integers(50_000, 100_000, REAL_ROWS), rng.integers(1, 50_000, REAL_ROWS))
    frame = pd.DataFrame({"device": device, "amount": amount, "fraud": fraud})
    data = folder / "claims.csv"
    frame.to_csv(data, index=False)
    schema = folder / "claims.schema.json"
    schema.write_text(json.dumps({"name": "claims", "columns": [
        {"name": "device", "kind": "categorical", "categories": DEVICES, "nullable": False},
        {"name": "amount", "kind": "numeric", "min": 0, "max": 100_000, "integer": True, "nullable": False},
        {"name": "fraud", "kind": "categorical", "categories": ["0", "1"], "nullable": False}]}))
    return data, schema, frame


def _shares(values: pd.Series) -> np.ndarray:
    return values.astype(str).value_counts(normalize=True).reindex(DEVICES, fill_value=0.0).to_numpy()


def test_rebalancing_reaches_the_count_and_keeps_the_conditional_distribution(tmp_path):
    """4000 rows of fraud=1 (15% of the real rows): every row is fraud, its device mix is fraud's, not the mix
    of all rows, and the validators compare with the real fraud rows."""
    data, schema, real = _fraud_table(tmp_path)
    result = privsynth.synthesize(data, schema=schema, epsilon=2.5, rows=4000, conditions={"fraud": 1},
                                  validation="basic", out=tmp_path / "fraud.csv")
    result = released(result)
    synthetic = result.synthetic
    assert len(synthetic) == 4000
    assert (synthetic["fraud"].astype(str) == "1").all()
    real_slice = real[real["fraud"] == 1]
    tvd_slice = 0.5 * np.abs(_shares(synthetic["device"]) - _shares(real_slice["device"])).sum()
    tvd_all = 0.5 * np.abs(_shares(real["device"]) - _shares(real_slice["device"])).sum()
    assert tvd_slice < 0.1 < tvd_all / 2  # the conditioned slice looks like the real slice, not the whole table
    assert synthetic["amount"].median() >= 50_000  # the numeric column follows the class too
    validated = result.report["validation"]["rows"]["train"]
    assert validated < 0.3 * REAL_ROWS  # compared with the real fraud rows only (about 15% of the training part)
    assert result.report["generation"]["conditions"] == {"fraud": "1"}


def test_a_condition_without_rows_keeps_the_matching_rows_of_a_full_sample(tmp_path):
    data, schema, real = _fraud_table(tmp_path)
    result = privsynth.synthesize(data, schema=schema, epsilon=2.5, conditions={"device": "Phone"},
                                  validation="basic")
    result = released(result)
    share = (real["device"] == "phone").mean()
    assert (result.synthetic["device"] == "phone").all()  # the schema's spelling, matched without case
    assert 0.5 * share * REAL_ROWS < len(result.synthetic) < 1.5 * share * REAL_ROWS


@pytest.mark.parametrize(("conditions", "named"), [({"fraud": "2"}, "'2' is not a category of 'fraud'"),
                                                   ({"amount": "5"}, "only categorical columns"),
                                                   ({"colour": "red"}, "not a modelled column")])
def test_a_bad_condition_spends_nothing(tmp_path, conditions, named):
    data, schema, _ = _fraud_table(tmp_path)
    with pytest.raises(ConfigError, match=named):
        privsynth.synthesize(data, schema=schema, epsilon=1, rows=100, conditions=conditions, validation="basic")
    assert spends_by_dataset().get("claims", 0) == 0


def test_run_reads_a_rebalancing_request_and_honours_it(tmp_path, monkeypatch):
    data, schema, _ = _fraud_table(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = privsynth.run(f"500 rows of fraud=1 like {data.name} with schema {schema.name}, epsilon 2")
    result = released(result)  # the release policy may hold a small table's run: approved as a person would
    assert len(result.synthetic) == 500 and (result.synthetic["fraud"].astype(str) == "1").all()
