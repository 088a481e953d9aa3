"""A schema is optional: the bare-CSV path, ``privsynth schema draft`` and its mark, and bad bare inputs."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import approve_if_held, spends_by_dataset

from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for
from privsynth.policies.accountant import epsilon_of

FAST = ["--validation", "basic", "--rows", "40", "--generator", "dp_marginals", "--yes"]


def bare_table(folder: Path, name: str = "people", rows: int = 3000) -> Path:
    """A table with no schema next to it: two numbers, two categories, an identifier."""
    rng = random.Random(11)
    lines = ["person_id,age,hours,sex,income,joined"]
    lines += [f"P{i:06d},{rng.randint(17, 90)},{rng.randint(1, 99)},{rng.choice('FM')},"
              f"{rng.choice(['<=50K', '>50K'])},2{rng.randint(15, 20):03d}-{rng.randint(1, 12):02d}-"
              f"{rng.randint(1, 28):02d}" for i in range(rows)]
    path = folder / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_a_bare_csv_runs_with_the_discovery_spend_first_and_inside_the_total(tmp_path, capsys):
    data = bare_table(tmp_path)
    code = main(["synthesize", str(data), "--epsilon", "3", "--out", str(tmp_path / "s.csv"), *FAST])
    code, printed = approve_if_held(code, capsys.readouterr().out, capsys)
    assert code == 0, printed
    history = ledger_for(load_settings()).history("people")
    assert [s.generator for s in history] == ["domain_discovery", "dp_marginals"]
    run_delta = history[0].delta
    assert history[0].created_at <= history[1].created_at
    assert epsilon_of([history[0].event], run_delta) < 3.0
    assert epsilon_of([s.event for s in history], run_delta) <= 3.0  # the whole run, inside what was asked
    run_dir = next((Path(os.environ["PRIVSYNTH_HOME"]) / "runs").iterdir())
    draft = json.loads((run_dir / "schema.draft.json").read_text())
    assert oct((run_dir / "schema.draft.json").stat().st_mode & 0o777) == "0o600"
    kinds = {c["name"]: c["kind"] for c in draft["columns"]}
    assert kinds == {"person_id": "id", "age": "numeric", "hours": "numeric", "sex": "categorical",
                     "income": "categorical", "joined": "numeric"}
    assert [c.get("date") for c in draft["columns"]][-1] is True
    report = json.loads((run_dir / "report.json").read_text())
    origins = {row["column"]: row.get("origin", "") for row in report["columns"]}
    assert origins["age"].startswith("estimated") and origins["person_id"].startswith("dropped")
    synth = (tmp_path / "s.csv").read_text().splitlines()
    assert synth[0] == "age,hours,sex,income,joined"
    joined = [line.split(",")[-1] for line in synth[1:]]
    assert all(len(d) == 10 and d[4] == "-" and "2014" <= d[:4] <= "2021" for d in joined if d)


@pytest.mark.slow
def test_a_bare_csv_with_timestamps_comes_back_with_times_of_day(tmp_path, capsys):
    rng = random.Random(5)
    lines = ["sex,opened_at"] + [f"{rng.choice('FM')},2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                                 f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                                 for _ in range(3000)]
    data = tmp_path / "tickets.csv"
    data.write_text("\n".join(lines) + "\n")
    code = main(["synthesize", str(data), "--epsilon", "3", "--out", str(tmp_path / "s.csv"), *FAST])
    code, printed = approve_if_held(code, capsys.readouterr().out, capsys)
    assert code == 0, printed
    stamps = [line.split(",")[1] for line in (tmp_path / "s.csv").read_text().splitlines()[1:]]
    assert stamps and all(len(t) == 19 and t[10] == " " and t[13] == ":" for t in stamps if t)
    assert len({t[11:] for t in stamps if t}) > 10  # times of day, not midnight throughout


@pytest.mark.slow
def test_a_draft_without_epsilon_is_refused_until_its_mark_is_removed(tmp_path, capsys):
    data = bare_table(tmp_path, rows=300)
    draft = tmp_path / "people.draft.json"
    assert main(["schema", "draft", str(data), "--out", str(draft)]) == 0
    assert oct(draft.stat().st_mode & 0o777) == "0o600" and spends_by_dataset() == {}
    raw = json.loads(draft.read_text())
    assert raw["private_mark"] == "read from the private data: replace with public knowledge"
    out = tmp_path / "s.csv"
    code = main(["synthesize", str(data), "--schema", str(draft), "--epsilon", "1", "--out", str(out), *FAST])
    err = capsys.readouterr().err
    assert code == 2 and "read from the private data" in err and "private_mark" in err
    assert spends_by_dataset() == {}
    del raw["private_mark"]
    draft.write_text(json.dumps(raw))
    code = main(["synthesize", str(data), "--schema", str(draft), "--epsilon", "1", "--out", str(out), *FAST])
    assert code in (0, 4), capsys.readouterr().err  # released, or held by the release check: it ran
    assert spends_by_dataset() == {"people": 1}  # a public schema now: no discovery spend


def test_a_dp_draft_spends_its_epsilon_once_and_is_reusable(tmp_path, capsys):
    data = bare_table(tmp_path)
    draft = tmp_path / "people.schema.json"
    assert main(["schema", "draft", str(data), "--out", str(draft), "--epsilon", "2"]) == 0
    raw = json.loads(draft.read_text())
    assert "private_mark" not in raw and raw["draft"]["epsilon"] == 2
    assert {c["name"]: c["kind"] for c in raw["columns"]}["sex"] == "categorical"
    history = ledger_for(load_settings()).history("people")
    assert [s.generator for s in history] == ["schema_draft"]
    assert epsilon_of([history[0].event], history[0].delta) <= 2.0


BAD = """
import json, sys
from privsynth.cli import main
heavy = ("torch", "langgraph", "pandas", "sklearn", "presidio_analyzer")
codes = [main(args) for args in json.loads(sys.argv[1])]
print(json.dumps({"codes": codes, "heavy": sorted(m for m in heavy if m in sys.modules)}))
"""


@pytest.mark.parametrize("content, message", [
    ("a,b,a\n1,2,3\n", "more than once"),
    ("a,b\n", "no data rows"),
    ("", "is empty"),
    ("a,,b\n1,2,3\n", "without a name (position 2)"),
])
def test_bad_bare_files_are_refused_before_any_heavy_import_or_spend(tmp_path, content, message):
    data = tmp_path / "bad.csv"
    data.write_text(content)
    cases = [["synthesize", str(data), "--epsilon", "1", "--out", str(tmp_path / "s.csv")],
             ["schema", "draft", str(data), "--out", str(tmp_path / "d.json"), "--epsilon", "1"]]
    done = subprocess.run([sys.executable, "-c", BAD, json.dumps(cases)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"codes": [2, 2], "heavy": []}, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and all(message in e and "Fix:" in e for e in errors)


@pytest.mark.slow
def test_the_first_checkpoint_shows_the_draft_and_its_cost(tmp_path):
    import privsynth

    data = bare_table(tmp_path)
    result = privsynth.synthesize(data, epsilon=3, generator="dp_marginals", validation="basic", rows=40,
                                  review=True)
    assert result.status == "waiting" and result.waiting["checkpoint"] == "before_generate"
    shown = result.waiting["schema_draft"]
    assert "domain discovery: 10% of the run's budget" in shown["cost"] and "header" in shown["confirm"]
    assert {c["column"]: c["kind"] for c in shown["columns"]}["sex"] == "categorical"
    assert Path(shown["file"]).is_file()
    privsynth.resume(result.run_id, "reject")
    assert [s.generator for s in ledger_for(load_settings()).history("people")] == ["domain_discovery"]
