"""``privsynth review``: showing a waiting checkpoint, and what a rejection prints."""

from __future__ import annotations

import io
import json

from cli_support import FAST, spends_by_dataset, tiny_table

from privsynth.cli import main


def test_reject_before_generation_prints_the_ledgers_remaining_budget_not_the_planned_one(tmp_path, monkeypatch,
                                                                                      capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO())  # no terminal: the run waits at its first checkpoint
    data, schema = tiny_table(tmp_path, "claims")
    main(["synthesize", str(data), "--schema", str(schema), "--epsilon", "1", *FAST, "--out", "s.csv"])
    printed = capsys.readouterr().out
    waiting = json.loads(printed[printed.index("{"):])
    planned = waiting["budget"]["remaining_after"]
    run_id = printed.split()[1].rstrip(":")

    assert main(["review", run_id]) == 0
    shown = capsys.readouterr().out
    assert '"checkpoint": "before_generate"' in shown and f"privsynth review {run_id} --approve" in shown

    assert main(["review", run_id, "--reject"]) == 0
    printed = capsys.readouterr().out
    assert f"run {run_id}: rejected" in printed
    assert "remaining 3.000" in printed and f"remaining {planned:.3f}" not in printed  # nothing was spent
    assert spends_by_dataset() == {}
