"""Ablation of AIM's options and of the holdout share on a NIST excerpt, at the library level with fixed seeds.

Run: ``.venv/bin/python evals/aim_ablation.py --data tx --epsilon 1 --seeds 1,2,3,4 --holdout 0.1
[--option KEY=VALUE ...] [--full-size] [--rows-scale K]``. Each seed fits
:class:`privsynth.tools.tabular.mechanisms.aim.AIMSynthesizer` (the default path's generator, with the NIST
dictionary and its shipped reviewed relations) on the records outside a per-record holdout of the given share
(:func:`privsynth.policies.holdout.holdout_mask`, keyed by the seed), samples, and scores SDNist's k-marginal
against *all* rows, as ``evals/tabular_bench.py`` scores the default path. ``--full-size`` draws the default
path's row count (the noisy count scaled back to the whole source) instead of the training size.

The seed fixes the DP noise, so configurations can be compared seed by seed (paired). This is an ablation:
the headline figures come from the default path (``evals/tabular_bench.py --methods default``). Prints a
line per run and a summary, and writes JSON (``--out``, default ``evals/results/aim_ablation.json``).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "nist_excerpts"
sys.path.insert(0, str(ROOT))

from evals.tabular_bench import kmarginal_score  # noqa: E402
from privsynth.agents.registry import get_generator  # noqa: E402
from privsynth.graphs.context import apply_missing_markers  # noqa: E402
from privsynth.policies.holdout import holdout_mask  # noqa: E402
from privsynth.tools.data.io import read_table  # noqa: E402
from privsynth.tools.data.schema import load_schema  # noqa: E402


def _option(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def run(state: str, epsilon: float, seeds: list[int], holdout: float, options: dict, full_size: bool,
        rows_scale: float = 1.0) -> list[dict]:
    """Fit and score one configuration for every seed; a dict per run.

    ``rows_scale`` multiplies the number of rows drawn (an ablation of the sampling error: a larger sample
    is closer to the fitted model's own marginals; the default path draws scale 1).
    """
    import privsynth.tools.tabular  # noqa: F401  (registers aim)

    schema = load_schema(DATA / "data_dictionary.json")
    data = apply_missing_markers(read_table(DATA / f"{state}2019.csv"), schema)
    truth = pd.read_csv(DATA / f"{state}2019.csv", na_values="N")[[c.name for c in schema.columns if c.modelled]]
    rows = []
    for seed in seeds:
        mask = holdout_mask(data, seed.to_bytes(8, "big") * 4, holdout, equal_rows="apart") if holdout > 0 else None
        train = data if mask is None else data.loc[~mask]
        start = time.perf_counter()
        generator = get_generator("aim")(epsilon=epsilon, delta=1e-5, seed=seed, schema=schema, target=None,
                                         progress=False, **options)
        generator.fit(train[schema.names].reset_index(drop=True), schema)
        n = int(round(generator.estimated_rows() / (1.0 - holdout))) if full_size else generator.estimated_rows()
        buffer = io.StringIO()
        generator.sample(int(round(n * rows_scale))).to_csv(buffer, index=False)
        buffer.seek(0)
        synth = pd.read_csv(buffer, na_values=["N", ""])
        rows.append({"data": state.upper(), "epsilon": epsilon, "seed": seed, "holdout": holdout,
                     "options": options, "full_size": full_size, "rows_scale": rows_scale,
                     "train_rows": len(train),
                     "kmarginal": round(kmarginal_score(truth, synth), 1),
                     "seconds": round(time.perf_counter() - start, 1)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> int:
    """Parse the arguments, run, print the summary and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="tx", choices=["ma", "tx"])
    parser.add_argument("--epsilon", type=float, default=1.0)
    parser.add_argument("--seeds", default="1,2,3,4")
    parser.add_argument("--holdout", type=float, default=0.1, help="holdout share (0: train on every row)")
    parser.add_argument("--option", action="append", default=[], help="AIM option KEY=VALUE (JSON value)")
    parser.add_argument("--full-size", action="store_true", help="draw the default path's row count")
    parser.add_argument("--rows-scale", type=float, default=1.0,
                        help="draw this multiple of the row count (sampling-error ablation)")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "aim_ablation.json")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (see ../shared/data/README.md)")
        return 0
    options = dict(_option(o) for o in args.option)
    rows = run(args.data, args.epsilon, [int(s) for s in args.seeds.split(",")], args.holdout, options,
               args.full_size, args.rows_scale)
    scores = [r["kmarginal"] for r in rows]
    spread = statistics.stdev(scores) if len(scores) > 1 else 0.0
    print(f"\n| data | epsilon | holdout | options | runs | k-marginal mean (sd) |\n|---|---|---|---|---|---|\n"
          f"| {args.data.upper()} | {args.epsilon:g} | {args.holdout:g} | {options or 'defaults'} | {len(rows)} "
          f"| {statistics.mean(scores):.1f} ({spread:.1f}) |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
