"""Fault injection: an exception at each node after the spend leaves the run marked 'spent, failed' everywhere.

Each case makes one node of the graph raise after the ledger commit (generate: after it ran; the later nodes: as
they start) and checks the four promises: the ledger's entry is marked failed, the run folder says so, no output
that looks complete is left, and the error is one line that names the failure but never the exception's text
(which may quote a private value).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import privsynth
from privsynth.config import load_settings
from privsynth.errors import RunFailedError
from privsynth.graphs import build
from privsynth.graphs.context import ledger_for
from privsynth.policies.release import DEFAULT_THRESHOLDS

SECRET = "private-value-forty"  # what a careless exception message could quote
LENIENT = {name: ({"warn": -1e9, "fail": -1e9} if t.direction == "higher" else {"warn": 1e9, "fail": 1e9})
           for name, t in DEFAULT_THRESHOLDS.items()}  # never held: the run goes straight on to the release
STRICT = {"column_shape_mean": {"warn": 0.9999, "fail": 0.9998}}  # always held: the report is drafted first


@pytest.fixture
def table(tmp_path, sample_csv) -> Path:
    path = tmp_path / "people.csv"
    pd.read_csv(sample_csv).head(300).to_csv(path, index=False)
    return path


def _raise_after(original):
    def node(state):
        original(state)
        raise RuntimeError(SECRET)

    node.__name__ = original.__name__
    return node


def _raise_at_start(original):
    def node(state):
        raise MemoryError(SECRET)

    node.__name__ = original.__name__
    return node


CASES = {  # node attribute in graphs.build -> how it fails, and whether the run needs the release checkpoint
    "generate_table": (_raise_after, False),
    "validate_table_node": (_raise_after, False),
    "draft_report": (_raise_at_start, True),
    "release_node": (_raise_at_start, False),
}


@pytest.mark.parametrize("node", list(CASES))
def test_a_failure_after_the_spend_is_recorded_everywhere(node, table, sample_schema, tmp_path, monkeypatch):
    inject, needs_checkpoint = CASES[node]
    monkeypatch.setattr(build, node, inject(getattr(build, node)))
    out = tmp_path / "synth.csv"
    with pytest.raises(RunFailedError) as caught:
        privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=50, generator="dp_marginals",
                             validation="basic", out=out, release_thresholds=STRICT if needs_checkpoint else LENIENT)
    message = str(caught.value)
    run_id = caught.value.run_id  # type: ignore[attr-defined]
    assert "\n" not in message and SECRET not in message
    assert f"failed: {'MemoryError' if inject is _raise_at_start else 'RuntimeError'} in" in message
    assert "spent, failed" in message and "Fix:" in message

    ledger = ledger_for(load_settings())
    assert [s.run_id for s in ledger.history("people")] == [run_id]  # spent, never refunded
    assert ledger.outcomes()[run_id].startswith("spent, failed: ")

    folder = load_settings().runs_dir / run_id
    assert json.loads((folder / "status.json").read_text())["status"].startswith("spent, failed: ")
    assert SECRET in (folder / "failure.log").read_text()  # the details, for the owner (0600 like the folder)
    assert not (folder / "synthetic.csv").exists() and not (folder / "synthetic.pending.csv").exists()
    assert not out.exists()
    if (folder / "report.json").exists():  # drafted before the failure: it does not claim a release
        assert json.loads((folder / "report.json").read_text())["run"]["status"].startswith("spent, failed")


def test_the_cli_says_it_in_one_line_and_budget_lists_the_failed_spend(table, sample_schema, tmp_path, monkeypatch,
                                                                         capsys):
    from privsynth.cli import main

    monkeypatch.setattr(build, "validate_table_node", _raise_at_start(build.validate_table_node))
    code = main(["synthesize", str(table), "--schema", str(sample_schema), "--epsilon", "1", "--rows", "50",
                 "--generator", "dp_marginals", "--validation", "basic", "--out", str(tmp_path / "x.csv"), "--yes"])
    err = capsys.readouterr().err
    assert code == RunFailedError.exit_code and len(err.strip().splitlines()) == 1 and SECRET not in err
    assert main(["budget", "people"]) == 0
    assert "[spent, failed: MemoryError in validate_tabular]" in capsys.readouterr().out


def test_the_next_start_marks_a_killed_run_that_had_spent(tmp_path):
    """A run killed after its spend (no clean-up of its own) is marked failed by the next start's sweep."""
    import subprocess
    import sys
    from types import SimpleNamespace

    from dp_accounting import dp_event

    from privsynth.graphs.nodes.failure import sweep_stale_runs

    settings = load_settings()
    run_id = "20261203-000000-killed"
    folder = settings.runs_dir / run_id
    (folder / "private").mkdir(parents=True)
    (folder / "private" / "corpus.jsonl").write_text('{"text": "a private message"}\n')
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (folder / "private" / "owner.pid").write_text(dead.stdout)
    state = {"run_id": run_id, "home": str(settings.home), "dataset": "notes", "fingerprint": "fp-1",
             "run_dir": str(folder), "status": "prepared"}
    ledger_for(settings).commit_spend("notes", "fp-1", dp_event.GaussianDpEvent(5.0), epsilon=0.5, delta=1e-6,
                                      run_id=run_id, generator="dp_text_lm")
    graph = SimpleNamespace(get_state=lambda config: SimpleNamespace(tasks=[], values=state))  # not waiting
    assert sweep_stale_runs(graph, settings.runs_dir) == [run_id]
    assert not (folder / "private").exists()
    assert ledger_for(settings).outcomes()[run_id] == ("spent, failed: the process ended before the run finished in "
                                                       "a killed or crashed process")
    assert json.loads((folder / "status.json").read_text())["status"].startswith("spent, failed")
