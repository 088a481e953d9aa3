"""Benchmark of the MST and AIM synthesizers on the NIST excerpts (MA, TX) and UCI Adult.

Run: ``.venv/bin/python evals/tabular_bench.py [--quick]`` (``--quick``: epsilon 1 only). Prints a table and
writes ``evals/results/tabular_bench.json``. Skips with a message when ``../shared/data`` is absent.

Methods on the NIST data (domains from ``data_dictionary.json`` only, delta 1e-5):

* ``mst``: :class:`privsynth.tools.mst_synth.MSTSynthesizer` with ``key="PUMA"``.
* ``aim``: :class:`privsynth.tools.aim_synth.AIMSynthesizer` with ``key="PUMA"`` (workload: every
  (PUMA, X, Y)).
* ``snsynth_mst`` / ``snsynth_aim``: smartnoise-synth's MST / AIM, run beforehand in the peers environment
  by ``evals/peers/run_peer.py`` (time limit per run); their CSV is scored here, and a run that did not
  finish is listed with its status. Absent when the peers were not run.
* ``indep``: every column sampled independently from its noisy one-way marginal (Gaussian, calibrated
  with the project's PLD accountant), on the same fine public coding.
* ``indep_puma``: PUMA from its noisy marginal, every other column from its noisy (PUMA, X) table.

Metrics: SDNist k-marginal (:mod:`evals.kmarginal`), fit + sample wall time and peak traced memory
(``tracemalloc``). Adult (epsilon 1): train-on-synthetic / test-on-real ROC AUC of sklearn's
HistGradientBoostingClassifier for income > 50K on ``adult.test``, against train-on-real. Adult numeric
bounds are public assumptions stated in :data:`ADULT_BOUNDS` (the categories come from ``adult.names``).
Peers (smartnoise MST/AIM) run separately first: see ``evals/peers/README.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from evals.kmarginal import kmarginal_score  # noqa: E402
from privsynth.tools.aim_synth import AIMSynthesizer  # noqa: E402
from privsynth.tools.dp_marginals import calibrated_noise_multiplier  # noqa: E402
from privsynth.tools.mst_codec import FineColumn  # noqa: E402
from privsynth.tools.mst_synth import MSTSynthesizer  # noqa: E402
from privsynth.tools.schema import ColumnSpec, TableSchema, load_schema  # noqa: E402

DELTA = 1e-5
ADULT_BOUNDS = {"age": (17, 90), "fnlwgt": (0, 1_500_000), "education-num": (1, 16), "capital-gain": (0, 99_999),
                "capital-loss": (0, 5_000), "hours-per-week": (1, 99)}


def _independent(data: pd.DataFrame, schema: TableSchema, epsilon: float, seed: int, key: str | None) -> pd.DataFrame:
    """Baseline: noisy one-way marginals (or (key, X) tables), columns sampled independently (given the key)."""
    rng = np.random.default_rng(seed)
    cols = [FineColumn(s) for s in schema.modelled_columns]
    k = len(cols)
    sigma = calibrated_noise_multiplier(epsilon, DELTA) * np.sqrt(k)  # k marginals, L2 sensitivity sqrt(k)
    codes = {c.name: c.encode(data[c.name]) for c in cols}
    n = len(data)
    out = {}
    keycol = next((c for c in cols if c.name == key), None)
    if keycol is not None:
        p = np.clip(np.bincount(codes[key], minlength=keycol.size) + rng.normal(0, sigma, keycol.size), 0, None)
        out[key] = rng.choice(keycol.size, n, p=p / p.sum())
    for c in cols:
        if c is keycol:
            continue
        if keycol is None:
            p = np.clip(np.bincount(codes[c.name], minlength=c.size) + rng.normal(0, sigma, c.size), 0, None) + 1e-9
            out[c.name] = rng.choice(c.size, n, p=p / p.sum())
        else:
            table = np.bincount(codes[key] * c.size + codes[c.name], minlength=keycol.size * c.size).astype(float)
            table = np.clip(table + rng.normal(0, sigma, table.size), 0, None).reshape(keycol.size, c.size) + 1e-9
            cum = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
            out[c.name] = np.minimum((cum[out[key]] < rng.random(n)[:, None]).sum(axis=1), c.size - 1)
    return pd.DataFrame({c.name: c.decode(out[c.name], rng) for c in cols})


def _timed(fn):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def nist(state: str, epsilons: list[float], seed: int) -> list[dict]:
    schema = load_schema(DATA / "nist_excerpts" / "data_dictionary.json")
    data = pd.read_csv(DATA / "nist_excerpts" / f"{state}2019.csv", na_values="N")
    rows = []
    for eps in epsilons:
        methods = {
            "mst": lambda e=eps: MSTSynthesizer(e, DELTA, seed=seed, key="PUMA",
                                                progress=False).fit(data, schema).sample(),
            "aim": lambda e=eps: AIMSynthesizer(e, DELTA, seed=seed, key="PUMA",
                                                progress=False).fit(data, schema).sample(),
            "indep": lambda e=eps: _independent(data, schema, e, seed, None),
            "indep_puma": lambda e=eps: _independent(data, schema, e, seed, "PUMA"),
        }
        for name, fn in methods.items():
            synth, seconds, peak = _timed(fn)
            rows.append({"data": state.upper(), "epsilon": eps, "method": name,
                         "kmarginal": round(kmarginal_score(data, synth), 1), "seconds": round(seconds, 1),
                         "peak_mib": round(peak, 1), "rows": len(synth)})
            print(rows[-1], flush=True)
        rows += _peers(data, state, eps)
    return rows


def _peers(data: pd.DataFrame, state: str, eps: float) -> list[dict]:
    """Rows of the smartnoise peers' runs (``evals/peers/run_peer.py``), when they exist."""
    rows = []
    for synth in ("mst", "aim"):
        meta = ROOT / "evals" / "results" / f"peer_{synth}_{state}_{eps:g}.json"
        if not meta.exists():
            continue
        info = json.loads(meta.read_text())
        row = {"data": state.upper(), "epsilon": eps, "method": f"snsynth_{synth}", "kmarginal": None,
               "seconds": info.get("seconds"), "peak_mib": info.get("peak_mib"), "rows": None,
               "status": info.get("status")}
        if info.get("status") == "ok":
            synth_frame = pd.read_csv(info["csv"], na_values="N")  # parsed as the target
            row["kmarginal"], row["rows"] = round(kmarginal_score(data, synth_frame), 1), len(synth_frame)
        rows.append(row)
        print(row, flush=True)
    return rows


def _adult_frame(path: Path) -> pd.DataFrame:
    names = [line.split(":")[0] for line in (DATA / "adult" / "adult.names").read_text().splitlines()[96:]
             if ":" in line and not line.startswith("|")] + ["income"]
    frame = pd.read_csv(path, names=names, skipinitialspace=True, na_values="?", comment="|")
    frame["income"] = frame["income"].astype(str).str.rstrip(".")
    return frame.dropna(subset=["age"])


def adult(seed: int) -> list[dict]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    columns = []
    for line in (DATA / "adult" / "adult.names").read_text().splitlines()[96:]:
        if ":" not in line or line.startswith("|"):
            continue
        name, values = line.split(":", 1)
        if name in ADULT_BOUNDS:
            lo, hi = ADULT_BOUNDS[name]
            columns.append(ColumnSpec(name=name, kind="numeric", min=lo, max=hi, integer=True))
        else:
            columns.append(ColumnSpec(name=name, kind="categorical",
                                      categories=[v.strip() for v in values.strip().rstrip(".").split(",")]))
    columns.append(ColumnSpec(name="income", kind="categorical", categories=["<=50K", ">50K"], nullable=False))
    schema = TableSchema(columns=columns)
    train, test = _adult_frame(DATA / "adult" / "adult.data"), _adult_frame(DATA / "adult" / "adult.test")

    def auc(frame: pd.DataFrame) -> float:
        features = [c.name for c in columns if c.name != "income"]
        cats = [c.name for c in columns if c.kind == "categorical" and c.name != "income"]
        x = frame[features].astype({c: "category" for c in cats})
        x_test = test[features].astype({f: pd.CategoricalDtype(x[f].cat.categories) for f in cats})
        model = HistGradientBoostingClassifier(random_state=0, categorical_features="from_dtype").fit(
            x, frame["income"] == ">50K")
        return float(roc_auc_score(test["income"] == ">50K", model.predict_proba(x_test)[:, 1]))

    real, out = auc(train), []
    for name, cls in (("mst", MSTSynthesizer), ("aim", AIMSynthesizer)):
        synth, seconds, peak = _timed(lambda c=cls: c(1.0, DELTA, seed=seed, target="income",
                                                      progress=False).fit(train, schema).sample())
        fake = auc(synth)
        out.append({"data": "Adult", "epsilon": 1.0, "method": name, "auc_real": round(real, 4),
                    "auc_synth": round(fake, 4), "auc_gap": round(real - fake, 4), "seconds": round(seconds, 1),
                    "peak_mib": round(peak, 1)})
        print(out[-1], flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="epsilon 1 only")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (DATA / "nist_excerpts").is_dir():
        print(f"skipped: {DATA} is absent (the benchmark needs the NIST excerpts and UCI Adult).")
        return 0
    epsilons = [1.0] if args.quick else [1.0, 10.0]
    rows = nist("ma", epsilons, args.seed) + nist("tx", epsilons, args.seed) + adult(args.seed)
    out = ROOT / "evals" / "results" / "tabular_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))
    print(pd.DataFrame(rows).to_string(index=False))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
