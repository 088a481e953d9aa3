"""Every intent through ``privsynth run`` / ``privsynth.run``: scrub only, budget questions, review answers.

Scrub-only and budget requests spend nothing (the ledger stays as it was); a review answer resumes the run it
names (or the last one waiting); a synthesize request is the graph's, as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from dp_accounting import dp_event

import privsynth
from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.errors import InputDataError, PlanningError, RunNotFoundError
from privsynth.graphs.context import ledger_for


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "tickets.csv"
    path.parent.mkdir()
    pd.DataFrame({"employee_id": ["E100", "E101"], "name": ["Anna Smith", "Bob Jones"],
                  "email": ["anna@example.com", "bob@example.org"], "queue": ["billing", "tech"]}).to_csv(
        path, index=False)
    return path


def _ledger():
    return ledger_for(load_settings())


def test_scrub_only_writes_a_scrubbed_copy_and_spends_nothing(tickets, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PRIVSYNTH_HMAC_SECRET", "test-secret")
    out = tmp_path / "clean.csv"
    result = privsynth.run(f"scrub the PII in {tickets} into {out} but don't synthesize anything; hash the employee "
                           "ids, mask emails and keep the names")
    assert result.status == "released" and result.plan.intent == "scrub"
    clean = pd.read_csv(out)
    assert clean["name"].tolist() == ["Anna Smith", "Bob Jones"]  # kept, as asked
    assert clean["email"].tolist() == ["****@*******.***", "***@*******.***"]
    assert all(len(v) == 16 and v not in ("E100", "E101") for v in clean["employee_id"])
    assert clean["queue"].tolist() == ["billing", "tech"]
    assert _ledger().datasets() == []
    assert "not differential privacy" in result.summary()
    saved = json.loads((result.run_dir / "scrub.json").read_text())
    assert saved["records"] == 2 and "Anna" not in json.dumps(saved)  # counts only, never values


def test_scrub_of_a_text_corpus_through_the_cli(tmp_path, capsys) -> None:
    corpus = tmp_path / "notes.jsonl"
    corpus.write_text(json.dumps({"id": 1, "note_text": "Call Anna Smith at anna@example.com"}) + "\n")
    code = main(["run", f"redact personal data in {corpus}, text field note_text, no synthesis", "--yes"])
    assert code == 0
    run_id = capsys.readouterr().out.split()[1].rstrip(":")
    scrubbed = (load_settings().runs_dir / run_id / "scrubbed.jsonl").read_text()
    record = json.loads(scrubbed)
    assert "anna@example.com" not in record["note_text"] and record["id"] == 1


def test_scrub_of_a_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(InputDataError, match="gone.csv does not exist"):
        privsynth.run(f"scrub pii from {tmp_path / 'gone.csv'}, do not generate anything")


def test_budget_questions_answer_from_the_ledger_and_spend_nothing(capsys) -> None:
    ledger = _ledger()
    ledger.commit_spend("patients", "fp", dp_event.GaussianDpEvent(2.0), epsilon=1.0, delta=1e-6, run_id="r1",
                        generator="aim")
    before = ledger.status("patients").spent_epsilon
    result = privsynth.run("how much budget is left on patients?")
    assert result.status == "answered" and result.answer["patients"]["remaining_epsilon"] < 3.0
    assert result.answer["patients"]["history"][0]["run_id"] == "r1"
    assert main(["run", "show me the privacy budget of every dataset"]) == 0
    assert "patients: remaining epsilon" in capsys.readouterr().out
    assert _ledger().status("patients").spent_epsilon == before
    assert "not in the ledger" in privsynth.run("remaining epsilon for the clinic dataset?").summary()


def test_a_review_answer_resumes_the_last_waiting_run(tmp_path, sample_csv, sample_schema) -> None:
    """The first checkpoint also shows the per-type PII actions as asked."""
    table = tmp_path / "people.csv"
    pd.read_csv(sample_csv).head(60).to_csv(table, index=False)
    waiting = privsynth.run(f"50 synthetic rows like {table} with schema {sample_schema}, epsilon 1, drop names, "
                            "mask the emails", review=True)
    assert waiting.status == "waiting"
    assert "EMAIL_ADDRESS mask" in waiting.waiting["plan"]  # the per-type actions, shown at the first checkpoint
    answered = privsynth.run("please reject the most recent run")
    assert answered.run_id == waiting.run_id and answered.status == "rejected"
    assert _ledger().find("people") is None  # rejected before generation: nothing spent
    with pytest.raises(RunNotFoundError):
        privsynth.run("reject the last run")  # nothing is waiting any more


def test_a_conditional_request_on_a_missing_file_names_it_and_spends_nothing(tmp_path) -> None:
    from privsynth.errors import PrivsynthError

    with pytest.raises(PrivsynthError, match="c.csv"):
        privsynth.run(f"100 rows like {tmp_path / 'c.csv'}, epsilon 1, only rows where region=northeast")
    assert _ledger().datasets() == []


def test_an_unclear_request_is_still_the_graph_question() -> None:
    with pytest.raises(PlanningError) as info:
        privsynth.run("make me something nice")
    assert "which file" in info.value.question.lower()
    assert _ledger().datasets() == []


def test_a_condition_outside_the_schema_domain_spends_nothing(sample_csv, sample_schema) -> None:
    from privsynth.errors import SchemaError

    with pytest.raises(SchemaError, match="outside the schema's domain of 'sex'"):
        privsynth.run(f"100 rows like {sample_csv} with schema {sample_schema}, epsilon 1, only rows where "
                      "sex=robot")
    assert _ledger().datasets() == [] and not load_settings().runs_dir.exists()


def test_a_budget_question_about_a_file_finds_its_dataset_by_content(tmp_path) -> None:
    from privsynth.tools.data.io import fingerprint_file

    data = tmp_path / "export_v2.csv"
    data.write_text("a,b\n1,2\n")
    _ledger().commit_spend("clinic", fingerprint_file(data), dp_event.GaussianDpEvent(3.0), epsilon=0.5,
                           delta=1e-6, run_id="r9", generator="aim")
    result = privsynth.run(f"how much budget is left for {data}?")
    assert list(result.answer) == ["clinic"] and result.answer["clinic"]["history"][0]["run_id"] == "r9"
