"""Text requests before any training: planning, options, the text schema, the split and the PII scrub."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from privsynth.agents.planner.parse import parse_offline
from privsynth.agents.planner.plan import Plan
from privsynth.cli import parse_options
from privsynth.errors import ConfigError, SchemaError
from privsynth.graphs.nodes.shared import generator_options
from privsynth.graphs.nodes.text_corpus import scrub_texts, split_texts, text_schema

REPO = Path(__file__).resolve().parents[2]
TICKETS = REPO / "privsynth" / "sample_data" / "support_tickets.jsonl"


def test_sentence_naming_text_and_label_columns_plans_the_text_generator():
    plan = parse_offline(f"20 synthetic support messages like {TICKETS}, text column 'text', label 'category', "
                         "epsilon 3, user column customer_id, quick validation")
    assert (plan.modality, plan.generator, plan.text_field, plan.label_field, plan.user_field) == (
        "text", "dp_text_lm", "text", "category", "customer_id")
    assert (plan.rows, plan.epsilon, plan.validation_level) == (20, 3.0, "basic")


def test_tabular_sentence_is_unchanged():
    plan = parse_offline("200 rows like data/people.csv, epsilon 1, drop names, target income")
    assert (plan.modality, plan.generator, plan.label_field, plan.user_field) == ("tabular", "aim", None, None)


def test_typed_plan_with_text_field_is_a_text_plan():
    plan = Plan(source="t.jsonl", epsilon=1.0, text_field="body")
    assert (plan.modality, plan.generator) == ("text", "dp_text_lm")
    assert Plan.model_validate(plan.model_dump()) == plan  # the state round trip keeps it
    assert Plan(source="t.csv", epsilon=1.0, text_field="body", generator="other").generator == "other"
    assert "text 'body'" in plan.summary()


def test_cli_options_are_json_values():
    assert parse_options(["epochs=0.5", "progress=false", "cache_dir=/tmp/x y", "label_proportions={\"a\": 1}"]) == {
        "epochs": 0.5, "progress": False, "cache_dir": "/tmp/x y", "label_proportions": {"a": 1}}
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_options(["epochs"])


def test_generator_options_merge_config_defaults_and_refuse_unknown(privsynth_home):
    privsynth_home.mkdir(parents=True, exist_ok=True)
    (privsynth_home / "config.json").write_text(json.dumps({"generator_options": {"dp_text_lm": {
        "epochs": 1.0, "max_tokens": 16}}}))
    plan = Plan(source="t.jsonl", epsilon=1.0, text_field="text", generator_options={"max_tokens": 24})
    assert generator_options(plan, str(privsynth_home)) == {"epochs": 1.0, "max_tokens": 24}
    with pytest.raises(ConfigError, match="no option"):
        generator_options(plan.model_copy(update={"generator_options": {"epoch": 1}}), str(privsynth_home))
    with pytest.raises(ConfigError, match="set from the request"):
        generator_options(plan.model_copy(update={"generator_options": {"records": 5}}), str(privsynth_home))


def test_text_schema_in_memory_from_sidecar_or_refused(tmp_path):
    corpus = tmp_path / "notes.jsonl"
    corpus.write_text('{"text": "hello"}\n')
    schema = text_schema(Plan(source=str(corpus), epsilon=1.0, text_field="text"))
    assert [(c.name, c.kind) for c in schema.columns] == [("text", "text")]
    with pytest.raises(SchemaError, match="list of labels") as err:
        text_schema(Plan(source=str(corpus), epsilon=1.0, text_field="text", label_field="topic"))
    assert "notes.schema.json" in str(err.value)
    (tmp_path / "notes.schema.json").write_text(json.dumps({"columns": [
        {"name": "topic", "kind": "categorical", "categories": ["a", "b"]}]}))
    schema = text_schema(Plan(source=str(corpus), epsilon=1.0, text_field="text", label_field="topic",
                              user_field="who"))
    assert [(c.name, c.kind) for c in schema.columns] == [("text", "text"), ("topic", "categorical"), ("who", "id")]
    (tmp_path / "notes.schema.json").write_text(json.dumps({"columns": [{"name": "text", "kind": "pii"}]}))
    with pytest.raises(SchemaError, match="kind 'pii'"):
        text_schema(Plan(source=str(corpus), epsilon=1.0, text_field="text"))


def test_holdout_split_keeps_each_user_on_one_side():
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(100)], "who": [f"u{i % 30}" for i in range(100)]})
    plan = Plan(source="x.csv", epsilon=1.0, text_field="text", user_field="who", seed=3)
    train, holdout = split_texts(frame, plan, b"k" * 32)
    assert holdout is not None and not set(train["who"]) & set(holdout["who"])
    assert 1 <= holdout["who"].nunique() <= 15 and len(train) + len(holdout) == 100
    # each user's side is its own: the same user set splits the same way whatever the plan's seed
    again, _ = split_texts(frame, plan.model_copy(update={"seed": 99}), b"k" * 32)
    assert set(again["who"]) == set(train["who"])


def test_scrub_tags_fakes_or_keeps_and_reports_counts_only():
    texts = ["Please call Maria Gonzalez on 415-555-0132 about my refund.", "The parcel never arrived."]
    tagged, summary = scrub_texts(texts, "drop", 0)
    assert "<PERSON>" in tagged[0] and "<PHONE_NUMBER>" in tagged[0] and tagged[1] == texts[1]
    assert summary["entity_counts"]["PERSON"] == 1 and summary["texts_with_pii"] == 1
    assert "Maria" not in json.dumps(summary)
    faked, _ = scrub_texts(texts, "fake", 0)
    assert "Maria Gonzalez" not in faked[0] and "<PERSON>" not in faked[0] and faked[0].endswith("about my refund.")
    kept, summary = scrub_texts(texts, "keep", 0)
    assert kept == texts and summary["entity_counts"]["PERSON"] == 1


def test_gate_declares_the_event_for_users_in_the_training_split(tmp_path, privsynth_home):
    from privsynth.config import load_settings
    from privsynth.graphs.nodes.text import gate_text
    from privsynth.tools.textgen.generator import DPTextLM

    rows = [{"text": f"message number {i}", "who": f"u{i % 25}"} for i in range(75)] + [{"text": "", "who": "u99"}]
    source = tmp_path / "msgs.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    plan = Plan(source=str(source), epsilon=2.0, text_field="text", user_field="who",
                generator_options={"epochs": 1.0, "expected_batch": 5})
    plan, generator, _, units, extra = gate_text({"home": str(privsynth_home)}, plan, load_settings())
    records = extra["text"]["records"]  # users, not texts: each user on its own side of the per-user split
    assert units == 25 and records + extra["text"]["holdout_units"] == 25 and 12 <= records <= 25
    assert plan.delta == 1e-6
    expected = DPTextLM(2.0, 1e-6, schema=text_schema(plan), text_field="text", user_field="who", records=records,
                        epochs=1.0, expected_batch=5).privacy_event()
    assert generator.privacy_event() == expected


def test_review_before_generation_shows_counts_and_a_rejection_discards_the_scrubbed_corpus(tmp_path, monkeypatch):
    import privsynth
    from privsynth.config import load_settings
    from privsynth.graphs.context import ledger_for
    from privsynth.tools.textgen.generator import DPTextLM

    monkeypatch.setattr(DPTextLM, "time_estimate", lambda self, texts: (_ for _ in ()).throw(MemoryError()))

    source = tmp_path / "tickets.jsonl"
    source.write_bytes(TICKETS.read_bytes())
    result = privsynth.synthesize(source, epsilon=1.0, text_field="text", review=True)
    assert result.status == "waiting" and result.waiting["checkpoint"] == "before_generate"
    assert result.waiting["pii_entity_counts"]["EMAIL_ADDRESS"] >= 1
    assert "not differential privacy" in result.waiting["pii_note"]
    assert result.waiting["estimated_time"] == "no time estimate (the probe failed: MemoryError)"  # never a stop
    corpus = result.run_dir / "private" / "corpus.jsonl"
    assert corpus.is_file() and (corpus.stat().st_mode & 0o077) == 0  # owner-only
    assert "@" not in corpus.read_text()  # e-mail addresses are tags in the scrubbed corpus
    rejected = privsynth.resume(result.run_id, "reject")
    assert rejected.status == "rejected" and not corpus.exists()
    ledger = ledger_for(load_settings())
    assert sum(len(ledger.history(d.name)) for d in ledger.datasets()) == 0


def test_plug_in_text_generator_warnings_reach_the_summary_and_report(tmp_path):
    """A text generator that cuts texts and returns fewer than asked: the run says so (no model training)."""
    from dp_accounting import dp_event

    import privsynth
    from privsynth.agents.generator import Generator
    from privsynth.agents.registry import register_generator, unregister_generator

    class ShortText(Generator):
        name = "test_short_text"
        modality = "text"

        def privacy_event(self) -> dp_event.DpEvent:
            return dp_event.GaussianDpEvent(50.0)

        def output_columns(self) -> list[str]:
            return [self.options["text_field"]]

        def _fit(self, data, schema) -> None:
            self.fit_info = {"truncated": 3, "units": len(data)}
            self.config = {"max_tokens": 16}

        def _sample(self, n, conditions, seed):
            return pd.DataFrame({self.options["text_field"]: ["first synthetic note", "second synthetic note"][:n]})

    register_generator(ShortText)
    try:
        source = tmp_path / "tickets.jsonl"
        source.write_bytes(TICKETS.read_bytes())
        result = privsynth.synthesize(source, epsilon=1.0, text_field="text", generator="test_short_text", rows=5,
                                      validation="basic", out=tmp_path / "out.jsonl")
    finally:
        unregister_generator("test_short_text")
    warnings = result.state["generation"]["warnings"]
    train = result.state["generation"]["train_rows"]  # 60 texts minus the per-record holdout
    holdout = result.state["generation"].get("holdout_rows", 0)
    assert 0 < train < 60 and train + holdout == 60  # duplicate texts fall on one side together: no tight band
    assert warnings[0] == (f"3 of {train} training texts were longer than max_tokens=16 tokens and were cut (raise it "
                           "with --option max_tokens=N).")
    assert warnings[1].startswith("Generated 2 distinct texts of the 5 asked for")
    summary = result.summary()
    assert all(f"warning: {w}" in summary for w in warnings)
    if result.status == "held":
        result = privsynth.resume(result.run_id, "approve")
    assert result.report["warnings"] == warnings
    assert [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()] == [
        {"text": "first synthetic note"}, {"text": "second synthetic note"}]
    assert f"Warning: 3 of {train} training texts" in (result.run_dir / "report.html").read_text()


def test_llm_plan_with_a_text_field_gets_the_text_generator():
    from privsynth.agents.planner.planner import plan_with_llm

    answer = json.dumps({"source": "t.jsonl", "epsilon": 2, "text_field": "body", "label_field": "intent"})
    plan = plan_with_llm("synthetic tickets like t.jsonl, text column body, label intent, epsilon 2",
                         "openai/gpt-4o-mini", mock_response=answer)
    assert (plan.modality, plan.generator, plan.text_field, plan.label_field) == ("text", "dp_text_lm", "body",
                                                                                  "intent")
