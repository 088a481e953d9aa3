"""The command line: happy paths, one-line errors with no spend, and review across two processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from cli_support import approve_if_held

from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for


def _spends() -> int:
    ledger = ledger_for(load_settings())
    return sum(len(ledger.history(d.name)) for d in ledger.datasets())


@pytest.fixture
def table(tmp_path, sample_csv) -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(sample_csv.read_bytes())
    return path


def test_synthesize_then_budget(table, sample_schema, tmp_path, capsys):
    out = tmp_path / "synth.csv"
    code = main(["synthesize", str(table), "--schema", str(sample_schema), "--epsilon", "1", "--rows", "500",
                 "--target", "income", "--out", str(out), "--yes"])
    code, printed = approve_if_held(code, capsys.readouterr().out, capsys)
    assert code == 0, printed
    assert "rows generated: 500" in printed and "remaining" in printed and "report.html" in printed
    assert len(pd.read_csv(out)) == 500
    assert main(["budget", "people"]) == 0
    budget = capsys.readouterr().out
    assert "people: spent epsilon" in budget and "of cap 3" in budget
    assert main(["budget", "set", "people", "--epsilon", "5", "--delta", "1e-5"]) == 0
    assert "epsilon 5" in capsys.readouterr().out
    assert main(["budget"]) == 0
    assert "of cap 5" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("privsynth ")


def test_generators_lists_builtin(capsys):
    assert main(["generators"]) == 0
    assert "dp_marginals\ttabular\tDP" in capsys.readouterr().out


def _bad(args: list[str], capsys) -> str:
    before = _spends()
    code = main(args)
    captured = capsys.readouterr()
    assert code != 0
    lines = [line for line in captured.err.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    assert _spends() == before  # nothing spent
    return lines[0]


def test_bad_inputs_give_one_clear_line_and_spend_nothing(table, sample_schema, tmp_path, capsys):
    schema = str(sample_schema)
    msg = _bad(["synthesize", str(tmp_path / "nope.csv"), "--schema", schema, "--epsilon", "1", "--out", "o.csv",
                "--yes"], capsys)
    assert "does not exist" in msg
    empty = tmp_path / "empty.csv"
    empty.write_text("age,sex\n")
    assert "no data rows" in _bad(["synthesize", str(empty), "--schema", schema, "--epsilon", "1", "--out", "o.csv",
                                   "--yes"], capsys)
    assert "Unknown generator" in _bad(["synthesize", str(table), "--schema", schema, "--epsilon", "1",
                                        "--generator", "gan9000", "--out", "o.csv", "--yes"], capsys)
    assert "epsilon" in _bad(["synthesize", str(table), "--schema", schema, "--epsilon", "0", "--out", "o.csv",
                              "--yes"], capsys)
    assert "epsilon" in _bad(["synthesize", str(table), "--schema", schema, "--epsilon", "-2", "--out", "o.csv",
                              "--yes"], capsys)
    assert "1/n" in _bad(["synthesize", str(table), "--schema", schema, "--epsilon", "1", "--delta", "0.01",
                          "--out", "o.csv", "--yes"], capsys)
    assert "over the cap" in _bad(["synthesize", str(table), "--schema", schema, "--epsilon", "4", "--out", "o.csv",
                                   "--yes"], capsys)
    assert "no data rows" in _bad(["synthesize", str(empty), "--epsilon", "1", "--out", "o.csv", "--yes"], capsys)
    twice = tmp_path / "twice.csv"  # no schema: a DP draft would be made, but the header is refused first
    twice.write_text("age,age\n1,2\n")
    assert "more than once" in _bad(["synthesize", str(twice), "--epsilon", "1", "--out", "o.csv", "--yes"], capsys)
    missing_column = tmp_path / "missing.schema.json"
    raw = json.loads(Path(schema).read_text())
    raw["columns"].append({"name": "not_in_data", "kind": "categorical", "categories": ["a"]})
    missing_column.write_text(json.dumps(raw))
    assert "--drop-column not_in_data" in _bad(["synthesize", str(table), "--schema", str(missing_column),
                                                "--epsilon", "1", "--out", "o.csv", "--yes"], capsys)
    assert "No run with id" in _bad(["review", "nonsense"], capsys)
    question = _bad(["run", "please make it nice", "--yes"], capsys)
    assert "?" in question
    assert not (Path.cwd() / "o.csv").exists()


def test_debug_shows_traceback(tmp_path):
    with pytest.raises(Exception, match="does not exist"):
        main(["--debug", "synthesize", str(tmp_path / "nope.csv"), "--epsilon", "1", "--schema", "x.json",
              "--out", "o.csv", "--yes"])


def test_review_resumes_in_a_new_process(table, sample_schema, tmp_path, privsynth_home):
    env = {**os.environ, "PRIVSYNTH_HOME": str(privsynth_home)}
    cli = [sys.executable, "-m", "privsynth"]
    first = subprocess.run([*cli, "synthesize", str(table), "--schema", str(sample_schema), "--epsilon", "1",
                            "--rows", "300", "--out", str(tmp_path / "s.csv")], env=env, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert first.returncode == 5, first.stderr  # 5: waiting for a person
    assert "waiting at before_generate" in first.stdout
    assert f"privsynth review {first.stdout.split()[1].rstrip(':')} --approve" in first.stdout
    run_id = first.stdout.split()[1].rstrip(":")
    assert _spends() == 0 and not (tmp_path / "s.csv").exists()

    shown = subprocess.run([*cli, "review", run_id], env=env, capture_output=True, text=True, timeout=300)
    assert '"checkpoint": "before_generate"' in shown.stdout and "full_name" in shown.stdout

    second = subprocess.run([*cli, "review", run_id, "--approve"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert second.returncode in (4, 5), second.stderr  # waiting (5), or held by the release policy (4)
    assert "waiting at before_release" in second.stdout
    assert (run_folder := privsynth_home / "runs" / run_id / "report.json").is_file()  # read before deciding
    assert json.loads(run_folder.read_text())["run"]["status"].startswith("awaiting")
    assert _spends() == 1  # spent once the generator started reading

    third = subprocess.run([*cli, "review", run_id, "--approve"], env=env, capture_output=True, text=True,
                           timeout=300)
    assert third.returncode == 0, third.stderr
    assert f"run {run_id}: released" in third.stdout
    assert len(pd.read_csv(tmp_path / "s.csv")) == 300
    again = subprocess.run([*cli, "review", run_id, "--approve"], env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode != 0 and "not waiting" in again.stderr
