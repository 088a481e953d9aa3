"""Names and content: a file the ledger knows under another name runs under that budget, and says so; an
explicit new name for it is refused before anything is spent unless it is an alias; a rejection shows the
ledger's remaining budget."""

from __future__ import annotations

import io
import json

import pytest
from cli_support import FAST, approve_if_held, spends_by_dataset, tiny_table
from dp_accounting import dp_event

from privsynth.cli import EXIT_WAITING, main
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for
from privsynth.tools.data.io import fingerprint_file

NOTICE = "this file is registered as 'insurance'; its budget applies."


@pytest.fixture
def registered(tmp_path, monkeypatch):
    """insurance.csv, whose content an earlier run registered as 'insurance', and a renamed copy of it."""
    monkeypatch.setattr("sys.stdin", io.StringIO())  # no terminal: a checkpoint waits
    data, schema = tiny_table(tmp_path, "insurance")
    ledger_for(load_settings(), 10_000).commit_spend("insurance", fingerprint_file(data), dp_event.GaussianDpEvent(3.0),
                                                     epsilon=1, delta=1e-6, run_id="earlier", generator="aim")
    copy = tmp_path / "renamed_copy.csv"
    copy.write_bytes(data.read_bytes())
    return data, copy, schema


def _run_id(printed: str) -> str:
    return printed.split()[1].rstrip(":")


def test_known_content_under_its_file_name_finishes_under_the_registered_budget(registered, tmp_path, capsys):
    _, copy, schema = registered
    out = tmp_path / "synth.csv"
    code = main(["synthesize", str(copy), "--schema", str(schema), "--epsilon", "1", *FAST, "--out", str(out),
                 "--yes"])
    code, printed = approve_if_held(code, capsys.readouterr().out, capsys)
    assert code == 0, printed
    assert f"run {_run_id(printed)}: " in printed and "released" in printed and NOTICE in printed
    assert "dataset 'insurance': total epsilon" in printed
    assert spends_by_dataset() == {"insurance": 2}
    assert out.is_file() and "report: " in printed


def test_checkpoint_names_the_registered_dataset_and_reject_prints_the_ledgers_remaining(registered, capsys):
    _, copy, schema = registered
    code = main(["synthesize", str(copy), "--schema", str(schema), "--epsilon", "1", *FAST, "--out", "s.csv"])
    printed = capsys.readouterr().out
    assert code == EXIT_WAITING, printed
    waiting = json.loads(printed[printed.index("{"):])
    assert waiting["checkpoint"] == "before_generate" and waiting["dataset_notice"] == NOTICE
    assert waiting["budget"]["dataset"] == "insurance"
    run_id = _run_id(printed)
    assert main(["review", run_id]) == 0
    assert NOTICE in capsys.readouterr().out

    assert main(["review", run_id, "--reject"]) == 0
    printed = capsys.readouterr().out
    actual = ledger_for(load_settings()).status("insurance").remaining_epsilon
    planned = waiting["budget"]["remaining_after"]
    assert actual - planned > 0.1  # the run was rejected before its spend
    assert f"remaining {actual:.3f}" in printed and f"remaining {planned:.3f}" not in printed
    assert spends_by_dataset() == {"insurance": 1}


def test_explicit_new_name_for_known_content_is_refused_before_any_spend_unless_aliased(registered, tmp_path,
                                                                                        capsys):
    data, _, schema = registered
    out = tmp_path / "synth.csv"
    args = ["synthesize", str(data), "--dataset", "claims", "--schema", str(schema), "--epsilon", "1", *FAST,
            "--out", str(out)]
    assert main([*args, "--yes"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err
    assert "registered in the ledger as dataset 'insurance'" in lines[0]
    assert "privsynth budget alias claims insurance" in lines[0]
    assert spends_by_dataset() == {"insurance": 1} and not out.exists()

    assert main(["budget", "alias", "claims", "insurance"]) == 0
    capsys.readouterr()
    assert main(args) == EXIT_WAITING  # now it runs, under the registered budget
    printed = capsys.readouterr().out
    waiting = json.loads(printed[printed.index("{"):])
    assert waiting["budget"]["dataset"] == "insurance" and "alias" in waiting["dataset_notice"]


def test_a_sentence_on_known_content_waits_under_the_registered_budget(registered, capsys):
    _, copy, schema = registered
    code = main(["run", f"40 rows like {copy} with schema {schema}, epsilon 1, basic validation"])
    printed = capsys.readouterr().out
    assert code == EXIT_WAITING, printed
    waiting = json.loads(printed[printed.index("{"):])
    assert waiting["budget"]["dataset"] == "insurance" and waiting["dataset_notice"] == NOTICE
