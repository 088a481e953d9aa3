"""``privsynth plan "..." [--json]``: the plan a request would run, nothing run, nothing spent, header only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privsynth.agents.planner.plan import PUBLIC_FIELDS
from privsynth.cli import main


@pytest.fixture
def claims(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "claims.csv"
    path.parent.mkdir()
    path.write_text("claim_id,employee_id,ssn,amount,region,fraud\n1,E1,123-45-6789,10,northeast,0\n")
    return path


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    lines = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(lines[-1])


def test_plan_json_is_the_last_line_with_only_the_contract_fields(claims, capsys, privsynth_home) -> None:
    code, plan = _json(capsys, ["plan", f"1.5k synthetic rows like {claims}, epsilon one, delta 1e-6, mask SSNs, "
                                        "hash the employee ids, predict column is fraud, save to out/syn.csv",
                                "--json"])
    assert code == 0
    assert set(plan) <= set(PUBLIC_FIELDS)
    assert plan == {"intent": "synthesize", "modality": "tabular", "source": str(claims), "rows": 1500,
                    "epsilon": 1.0, "delta": 1e-6, "target": "fraud", "generator": "aim", "out": "out/syn.csv",
                    "review": False, "pii_action": "drop", "pii": {"US_SSN": "mask", "EMPLOYEE_ID": "hash"}}
    assert not (privsynth_home / "ledger.sqlite").exists() and not (privsynth_home / "runs").exists()


def test_plan_without_json_prints_the_plan_for_a_person(claims, capsys) -> None:
    assert main(["plan", f"rows like {claims}, eps 2, target column fraud"]) == 0
    out = capsys.readouterr().out
    assert "nothing is spent" in out and "target: fraud" in out and not out.strip().endswith("}")


def test_an_unclear_request_is_one_question(claims, capsys) -> None:
    code, answer = _json(capsys, ["plan", f"rows like {claims} with epsilon 1 and epsilon 2", "--json"])
    assert code == 0 and list(answer) == ["question"] and "several epsilons" in answer["question"]


def test_a_column_the_header_lacks_is_a_question_naming_the_columns(claims, capsys) -> None:
    _, answer = _json(capsys, ["plan", f"rows like {claims}, epsilon 1, target is_fraud", "--json"])
    assert "'is_fraud' is not a column" in answer["question"] and "fraud" in answer["question"]


def test_a_file_that_does_not_exist_is_an_error_naming_it(tmp_path, capsys) -> None:
    missing = tmp_path / "nope" / "gone.csv"
    code = main(["plan", f"100 rows like {missing}, epsilon 1", "--json"])
    captured = capsys.readouterr()
    assert code != 0 and str(missing) in captured.err and "does not exist" in captured.err


@pytest.mark.parametrize(("sentence", "expected"), [
    ("how much budget is left on patients?", {"intent": "budget", "dataset": "patients"}),
    ("approve run 20261125-164501-3fa2c1", {"intent": "review", "run_id": "20261125-164501-3fa2c1",
                                             "decision": "approve"}),
    ("reject the last run", {"intent": "review", "run_id": "last", "decision": "reject"}),
])
def test_other_intents(sentence: str, expected: dict, capsys) -> None:
    assert _json(capsys, ["plan", sentence, "--json"]) == (0, expected)


def test_scrub_intent(claims, capsys) -> None:
    _, plan = _json(capsys, ["plan", f"scrub pii from {claims} but don't synthesize anything", "--json"])
    assert plan == {"intent": "scrub", "modality": "tabular", "source": str(claims), "pii_action": "tag"}


def test_conditions_are_checked_against_the_public_schema(sample_csv, sample_schema, capsys) -> None:
    request = f"4000 rows like {sample_csv} with schema {sample_schema}, epsilon 1, only rows where sex="
    code, plan = _json(capsys, ["plan", request + "female", "--json"])
    assert code == 0 and plan["conditions"] == {"sex": "Female"}  # written as the schema lists it
    code = main(["plan", request + "robot", "--json"])
    err = capsys.readouterr().err
    assert code != 0 and "outside the schema's domain of 'sex'" in err and "Male" in err
    code = main(["plan", f"rows like {sample_csv} with schema {sample_schema}, epsilon 1, where age=400"])
    assert code != 0 and "17 to 90" in capsys.readouterr().err
