"""Validators and metrics: known answers on the sample table, ranges and directions, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.agents.validators.tabular import STATEMENT, Metric, ValidationResult, validate_table
from privsynth.errors import InputDataError
from privsynth.tools import metrics
from privsynth.tools.data.schema import ColumnSpec, TableSchema, load_schema

SAMPLE = Path(__file__).resolve().parents[2] / "privsynth" / "sample_data"
DIRECTIONS = {"higher_is_better", "lower_is_better", "closer_to_0.5"}
PII = ["full_name", "email", "phone"]


@pytest.fixture(scope="module")
def schema() -> TableSchema:
    return load_schema(SAMPLE / "adult_people.schema.json")


@pytest.fixture(scope="module")
def table(schema: TableSchema) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "adult_people.csv").drop(columns=PII)


def uniform_table(schema: TableSchema, n: int, seed: int = 0) -> pd.DataFrame:
    """Independent columns drawn uniformly from the declared public domains."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c.name: rng.choice(c.categories, n) if c.kind == "categorical"
                         else rng.integers(int(c.min), int(c.max) + 1, n) for c in schema.modelled_columns})


def metric(section, name: str) -> Metric:
    return next(m for m in section.metrics if m.name == name)


@pytest.fixture(scope="module")
def copy_result(table: pd.DataFrame, schema: TableSchema) -> ValidationResult:
    train, holdout = table.iloc[:1500], table.iloc[1500:]
    return validate_table(train, holdout, train.copy(), schema, "income")


@pytest.fixture(scope="module")
def random_result(table: pd.DataFrame, schema: TableSchema) -> ValidationResult:
    train, holdout = table.iloc[:2400], table.iloc[2400:]
    return validate_table(train, holdout, uniform_table(schema, 2400), schema, "income")


def all_metrics(result: ValidationResult) -> list[Metric]:
    fid = result.fidelity
    return [*fid.column_shapes, fid.column_shape_mean, *fid.pair_trends, fid.pair_trend_mean,
            *result.utility.metrics, *result.privacy.metrics]


# -- known answers --------------------------------------------------------------------------------------------

def test_copy_of_training_data_is_flagged(copy_result: ValidationResult) -> None:
    assert metric(copy_result.privacy, "exact_copy_rate").value == 1.0
    assert metric(copy_result.privacy, "share_closer_to_train").value > 0.9
    assert metric(copy_result.privacy, "dcr_p5_ratio").value == 0.0
    assert copy_result.fidelity.column_shape_mean.value == pytest.approx(1.0)
    assert copy_result.fidelity.pair_trend_mean.value == pytest.approx(1.0)
    assert copy_result.schema_diagnostics.valid


def test_copy_with_unequal_split_scores_the_copy_benchmark(table: pd.DataFrame, schema: TableSchema) -> None:
    train, holdout = table.iloc[:2400], table.iloc[2400:]
    raw = metrics.dcr(train, holdout, train, [c.name for c in schema.modelled_columns], schema)
    assert raw["exact_copy_rate"] == 1.0
    assert raw["copy_benchmark"] == pytest.approx(0.625)
    assert abs(raw["share_closer_to_train"] - raw["copy_benchmark"]) < 0.05
    assert raw["p5_ratio"] == 0.0


def test_independent_uniform_data_scores_low(copy_result: ValidationResult, random_result: ValidationResult) -> None:
    assert random_result.fidelity.column_shape_mean.value < copy_result.fidelity.column_shape_mean.value - 0.2
    assert random_result.fidelity.pair_trend_mean.value < copy_result.fidelity.pair_trend_mean.value - 0.2
    assert metric(random_result.utility, "tstr_roc_auc").value < 0.65
    assert metric(random_result.utility, "trtr_roc_auc").value > 0.75
    assert abs(metric(random_result.privacy, "share_closer_to_train").value - 0.5) < 0.1
    assert metric(random_result.privacy, "exact_copy_rate").value < 0.01
    assert len(random_result.fidelity.worst_columns) == 3
    assert [m.column for m in random_result.fidelity.marginals] == random_result.fidelity.worst_columns


def test_fresh_real_rows_look_like_a_good_generator(table: pd.DataFrame, schema: TableSchema) -> None:
    train, holdout, fresh = table.iloc[:1500], table.iloc[1500:2250], table.iloc[2250:]
    result = validate_table(train, holdout, fresh, schema, "income")
    assert result.fidelity.column_shape_mean.value > 0.9
    assert abs(metric(result.privacy, "share_closer_to_train").value - 0.5) < 0.1
    tstr, trtr = metric(result.utility, "tstr_roc_auc").value, metric(result.utility, "trtr_roc_auc").value
    assert tstr > 0.75 and abs(tstr - trtr) < 0.08


def test_every_metric_states_definition_direction_and_range(random_result: ValidationResult) -> None:
    entries = all_metrics(random_result)
    assert len(random_result.fidelity.pair_trends) == 45  # every pair of the 10 modelled columns
    for m in entries:
        assert m.definition and m.direction in DIRECTIONS
        low, high = m.range
        if m.value is not None:
            assert (low is None or m.value >= low - 1e-9) and (high is None or m.value <= high + 1e-9), m.name
    assert random_result.statement == STATEMENT
    assert "non-DP statistics for the data owner" in random_result.to_report()["statement"]
    assert metric(random_result.privacy, "share_closer_to_train").direction == "closer_to_0.5"
    assert metric(random_result.privacy, "exact_copy_rate").direction == "lower_is_better"


def test_validation_reports_its_timings(copy_result: ValidationResult, random_result: ValidationResult) -> None:
    # the speed itself is a benchmark (evals/validators_bench.py), not a clock assert: a cold numba cache in a
    # fresh clone makes the first run slow
    for result in (copy_result, random_result):
        assert {"fidelity", "utility", "privacy"} <= set(result.timings)
        assert 0 < sum(result.timings.values()) <= result.seconds + 1e-3


# -- bad input ------------------------------------------------------------------------------------------------

def test_missing_column_and_bad_values_are_listed(table: pd.DataFrame, schema: TableSchema) -> None:
    train, holdout = table.iloc[:2400], table.iloc[2400:]
    synth = train.drop(columns=["age"]).copy()
    synth["hours_per_week"] = synth["hours_per_week"].astype(float)
    synth.loc[synth.index[:4], "race"] = "Martian"
    synth.loc[synth.index[:2], "hours_per_week"] = 120.5
    synth.loc[synth.index[2], "hours_per_week"] = np.nan
    synth["extra"] = 1
    result = validate_table(train, holdout, synth, schema, "income")
    diag = result.schema_diagnostics
    assert not diag.valid and diag.missing_columns == ["age"] and diag.extra_columns == ["extra"]
    found = {(i.column, i.problem): i for i in diag.issues}
    race = found[("race", "unknown_category")]
    assert race.count == 4 and race.examples == ["Martian"]
    assert found[("hours_per_week", "above_max")].count == 2
    assert found[("hours_per_week", "not_integer")].count == 2
    age = next(m for m in result.fidelity.column_shapes if m.columns == ["age"])
    assert age.value == 0.0 and "missing" in age.note
    assert "age" not in metric(result.privacy, "exact_copy_rate").columns
    assert any("age" in w for w in result.warnings)


def test_absent_target_is_a_clear_error(table: pd.DataFrame, schema: TableSchema) -> None:
    with pytest.raises(InputDataError, match="salary"):
        validate_table(table.iloc[:100], table.iloc[100:200], table.iloc[:100], schema, "salary")
    with pytest.raises(InputDataError, match="lacks"):
        metrics.utility_tstr(table, table, table.drop(columns=["income"]), "income", ["age"])


def test_tiny_holdout_is_flagged_not_crashing(table: pd.DataFrame, schema: TableSchema) -> None:
    train = table.iloc[:1000]
    result = validate_table(train, table.iloc[1000:1003], uniform_table(schema, 500), schema, "income")
    assert not result.utility.available and result.utility.degenerate
    assert "only 3 rows" in result.utility.reason
    assert result.privacy.degenerate and [m.name for m in result.privacy.metrics] == ["exact_copy_rate"]
    assert any("only 3 rows" in w for w in result.warnings)


def test_no_holdout_skips_utility_with_a_reason(table: pd.DataFrame, schema: TableSchema) -> None:
    result = validate_table(table.iloc[:800], None, table.iloc[800:1600], schema, "income")
    assert not result.utility.available and "holdout" in result.utility.reason
    assert result.rows["holdout"] == 0


def test_class_missing_in_synthetic_is_degenerate(table: pd.DataFrame, schema: TableSchema) -> None:
    train, holdout = table.iloc[:2000], table.iloc[2000:]
    synth = train.copy()
    synth["income"] = "<=50K"
    result = validate_table(train, holdout, synth, schema, "income")
    assert result.utility.available and result.utility.degenerate
    assert any(">50K" in n for n in result.utility.notes)
    assert metric(result.utility, "tstr_roc_auc").value == 0.5


def test_empty_synthetic_table_is_an_input_error(table: pd.DataFrame, schema: TableSchema) -> None:
    with pytest.raises(InputDataError, match="no rows"):
        validate_table(table.iloc[:100], None, table.iloc[:0], schema, None)


# -- metric functions -----------------------------------------------------------------------------------------

CAT = ColumnSpec(name="c", kind="categorical", categories=["x", "y"])
NUM = ColumnSpec(name="n", kind="numeric", min=0, max=10)


def test_column_shape_known_answers() -> None:
    real = pd.DataFrame({"c": ["x", "y"] * 50, "n": np.arange(100) % 10})
    assert metrics.column_shape_similarity(real, real, CAT) == 1.0
    assert metrics.column_shape_similarity(real, pd.DataFrame({"c": ["x"] * 10}), CAT) == pytest.approx(0.5)
    assert metrics.column_shape_similarity(real, pd.DataFrame({"c": ["z"] * 10}), CAT) == pytest.approx(0.0)
    assert metrics.column_shape_similarity(real, real, NUM) == 1.0
    # all synthetic values 0: real CDF at 0 is 0.1, synthetic is 1 -> KS 0.9
    assert metrics.column_shape_similarity(real, pd.DataFrame({"n": [0] * 10}), NUM) == pytest.approx(0.1)
    half_missing = pd.DataFrame({"n": [np.nan, 5.0] * 5})
    assert metrics.column_shape_similarity(pd.DataFrame({"n": [5.0] * 10}), half_missing, NUM) == pytest.approx(0.5)


def test_pair_trend_known_answer() -> None:
    specs = {"a": CAT.model_copy(update={"name": "a"}), "b": CAT.model_copy(update={"name": "b"})}
    real = pd.DataFrame({"a": ["x", "y"] * 50, "b": ["x", "y"] * 50})          # perfectly dependent
    synth = pd.DataFrame({"a": ["x", "x", "y", "y"] * 25, "b": ["x", "y"] * 50})  # independent
    assert metrics.pair_trend_similarity(real, real, "a", "b", specs) == 1.0
    assert metrics.pair_trend_similarity(real, synth, "a", "b", specs) == pytest.approx(0.5)


def test_category_strings_ignore_float_formatting() -> None:
    assert metrics.as_category_str(pd.Series([39.0, np.nan, 2.5])).tolist() == ["39", None, "2.5"]
    assert metrics.as_category_str(pd.Series([39, 40])).tolist() == ["39", "40"]


def test_numeric_target_with_many_values_is_regression(table: pd.DataFrame, schema: TableSchema) -> None:
    features = ["education", "hours_per_week", "sex"]
    out = metrics.utility_tstr(table.iloc[:1500], table.iloc[1500:], table.iloc[:1500], "age", features, schema)
    assert out["task"] == "regression" and set(out["tstr"]) == {"r2"} and out["tstr"]["r2"] <= 1.0


def test_dcr_rejects_a_missing_column(table: pd.DataFrame) -> None:
    with pytest.raises(InputDataError, match="lacks"):
        metrics.dcr(table, table, table.drop(columns=["age"]), ["age", "sex"])


# -- k-marginal, membership inference, anonymeter -------------------------------------------------------------

def test_new_privacy_metrics_known_answers(copy_result: ValidationResult, random_result: ValidationResult) -> None:
    assert metric(copy_result.privacy, "mia_advantage").value > 0.8
    assert metric(copy_result.privacy, "mia_auc").value > 0.9
    assert metric(copy_result.privacy, "inference_risk").value > 0.5
    assert abs(metric(random_result.privacy, "mia_advantage").value) < 0.1
    for name in ("singling_out_risk", "linkability_risk", "inference_risk"):
        m = metric(random_result.privacy, name)
        assert m.direction == "lower_is_better" and m.ci is not None and m.ci[0] <= m.value <= m.ci[1]
        assert m.ci[1] < 0.5, name
    assert metric(copy_result.privacy, "mia_advantage").range == (-1.0, 1.0)


def test_kmarginal_in_validation(copy_result: ValidationResult, random_result: ValidationResult) -> None:
    assert copy_result.fidelity.kmarginal.value == pytest.approx(1000.0)
    assert random_result.fidelity.kmarginal.value < 600
    assert copy_result.fidelity.kmarginal.range == (0.0, 1000.0)
    assert len(random_result.fidelity.worst_pairs) == 5
    assoc = random_result.fidelity.associations
    assert assoc is not None and len(assoc.columns) == 10 and len(assoc.difference) == 10
    assert all(0.0 <= v <= 1.0 for row in assoc.difference for v in row)
    assert np.allclose(np.asarray(copy_result.fidelity.associations.difference), 0.0)


def test_basic_level_skips_anonymeter(table: pd.DataFrame, schema: TableSchema) -> None:
    train, holdout = table.iloc[:1500], table.iloc[1500:2250]
    result = validate_table(train, holdout, table.iloc[2250:], schema, "income", level="basic")
    names = {m.name for m in result.privacy.metrics}
    assert "mia_advantage" in names and "inference_risk" not in names
    assert any("basic" in n for n in result.privacy.notes) and result.level == "basic"
    assert set(result.timings) == {"fidelity", "utility", "privacy"}
    with pytest.raises(InputDataError, match="level"):
        validate_table(train, holdout, train, schema, "income", level="quick")  # type: ignore[arg-type]


def test_wrong_types_are_reported_not_raised(table: pd.DataFrame, schema: TableSchema) -> None:
    train, holdout = table.iloc[:1000], table.iloc[1000:1500]
    synth = table.iloc[1500:2500].copy()
    synth["age"] = "old"  # text in a numeric column
    synth["sex"] = 1.5  # numbers in a categorical column
    result = validate_table(train, holdout, synth, schema, "income")
    found = {(i.column, i.problem) for i in result.schema_diagnostics.issues}
    assert ("age", "not_a_number") in found and ("sex", "unknown_category") in found
    assert result.fidelity.kmarginal.value is not None
    assert result.utility.available or "No model could be trained" in result.utility.reason


def test_kmarginal_known_answers() -> None:
    real = pd.DataFrame({"a": ["x", "y"] * 50, "b": ["x", "y"] * 50, "k": ["p"] * 50 + ["q"] * 50})
    flipped = real.assign(b=["y", "x"] * 50)  # same one-way shares, opposite pairing
    assert metrics.kmarginal_score(real, real)["score"] == pytest.approx(1000.0)
    # 2-way tables {xx, yy} vs {xy, yx}: L1 = 2 for the (a, b) pair, 0 for the pairs with k
    assert metrics.kmarginal_score(real, flipped, ["a", "b"])["score"] == pytest.approx(0.0)
    assert metrics.kmarginal_score(real, flipped)["score"] == pytest.approx(1000 - 2 * 500 / 3)
    keyed = metrics.kmarginal_score(real, flipped, key="k")
    assert keyed["n_pairs"] == 1 and keyed["score"] == pytest.approx(0.0)
    assert keyed["per_key"] == {"p": pytest.approx(0.0), "q": pytest.approx(0.0)}


def test_kmarginal_percentile_bins_follow_sdnist() -> None:
    from privsynth.tools.metrics.kmarginal import percentile_bin_edges

    edges = percentile_bin_edges(np.arange(1.0, 101.0), bins=20)
    assert len(edges) == 20 and edges[0] == 4.0 and edges[-1] == 100.0  # ranks 0.01..0.04 -> bin 0
    real = pd.DataFrame({"n": np.arange(100.0), "c": ["a"] * 100})
    shifted = pd.DataFrame({"n": np.arange(100.0) + 1000, "c": ["a"] * 100})  # all above the real maximum
    spec = {"n": NUM.model_copy(update={"name": "n", "max": 2000})}
    # SDNist's int(20 * rank) puts 6 of the 100 real values in the top bin, where every synthetic value falls
    assert metrics.kmarginal_score(real, shifted, specs=spec)["score"] == pytest.approx(500 * (2 - 2 * 0.94))


def test_kmarginal_rejects_missing_key(table: pd.DataFrame) -> None:
    with pytest.raises(InputDataError, match="lacks"):
        metrics.kmarginal_score(table, table.drop(columns=["sex"]), ["sex", "race"])
