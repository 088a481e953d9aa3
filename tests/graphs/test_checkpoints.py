"""The checkpoints as the README documents them, for ``run`` and ``synthesize`` alike.

Without ``--yes`` a run stops before generation (nothing spent) and before release; with no terminal to ask at it
exits with its own status (5) and the ``privsynth review RUN_ID --approve`` line. A release the policy fails is
held (exit 4), ``--yes`` or not, and its report is written before the release checkpoint.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import privsynth
from privsynth.cli import EXIT_HELD, EXIT_WAITING, main
from privsynth.config import load_settings
from privsynth.graphs.api import RunResult
from privsynth.graphs.context import ledger_for

STRICT = {"column_shape_mean": {"warn": 0.9999, "fail": 0.9998}}  # the release policy always fails it


@pytest.fixture
def table(tmp_path, sample_csv) -> Path:
    path = tmp_path / "people.csv"
    pd.read_csv(sample_csv).head(300).to_csv(path, index=False)
    return path


def test_the_api_run_takes_review_and_stops_before_anything_is_spent(table, sample_schema):
    result = privsynth.run(f"50 synthetic rows like {table} with schema {sample_schema}, epsilon 1, drop names",
                           review=True)
    assert result.status == "waiting" and result.waiting["checkpoint"] == "before_generate"
    assert ledger_for(load_settings()).find("people") is None


def test_cli_run_without_yes_and_no_terminal_waits_with_its_own_status(table, sample_schema, capsys):
    code = main(["run", f"50 synthetic rows like {table} with schema {sample_schema}, epsilon 1, drop names"])
    printed = capsys.readouterr().out
    run_id = printed.split()[1].rstrip(":")
    assert code == EXIT_WAITING != 0
    assert f"run {run_id}: waiting" in printed and f"privsynth review {run_id} --approve" in printed
    assert ledger_for(load_settings()).find("people") is None  # nothing spent while waiting


def test_a_held_release_is_held_not_waiting_and_its_report_is_written_first(table, sample_schema):
    held = privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=50, generator="dp_marginals",
                                validation="basic", release_thresholds=STRICT)
    assert held.status == "held" and held.waiting["checkpoint"] == "before_release"
    assert held.waiting["verdict"] == "fail"
    report = json.loads(Path(held.waiting["report_json"]).read_text())
    assert report["run"]["status"].startswith("awaiting") and report["release"]["verdict"] == "fail"
    assert Path(held.waiting["report"]).read_text().startswith("<!DOCTYPE html>")
    assert not (held.run_dir / "synthetic.csv").exists()
    assert f"privsynth review {held.run_id} --approve" in held.summary()
    assert f"report (read it before deciding): {held.waiting['report']}" in held.summary()
    done = privsynth.resume(held.run_id, "approve")
    assert done.status == "released" and done.report["run"]["status"] == "released"


def test_the_cli_exits_held_not_zero_for_a_held_release(capsys):
    from privsynth.cli import _finish

    result = RunResult(run_id="r1", status="held", waiting={"checkpoint": "before_release", "verdict": "fail",
                                                              "question": "Release?"})
    assert _finish(result) == EXIT_HELD != 0
    printed = capsys.readouterr().out
    assert "run r1: held" in printed and "privsynth review r1 --approve" in printed
