"""A table with a free-text column through the whole graph: ``privsynth synthesize ... --text-field``.

One real run (real Presidio scan, aim on the structured columns, SmolLM2 fine-tuned with DP-SGD for a couple of
steps on the review texts, real ledger) on a 120-row slice of the reviews file, shared by the tests of this
module. The budget scale is fixed at 1 (both parts declared once; the fit is tested in test_mixed_parts.py), the
text generator's tiny settings come from config.json and the base model from the session's cache.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from dp_accounting import dp_event

from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for
from privsynth.policies.accountant import epsilon_of
from privsynth.policies.events import event_to_dict

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "evals" / "schemas" / "womens_clothing_reviews.schema.json"
STRUCTURED = ["Age", "Rating", "Recommended IND", "Positive Feedback Count", "Division Name", "Department Name",
              "Class Name"]
TINY = {"epochs": 0.15, "expected_batch": 8, "max_tokens": 24, "max_new_tokens": 8, "sample_batch": 8,
        "progress": False}


def _cli(args: list[str]) -> tuple[int, str]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(args)
    return code, buffer.getvalue()


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Run the command once (approving the release if the release policy holds it)."""
    source = REPO.parent / "shared" / "data" / "mixed" / "womens_clothing_reviews_1000.csv"
    if not source.is_file():
        pytest.skip(f"shared benchmark data not found at {source}")
    folder = tmp_path_factory.mktemp("mixed_run")
    home = folder / "home"
    home.mkdir()
    (home / "config.json").write_text(json.dumps({"generator_options": {"dp_text_lm": TINY}}))
    (home / "secret.key").write_text("ab" * 32)  # a fixed key: the per-record holdout split is the same every time
    table = folder / "reviews.csv"
    pd.read_csv(source).head(120).to_csv(table, index=False)
    out = folder / "synthetic.csv"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVSYNTH_HOME", str(home))
        ledger_for(load_settings(home)).set_cap("reviews", 8.0, 1e-5)
        code, printed = _cli(["synthesize", str(table), "--schema", str(SCHEMA), "--epsilon", "8",
                              "--text-field", "Review Text", "--label-field", "Recommended IND", "--rows", "10",
                              "--validation", "basic", "--out", str(out), "--yes",
                              "--option", "budget_scale=1.0"])  # one declaration (the fit is tested on its own)
        match = re.search(r"run (\S+): (\w+)", printed)
        run_id, status = match.groups() if match else (None, None)
        assert match and code == (4 if status == "held" else 0), printed
        if status == "held":
            review = _cli(["review", run_id, "--approve"])
            assert review[0] == 0, review[1]
        history = ledger_for(load_settings(home)).history("reviews")
    run_dir = home / "runs" / run_id
    return SimpleNamespace(home=home, run_id=run_id, out=out, run_dir=run_dir, history=history, source=table,
                           report=json.loads((run_dir / "report.json").read_text()),
                           plan=json.loads((run_dir / "plan.json").read_text())["plan"])


def test_output_has_every_structured_column_and_the_text(mixed_run):
    synthetic = pd.read_csv(mixed_run.out)
    assert list(synthetic.columns) == ["Age", "Review Text", *STRUCTURED[1:]]  # source order; ids and Title left out
    assert len(synthetic) == 10
    assert synthetic["Review Text"].notna().sum() >= 8 and synthetic["Recommended IND"].isin([0, 1]).all()
    assert mixed_run.report["run"]["modality"] == "mixed" and mixed_run.plan["modality"] == "mixed"
    assert not (mixed_run.run_dir / "private").exists()  # the scrubbed corpus is gone after release


def test_ledger_has_both_parts_composed_within_the_request(mixed_run):
    spends = mixed_run.history
    assert [s.run_id for s in spends] == [mixed_run.run_id] * 2
    assert [s.generator for s in spends] == ["aim", "dp_text_lm"]
    split = mixed_run.report["mixed"]["split"]
    assert [s.epsilon for s in spends] == pytest.approx([split["table_epsilon"], split["text_epsilon"]])
    assert sum(s.delta for s in spends) == pytest.approx(split["delta"])
    # what was declared before the data was read is what the ledger holds, and it composes within epsilon 8
    parts = mixed_run.report["mixed"]["parts"]
    assert [event_to_dict(s.event) for s in spends] == [parts["table"]["event"], parts["text"]["event"]]
    composed = epsilon_of([dp_event.ComposedDpEvent([s.event for s in spends])], split["delta"])
    assert composed == pytest.approx(mixed_run.report["mixed"]["composed_epsilon"], rel=1e-6)
    assert 0 < composed <= 8.0 + 1e-9  # basic composition (scale 1): within the request
    assert split["scale"] == 1.0 and mixed_run.report["plan"]["generator_options"]["budget_scale"] == 1.0
    assert mixed_run.report["generation"]["event"] == event_to_dict(
        dp_event.ComposedDpEvent([s.event for s in spends]))


def test_report_shows_both_parts(mixed_run):
    report = mixed_run.report
    parts = report["mixed"]["parts"]
    assert parts["table"]["generator"] == "aim" and parts["text"]["generator"] == "dp_text_lm"
    assert parts["text"]["conditioned_on"] == ["Recommended IND"] and parts["text"]["texts_written"] >= 8
    assert parts["table"]["kmarginal"]["value"] > 0
    assert {"fidelity", "privacy", "text", "consistency"} <= set(report["validation"])
    assert set(report["release"]["parts"]) == {"table", "text"}
    assert report["pii"]["text"]["texts_scanned"] > 100 and "not differential privacy" in report["pii"]["text"]["note"]
    outcomes = {c["column"]: c["outcome"] for c in report["columns"]}
    assert "written by dp_text_lm" in outcomes["Review Text"] and "not in the synthetic table" in outcomes["Title"]
    html = (mixed_run.run_dir / "report.html").read_text()
    assert "Fidelity" in html and "dp_text_lm" in html


def test_each_row_was_written_under_its_own_label(mixed_run):
    text = mixed_run.report["generation"]["parts"]["text"]
    assert text["labels_sampled"] <= 2 and text["texts_written"] + text["rows_without_text"] == 10
    assert text["training"]["steps"] >= 1 and text["settings"]["max_tokens"] == 24
