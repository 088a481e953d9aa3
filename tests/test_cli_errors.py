"""No tracebacks: an unwritable home, a damaged ledger and an unexpected error are one line with the fix, for
every command; --debug keeps the traceback; --help documents the exit statuses."""

from __future__ import annotations

import os
import sys

import pytest
from cli_support import FAST, tiny_table
from dp_accounting import dp_event

from privsynth import cli
from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.errors import LedgerDamagedError
from privsynth.graphs.context import ledger_for


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _commands(tmp_path) -> list[list[str]]:
    data, schema = tiny_table(tmp_path, "insurance", rows=30)
    return [["budget"], ["budget", "insurance"], ["budget", "set", "insurance", "--epsilon", "3", "--delta", "1e-6"],
            ["budget", "alias", "claims", "insurance"], ["review", "20261203-000000-abcdef"],
            ["synthesize", str(data), "--schema", str(schema), "--epsilon", "1", *FAST, "--out",
             str(tmp_path / "s.csv"), "--yes"],
            ["run", "--yes", f"40 rows like {data} with schema {schema}, epsilon 1"]]


def test_unwritable_home_is_one_line_naming_the_path_and_why(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("")
    monkeypatch.setenv("PRIVSYNTH_HOME", str(blocker / "home"))
    for args in _commands(tmp_path):
        assert main(args) == 6, args
        line = _one_error_line(capsys)
        assert f"PRIVSYNTH_HOME {blocker / 'home'}" in line and f"{blocker} is a file, not a folder" in line
        assert f"Fix: Set PRIVSYNTH_HOME to a folder you own, or move the file {blocker} out of the way." in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into any folder")
def test_home_without_write_permission_is_one_line(privsynth_home, capsys):
    privsynth_home.mkdir(mode=0o500)
    assert main(["budget"]) == 6
    assert "is not writable by you (mode 500" in _one_error_line(capsys)


def test_truncated_ledger_is_one_line_for_every_command_and_recovers_every_spend(tmp_path, capsys):
    ledger = ledger_for(load_settings(), 1000)
    ledger.commit_spend("insurance", "sha256:x", dp_event.GaussianDpEvent(3.0), epsilon=1, delta=1e-6, run_id="r1")
    raw = ledger.path.read_bytes()
    ledger.path.write_bytes(raw[: len(raw) // 3])
    for args in _commands(tmp_path):
        if args[0] == "review":  # an unknown run never reaches the ledger
            assert main(args) == 2 and "No run with id" in _one_error_line(capsys)
            continue
        assert main(args) == 6, args
        line = _one_error_line(capsys)
        assert f"The privacy ledger {ledger.path} is damaged" in line and "nothing was spent" in line
        assert "`privsynth budget recover`" in line and f"{ledger.path}.bak" in line and "1 spend(s)" in line
    with pytest.raises(LedgerDamagedError):
        main(["--debug", "budget"])
    assert main(["budget", "recover"]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["budget", "insurance"]) == 0
    assert "run r1" in capsys.readouterr().out


def test_unexpected_error_is_one_line_and_debug_keeps_the_traceback(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_dispatch", broken)
    assert main(["generators"]) == 1
    line = _one_error_line(capsys)
    assert "Unexpected error RuntimeError: boom" in line and "--debug" in line
    with pytest.raises(RuntimeError, match="boom"):
        main(["--debug", "generators"])


def test_help_documents_the_exit_statuses(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["privsynth", "--help"])
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "exit status:" in text
    for code, words in ((0, "released"), (2, "bad input"), (3, "over budget"), (cli.EXIT_HELD, "held"),
                        (cli.EXIT_WAITING, "waiting"), (6, "home folder or ledger"), (130, "interrupted")):
        assert any(line.strip().startswith(f"{code} ") and words in line for line in text.splitlines()), code


def test_a_run_stopped_inside_the_graph_prints_only_its_one_line(tmp_path, capsys):
    """Over budget is found by the graph's budget gate: stderr holds the error line and nothing else."""
    data, schema = tiny_table(tmp_path, "insurance", rows=30)
    code = main(["synthesize", str(data), "--schema", str(schema), "--epsilon", "5", *FAST, "--out",
                 str(tmp_path / "s.csv"), "--yes"])
    assert code == 3
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: Over budget"), err
