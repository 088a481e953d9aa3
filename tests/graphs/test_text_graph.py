"""A text request through the whole graph: ``privsynth run "..."`` on the bundled support-ticket corpus.

One real run (real Presidio scan, real SmolLM2 fine-tuned with DP-SGD, real ledger) is shared by the tests of
this module; the generator's tiny training settings come from ``generator_options`` in the home's config.json,
and the base model comes from the session's shared cache (``$PRIVSYNTH_MODEL_CACHE``, set in conftest).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for
from privsynth.policies.events import event_to_dict
from privsynth.tools.data.schema import load_schema
from privsynth.tools.textgen.generator import DPTextLM

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TICKETS = REPO / "privsynth" / "sample_data" / "support_tickets.jsonl"
TINY = {"epochs": 0.5, "expected_batch": 8, "max_tokens": 32, "max_new_tokens": 12, "sample_batch": 16,
        "progress": False}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _cli(args: list[str]) -> tuple[int, str]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(args)
    return code, buffer.getvalue()


@pytest.fixture(scope="module")
def text_run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Run the sentence once (approving the release checkpoint if the release policy holds it)."""
    folder = tmp_path_factory.mktemp("text_run")
    home = folder / "home"
    home.mkdir()
    (home / "config.json").write_text(json.dumps({"generator_options": {"dp_text_lm": TINY}}))
    (home / "secret.key").write_text("ab" * 32)  # a fixed key: the per-record holdout split is the same every time
    corpus = folder / "tickets.jsonl"
    shutil.copy(TICKETS, corpus)
    shutil.copy(TICKETS.with_name("support_tickets.schema.json"), folder / "tickets.schema.json")
    out = folder / "synthetic.jsonl"
    sentence = (f"20 synthetic support messages like {corpus}, text column 'text', label 'category', epsilon 3, "
                f"quick validation, save to {out}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVSYNTH_HOME", str(home))
        code, printed = _cli(["run", "--yes", sentence])
        match = re.search(r"run (\S+): (\w+)", printed)
        run_id, status = match.groups() if match else (None, None)
        assert match and code == (4 if status == "held" else 0), printed  # 4: held by the release policy
        review = None
        if status == "held":  # the release policy held it: a person approves
            review = _cli(["review", run_id, "--approve"])
            assert review[0] == 0, review[1]
        ledger = ledger_for(load_settings(home))
        history = ledger.history("tickets")
    run_dir = home / "runs" / run_id
    return SimpleNamespace(home=home, run_id=run_id, first_status=status, printed=printed, review=review,
                           corpus=corpus, out=out, run_dir=run_dir, history=history,
                           report=json.loads((run_dir / "report.json").read_text()))


def test_text_run_releases_synthetic_text_with_the_same_fields(text_run):
    lines = text_run.out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert 0 < len(records) <= 20
    assert all(list(r) == ["text", "category"] for r in records)
    assert {r["category"] for r in records} <= {"billing", "delivery", "login"}
    assert all(isinstance(r["text"], str) and r["text"].strip() for r in records)
    assert "texts generated" in (text_run.review[1] if text_run.review else text_run.printed)
    # the run summary carries the PII counts, the non-DP note and the truncation warning (two long tickets)
    assert "PII in the training texts (drop): " in text_run.printed and "not differential privacy" in text_run.printed
    assert re.search(r"warning: \d+ of \d+ training texts were longer than max_tokens=32", text_run.printed)
    assert not (text_run.run_dir / "private").exists()  # the scrubbed private corpus is gone after release
    assert not (text_run.run_dir / "synthetic.pending.csv").exists()


def test_ledger_spend_equals_the_declared_event(text_run):
    assert [s.run_id for s in text_run.history] == [text_run.run_id]
    spend = text_run.history[0]
    assert (spend.generator, spend.epsilon, spend.delta) == ("dp_text_lm", 3.0, 1e-6)  # delta min(1e-6, 60**-1.1)
    # the event a generator declares for the training texts (60 minus the per-record holdout) with these settings
    train_units = text_run.report["generation"]["train_units"]
    assert 36 <= train_units <= 58
    schema = load_schema(TICKETS.with_name("support_tickets.schema.json")).without(["ticket_id", "customer_id"])
    expected = DPTextLM(3.0, 1e-6, schema=schema, text_field="text", label_field="category", records=train_units,
                        **TINY).privacy_event()
    assert event_to_dict(spend.event) == event_to_dict(expected)
    assert json.loads((text_run.run_dir / "ledger.json").read_text())["event"] == event_to_dict(expected)
    assert text_run.report["generation"]["event"] == event_to_dict(expected)
    assert 0 < text_run.report["budget"]["spent_epsilon"] <= 3.0 + 1e-9


def test_report_has_text_sections_and_no_raw_pii(text_run):
    report = text_run.report
    assert report["run"]["modality"] == "text" and report["validation"]["modality"] == "text"
    train = report["generation"]["train_units"]  # 60 texts, each on its own side of the per-record split
    assert report["validation"]["texts"] == {"train": train, "holdout": 60 - train, "synthetic": report["run"]["rows"]}
    assert {"pii", "memorisation", "similarity", "utility"} <= set(report["validation"])
    assert report["release"]["verdict"] in ("pass", "warn", "fail")
    assert {c["metric"] for c in report["release"]["checks"]} >= {"verbatim_copy_excess", "accuracy_gap"}
    assert report["generation"]["training"]["truncated"] >= 2 and report["generation"]["train_units"] == train
    assert any("longer than max_tokens" in w for w in report["warnings"])
    emails = sorted(set(EMAIL.findall(TICKETS.read_text())))
    assert len(emails) >= 5
    assert report["pii"]["entity_counts"]["EMAIL_ADDRESS"] == len(emails)
    assert report["pii"]["entity_counts"]["PERSON"] >= 5 and "not differential privacy" in report["pii"]["note"]
    html = (text_run.run_dir / "report.html").read_text()
    for heading in ("Synthetic text: personal data re-scan", "Memorisation: does the synthetic text copy",
                    "Utility: does a classifier trained on synthetic text", "Training of the DP language model",
                    "Examples of the synthetic text", "PII scrubbing is not differential privacy"):
        assert heading in html, heading
    for path in (text_run.run_dir / "report.json", text_run.run_dir / "report.html", text_run.out,
                 text_run.home / "checkpoints.sqlite"):
        data = path.read_bytes()
        assert not [e for e in emails if e.encode() in data], path
