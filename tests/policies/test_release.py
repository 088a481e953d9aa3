"""Release policy: known verdicts for a copy, random data and a good sample; thresholds and overrides."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.agents.validators.tabular import validate_table
from privsynth.errors import ConfigError
from privsynth.policies.release import DEFAULT_THRESHOLDS, evaluate_release, release_measurements
from privsynth.tools.data.schema import TableSchema, load_schema

PII = ["full_name", "email", "phone"]


SAMPLE = Path(__file__).resolve().parents[2] / "privsynth" / "sample_data"


@pytest.fixture(scope="module")
def schema() -> TableSchema:
    return load_schema(SAMPLE / "adult_people.schema.json")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "adult_people.csv").drop(columns=PII)


def uniform(schema: TableSchema, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({c.name: rng.choice(c.categories, n) if c.kind == "categorical"
                         else rng.integers(int(c.min), int(c.max) + 1, n) for c in schema.modelled_columns})


@pytest.fixture(scope="module")
def verdicts(table: pd.DataFrame, schema: TableSchema) -> dict[str, dict]:
    train, holdout = table.iloc[:1000], table.iloc[1000:2000]  # equal sizes: a copy scores DCR share ~1
    out = {}
    for name, synth in (("copy", train.copy()), ("random", uniform(schema, 1000)), ("good", table.iloc[2000:])):
        validation = validate_table(train, holdout, synth, schema, "income").to_report()
        out[name] = {"validation": validation, "release": evaluate_release(validation)}
    return out


def outcomes(release: dict) -> dict[str, str]:
    return {c["metric"]: c["outcome"] for c in release["checks"]}


def test_copy_of_training_data_fails_privacy(verdicts: dict) -> None:
    release, validation = verdicts["copy"]["release"], verdicts["copy"]["validation"]
    assert release["verdict"] == "fail"
    found = outcomes(release)
    for metric in ("exact_copy_excess", "share_closer_to_train", "mia_advantage", "inference_risk_ci_high"):
        assert found[metric] == "fail", metric
    measured = release_measurements(validation)
    assert measured["share_closer_to_train"] > 0.95 and measured["mia_advantage"] > 0.8
    assert any("exact_copy_excess" in r for r in release["reasons"])


def test_random_data_fails_fidelity_and_utility(verdicts: dict) -> None:
    release = verdicts["random"]["release"]
    assert release["verdict"] == "fail"
    found = outcomes(release)
    assert found["column_shape_mean"] == found["pair_trend_mean"] == found["kmarginal"] == "fail"
    assert found["utility_gap"] == "fail"
    assert found["exact_copy_excess"] == found["mia_advantage"] == "pass"


def test_good_sample_passes(verdicts: dict) -> None:
    release = verdicts["good"]["release"]
    assert release["verdict"] == "pass", release["reasons"]
    assert all(c["outcome"] == "pass" for c in release["checks"])
    assert {c["metric"] for c in release["checks"]} == set(DEFAULT_THRESHOLDS)


def test_overrides_change_the_verdict(verdicts: dict) -> None:
    validation = verdicts["good"]["validation"]
    strict = evaluate_release(validation, {"column_shape_mean": {"warn": 0.999, "fail": 0.998}})
    assert strict["verdict"] == "fail" and any("column_shape_mean" in r for r in strict["reasons"])
    lenient = evaluate_release(verdicts["copy"]["validation"], {
        name: {"warn": 1e9, "fail": 1e9} for name, t in DEFAULT_THRESHOLDS.items() if t.direction == "lower"})
    assert lenient["verdict"] == "pass"
    with pytest.raises(ConfigError, match="Unknown release metric"):
        evaluate_release(validation, {"no_such_metric": {"warn": 1}})
    with pytest.raises(ConfigError, match="unknown key"):
        evaluate_release(validation, {"mia_advantage": {"limit": 1}})


def test_unmeasured_metrics_do_not_change_the_verdict() -> None:
    release = evaluate_release({"fidelity": {"column_shape_mean": {"value": 0.95}}})
    assert release["verdict"] == "pass"
    assert outcomes(release)["inference_risk_ci_high"] == "not measured"
    broken = evaluate_release({"schema_diagnostics": {"valid": False}})
    assert broken["verdict"] == "fail" and "schema" in broken["reasons"][-1]


def test_thresholds_are_ordered() -> None:
    for name, rule in DEFAULT_THRESHOLDS.items():
        assert rule.direction in ("higher", "lower"), name
        assert (rule.fail <= rule.warn) if rule.direction == "higher" else (rule.fail >= rule.warn), name
