"""``privsynth budget`` sub-commands: caps checked against the spends and 1/N, aliases, their own help."""

from __future__ import annotations

import pytest
from dp_accounting import dp_event

from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for


@pytest.fixture
def spent():
    """Dataset 'insurance' with one spend by a run on data of at most 1,000 rows (a public bound)."""
    ledger = ledger_for(load_settings(), 1000)
    ledger.commit_spend("insurance", "sha256:x", dp_event.GaussianDpEvent(2.0), epsilon=1, delta=1e-6, run_id="r1")
    return ledger


def _error(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_cap_below_what_is_spent_is_refused(spent, capsys):
    already = spent.status("insurance").spent_epsilon
    assert main(["budget", "set", "insurance", "--epsilon", f"{already / 2:.3f}", "--delta", "1e-5"]) == 2
    line = _error(capsys)
    assert "has already spent epsilon" in line and "never refunded" in line and "at least" in line
    assert spent.find("insurance").cap_epsilon == 3.0
    assert main(["budget", "set", "insurance", "--epsilon", "8", "--delta", "1e-6"]) == 0
    assert spent.find("insurance").cap_epsilon == 8.0


def test_cap_delta_not_below_one_over_the_public_row_bound_is_refused(spent, capsys):
    assert main(["budget", "set", "insurance", "--epsilon", "3", "--delta", "0.001"]) == 2
    assert "not below 1/n" in _error(capsys)
    assert main(["budget", "set", "fresh", "--epsilon", "3", "--delta", "0.01", "--rows", "100"]) == 2
    assert "n bounded publicly by 100" in _error(capsys)
    assert ledger_for(load_settings()).find("fresh") is None


def test_alias_names_one_budget_and_plain_budget_name_still_works(spent, capsys):
    assert main(["budget", "alias", "claims", "insurance"]) == 0
    assert "another name for dataset 'insurance'" in capsys.readouterr().out
    assert main(["budget", "claims"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("insurance (also: claims): spent epsilon") and "run r1" in shown
    assert main(["budget"]) == 0 and "insurance (also: claims)" in capsys.readouterr().out
    assert main(["budget", "nothing"]) == 2 and "No dataset named 'nothing'" in _error(capsys)
    assert main(["budget", "alias", "x", "nothing"]) == 2 and "No dataset named 'nothing'" in _error(capsys)


@pytest.mark.parametrize("action, words", [("set", "--epsilon EPSILON --delta DELTA"), ("alias", "NEW EXISTING"),
                                           ("recover", "recover")])
def test_each_budget_subcommand_has_its_own_help(action, words, capsys):
    with pytest.raises(SystemExit) as done:
        main(["budget", action, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: privsynth budget {action}") and words in text and "example" in text
