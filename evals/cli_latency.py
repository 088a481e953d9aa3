"""How fast the CLI answers bad input, against ``privsynth --version`` in the same run (issue 18: under 1 s).

Run::

    .venv/bin/python evals/cli_latency.py [--repeats 5]

Each case is a fresh ``privsynth`` process (``.venv/bin/privsynth``), so every import counts, timed by
``time.perf_counter`` around the subprocess and, where it exists, by ``/usr/bin/time -f %e %M`` (wall seconds
and peak memory). Cases:

* ``--version``: the peer, the least a Python CLI costs here;
* a missing input file; an epsilon of 0; an unwritable ``--out`` folder (below a plain file); an unknown
  ``--encoding``: answered by the argument checks before any heavy import;
* ``synthesize`` of a table whose schema names a column the data lacks: a check that needs the graph
  (pandas, langgraph, presidio), for scale.

Each process gets a fresh, empty ``PRIVSYNTH_HOME``. Prints a table (median wall seconds of ``--repeats``,
ratio to ``--version``, peak RSS, exit status) and writes ``evals/results/cli_latency.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "evals" / "results" / "cli_latency.json"
SAMPLE = ROOT / "privsynth" / "sample_data"
TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("privsynth")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "privsynth"]


def _cases(work: Path) -> dict[str, list[str]]:
    csv, schema = str(SAMPLE / "adult_people.csv"), str(SAMPLE / "adult_people.schema.json")
    blocker = work / "plain_file"
    blocker.write_text("")
    broken = work / "missing_column.schema.json"
    raw = json.loads(Path(schema).read_text())
    raw["columns"].append({"name": "not_in_data", "kind": "categorical", "categories": ["a"]})
    broken.write_text(json.dumps(raw))
    out = str(work / "synth.csv")
    return {
        "--version (peer)": ["--version"],
        "missing input file": ["synthesize", str(work / "missing.csv"), "--schema", schema, "--epsilon", "1",
                               "--out", out],
        "epsilon 0": ["synthesize", csv, "--schema", schema, "--epsilon", "0", "--out", out],
        "unwritable --out folder": ["synthesize", csv, "--schema", schema, "--epsilon", "1", "--out",
                                    str(blocker / "synth.csv")],
        "unknown --encoding": ["synthesize", csv, "--schema", schema, "--epsilon", "1", "--encoding", "nope",
                               "--out", out],
        "schema column missing (graph)": ["synthesize", csv, "--schema", str(broken), "--epsilon", "1", "--out",
                                          out, "--yes"],
    }


def _once(args: list[str], home: Path) -> dict[str, float | int | None]:
    env = {**os.environ, "PRIVSYNTH_HOME": str(home)}
    command = [*([TIME, "-f", "TIME %e %M"] if TIME else []), *_cli(), *args]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - start
    rss_mb = None
    for line in done.stderr.splitlines():
        if line.startswith("TIME "):
            rss_mb = int(line.split()[2]) / 1024
    return {"seconds": wall, "rss_mb": rss_mb, "status": done.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = _cases(work)
        for name, argv in cases.items():
            runs = [_once(argv, work / f"home-{i}") for i in range(args.repeats)]
            rows.append({"case": name, "argv": argv, "median_seconds": statistics.median(r["seconds"] for r in runs),
                         "max_seconds": max(r["seconds"] for r in runs),
                         "rss_mb": max((r["rss_mb"] for r in runs if r["rss_mb"] is not None), default=None),
                         "status": runs[-1]["status"]})
    peer = rows[0]["median_seconds"]
    print(f"{'case':32} {'median s':>9} {'max s':>7} {'x --version':>11} {'RSS MB':>7} {'exit':>5}")
    for row in rows:
        row["ratio_to_version"] = row["median_seconds"] / peer
        rss = f"{row['rss_mb']:.0f}" if row["rss_mb"] is not None else "-"
        print(f"{row['case']:32} {row['median_seconds']:9.3f} {row['max_seconds']:7.3f} "
              f"{row['ratio_to_version']:11.2f} {rss:>7} {row['status']:>5}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"repeats": args.repeats, "python": sys.version.split()[0],
                               "machine": platform.machine(), "cpus": os.cpu_count(), "rows": rows}, indent=2))
    print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
