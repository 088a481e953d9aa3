"""PII step: real Presidio + spaCy (no mocks) on the bundled sample table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from privsynth.errors import ConfigError, InputDataError
from privsynth.tools.data.schema import load_schema
from privsynth.tools.pii import (
    FREE_TEXT,
    ColumnFinding,
    fake_values,
    get_analyzer,
    mask_value,
    name_hint,
    scan_table,
    scrub_table,
)
from privsynth.tools.pii.recognizers import RECOGNIZERS

SAMPLE = Path(__file__).resolve().parents[3] / "privsynth" / "sample_data"
PII = {"full_name": "PERSON", "email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER"}
NOTE = "Call John Smith at john@acme.com tomorrow"


@pytest.fixture(scope="module")
def analyzer():
    return get_analyzer()  # loads the spaCy model once for the module


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "adult_people.csv")


@pytest.fixture(scope="module")
def schema():
    return load_schema(SAMPLE / "adult_people.schema.json")


@pytest.fixture(scope="module")
def detected(analyzer, people) -> dict[str, ColumnFinding]:
    return {f.column: f for f in scan_table(people)}


@pytest.fixture(scope="module")
def declared(analyzer, people, schema) -> list[ColumnFinding]:
    return scan_table(people, schema)


def test_analyzer_is_cached_and_has_our_recognizers(analyzer):
    assert get_analyzer() is analyzer
    names = {r.name for r in analyzer.registry.recognizers}
    assert {cls().name for cls in RECOGNIZERS} <= names


def test_scan_without_schema_detects_the_pii_columns(detected, people):
    assert list(detected) == list(people.columns)
    for column, entity in PII.items():
        finding = detected[column]
        assert (finding.is_pii, finding.entity_type, finding.source) == (True, entity, "detected"), finding
        assert finding.confidence >= 0.9
        assert "sampled values matched" in finding.evidence
    flagged = {c for c, f in detected.items() if f.is_pii}
    assert flagged == set(PII)
    for column in ("occupation", "race", "age", "relationship", "education"):
        assert not detected[column].is_pii


def test_scan_with_schema_takes_pii_from_the_schema(declared):
    by_column = {f.column: f for f in declared}
    for column, entity in PII.items():
        finding = by_column[column]
        assert (finding.is_pii, finding.entity_type, finding.source) == (True, entity, "schema")
        assert finding.confidence == 1.0
    assert by_column["occupation"].source == "schema" and not by_column["occupation"].is_pii
    assert by_column["age"].source == "schema" and not by_column["age"].is_pii


def test_examples_are_masked(detected, declared, people):
    for finding in [*detected.values(), *declared]:
        if not finding.is_pii:
            continue
        assert finding.examples
        raw = set(people[finding.column].astype(str))
        for example in finding.examples:
            assert example not in raw
            assert not any(value in example for value in raw)
    # Issue 14 item 7: no character of a value survives masking (the old mask kept initials: "J*** D***").
    assert mask_value("John Doe", "PERSON") == "<PERSON, 8 characters>"
    assert mask_value("(904)809-7004") == "<13 characters>"
    assert mask_value("A") == "<1 character>"
    for finding in [*detected.values(), *declared]:
        for example in finding.examples:
            rest = example.replace(" characters", "").replace(" character", "")
            assert all(ch in "<>, " or ch.isdigit() or ch.isupper() or ch == "_" for ch in rest), example


def test_name_hints():
    assert name_hint("full_name") == "PERSON"
    assert name_hint("EmailAddress") == "EMAIL_ADDRESS"
    assert name_hint("mobile_phone") == "PHONE_NUMBER"
    assert name_hint("ssn") == "US_SSN"
    assert name_hint("dob") == "DATE_TIME"
    assert name_hint("marital_status") is None
    assert name_hint("occupation") is None


def test_scan_of_a_sample_finds_every_pii_column(analyzer, people):
    # its speed is a benchmark now (evals/speed_bench.py), not a clock assert
    findings = scan_table(people[list(PII)], sample_size=200)
    assert {f.column for f in findings if f.is_pii} == set(PII)


@pytest.mark.parametrize("phone", ["(904)809-7004", "+1-336-605-6559", "001-497-549-8319x17048", "486.298.0800",
                                   "459-369-0635x603", "(904) 809-7004", "9048097004"])
def test_phone_recognizer_covers_common_us_formats(analyzer, phone):
    results = analyzer.analyze(phone, language="en", entities=["PHONE_NUMBER"])
    assert any(r.start == 0 and r.end == len(phone) for r in results), results


def test_address_recognizer(analyzer):
    text = "She lives at 5634 Jon Stream Apt. 960, North Ray, AZ 94720 now."
    results = analyzer.analyze(text, language="en", entities=["ADDRESS"])
    assert [text[r.start:r.end] for r in results] == ["5634 Jon Stream Apt. 960, North Ray, AZ 94720"]
    assert analyzer.analyze("i have 3 big dogs street", language="en", entities=["ADDRESS"]) == []


def test_drop_removes_exactly_the_pii_columns(people, declared):
    out, actions = scrub_table(people, declared, "drop")
    assert list(out.columns) == [c for c in people.columns if c not in PII]
    assert len(out) == len(people)
    assert {(a.column, a.action, a.count) for a in actions} == {(c, "drop", len(people)) for c in PII}


def test_fake_replaces_every_value_deterministically(people, declared):
    out, actions = scrub_table(people, declared, "fake", seed=3)
    assert len(out) == len(people) and list(out.columns) == list(people.columns)
    for column in PII:
        assert (out[column] != people[column]).all()
        assert not set(out[column]) & set(people[column])
        assert out[column].nunique() == people[column].nunique()
    assert out.drop(columns=list(PII)).equals(people.drop(columns=list(PII)))
    assert {(a.column, a.action) for a in actions} == {(c, "fake") for c in PII}
    again, _ = scrub_table(people, declared, "fake", seed=3)
    assert again.equals(out)
    other, _ = scrub_table(people, declared, "fake", seed=4)
    assert not other["full_name"].equals(out["full_name"])
    assert "@" in out["email"].iloc[0]


def test_fake_is_consistent_for_repeated_values():
    df = pd.DataFrame({"name": ["Alice Johnson", "Bob Stone", "Alice Johnson", None],
                       "contact": ["Bob Stone", "Carol King", "Alice Johnson", "Bob Stone"]})
    findings = [ColumnFinding(column=c, entity_type="PERSON", is_pii=True, confidence=1.0, source="schema",
                              evidence="test") for c in df.columns]
    out, actions = scrub_table(df, findings, "fake", seed=0)
    assert out["name"][0] == out["name"][2] != out["name"][1]
    assert pd.isna(out["name"][3])
    assert out["contact"][0] == out["name"][1] == out["contact"][3]  # same person, same surrogate
    assert out["contact"][2] == out["name"][0]
    assert [a.count for a in actions] == [3, 4]


def test_keep_leaves_the_table_unchanged(people, declared):
    out, actions = scrub_table(people, declared, "keep")
    assert out.equals(people)
    assert {a.action for a in actions} == {"keep"}
    with pytest.raises(ConfigError):
        scrub_table(people, declared, "shred")  # type: ignore[arg-type]


def test_free_text_is_flagged_and_scrubbed(analyzer):
    notes = [NOTE, "The parcel arrived in good condition and the box was intact.", None,
             "Please send the signed invoice to maria.garcia@example.org by Friday."]
    df = pd.DataFrame({"notes": notes, "n": [1, 2, 3, 4]})
    findings = scan_table(df)
    finding = findings[0]
    assert (finding.is_pii, finding.entity_type, finding.source) == (True, FREE_TEXT, "detected")
    assert {"PERSON", "EMAIL_ADDRESS"} <= set(finding.entity_types)
    assert not findings[1].is_pii
    assert all("John" not in e and "acme" not in e for e in finding.examples)
    out, actions = scrub_table(df, findings, "fake")
    text = " ".join(out["notes"].dropna())
    for raw in ("John", "Smith", "john@acme.com", "maria.garcia"):
        assert raw not in text
    assert "<PERSON>" in out["notes"][0] and "<EMAIL_ADDRESS>" in out["notes"][0]
    assert out["notes"][1] == notes[1] and pd.isna(out["notes"][2])
    assert (actions[0].action, actions[0].count) == ("redact", 2)
    dropped, _ = scrub_table(df, findings, "drop")
    assert list(dropped.columns) == ["n"]


def test_empty_tables():
    """No columns: no findings. No rows: findings from the schema and column names only."""
    assert scan_table(pd.DataFrame()) == []
    empty = pd.DataFrame({"email": pd.Series(dtype=str), "colour": pd.Series(dtype=str)})
    by_column = {f.column: f for f in scan_table(empty)}
    assert by_column["email"].is_pii and by_column["email"].source == "name_hint"
    assert not by_column["colour"].is_pii
    out, actions = scrub_table(empty, list(by_column.values()), "fake")
    assert len(out) == 0 and actions[0].count == 0
    with pytest.raises(InputDataError):
        scan_table([1, 2, 3])  # type: ignore[arg-type]


def test_numeric_columns_are_never_pii():
    df = pd.DataFrame({"age": [25, 31, 47], "score": [0.5, 0.7, 0.1]})
    assert [f.is_pii for f in scan_table(df)] == [False, False]


def test_fake_values_are_fresh_and_seeded():
    names = fake_values("PERSON", 5, seed=1)
    assert len(names) == 5 and names == fake_values("PERSON", 5, seed=1)
    assert names != fake_values("PERSON", 5, seed=2)
    assert all("@" in e for e in fake_values("EMAIL_ADDRESS", 3, seed=0))
    assert all(v.startswith("CRYPTO-") for v in fake_values("CRYPTO", 2, seed=0))
    assert fake_values("PHONE_NUMBER", 0, seed=0) == []
    with pytest.raises(ConfigError):
        fake_values("PERSON", -1, seed=0)
