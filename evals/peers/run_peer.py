"""Run one smartnoise-synth peer (MST or AIM) on a NIST excerpt, in a subprocess with a time limit.

Usage (peers environment only, see README.md)::

    evals/.peers/bin/python evals/peers/run_peer.py --synth aim --data ma --epsilon 1 --limit 1800
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "nist_excerpts"
OUT = ROOT / "evals" / "results"


def _public_bins(values, spec: dict, bins: int = 20):  # type: ignore[no-untyped-def]
    """Bin a numeric column on its public dictionary bounds (asinh scale for wide ranges); specials kept.

    Returns the binned column (strings) and a decoder: bin label -> a representative value.
    """
    import numpy as np

    lo, hi = float(spec["min"]), float(spec["max"])
    specials = {k for k in spec if k not in ("min", "max")}
    if hi - lo > 1000:
        s = (hi - lo) / 1000
        edges = s * np.sinh(np.linspace(np.arcsinh(lo / s), np.arcsinh(hi / s), bins + 1))
    else:
        edges = np.linspace(lo, hi, bins + 1)
    mids = {f"b{i}": str(int(round((edges[i] + edges[i + 1]) / 2))) for i in range(bins)}

    def code(v: str) -> str:
        if v in specials or v == "":
            return v
        x = min(max(float(v), lo), hi)
        return f"b{min(int(np.searchsorted(edges, x, side='right')) - 1, bins - 1)}"
    return values.map(code), lambda v: mids.get(v, v)


def _work(synth: str, data: str, epsilon: float, out: str) -> None:
    import pandas as pd
    from snsynth import Synthesizer

    frame = pd.read_csv(DATA / f"{data}2019.csv", dtype=str, keep_default_na=False).drop(columns=["INDP"])
    spec = json.loads((DATA / "data_dictionary.json").read_text())
    numeric = ["AGEP", "PINCP", "POVPIP", "DENSITY", "PWGTP", "WGTP", "NOC", "NPF"]
    decoders = {}
    for col in numeric:  # public binning: the peers get categorical columns only (no preprocessor budget)
        frame[col], decoders[col] = _public_bins(frame[col], spec[col]["values"])
    model = Synthesizer.create(synth, epsilon=epsilon, delta=1e-5)
    model.fit(frame, preprocessor_eps=0.0, categorical_columns=list(frame.columns),
              continuous_columns=[], ordinal_columns=[])
    synth_frame = model.sample(len(frame))
    for col, decode in decoders.items():
        synth_frame[col] = synth_frame[col].astype(str).map(decode)
    synth_frame.to_csv(out, index=False)


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
    info = {"synth": args.synth, "data": args.data, "epsilon": args.epsilon, "status": status,
            "seconds": round(time.perf_counter() - start, 1), "limit_s": args.limit,
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "csv": str(out) if status == "ok" else None}
    out.with_suffix(".json").write_text(json.dumps(info))  # read by evals/tabular_bench.py
    print(json.dumps(info))
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
