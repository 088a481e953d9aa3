"""``privsynth scrub`` through its argparse parser: text, JSONL, CSV, Parquet, spans, policies, bad input."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest

from privsynth.cli_scrub import add_scrub_parser, run_scrub
from privsynth.errors import ConfigError, InputDataError


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="privsynth")
    add_scrub_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["scrub", *argv])
    assert args.func is run_scrub
    return run_scrub(args)


def _spans(path: Path) -> list[list[dict]]:
    return [json.loads(line)["spans"] for line in path.read_text().splitlines()]


def test_text_file_spans_point_into_original_lines(tmp_path: Path) -> None:
    lines = ["Contact anna@example.com today", "", "Mr. Spears is a 61 year old man.", "nothing here"]
    src, out, spans = tmp_path / "in.txt", tmp_path / "out.txt", tmp_path / "spans.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run(str(src), "--out", str(out), "--spans", str(spans)) == 0
    found = _spans(spans)
    assert len(found) == len(lines)
    assert found[1] == [] and found[3] == []
    values = {(s["entity_type"], lines[i][s["start"]:s["end"]]) for i, row in enumerate(found) for s in row}
    assert {("EMAIL_ADDRESS", "anna@example.com"), ("PERSON", "Spears"), ("AGE", "61")} <= values
    assert all(isinstance(s["score"], float) and set(s) == {"start", "end", "entity_type", "score"}
               for row in found for s in row)
    scrubbed = out.read_text(encoding="utf-8").splitlines()
    assert scrubbed[0] == "Contact <EMAIL_ADDRESS> today"
    assert len(scrubbed) == len(lines)


def test_jsonl_keeps_other_fields_and_handles_odd_values(tmp_path: Path) -> None:
    records = [{"id": 1, "text": "Write to lena.berg@example.org", "meta": {"lang": "en"}},
               {"id": 2, "text": None}, {"id": 3, "text": 4111111111111111}, {"id": 4}, {"id": 5, "text": ""}]
    src, out, spans = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "spans.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"default": "tag", "entities": {"EMAIL_ADDRESS": "mask"}}))
    assert _run(str(src), "--out", str(out), "--spans", str(spans), "--policy", str(policy)) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["meta"] == {"lang": "en"} and rows[0]["text"] == "Write to ****.****@*******.***"
    assert rows[1]["text"] is None and "text" not in rows[3] and rows[4]["text"] == ""
    assert rows[2]["text"] == "<CREDIT_CARD>"
    assert len(_spans(spans)) == 5


def test_csv_with_text_field_drops_and_scrubs(tmp_path: Path) -> None:
    df = pd.DataFrame({"email": ["js@example.com", "mj@example.org", None],
                       "note": ["Met Anna Kowalski at anna@example.com", 42, None],
                       "score": [1, 2, 3]})
    src, out, spans = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "spans.jsonl"
    df.to_csv(src, index=False)
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"entities": {"EMAIL_ADDRESS": "drop_column"}}))
    assert _run(str(src), "--out", str(out), "--text-field", "note", "--spans", str(spans),
                "--policy", str(policy)) == 0
    result = pd.read_csv(out)
    assert list(result.columns) == ["note", "score"]
    assert "anna@example.com" not in result["note"][0] and "Kowalski" not in result["note"][0]
    assert result["score"].tolist() == [1, 2, 3]
    assert len(_spans(spans)) == 3


def test_parquet_round_trip(tmp_path: Path) -> None:
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pd.DataFrame({"text": ["Call (904) 809-7004 now", "fine"]}).to_parquet(src)
    assert _run(str(src), "--out", str(out), "--text-field", "text") == 0
    assert pd.read_parquet(out)["text"].tolist() == ["Call <PHONE_NUMBER> now", "fine"]


def test_non_utf8_file_is_a_clear_input_error(tmp_path: Path) -> None:
    src = tmp_path / "latin.txt"
    src.write_bytes("Jos\xe9 lives here".encode("latin-1"))
    with pytest.raises(InputDataError, match="not valid UTF-8"):
        _run(str(src), "--out", str(tmp_path / "out.txt"))
    assert not (tmp_path / "out.txt").exists()


@pytest.mark.parametrize(("name", "content", "match"), [
    ("missing.txt", None, "does not exist"),
    ("data.xlsx", "x", "Unsupported input format"),
    ("bad.jsonl", '{"text": "a"}\n[1, 2]\n', "line 2"),
    ("broken.jsonl", "{nope\n", "not valid JSON"),
])
def test_bad_inputs(tmp_path: Path, name: str, content: str | None, match: str) -> None:
    src = tmp_path / name
    if content is not None:
        src.write_text(content, encoding="utf-8")
    with pytest.raises(InputDataError, match=match):
        _run(str(src), "--out", str(tmp_path / "out"))


def test_policy_and_option_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("hello Anna\n", encoding="utf-8")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"entities": {"NOT_A_TYPE": "tag"}}))
    with pytest.raises(ConfigError, match="NOT_A_TYPE"):
        _run(str(src), "--out", str(tmp_path / "out.txt"), "--policy", str(policy))
    table = tmp_path / "t.csv"
    table.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="--text-field"):
        _run(str(table), "--out", str(tmp_path / "o.csv"), "--spans", str(tmp_path / "s.jsonl"))
    with pytest.raises(InputDataError, match="Column 'nope'"):
        _run(str(table), "--out", str(tmp_path / "o.csv"), "--text-field", "nope")
