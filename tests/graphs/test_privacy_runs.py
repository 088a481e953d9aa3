"""Issue 14 through the CLI and the graph: fresh noise per run, replay, nothing private outside the guarantee."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import privsynth
from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.errors import ConfigError
from privsynth.graphs.context import ledger_for

PLANTED_NAME = "Quillon Vextraborg"
PLANTED_CATEGORY = "Zyx-planted-4471"


@pytest.fixture
def table(tmp_path, sample_csv) -> Path:
    frame = pd.read_csv(sample_csv).head(800)
    frame.loc[7, "full_name"] = PLANTED_NAME
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    return path


def _spends(dataset: str) -> int:
    return len(ledger_for(load_settings()).history(dataset))


def _every_file(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file()]


def _cli_run(args: list[str], capsys) -> str:
    """Run the CLI; a release the policy holds (non-DP checks, fresh noise) is approved the way a person would."""
    code = main(args)
    printed = capsys.readouterr().out
    first = printed.splitlines()[0]
    assert code == (4 if first.endswith(": held") else 0), printed  # 4: held by the release policy
    if first.endswith(": held"):
        assert main(["review", first.split()[1].rstrip(":"), "--approve"]) == 0
        printed += capsys.readouterr().out
    return printed


def test_two_identical_runs_draw_fresh_noise_and_replay_spends_nothing(table, sample_schema, tmp_path, capsys):
    args = ["synthesize", str(table), "--schema", str(sample_schema), "--epsilon", "1", "--rows", "400",
            "--generator", "dp_marginals", "--seed", "0", "--yes"]
    printed = _cli_run([*args, "--out", str(tmp_path / "a.csv")], capsys)
    printed += _cli_run([*args, "--out", str(tmp_path / "b.csv")], capsys)
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "b.csv").read_bytes()
    assert _spends("people") == 2
    # every epsilon a person sees is at the cap's delta; the run's own guarantee is the second figure
    assert "at the cap's delta 1e-05 (the run's own guarantee: epsilon 1, delta 1e-06)" in printed
    run_id = ledger_for(load_settings()).history("people")[0].run_id
    assert main(["replay", run_id, "--out", str(tmp_path / "again.csv")]) == 0
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "a.csv").read_bytes()
    assert _spends("people") == 2


def test_run_epsilon_at_cap_delta_is_below_the_total(table, sample_schema):
    first = privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=200, generator="dp_marginals")
    budget = first.state["budget"]
    assert budget["run_epsilon_at_cap_delta"] <= 1.0
    assert first.epsilon_spent == pytest.approx(budget["run_epsilon_at_cap_delta"], abs=1e-3)
    assert "at the cap's delta" in first.summary()


def test_cap_delta_is_checked_against_the_public_bound(table, sample_schema):
    ledger_for(load_settings()).set_cap("people", 3.0, 1e-2)
    with pytest.raises(ConfigError, match="cap's delta") as info:
        privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=200, generator="dp_marginals")
    assert "budget set people" in info.value.fix
    assert _spends("people") == 0


def test_a_new_dataset_of_more_than_ten_thousand_rows_gets_a_usable_cap_delta(tmp_path):
    rng = np.random.default_rng(0)
    n = 12_000  # public bound 100,000: the configured cap delta 1e-5 is not below 1/N
    pd.DataFrame({"g": rng.choice(["a", "b"], n), "k": rng.integers(0, 9, n)}).to_csv(tmp_path / "big.csv",
                                                                                      index=False)
    (tmp_path / "big.schema.json").write_text(json.dumps({"columns": [
        {"name": "g", "kind": "categorical", "categories": ["a", "b"]},
        {"name": "k", "kind": "numeric", "min": 0, "max": 9, "integer": True}]}))
    result = privsynth.synthesize(tmp_path / "big.csv", epsilon=1.0, rows=100, generator="dp_marginals",
                                  validation="basic")
    assert result.state["budget"]["cap_delta"] == pytest.approx(1e5 ** -1.1)
    assert _spends("big") == 1


def test_no_planted_value_outside_the_released_file(table, sample_schema, privsynth_home, tmp_path, capsys):
    out = tmp_path / "synth.csv"
    _cli_run(["synthesize", str(table), "--schema", str(sample_schema), "--epsilon", "1", "--rows", "300",
              "--target", "income", "--out", str(out), "--yes"], capsys)
    # a second table with a planted category that the schema does not declare: the run stops, naming no value
    bad = pd.read_csv(table)
    bad.loc[3, "occupation"] = PLANTED_CATEGORY
    bad_path = tmp_path / "bad.csv"
    bad.to_csv(bad_path, index=False)
    assert main(["synthesize", str(bad_path), "--schema", str(sample_schema), "--epsilon", "1", "--out",
                 str(tmp_path / "never.csv"), "--yes"]) != 0
    captured = capsys.readouterr()
    assert "occupation" in captured.err and PLANTED_CATEGORY not in captured.err + captured.out
    for path in _every_file(privsynth_home):
        content = path.read_bytes()
        for planted in (PLANTED_NAME, PLANTED_CATEGORY, "Quillon", "Vextraborg"):
            assert planted.encode() not in content, f"{planted} found in {path}"
    # masked PII examples carry no character of a value
    report = json.loads(next(privsynth_home.rglob("report.json")).read_text())
    for finding in report["pii"]["findings"]:
        for example in finding.get("examples") or []:
            assert example.startswith("<") and "characters" in example or "character" in example


def test_private_files_are_owner_only_and_the_report_says_what_is_not_dp(table, sample_schema, privsynth_home):
    result = privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=200, generator="dp_marginals")
    if result.status == "held":  # the release policy held it (non-DP checks, fresh noise): a person approves
        result = privsynth.resume(result.run_id, "approve")
    for path in privsynth_home.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
    assert stat.S_IMODE(result.run_dir.stat().st_mode) == 0o700
    assert "NOT differentially private" in result.report["notice"]
    html = (result.run_dir / "report.html").read_text()
    assert html.index("For the data owner only") < html.index("Run summary")


def test_shareable_report_holds_only_dp_and_public_numbers(table, sample_schema, capsys):
    result = privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=250, generator="dp_marginals")
    if result.status == "held":  # held by the release policy: a person approves
        result = privsynth.resume(result.run_id, "approve")
    assert main(["report", result.run_id, "--shareable"]) == 0
    shareable = json.loads((result.run_dir / "report.shareable.json").read_text())
    assert set(shareable) == {"notice", "run", "plan", "budget", "synthetic_statistics"}
    text = json.dumps(shareable)
    for private in ("validation", "findings", "train_rows", "holdout_rows", "source"):
        assert private not in text
    assert shareable["run"]["rows"] == 250 and shareable["budget"]["history"][0]["run_id"] == result.run_id
    columns = {s["column"] for s in shareable["synthetic_statistics"]}
    assert columns == set(result.synthetic.columns)
    assert (result.run_dir / "report.shareable.html").is_file()


def test_release_checkpoint_says_the_decision_is_on_non_dp_evidence(table, sample_schema):
    result = privsynth.synthesize(table, epsilon=1.0, schema=sample_schema, rows=200, generator="dp_marginals",
                                  review=True)
    assert result.status == "waiting"
    result = privsynth.resume(result.run_id, "approve")
    assert result.status in ("waiting", "held") and result.waiting["checkpoint"] == "before_release"
    note = result.waiting["note"]
    assert "NOT differentially private" in note and "new spend" in note
