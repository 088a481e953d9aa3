"""Fast answers to bad input: argument and path errors come before any heavy library is imported.

Speed itself is measured by ``evals/cli_latency.py``; this test checks the cause (what is imported), which does
not depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

from cli_support import tiny_table

HEAVY = ("torch", "spacy", "presidio_analyzer", "langgraph", "pandas", "transformers", "opacus", "sklearn")

PROBE = """
import json, sys
from privsynth.cli import main
cases, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
codes = [main(args) for args in cases]
print(json.dumps({"codes": codes, "heavy": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_bad_paths_and_values_are_answered_before_heavy_imports(tmp_path):
    data, schema = tiny_table(tmp_path, "t", rows=5)
    folder_as_file = tmp_path / "plain_file"
    folder_as_file.write_text("")
    base = ["synthesize", str(data), "--schema", str(schema)]
    cases = [
        ["synthesize", str(tmp_path / "missing.csv"), "--epsilon", "1", "--out", "s.csv"],
        [*base, "--epsilon", "0", "--out", "s.csv"],
        [*base, "--epsilon", "nan", "--out", "s.csv"],
        [*base, "--epsilon", "1", "--delta", "1.5", "--out", "s.csv"],
        [*base, "--epsilon", "1", "--out", str(folder_as_file / "s.csv")],
        [*base, "--epsilon", "1", "--out", str(tmp_path / "s.xlsx")],
        [*base, "--epsilon", "1", "--encoding", "no-such-codec", "--out", "s.csv"],
        [*base, "--epsilon", "1", "--rows", "0", "--out", "s.csv"],
        [*base, "--epsilon", "1", "--option", "novalue", "--out", "s.csv"],
        ["synthesize", str(data), "--schema", str(tmp_path / "nope.json"), "--epsilon", "1", "--out", "s.csv"],
        ["replay", "some-run", "--out", str(folder_as_file / "x.csv")],
    ]
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(cases), json.dumps(HEAVY)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == [2] * len(cases), done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(cases) and "Traceback" not in done.stderr
    assert all("Fix:" in line for line in errors)
    assert "missing.csv does not exist" in errors[0] and "--epsilon must be" in errors[1]
    assert "--delta must be between 0 and 1" in errors[3] and "is a file, not a folder" in errors[4]
    assert "Unknown text encoding 'no-such-codec'" in errors[6] and "Schema file" in errors[9]
    assert result["heavy"] == []
