"""One-run privacy audit of the tabular generators (AIM, dp_marginals): empirical lower bounds on epsilon.

Run: ``.venv/bin/python evals/tabular_audit.py [--generators aim,dp_marginals] [--epsilons 1,4] [--runs 6]
[--canaries 300] [--background 1000] [--seed 0]``. Prints a table and writes
``evals/results/tabular_audit.json`` (``--out`` to change). No shared data needed: the tables are built here.

Method (Steinke, Nasr & Jagielski 2023; math in :mod:`privsynth.tools.metrics.privacy_audit`). Each run builds a
table of ``--background`` rows over common categories of three categorical columns (correlated along the
columns) and ``--canaries`` worst-case canary records: canary ``i`` has the value ``canary<i>`` in every
column, a category declared in the public schema and held by no other row. Each canary is included
independently with probability 1/2. The generator is fitted once; every canary gets a score from each of
two attacks:

* ``measured`` (white box): the sum of the noisy measured cells that contain the canary: every one- and
  two-way cell of dp_marginals' tree (``2 * 3 - 1`` cells, each touched by the canary alone), and AIM's fine
  one-way cells (three; AIM's other measurements are on DP-compressed groups that merge rare values);
* ``rows`` (black box): how often the canary's values occur in ``20 x`` as many synthetic rows as the table.

Per run the ``k`` highest scores are guessed included and the ``k`` lowest excluded, for ``k`` in
``--guess-fractions`` of the canaries (fixed in advance); the runs are pooled (canaries, guesses and correct
guesses add up) and the best ``k`` is kept with a Bonferroni correction, so every bound holds at 95% overall.
Delta in the bound is the generator's ``--delta``.

Settings: ``dp``, the generator at each declared epsilon; ``control``, the same generator with its noise
switched off (dp_marginals: zero noise; AIM: every noise scale divided and the selection's ``eps0`` multiplied
by ``1e3``; built at epsilon 1, which only sets the budget shares), a non-DP reference that must show the leak;
``under-noised``, a deliberately broken copy with a tenth of the noise (``eps0`` times 10) that still declares
the first epsilon, to show the attack has the power to catch such a bug. A bound below the declared epsilon is what DP
promises; the gap says how loose this attack (and one-run auditing of Gaussian noise) is, not how private
the generator is.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from privsynth.agents.generator import Generator  # noqa: E402
from privsynth.tools.data.schema import ColumnSpec, TableSchema  # noqa: E402
from privsynth.tools.metrics.privacy_audit import audit_runs, max_epsilon_lower_bound  # noqa: E402
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer  # noqa: E402
from privsynth.tools.tabular.mechanisms.dp_marginals import DPMarginalSynthesizer  # noqa: E402

COLUMNS = ("region", "job", "plan")
COMMON = 4
OVERSAMPLE = 20
NOISE_OFF = 1e3
UNDER_NOISED = 10.0
SCORERS = ("measured", "rows")


def canary_value(i: int) -> str:
    return f"canary{i:04d}"


def audit_schema(m: int) -> TableSchema:
    cats = [f"v{j}" for j in range(COMMON)] + [canary_value(i) for i in range(m)]
    return TableSchema(name="audit", columns=[ColumnSpec(name=c, kind="categorical", categories=cats, nullable=False)
                                              for c in COLUMNS])


def audit_table(rng: np.random.Generator, m: int, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Background rows plus the canaries drawn in (each with probability 1/2), shuffled; and the draw."""
    cols = [rng.integers(0, COMMON, n)]
    for _ in COLUMNS[1:]:
        cols.append(np.where(rng.random(n) < 0.7, cols[-1], rng.integers(0, COMMON, n)))
    background = pd.DataFrame({c: [f"v{x}" for x in col] for c, col in zip(COLUMNS, cols, strict=True)})
    included = rng.random(m) < 0.5
    canaries = pd.DataFrame({c: [canary_value(i) for i in np.flatnonzero(included)] for c in COLUMNS})
    table = pd.concat([background, canaries], ignore_index=True)
    return table.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True), included


def scaled_dp_marginals(factor: float) -> type[DPMarginalSynthesizer]:
    """dp_marginals with its noise divided by ``factor`` (``inf``: none), still declaring the same epsilon."""

    class Scaled(DPMarginalSynthesizer):
        def noise_scale(self, schema: TableSchema | None = None) -> float:
            return super().noise_scale(schema) / factor

    return Scaled


def scaled_aim(factor: float) -> type[AIMSynthesizer]:
    """AIM with every noise scale divided and the selection's ``eps0`` multiplied by ``factor``."""

    class Scaled(AIMSynthesizer):
        def noise_plan(self) -> dict[str, float]:
            plan = dict(super().noise_plan())
            return {k: v * factor if k == "eps0" else v / factor for k, v in plan.items()}

    return Scaled


def make_generator(name: str, setting: str, epsilon: float, delta: float, seed: int) -> Generator:
    """The generator of one setting: ``dp``, ``control`` (noise off) or ``under-noised`` (noise / 10)."""
    factor = {"dp": 1.0, "control": math.inf if name == "dp_marginals" else NOISE_OFF,
              "under-noised": UNDER_NOISED}[setting]
    if name == "dp_marginals":
        cls = DPMarginalSynthesizer if factor == 1 else scaled_dp_marginals(factor)
        return cls(epsilon, delta, seed=seed)
    if name == "aim":
        return (AIMSynthesizer if factor == 1 else scaled_aim(factor))(epsilon, delta, seed=seed, progress=False)
    raise SystemExit(f"unknown generator {name!r}; use aim or dp_marginals")


def measured_scores(gen: Generator, m: int) -> np.ndarray:
    """White-box scores: the noisy measured cells that contain the canary, summed (module docstring)."""
    scores = np.zeros(m)
    if isinstance(gen, DPMarginalSynthesizer):
        for i in range(m):
            codes = [d.code_of(canary_value(i)) for d in gen._disc]
            scores[i] = sum(t[codes[j]] for j, t in enumerate(gen.noisy_one_way))
            scores[i] += sum(t[codes[p], codes[c]] for (p, c), t in zip(gen._edges, gen.noisy_two_way, strict=True))
        return scores
    assert isinstance(gen, AIMSynthesizer)
    values = pd.Series([canary_value(i) for i in range(m)])
    for j, col in enumerate(gen.columns):
        scores += gen.noisy_fine[j][col.encode(values)]
    return scores


def row_scores(synthetic: pd.DataFrame, m: int) -> np.ndarray:
    """Black-box scores: occurrences of the canary's values in the synthetic rows, summed over the columns."""
    scores = np.zeros(m)
    for column in COLUMNS:
        counts = synthetic[column].value_counts()
        scores += np.array([float(counts.get(canary_value(i), 0)) for i in range(m)])
    return scores


def run_setting(name: str, setting: str, epsilon: float, args: argparse.Namespace) -> list[dict[str, Any]]:
    """All runs of one generator at one setting; one result row per scorer."""
    m = args.canaries
    ks = sorted({max(1, int(round(f * m))) for f in args.guess_fractions})
    runs: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {s: [] for s in SCORERS}
    tie_rng = np.random.default_rng([args.seed, 1])
    start = time.perf_counter()
    for run in range(args.runs):
        rng = np.random.default_rng([args.seed, run])  # same tables and draws for every generator and setting
        table, included = audit_table(rng, m, args.background)
        gen = make_generator(name, setting, epsilon, args.delta, seed=args.seed * 1000 + run)
        gen.fit(table, audit_schema(m))
        runs["measured"].append((measured_scores(gen, m), included))
        runs["rows"].append((row_scores(gen.sample(OVERSAMPLE * len(table)), m), included))
    seconds = time.perf_counter() - start
    rows = []
    for scorer in SCORERS:
        res = audit_runs(runs[scorer], [(k, k) for k in ks], delta=args.delta, rng=tie_rng)
        control = setting == "control"
        rows.append({"generator": name, "setting": setting, "declared_epsilon": None if control else epsilon,
                     "scorer": scorer, "runs": res.runs, "canaries": res.canaries,
                     "guesses": res.guesses, "correct": res.correct, "k_per_run": res.k_plus,
                     "alpha": round(res.alpha, 5), "epsilon_lower_bound": round(res.epsilon_lower_bound, 3),
                     "max_possible_bound": round(max_epsilon_lower_bound(res.guesses, res.alpha), 3),
                     "below_declared": None if control else bool(res.epsilon_lower_bound < epsilon),
                     "seconds": round(seconds, 1)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generators", default="aim,dp_marginals", help="comma-separated subset of aim,dp_marginals")
    parser.add_argument("--epsilons", default="1,4", help="declared epsilons, comma-separated")
    parser.add_argument("--no-control", action="store_true", help="skip the noise-free control")
    parser.add_argument("--no-under-noised", action="store_true",
                        help="skip the power check (a tenth of the noise, at the first declared epsilon)")
    parser.add_argument("--runs", type=int, default=6, help="independent runs pooled per setting")
    parser.add_argument("--canaries", type=int, default=300, help="canaries per run")
    parser.add_argument("--background", type=int, default=1000, help="non-canary rows per run")
    parser.add_argument("--guess-fractions", type=lambda s: [float(x) for x in s.split(",")], default=[0.05, 0.1, 0.2],
                        help="guesses of each kind per run, as fractions of the canaries (Bonferroni over them)")
    parser.add_argument("--delta", type=float, default=1e-6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "tabular_audit.json")
    args = parser.parse_args()
    if max(args.guess_fractions) > 0.5 or min(args.guess_fractions) <= 0:
        raise SystemExit("--guess-fractions must be in (0, 0.5]")
    epsilons = [float(e) for e in args.epsilons.split(",")]
    settings = ([] if args.no_control else [("control", 1.0)]) + [("dp", e) for e in epsilons]
    settings += [] if args.no_under_noised else [("under-noised", epsilons[0])]
    rows: list[dict[str, Any]] = []
    for name in args.generators.split(","):
        for setting, epsilon in settings:
            rows += run_setting(name, setting, epsilon, args)
            print(f"done: {name} {setting} epsilon {epsilon:g} ({rows[-1]['seconds']} s)", file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    config = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    args.out.write_text(json.dumps({"config": config, "rows": rows}, indent=2))
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(pd.DataFrame(rows).drop(columns=["alpha", "max_possible_bound"]).to_string(index=False))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
