"""The planner reads a file's header (column names) and nothing else; a missing file is a clear error."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from privsynth.agents.planner.header import read_header, require_file
from privsynth.errors import InputDataError


def test_headers_of_every_format(tmp_path) -> None:
    (tmp_path / "a.csv").write_text("id,\"annual income\",Region\n1,2,3\n")
    (tmp_path / "b.tsv").write_text("id\tnote\n1\thello\n")
    (tmp_path / "c.jsonl").write_text("\n" + json.dumps({"body": "secret text", "label": "x"}) + "\n")
    pd.DataFrame({"x": [1], "y": ["a"]}).to_parquet(tmp_path / "d.parquet")
    (tmp_path / "e.txt").write_text("just text\n")
    assert read_header(tmp_path / "a.csv") == ["id", "annual income", "Region"]
    assert read_header(tmp_path / "b.tsv") == ["id", "note"]
    assert read_header(tmp_path / "c.jsonl") == ["body", "label"]  # keys only, never the values
    assert read_header(tmp_path / "d.parquet") == ["x", "y"]
    assert read_header(tmp_path / "e.txt") is None and read_header(tmp_path / "none.csv") is None


def test_a_missing_file_is_an_error_naming_it(tmp_path) -> None:
    with pytest.raises(InputDataError, match="input file .*nope.csv does not exist"):
        require_file(str(tmp_path / "nope.csv"))
    with pytest.raises(InputDataError, match="is a folder"):
        require_file(str(tmp_path))
