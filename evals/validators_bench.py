"""Validator runtime benchmark: every validator on a 10,000-row, 25-column table, against SDMetrics.

Data: UCI Adult (``../shared/data/adult/adult.data``, 32,561 rows, 15 columns) plus 10 derived columns
(age / hours bands, capital flags, region, ...), 25 columns in all. Disjoint real rows play the roles:
10,000 training rows, 2,500 holdout rows and 10,000 "synthetic" rows (fresh real rows, i.e. what a
perfect generator that never saw the training rows would output). Run::

    .venv/bin/python evals/validators_bench.py [--rows 10000] [--holdout 2500] [--repeats 2]

It times :func:`privsynth.agents.validators.tabular.validate_table` at level ``full`` (fidelity incl. the
k-marginal score, utility TSTR/TRTR, DCR, exact copies, membership inference, anonymeter's three attacks)
and ``basic`` (no anonymeter), each ``--repeats`` times in one process (the first ``full`` run includes
numba's one-off compilation of anonymeter's neighbour search), and SDMetrics' ``QualityReport`` (column
shapes and pair trends only) on the same training and synthetic rows as the peer. It prints a table and
writes ``evals/results/validators_bench.json``. Numeric bounds of the schema are read off the whole
Adult file (a benchmark convenience; a real run takes them from public metadata).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from privsynth.agents.validators.tabular import validate_table
from privsynth.tools.data.schema import ColumnSpec, TableSchema

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "adult" / "adult.data"
OUT = ROOT / "evals" / "results" / "validators_bench.json"
NAMES = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
         "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country", "income"]
NUMERIC = {"age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week", "capital_net",
           "age_x_hours"}


def load_table() -> pd.DataFrame:
    """Adult with 10 derived columns (25 columns in all)."""
    df = pd.read_csv(DATA, names=NAMES, skipinitialspace=True, na_values="?")
    df["age_band"] = pd.cut(df["age"], [0, 25, 35, 45, 55, 65, 120]).astype(str)
    df["hours_band"] = pd.cut(df["hours_per_week"], [0, 20, 35, 40, 50, 100]).astype(str)
    df["has_capital_gain"] = np.where(df["capital_gain"] > 0, "yes", "no")
    df["has_capital_loss"] = np.where(df["capital_loss"] > 0, "yes", "no")
    df["capital_net"] = df["capital_gain"] - df["capital_loss"]
    df["married"] = np.where(df["marital_status"].str.startswith("Married"), "yes", "no")
    df["us_born"] = np.where(df["native_country"] == "United-States", "yes", "no")
    df["degree"] = np.where(df["education_num"] >= 13, "degree", np.where(df["education_num"] >= 9, "school", "none"))
    df["full_time"] = np.where(df["hours_per_week"] >= 35, "yes", "no")
    df["age_x_hours"] = df["age"] * df["hours_per_week"]
    return df


def schema_of(df: pd.DataFrame) -> TableSchema:
    """Schema with the categories and bounds of the whole file."""
    cols = []
    for name in df.columns:
        if name in NUMERIC:
            cols.append(ColumnSpec(name=name, kind="numeric", min=float(df[name].min()), max=float(df[name].max()),
                                   integer=True))
        else:
            cols.append(ColumnSpec(name=name, kind="categorical", categories=sorted(df[name].dropna().astype(str)
                                                                                     .unique().tolist())))
    return TableSchema(name="adult25", columns=cols)


def sdmetrics_quality(real: pd.DataFrame, synth: pd.DataFrame, schema: TableSchema) -> tuple[float, float]:
    """Seconds and overall score of SDMetrics' QualityReport."""
    from sdmetrics.reports.single_table import QualityReport

    metadata = {"columns": {c.name: {"sdtype": "numerical" if c.kind == "numeric" else "categorical"}
                            for c in schema.columns}}
    start = time.perf_counter()
    report = QualityReport()
    report.generate(real, synth, metadata, verbose=False)
    return time.perf_counter() - start, float(report.get_score())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--holdout", type=int, default=2_500)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    table = load_table()
    schema = schema_of(table)
    order = np.random.default_rng(0).permutation(len(table))
    train = table.iloc[order[: args.rows]].reset_index(drop=True)
    holdout = table.iloc[order[args.rows: args.rows + args.holdout]].reset_index(drop=True)
    synth = table.iloc[order[args.rows + args.holdout: 2 * args.rows + args.holdout]].reset_index(drop=True)
    runs = []
    for level in ("full", "basic"):
        for repeat in range(args.repeats):
            start = time.perf_counter()
            result = validate_table(train, holdout, synth, schema, "income", level=level)
            runs.append({"system": f"privsynth validate_table level={level}", "repeat": repeat + 1,
                         "seconds": round(time.perf_counter() - start, 2), "sections": result.timings,
                         "kmarginal": round(result.fidelity.kmarginal.value, 1),
                         "column_shape_mean": round(result.fidelity.column_shape_mean.value, 4)})
    sd_seconds, sd_score = sdmetrics_quality(train, synth, schema)
    runs.append({"system": "sdmetrics QualityReport (peer)", "repeat": 1, "seconds": round(sd_seconds, 2),
                 "sections": {}, "score": round(sd_score, 4)})
    full_warm = min(r["seconds"] for r in runs if r["system"].endswith("full"))
    out = {"rows": {"train": len(train), "holdout": len(holdout), "synthetic": len(synth)},
           "columns": len(table.columns), "cpus": os.cpu_count(), "python": platform.python_version(),
           "budget_seconds": 60, "runs": runs, "full_over_sdmetrics": round(full_warm / sd_seconds, 2)}
    print(f"{len(train)} train / {len(holdout)} holdout / {len(synth)} synthetic rows, {len(table.columns)} columns, "
          f"{os.cpu_count()} CPUs")
    print(f"{'system':44} {'run':>3} {'seconds':>8}  sections")
    for r in runs:
        print(f"{r['system']:44} {r['repeat']:>3} {r['seconds']:>8.2f}  {r['sections']}")
    print(f"fastest full run / SDMetrics QualityReport = {out['full_over_sdmetrics']}x (budget: 60 s)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
