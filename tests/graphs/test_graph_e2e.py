"""The whole graph on a small real table: real Presidio/spaCy, the real DP generator, real SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import privsynth
from privsynth.config import load_settings
from privsynth.errors import BudgetExceededError
from privsynth.graphs import build_graph
from privsynth.graphs.context import ledger_for
from privsynth.tools.pii import fake_values
from tests.run_support import released

PII = ["full_name", "email", "phone"]


@pytest.fixture
def small_table(tmp_path, sample_csv, sample_schema) -> tuple[Path, Path]:
    path = tmp_path / "people.csv"
    pd.read_csv(sample_csv).to_csv(path, index=False)
    return path, sample_schema


def test_typed_api_runs_the_whole_graph(small_table, privsynth_home):
    data, schema = small_table
    result = released(privsynth.synthesize(data, epsilon=1.0, schema=schema, rows=300, target="income",
                                           out=data.parent / "synth.csv"))
    synth = result.synthetic
    assert synth is not None and len(synth) == 300
    assert not set(PII) & set(synth.columns)  # PII dropped
    assert list(synth.columns) == ["age", "workclass", "education", "marital_status", "occupation", "relationship",
                                   "race", "sex", "hours_per_week", "income"]
    assert pd.read_csv(data.parent / "synth.csv").equals(synth)
    # run folder
    folder = result.run_dir
    assert folder is not None
    for name in ("plan.json", "synthetic.csv", "report.json", "report.html", "ledger.json"):
        assert (folder / name).is_file(), name
    assert not (folder / "synthetic.pending.csv").exists()
    # the ledger holds exactly this run's spend, and the numbers agree
    history = ledger_for(load_settings()).history("people")
    assert [s.run_id for s in history] == [result.run_id]
    assert 0 < result.epsilon_spent <= 1.0 + 1e-9
    assert result.epsilon_remaining == pytest.approx(3.0 - result.epsilon_spent)
    report = result.report
    assert report["budget"]["history"][0]["run_id"] == result.run_id
    assert report["validation"]["fidelity"]["column_shape_mean"]["value"] > 0.7
    assert report["release"]["verdict"] in ("pass", "warn", "fail") and report["release"]["checks"]
    assert "not differential privacy" in report["pii"]["note"]
    assert {f["column"] for f in report["pii"]["findings"] if f["is_pii"]} == set(PII)
    # nothing private leaked into the released file
    raw = pd.read_csv(data)
    text = (folder / "synthetic.csv").read_text()
    assert not any(email in text for email in raw["email"])


def test_fake_pii_fills_columns_with_fresh_values(small_table):
    data, schema = small_table
    result = released(privsynth.synthesize(data, epsilon=2.0, schema=schema, rows=200, pii="fake"))
    synth = result.synthetic
    assert list(synth.columns[:3]) == PII
    raw = pd.read_csv(data)
    # fresh values, not derived from the data: they equal what the faker gives with no data at all
    assert list(synth["full_name"]) == fake_values("PERSON", 200, 0)
    assert (synth["full_name"] != raw["full_name"].head(200)).mean() > 0.95
    assert synth["email"].str.contains("@").all()


def test_sentence_runs_and_second_run_composes(small_table):
    data, schema = small_table
    first = released(privsynth.run(f"200 synthetic rows like {data} with schema {schema}, epsilon 1, drop names"))
    second = released(privsynth.run(f"200 synthetic rows like {data} with schema {schema}, epsilon 1, drop names, "
                                    "basic validation"))  # the composition is what is tested; the full checks ran once
    assert second.epsilon_spent > first.epsilon_spent
    with pytest.raises(BudgetExceededError, match="over the cap"):
        privsynth.run(f"200 synthetic rows like {data} with schema {schema}, epsilon 3, drop names")
    assert len(ledger_for(load_settings()).history("people")) == 2  # the refused run spent nothing


def test_rows_default_to_a_noisy_source_count(small_table):
    data, schema = small_table
    result = released(privsynth.synthesize(data, epsilon=2.5, schema=schema))
    assert abs(len(result.synthetic) - 3000) < 150  # noisy, scaled back from the training split


def test_review_checkpoint_in_process_approve_and_reject(small_table):
    data, schema = small_table
    waiting = privsynth.synthesize(data, epsilon=1.0, schema=schema, rows=100, review=True)
    assert waiting.status == "waiting" and waiting.waiting["checkpoint"] == "before_generate"
    assert set(waiting.waiting["pii_columns"]) == set(PII)
    assert all("@" not in ex or "*" in ex for f in waiting.waiting["findings"] for ex in f["examples"])
    ledger = ledger_for(load_settings())
    assert ledger.find("people") is None  # nothing spent while waiting
    at_release = privsynth.resume(waiting.run_id, "approve")
    assert at_release.status in ("waiting", "held") and at_release.waiting["checkpoint"] == "before_release"
    done = privsynth.resume(waiting.run_id, "approve")
    assert done.status == "released" and len(done.synthetic) == 100
    assert [r["checkpoint"] for r in done.report["reviews"]] == ["before_generate", "before_release"]

    rejected = privsynth.synthesize(data, epsilon=1.0, schema=schema, rows=100, review=True)
    final = privsynth.resume(rejected.run_id, "reject")
    assert final.status == "rejected" and final.synthetic is None
    assert len(ledger.history("people")) == 1  # the rejected run spent nothing


def test_build_graph_exposes_the_designed_nodes():
    graph = build_graph()
    nodes = set(graph.get_graph().nodes)
    assert {"plan", "budget_gate", "review_generate", "review_release", "release"} <= nodes  # shared
    for stage in ("prepare", "scrub", "generate", "validate"):  # one branch per modality (issue 15)
        assert {f"{stage}_tabular", f"{stage}_text"} <= nodes
    edges = {(e.source, e.target) for e in graph.get_graph().edges}
    assert ("prepare_tabular", "budget_gate") in edges and ("prepare_text", "budget_gate") in edges
    assert ("generate_tabular", "validate_text") not in edges


def test_plan_json_records_request_and_resolved_plan(small_table):
    data, schema = small_table
    result = privsynth.synthesize(data, epsilon=1.0, schema=schema, rows=50, dataset="clinic")
    plan = json.loads((result.run_dir / "plan.json").read_text())
    assert plan["plan"]["dataset"] == "clinic" and plan["plan"]["epsilon"] == 1.0
    assert Path(plan["plan"]["source"]).is_absolute()


def test_undeclared_pii_is_found_by_presidio(small_table, tmp_path):
    data, schema = small_table
    raw_schema = json.loads(schema.read_text())
    raw_schema["columns"] = [c for c in raw_schema["columns"] if c["kind"] != "pii"]
    bare = tmp_path / "bare.schema.json"
    bare.write_text(json.dumps(raw_schema))
    result = released(privsynth.synthesize(data, epsilon=1.0, schema=bare, rows=100))
    findings = {f["column"]: f for f in result.report["pii"]["findings"] if f["is_pii"]}
    assert {c: f["entity_type"] for c, f in findings.items()} == {
        "full_name": "PERSON", "email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER"}
    assert all(f["source"] in ("detected", "name_hint") for f in findings.values())
    assert not set(PII) & set(result.synthetic.columns)


def test_nist_data_dictionary_schema(shared_data):
    nist = shared_data / "nist_excerpts"
    result = released(privsynth.synthesize(nist / "ma2019.csv", schema=nist / "data_dictionary.json", epsilon=1.0,
                                           rows=500))
    synth = result.synthetic
    dictionary = json.loads((nist / "data_dictionary.json").read_text())
    assert len(synth) == 500 and set(synth.columns) <= set(dictionary)
    assert set(synth["PUMA"].dropna()) <= set(dictionary["PUMA"]["values"])
    assert set(synth["SEX"].dropna()) <= {"1", "2"}
    ages = synth["AGEP"].dropna()
    assert ages.between(0, 99).all()


def test_pii_review_with_an_edited_policy(small_table, tmp_path):
    data, schema = small_table
    raw_schema = json.loads(schema.read_text())
    raw_schema["columns"] = [c for c in raw_schema["columns"] if c["kind"] != "pii"]
    bare = tmp_path / "bare.schema.json"
    bare.write_text(json.dumps(raw_schema))
    waiting = privsynth.synthesize(data, epsilon=1.0, schema=bare, rows=120, pii="drop", review=True)
    assert set(waiting.waiting["pii_columns"]) == set(PII)
    examples = [ex for f in waiting.waiting["findings"] for ex in f["examples"]]
    raw = pd.read_csv(data)
    assert examples and not set(examples) & (set(raw["full_name"]) | set(raw["email"]))  # masked
    edited = privsynth.resume(waiting.run_id, {"action": "approve", "not_pii": ["phone"], "pii_action": "fake"})
    done = privsynth.resume(edited.run_id, "approve")
    synth = done.synthetic
    assert {"full_name", "email"} <= set(synth.columns) and "phone" not in synth.columns
    assert done.report["pii"]["not_pii"] == ["phone"] and done.report["plan"]["pii_action"] == "fake"
    assert done.report["reviews"][0]["not_pii"] == ["phone"]


def test_release_thresholds_can_be_overridden_per_request(small_table):
    data, schema = small_table
    strict = {"column_shape_mean": {"warn": 0.999, "fail": 0.998}}
    held = privsynth.synthesize(data, epsilon=1.0, schema=schema, rows=300, release_thresholds=strict)
    assert held.status == "held" and held.waiting["checkpoint"] == "before_release"
    assert held.waiting["verdict"] == "fail" and any("column_shape_mean" in r for r in held.waiting["reasons"])
    assert not (held.run_dir / "synthetic.csv").exists()  # held: nothing released
