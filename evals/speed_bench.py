"""Speed benchmark for what used to be clock asserts in the tests, each against a peer in the same run.

Run::

    .venv/bin/python evals/speed_bench.py [--repeats 3]

* ``dp_marginals`` fit + sample on the bundled demo table (3,000 rows), against ``aim`` on the same table
  (the tests asserted < 2 s for dp_marginals).
* PII column scan (:func:`privsynth.tools.pii.scan_table`, 200 sampled values of the three PII columns, model
  loaded) against plain Presidio (``AnalyzerEngine.analyze`` on the same values, same spaCy model) (the tests
  asserted < 5 s).
* The time a bad path takes to be answered by the CLI (a subprocess, so imports count), against
  ``python -c pass`` (issue 18's goal is under 1 s).

Prints a table (median seconds of ``--repeats``, and the ratio to the peer) and writes
``evals/results/speed_bench.json``. These machines are noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from privsynth.tools.data.schema import load_schema
from privsynth.tools.pii import scan_table
from privsynth.tools.pii.engine import get_analyzer
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer
from privsynth.tools.tabular.mechanisms.dp_marginals import DPMarginalSynthesizer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "privsynth" / "sample_data"
OUT = ROOT / "evals" / "results" / "speed_bench.json"
PII = ["full_name", "email", "phone"]


def _median(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = pd.read_csv(SAMPLE / "adult_people.csv")
    schema = load_schema(SAMPLE / "adult_people.schema.json")
    schema = schema.without(PII)
    table = data[[c.name for c in schema.columns if c.name in data.columns]]
    DPMarginalSynthesizer(1.0, 1e-6).privacy_event()  # the noise calibration is cached per (epsilon, delta)
    rows = []

    def tabular(cls):
        return lambda: cls(1.0, 1e-6, seed=0, target="income").fit(table, schema).sample()

    ours = _median(tabular(DPMarginalSynthesizer), args.repeats)
    peer = _median(tabular(AIMSynthesizer), max(1, args.repeats // 2))
    rows.append({"task": "fit + sample, 3000 x 10, eps 1", "method": "dp_marginals", "seconds": ours,
                 "peer": "aim", "peer_seconds": peer})

    analyzer = get_analyzer()
    values = [str(v) for c in PII for v in data[c].sample(200, random_state=0)]
    scan = _median(lambda: scan_table(data[PII], sample_size=200), args.repeats)
    plain = _median(lambda: [analyzer.analyze(v, language="en") for v in values], args.repeats)
    rows.append({"task": "PII scan, 3 columns x 200 values", "method": "scan_table", "seconds": scan,
                 "peer": "presidio analyze per value", "peer_seconds": plain})

    cli = [sys.executable, "-m", "privsynth.cli", "synthesize", "/nonexistent.csv", "--epsilon", "1", "--out",
           "/tmp/x.csv", "--yes"]
    bad = _median(lambda: subprocess.run(cli, capture_output=True), args.repeats)
    base = _median(lambda: subprocess.run([sys.executable, "-c", "pass"], capture_output=True), args.repeats)
    rows.append({"task": "CLI answers a bad path", "method": "privsynth synthesize", "seconds": bad,
                 "peer": "python -c pass", "peer_seconds": base})

    print(f"{'task':36} {'method':22} {'seconds':>8} {'peer':28} {'peer s':>8} {'ratio':>6}")
    for r in rows:
        r["ratio"] = r["seconds"] / r["peer_seconds"] if r["peer_seconds"] else None
        print(f"{r['task']:36} {r['method']:22} {r['seconds']:8.2f} {r['peer']:28} {r['peer_seconds']:8.2f} "
              f"{r['ratio']:6.2f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"repeats": args.repeats, "rows": rows}, indent=2))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
