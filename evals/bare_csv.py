"""Bare CSV in: the default path with no schema (DP domain discovery) beside the same path with a public schema.

Run: ``.venv/bin/python evals/bare_csv.py [--data adult,telco] [--runs 2] [--epsilon 1]``. Writes
``evals/results/bare_csv.json`` (``--out`` to change) and prints one line per run. Figures in
``evals/notes/domain_discovery.md``.

* UCI Adult: ``adult.data`` with the header from ``adult.names`` (``?`` as missing, as
  :func:`evals.tabular_bench._adult_frame` reads it), written to a CSV in a folder with no schema next to it;
  ``privsynth.synthesize(csv, epsilon=1, target="income")``; TSTR ROC AUC on ``adult.test``
  (HistGradientBoosting, as ``evals/tabular_bench.py``) against train-on-real. With schema: the schema
  ``evals/tabular_bench.py`` writes from ``adult.names`` and its public bounds.
* Telco churn: ``../shared/data/tabular/telco_customer_churn.csv`` as it is; TSTR and TRTR ROC AUC for ``Churn``
  from the run report (the validators' holdout), as ``evals/small_tables.py`` measures it; with schema:
  ``evals/schemas/telco_customer_churn.schema.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.tabular_bench import DATA, _adult_frame, adult_schema  # noqa: E402

TELCO = DATA / "tabular" / "telco_customer_churn.csv"
TELCO_SCHEMA = ROOT / "evals" / "schemas" / "telco_customer_churn.schema.json"


def _run(source: Path, schema: Path | None, epsilon: float, target: str) -> tuple[pd.DataFrame, dict, float]:
    import privsynth

    with tempfile.TemporaryDirectory(prefix="privsynth-bare-") as tmp:
        home, out = Path(tmp) / "home", Path(tmp) / "synth.csv"
        home.mkdir()
        start = time.perf_counter()
        result = privsynth.synthesize(source, schema=schema, epsilon=epsilon, target=target, out=out, home=home,
                                      validation="basic")
        if result.status == "held":
            result = privsynth.resume(result.run_id, "approve", home=home)
        seconds = time.perf_counter() - start
        synth = pd.read_csv(out)
        discovery = result.run_dir / "discovery.json" if result.run_dir else None
        record = json.loads(discovery.read_text()) if discovery and discovery.is_file() else {}
        return synth, {"report": result.report, "discovery": record.get("budget")}, seconds


MODES = ("bare", "schema")


def adult(epsilon: float, runs: int) -> list[dict]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    train, test = _adult_frame(DATA / "adult" / "adult.data"), _adult_frame(DATA / "adult" / "adult.test")
    features = [c for c in train.columns if c != "income"]
    cats = [c for c in features if train[c].dtype == object]

    def auc(frame: pd.DataFrame) -> float:
        x = frame[features].astype({c: "category" for c in cats})
        x_test = test[features].astype({f: pd.CategoricalDtype(x[f].cat.categories) for f in cats})
        model = HistGradientBoostingClassifier(random_state=0, categorical_features="from_dtype").fit(
            x, frame["income"] == ">50K")
        return float(roc_auc_score(test["income"] == ">50K", model.predict_proba(x_test)[:, 1]))

    real, rows = auc(train), []
    with tempfile.TemporaryDirectory(prefix="privsynth-adult-") as tmp:
        csv = Path(tmp) / "adult.csv"
        train.to_csv(csv, index=False)
        schema_path = Path(tmp) / "public" / "adult.schema.json"
        schema_path.parent.mkdir()
        schema_path.write_text(adult_schema().to_json())
        for mode in MODES:
            for _ in range(runs):
                synth, info, seconds = _run(csv, schema_path if mode == "schema" else None, epsilon, "income")
                a = auc(synth)
                rows.append({"data": "adult", "mode": mode, "epsilon": epsilon, "auc_real": round(real, 4),
                             "auc_synth": round(a, 4), "gap": round(real - a, 4), "seconds": round(seconds, 1),
                             "rows": len(synth), "discovery": info["discovery"]})
                print(rows[-1], flush=True)
    return rows


def telco(epsilon: float, runs: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="privsynth-telco-") as tmp:
        csv = Path(tmp) / TELCO.name
        shutil.copy(TELCO, csv)
        for mode in MODES:
            for _ in range(runs):
                synth, info, seconds = _run(csv, TELCO_SCHEMA if mode == "schema" else None, epsilon, "Churn")
                metrics = {m.get("name"): m.get("value") for m in
                           ((info["report"] or {}).get("validation") or {}).get("utility", {}).get("metrics", [])}
                tstr, trtr = metrics.get("tstr_roc_auc"), metrics.get("trtr_roc_auc")
                rows.append({"data": "telco", "mode": mode, "epsilon": epsilon, "auc_real": trtr, "auc_synth": tstr,
                             "gap": None if tstr is None or trtr is None else round(trtr - tstr, 4),
                             "seconds": round(seconds, 1), "rows": len(synth), "discovery": info["discovery"]})
                print(rows[-1], flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="adult,telco")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--epsilon", type=float, default=1.0)
    parser.add_argument("--modes", default="bare,schema", help="bare (no schema), schema (the public one), or both")
    parser.add_argument("--out", default=str(ROOT / "evals" / "results" / "bare_csv.json"))
    args = parser.parse_args()
    if not (DATA / "adult" / "adult.data").is_file() or not TELCO.is_file():
        print(f"skipped: the shared data under {DATA} is absent.")
        return 0
    global MODES
    MODES = tuple(args.modes.split(","))
    rows: list[dict] = []
    for name in args.data.split(","):
        rows += adult(args.epsilon, args.runs) if name == "adult" else telco(args.epsilon, args.runs)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
