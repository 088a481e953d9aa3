"""The preflight: what would fail after the spend is refused before it, with the estimate and the fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import privsynth
from privsynth.config import load_settings
from privsynth.errors import ConfigError, ResourceLimitError, SchemaError
from privsynth.graphs.context import ledger_for, split_holdout
from privsynth.graphs.preflight import check_resources, check_values, estimate
from privsynth.tools.data.io import read_table
from privsynth.tools.data.schema import load_schema

BAD_AGES = ["forty", "unknown", "33 years"]  # ('n/a' reads as a missing cell, as pandas reads every CSV)


@pytest.fixture
def table(tmp_path, sample_csv) -> Path:
    path = tmp_path / "people.csv"
    pd.read_csv(sample_csv).head(300).to_csv(path, index=False)
    return path


def _nothing_spent() -> bool:
    return ledger_for(load_settings()).find("people") is None


def test_a_billion_rows_is_refused_with_the_estimate_before_any_spend(table, sample_schema):
    with pytest.raises(ResourceLimitError) as caught:
        privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=1_000_000_000, generator="dp_marginals",
                             validation="basic")
    message = str(caught.value)
    assert "1,000,000,000 synthetic rows would need about" in message and "GiB" in message
    assert "Nothing was spent" in message and "--rows" in message and "\n" not in message
    assert _nothing_spent()


def test_the_estimate_scales_with_rows_and_the_memory_and_disk_checks_say_what_fits(sample_schema, tmp_path):
    schema = load_schema(sample_schema)
    small, large = estimate(schema, 1000), estimate(schema, 1_000_000)
    assert large.memory_bytes == 1000 * small.memory_bytes and small.row_bytes > 10 * len(schema.modelled_columns)
    assert check_resources(schema, 1000, [tmp_path], memory=2**30).rows == 1000
    with pytest.raises(ResourceLimitError, match=r"at most about [\d,]+ rows \(--rows \d+\)"):
        check_resources(schema, 10_000_000, [tmp_path], memory=2**30)
    with pytest.raises(ResourceLimitError, match="on disk"):
        check_resources(schema, 100_000, [tmp_path], memory=2**40, free_disk={tmp_path: 1_000_000})


@pytest.mark.parametrize("where", ["missing_folder", "a_folder"])
def test_an_unwritable_out_is_refused_before_reading_the_data(table, sample_schema, tmp_path, where):
    out = tmp_path / "nope" / "synth.csv" if where == "missing_folder" else tmp_path
    with pytest.raises(ConfigError, match="--out"):
        privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=50, out=out, validation="basic")
    assert _nothing_spent()


def test_every_bad_column_is_reported_at_once_with_counts_never_values(table, sample_schema):
    data = pd.read_csv(table)
    data["age"] = data["age"].astype(object)
    data.loc[[1, 2, 3], "age"] = BAD_AGES
    data.loc[[4, 5], "sex"] = "Unknown-sex-value"
    data.to_csv(table, index=False)
    with pytest.raises(SchemaError) as caught:
        privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=50, generator="dp_marginals",
                             validation="basic")
    message = str(caught.value)
    assert "'age': 3 row(s) with 3 distinct value(s) not numbers" in message
    assert "'sex': 2 row(s) with 1 distinct value(s) not among its declared categories" in message
    assert not any(v in message for v in [*BAD_AGES, "Unknown-sex-value"])
    assert _nothing_spent()


def test_a_bad_value_in_the_holdout_part_is_refused_too(table, sample_schema, privsynth_home):
    privsynth_home.mkdir(parents=True, exist_ok=True)
    (privsynth_home / "secret.key").write_text("cd" * 32)  # a fixed key: the split below is the run's split
    original = pd.read_csv(table)
    for row in range(len(original)):  # a row that lands in the holdout once its age reads 'forty'
        data = original.copy()
        data["age"] = data["age"].astype(object)
        data.loc[row, "age"] = "forty"
        data.to_csv(table, index=False)
        _, holdout = split_holdout(read_table(str(table)), str(privsynth_home))
        if holdout is not None and (holdout["age"].astype(str) == "forty").any():
            break
    else:
        pytest.fail("no row fell in the holdout")
    with pytest.raises(SchemaError, match="'age': 1 row"):
        privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=50, generator="dp_marginals",
                             validation="basic")
    assert _nothing_spent()


def test_check_values_accepts_declared_specials_and_missing_cells(sample_schema):
    schema = load_schema(sample_schema)
    frame = pd.DataFrame({"age": ["39", None, "50.0"], "sex": ["Male", "Female", None]})
    check_values(frame, schema, ["age", "sex"])  # numbers as text and (nullable unset) missing cells are fine
