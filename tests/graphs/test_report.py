"""The run report: both files, self-contained HTML, JSON round trip, atomic writes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth import atomic
from privsynth.agents.validators.tabular import validate_table
from privsynth.atomic import atomic_write_bytes, atomic_write_text
from privsynth.graphs.report.report import HEADINGS, PII_NOT_DP, to_jsonable, write_report
from privsynth.tools.data.schema import load_schema

SAMPLE = Path(__file__).resolve().parents[2] / "privsynth" / "sample_data"


@pytest.fixture(scope="module")
def validation() -> dict:
    schema = load_schema(SAMPLE / "adult_people.schema.json")
    table = pd.read_csv(SAMPLE / "adult_people.csv").drop(columns=["full_name", "email", "phone"])
    train, holdout = table.iloc[:800], table.iloc[800:1200]
    synth = table.iloc[1200:2000].copy()
    synth.loc[synth.index[:3], "race"] = "Martian"
    return validate_table(train, holdout, synth, schema, "income").to_report()


def full_report(validation: dict) -> dict:
    return {
        "run": {"run_id": "r1", "dataset": "adult_people", "generator": "dp_marginals", "rows": 800},
        "plan": {"epsilon": 1.0, "delta": 1e-6, "target": "income", "source": "adult_people.csv"},
        "budget": {"dataset": "adult_people", "cap_epsilon": 3.0, "spent_epsilon": 1.0, "remaining_after": 2.0,
                   "history": [{"run_id": "r1", "generator": "dp_marginals", "epsilon": 1.0, "delta": 1e-6}]},
        "pii": {"pii_columns": ["full_name", "email"], "action": "drop",
                "findings": [{"column": "email", "entity_type": "EMAIL_ADDRESS", "source": "schema"}]},
        "release": {"verdict": "warn", "reasons": ["warn: pair_trend_mean = 0.7 is below 0.8"]},
        "validation": validation,
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, validation: dict) -> tuple[Path, Path]:
    return write_report(tmp_path_factory.mktemp("reports") / "run", full_report(validation))


def test_write_report_makes_both_files(written: tuple[Path, Path]) -> None:
    json_path, html_path = written
    assert json_path.name == "report.json" and json_path.is_file()
    assert html_path == json_path.parent / "report.html" and html_path.is_file()
    assert sorted(p.name for p in json_path.parent.iterdir()) == ["report.html", "report.json"]


def test_html_is_self_contained_and_readable(written: tuple[Path, Path]) -> None:
    text = written[1].read_text()
    assert "http://" not in text and "https://" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(?!data:)[a-z]+:""", text)
    for key in ("summary", "pii", "schema", "fidelity", "utility", "privacy", "budget"):
        assert HEADINGS[key] in text, key
    # shapes, 3 marginals, correlation difference, pair heat map, utility, DCR, attack risks, budget history
    assert text.count("src='data:image/png;base64,") >= 10
    assert HEADINGS["glance"] in text and "NIST k-marginal score" in text and "How columns go together" in text
    assert "mia_advantage" in text and "inference_risk" in text and "95% interval" in text
    assert "released synthetic data file contains none of these numbers" in text
    assert PII_NOT_DP in text and "non-DP statistics for the data owner" in text
    assert "Budget history" in text and "Martian" in text
    assert "adult_people" in text and "dp_marginals" in text
    assert "badge warn" in text and "pair_trend_mean = 0.7" in text


def test_every_number_in_json_has_definition_and_direction(validation: dict) -> None:
    fid, priv, util = validation["fidelity"], validation["privacy"], validation["utility"]
    entries = [*fid["column_shapes"], *fid["pair_trends"], fid["column_shape_mean"], fid["kmarginal"],
               *priv["metrics"], *util["metrics"]]
    for entry in entries:
        assert entry["definition"] and entry["direction"] in ("higher_is_better", "lower_is_better", "closer_to_0.5")
        assert len(entry["range"]) == 2


def test_report_json_round_trips(written: tuple[Path, Path], validation: dict) -> None:
    assert json.loads(written[0].read_text()) == full_report(validation)


def test_json_is_strict_and_converts_odd_values(tmp_path: Path) -> None:
    report = {"run": {"epsilon": float("inf"), "path": tmp_path, "n": np.int64(3), "x": float("nan")},
              "budget": {"history": []}, "extra": {"values": np.array([1.5, 2.5])}}
    json_path, html_path = write_report(tmp_path, report)
    text = json_path.read_text()
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text) == to_jsonable(report)
    assert json.loads(text)["run"] == {"epsilon": "inf", "path": str(tmp_path), "n": 3, "x": None}
    assert "infinite (not private)" in html_path.read_text()


@pytest.mark.parametrize("report", [{}, {"run": {"rows": 5}}, {"validation": {"fidelity": {"column_shapes": "x"}}},
                                    {"validation": {"privacy": {"available": False, "reason": "why"}}}])
def test_partial_or_odd_reports_still_render(tmp_path: Path, report: dict) -> None:
    _, html_path = write_report(tmp_path, report)
    text = html_path.read_text()
    assert text.startswith("<!DOCTYPE html>") and HEADINGS["summary"] in text
    assert HEADINGS["pii"] not in text  # absent sections are skipped


# -- atomic writes --------------------------------------------------------------------------------------------

def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "plan.json"
    atomic_write_text(target, "one")
    atomic_write_bytes(target, b"two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["plan.json"]


def test_failed_replace_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_failure_mid_write_never_leaves_a_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "report.json").write_text('{"old": true}')
    (tmp_path / "report.html").write_text("old page")

    def fail_fsync(fd: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(atomic.os, "fsync", fail_fsync)
    with pytest.raises(OSError, match="I/O error"):
        write_report(tmp_path, {"run": {"rows": 1}})
    assert json.loads((tmp_path / "report.json").read_text()) == {"old": True}
    assert (tmp_path / "report.html").read_text() == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json"]


def test_replacing_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "data.csv"
    target.write_text("a")
    target.chmod(0o600)
    atomic_write_text(target, "b")
    assert target.stat().st_mode & 0o777 == 0o600
