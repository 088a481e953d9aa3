"""Speed and memory of the default path on large tables: 30,000 rows and 1,000,000 rows, 25 columns.

Run: ``.venv/bin/python evals/scale_bench.py [--rows 30000] [--epsilons 1,10] [--out F]``.

The table is made by resampling the NIST MA and TX excerpts together (never committed): their 24 columns plus
``STATE`` (which excerpt the row came from), declared in a copy of NIST's dictionary, so the default command
applies the shipped reviewed relations. Each configuration runs the README's command,
``privsynth synthesize table.csv --schema dictionary.json --epsilon E --out synth.csv --yes`` (the default delta;
the home's ``config.json`` raises the default cap to epsilon 100 so that epsilon 10 fits), in
its own process under ``/usr/bin/time -v`` (wall seconds and peak RSS of the whole process: reading, PII scan,
fit, sampling, validation on a subsample, writing). For scale, the same process is also timed on the
7,634-row MA excerpt alone (the ratio is what to compare across machines). Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NIST = ROOT.parent / "shared" / "data" / "nist_excerpts"


def make_table(rows: int, folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """Write a ``rows``-row, 25-column resample of MA + TX and its dictionary; return their paths."""
    parts = []
    for state in ("ma", "tx"):
        frame = pd.read_csv(NIST / f"{state}2019.csv", dtype=str, keep_default_na=False)
        frame["STATE"] = state.upper()
        parts.append(frame)
    both = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(seed)
    table = folder / "table.csv"
    chunk = 200_000
    with table.open("w") as out:
        for start in range(0, rows, chunk):
            take = rng.integers(0, len(both), min(chunk, rows - start))
            both.iloc[take].to_csv(out, index=False, header=start == 0)
    dictionary = json.loads((NIST / "data_dictionary.json").read_text())
    dictionary["STATE"] = {"description": "State of the excerpt the record comes from",
                           "values": {"MA": "Massachusetts", "TX": "Texas"}}
    path = folder / "dictionary.json"
    path.write_text(json.dumps(dictionary))
    return table, path


def timed_cli(source: Path, schema: Path, epsilon: float, folder: Path) -> dict:
    """Run the README's command under ``/usr/bin/time -v``: wall and CPU seconds, peak RSS (MiB), the exit code.

    The CPU seconds (user + system) are the figure to read on a shared machine: the pipeline is mostly
    single-threaded, so on an idle machine its wall time is close to them, while a busy machine stretches the
    wall time by the load (``cpu_share`` is the share of one core the command got).
    """
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "privsynth", "synthesize", str(source), "--schema",
               str(schema), "--epsilon", f"{epsilon:g}", "--out", str(folder / "synth.csv"), "--yes"]
    home = folder / f"home{epsilon:g}"
    home.mkdir(exist_ok=True)
    (home / "config.json").write_text(json.dumps({"default_cap_epsilon": 100.0}))
    env = {"PRIVSYNTH_HOME": str(home), "PATH": "/usr/bin:/bin",
           "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "LITELLM_LOCAL_MODEL_COST_MAP": "True", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = [re.search(rf"{kind} time \(seconds\): ([\d.]+)", done.stderr) for kind in ("User", "System")]
    seconds = None
    if wall:
        hours, minutes, secs = wall.groups()
        seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    tail = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if line.startswith("error")]
    cpu_seconds = sum(float(m.group(1)) for m in cpu) if all(cpu) else None
    return {"seconds": round(seconds, 1) if seconds else None,
            "cpu_seconds": round(cpu_seconds, 1) if cpu_seconds is not None else None,
            "cpu_share": round(cpu_seconds / seconds, 2) if cpu_seconds and seconds else None,
            "peak_rss_mib": round(int(rss.group(1)) / 1024, 1) if rss else None, "exit": done.returncode,
            "error": tail[0] if tail else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--epsilons", default="1,10")
    parser.add_argument("--no-peer", action="store_true", help="skip the MA-excerpt reference run")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "scale_bench.json")
    args = parser.parse_args()
    if not NIST.is_dir():
        print(f"skipped: {NIST} is absent (the benchmark resamples the NIST excerpts).")
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table, dictionary = make_table(args.rows, folder)
        for eps in [float(e) for e in args.epsilons.split(",")]:
            if not args.no_peer:
                ref = timed_cli(NIST / "ma2019.csv", NIST / "data_dictionary.json", eps, folder)
                rows.append({"table": "MA excerpt", "rows": 7634, "columns": 24, "epsilon": eps, **ref})
                print(rows[-1], flush=True)
            run = timed_cli(table, dictionary, eps, folder)
            rows.append({"table": "MA+TX resample", "rows": args.rows, "columns": 25, "epsilon": eps, **run})
            if not args.no_peer and run["seconds"] and rows[-2]["seconds"]:
                rows[-1]["time_vs_ma_excerpt"] = round(run["seconds"] / rows[-2]["seconds"], 2)
            print(rows[-1], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2))
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
