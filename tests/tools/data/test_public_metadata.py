"""Public metadata read in full: nullability, NIST dictionaries, reviewed relations, precision, accounting."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from privsynth.agents.generator import integers_as_integers
from privsynth.errors import SchemaError
from privsynth.tools.data.columns import (
    check_all_handled,
    check_schema_columns_present,
    column_outcomes,
    with_dropped,
)
from privsynth.tools.data.schema import ColumnSpec, TableSchema, default_decimals, load_schema

DICTIONARY = {
    "AREA": {"description": "Public use microdata area code", "values": {"a": "north", "b": "south"}},
    "AGE": {"description": "Person's age", "values": {"min": 0, "max": 99}},
    "MAR": {"description": "Marital status", "values": {"N": "N/A (age less than 15 years)", "1": "yes", "2": "no"}},
    "CODE": {"description": "Industry codes", "details": "no list"},
}


def test_nist_dictionary_nullable_exactly_where_values_list_n(tmp_path) -> None:
    path = tmp_path / "dict.json"
    path.write_text(json.dumps(DICTIONARY))
    schema = load_schema(path)
    assert {c.name: c.nullable for c in schema.columns if c.modelled} == {"AREA": False, "AGE": False, "MAR": True}
    assert schema.column("CODE").kind == "unknown"  # no values: no public domain, never modelled silently
    assert schema.column("AGE").integer and schema.workload is None  # no reviewed file matches this dictionary


def test_reviewed_relations_apply_to_the_nist_dictionary_only(shared_data) -> None:
    schema = load_schema(shared_data / "nist_excerpts" / "data_dictionary.json")
    bare = load_schema(shared_data / "nist_excerpts" / "data_dictionary.json", reviewed=False)
    assert schema.workload is not None and schema.workload.key == "PUMA"
    assert schema.column("PINCP_DECILE").rank_of == "PINCP" and bare.column("PINCP_DECILE").rank_of is None
    assert schema.column("MSP").holds_when.below == 15
    assert schema.column("INDP").kind == "dropped" and bare.column("INDP").kind == "unknown"
    assert [c.name for c in schema.columns if c.nullable is False] == [
        "PUMA", "AGEP", "SEX", "HISP", "RAC1P", "HOUSING_TYPE", "OWN_RENT", "DENSITY", "DEYE", "DEAR", "WGTP", "PWGTP"]


def test_privsynth_schema_nullability_is_three_valued() -> None:
    spec = ColumnSpec(name="x", kind="categorical", categories=["a"])
    assert spec.nullable is None  # silent: decided through DP by the synthesizer
    assert ColumnSpec(name="x", kind="categorical", categories=["a"], nullable=False).nullable is False


def test_numbers_keep_the_schema_precision() -> None:
    schema = TableSchema(columns=[
        ColumnSpec(name="n", kind="numeric", min=0, max=100, integer=True),
        ColumnSpec(name="money", kind="numeric", min=0, max=10_000, decimals=2),
        ColumnSpec(name="ratio", kind="numeric", min=0, max=1),
    ])
    frame = pd.DataFrame({"n": [1.0, np.nan, 30.0], "money": [1.23456, 2.0, 3.999], "ratio": [1 / 3, 0.5, 0.25]})
    out = integers_as_integers(frame, schema)
    assert out.to_csv(index=False).splitlines() == ["n,money,ratio", "1,1.23,0.333333", ",2.0,0.5", "30,4.0,0.25"]
    assert default_decimals(schema.column("ratio")) == 6 and default_decimals(schema.column("n")) == 0


def test_a_column_without_a_domain_stops_with_its_name_and_the_fix() -> None:
    schema = TableSchema(columns=[ColumnSpec(name="a", kind="categorical", categories=["x"]),
                                  ColumnSpec(name="code", kind="unknown")])
    with pytest.raises(SchemaError) as err:
        check_all_handled(["a", "code", "extra"], schema, pii_columns=[])
    assert "code, extra" in str(err.value) and "--drop-column code --drop-column extra" in err.value.fix
    check_all_handled(["a", "code", "extra"], schema, pii_columns=["extra"], drop=["code"])  # settled: no error


def test_dropping_a_column_removes_the_relations_to_it_and_is_reported() -> None:
    schema = TableSchema(columns=[
        ColumnSpec(name="inc", kind="numeric", min=0, max=10),
        ColumnSpec(name="dec", kind="categorical", categories=["1", "2"], rank_of="inc"),
    ])
    dropped = with_dropped(schema, ["inc"], ["inc", "dec", "other"])
    assert dropped.column("inc").kind == "dropped" and dropped.column("dec").rank_of is None
    rows = column_outcomes(["inc", "dec", "other"], dropped, [], "drop", ["inc", "other"])
    assert [r["outcome"].split(" (")[0] for r in rows] == ["dropped", "modelled", "dropped"]
    with pytest.raises(SchemaError, match="nope"):
        with_dropped(schema, ["nope"], ["inc", "dec"])


def test_a_schema_column_absent_from_the_data_is_named_with_the_fix() -> None:
    schema = TableSchema(columns=[ColumnSpec(name="a", kind="categorical", categories=["x"]),
                                  ColumnSpec(name="c", kind="numeric", min=0, max=1)])
    with pytest.raises(SchemaError) as err:
        check_schema_columns_present(["a", "b"], schema)
    assert "column(s) c," in str(err.value) and "--drop-column c" in err.value.fix
    check_schema_columns_present(["a", "c"], with_dropped(schema, [], ["a", "c"]))
