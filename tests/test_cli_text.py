"""``privsynth synthesize --text-field``: a CSV corpus end to end, and bad inputs refused in one line, unspent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from privsynth.cli import main
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for

REPO = Path(__file__).resolve().parents[1]
TICKETS = REPO / "privsynth" / "sample_data" / "support_tickets.jsonl"
SCHEMA = {"columns": [{"name": "category", "kind": "categorical", "categories": ["billing", "delivery", "login"]}]}
TINY = ["--option", "epochs=0.3", "--option", "expected_batch=8", "--option", "max_tokens=32",
        "--option", "max_new_tokens=10", "--option", "progress=false"]


def _spends() -> int:
    ledger = ledger_for(load_settings())
    return sum(len(ledger.history(d.name)) for d in ledger.datasets())


def _tickets() -> pd.DataFrame:
    return pd.read_json(TICKETS, lines=True)


@pytest.mark.slow
def test_csv_corpus_with_a_very_long_text_releases_csv(tmp_path, capsys, privsynth_home):
    data = _tickets()[["ticket_id", "text"]].rename(columns={"text": "body"})
    long_text = " ".join(["My order arrived late again and the box was open."] * 400)  # ~4,000 words
    data.loc[3, "body"] = long_text
    source, out = tmp_path / "notes.csv", tmp_path / "synthetic.csv"
    data.to_csv(source, index=False)
    code = main(["synthesize", str(source), "--text-field", "body", "--epsilon", "2", "--rows", "6", "--pii",
                 "fake", "--validation", "basic", "--out", str(out), "--yes", *TINY])
    printed = capsys.readouterr().out
    run_id, status = re.search(r"run (\S+): (\w+)", printed).groups()
    assert code == (4 if status == "held" else 0), printed  # 4: held by the release policy
    if status == "held":  # held by the release policy: approve as a person would
        assert main(["review", run_id, "--approve"]) == 0
        printed += capsys.readouterr().out
    synthetic = pd.read_csv(out)
    assert list(synthetic.columns) == ["body"] and 0 < len(synthetic) <= 6
    assert "PII in the training texts (fake)" in printed
    report = json.loads((privsynth_home / "runs" / run_id / "report.json").read_text())
    train = report["validation"]["texts"]["train"]  # 60 texts minus the per-record holdout
    assert 36 <= train <= 58 and train == report["generation"]["train_rows"]
    if report["generation"]["training"]["truncated"]:  # the long text is in the training part
        assert re.search(rf"warning: \d+ of {train} training texts were longer than max_tokens=32", printed)
    assert report["pii"]["action"] == "fake"
    assert report["generation"]["settings"]["epochs"] == 0.3  # the --option values reached the generator
    assert long_text not in out.read_text()
    assert _spends() == 1


def _bad(args: list[str], capsys, out: Path) -> str:
    before = _spends()
    code = main([*args, "--out", str(out), "--yes", *TINY])
    captured = capsys.readouterr()
    assert code != 0, captured.out
    lines = [line for line in captured.err.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert _spends() == before  # nothing spent
    assert not out.exists()  # nothing written
    return lines[0]


def _write(tmp_path: Path, rows: list[dict], schema: dict | None = None, name: str = "corpus") -> Path:
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    if schema is not None:
        (tmp_path / f"{name}.schema.json").write_text(json.dumps(schema))
    return path


def _labelled(label_of=lambda i: ["billing", "delivery", "login"][i % 3]) -> list[dict]:
    return [{"text": t, "category": label_of(i)} for i, t in enumerate(_tickets()["text"])]


BAD_CASES = {
    "all texts empty": ([{"text": t} for t in ("", "   ", None, "")], None, [], "is empty"),
    "label column with one class": (_labelled(lambda i: "billing"), SCHEMA, ["--label-field", "category"],
                                    "single class in the data"),
    "schema with one label": (_labelled(lambda i: "billing"),
                              {"columns": [{"name": "category", "kind": "categorical", "categories": ["billing"]}]},
                              ["--label-field", "category"], "single class"),
    "labels without a schema": (_labelled(), None, ["--label-field", "category"], "list of labels"),
    "label outside the schema": (_labelled(lambda i: "refunds" if i == 5 else "billing"), SCHEMA,
                                 ["--label-field", "category"], "outside the schema's list"),
    "epsilon too small for the data": ([{"text": t} for t in _tickets()["text"]], None, ["--epsilon", "0.001"],
                                       "epsilon 0.001 is too small for DP-SGD on "),
    "epsilon too small for the labels": (_labelled(), SCHEMA, ["--label-field", "category", "--epsilon", "0.001"],
                                         "epsilon 0.001 is too small for the text generator on "),
    "unknown generator option": (_labelled(), None, ["--option", "epoch=2"], "no option(s) ['epoch']"),
    "text column missing": (_labelled(), None, ["--text-field", "body"], "not in corpus.jsonl"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_text_input_is_one_line_and_spends_nothing(case, tmp_path, capsys):
    rows, schema, extra, message = BAD_CASES[case]
    source = _write(tmp_path, rows, schema)
    args = ["synthesize", str(source), "--text-field", "text", "--epsilon", "2", *extra]
    if "--text-field" in extra:
        args = ["synthesize", str(source), "--epsilon", "2", *extra]
    if "--epsilon" in extra:
        args = ["synthesize", str(source), "--text-field", "text", *extra]
    line = _bad(args, capsys, tmp_path / "synthetic.csv")
    assert message in line, line


def test_unwritable_output_suffix_is_refused_before_reading(tmp_path, capsys):
    source = _write(tmp_path, _labelled())
    line = _bad(["synthesize", str(source), "--text-field", "text", "--epsilon", "2"], capsys, tmp_path / "out.txt")
    assert "Cannot write synthetic text" in line and ".jsonl" in line


def test_tabular_generator_on_a_text_request_is_refused(tmp_path, capsys):
    source = _write(tmp_path, _labelled())
    line = _bad(["synthesize", str(source), "--text-field", "text", "--generator", "mst", "--epsilon", "2"], capsys,
                tmp_path / "out.csv")
    assert "makes tabular data" in line


def test_text_corpus_is_recognised_without_text_field(tmp_path, capsys):
    """A corpus whose sidecar schema declares a text column goes to the text generator (here: refused at the gate)."""
    source = tmp_path / "tickets.jsonl"
    source.write_bytes(TICKETS.read_bytes())
    (tmp_path / "tickets.schema.json").write_bytes(TICKETS.with_name("support_tickets.schema.json").read_bytes())
    line = _bad(["synthesize", str(source), "--epsilon", "0.001"], capsys, tmp_path / "out.jsonl")
    assert re.search(r"too small for DP-SGD on \d+ records", line)
    plain = _write(tmp_path, [{"id": i, "text": t} for i, t in enumerate(_tickets()["text"])], name="plain")
    line = _bad(["synthesize", str(plain), "--epsilon", "0.001"], capsys, tmp_path / "out.jsonl")
    assert re.search(r"too small for DP-SGD on \d+ records", line)  # no schema: the column named 'text'
