"""Run one smartnoise-synth peer (MST or AIM) on a NIST excerpt, in a subprocess with a time limit.

Usage (peers environment only, see README.md)::

    evals/.peers/bin/python evals/peers/run_peer.py --synth aim --data ma --epsilon 1 --limit 1800
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "nist_excerpts"
OUT = ROOT / "evals" / "results"


def _work(synth: str, data: str, epsilon: float, out: str) -> None:
    import pandas as pd
    from snsynth import Synthesizer

    frame = pd.read_csv(DATA / f"{data}2019.csv", dtype=str, keep_default_na=False).drop(columns=["INDP"])
    numeric = ["AGEP", "PINCP", "POVPIP", "DENSITY", "PWGTP", "WGTP", "NOC", "NPF"]
    model = Synthesizer.create(synth, epsilon=epsilon, delta=1e-5)
    model.fit(frame, preprocessor_eps=0.0, categorical_columns=[c for c in frame.columns if c not in numeric],
              continuous_columns=[], ordinal_columns=[])
    model.sample(len(frame)).to_csv(out, index=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synth", choices=["mst", "aim"], required=True)
    parser.add_argument("--data", choices=["ma", "tx"], required=True)
    parser.add_argument("--epsilon", type=float, required=True)
    parser.add_argument("--limit", type=float, default=1800.0, help="seconds before the run is reported unfinished")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"peer_{args.synth}_{args.data}_{args.epsilon:g}.csv"
    start = time.perf_counter()
    proc = mp.get_context("spawn").Process(target=_work, args=(args.synth, args.data, args.epsilon, str(out)))
    proc.start()
    proc.join(args.limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        status = "timeout"
    else:
        status = "ok" if proc.exitcode == 0 else f"failed (exit {proc.exitcode})"
    print(json.dumps({"synth": args.synth, "data": args.data, "epsilon": args.epsilon, "status": status,
                      "seconds": round(time.perf_counter() - start, 1), "csv": str(out) if status == "ok" else None}))
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
