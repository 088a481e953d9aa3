"""Mixed tables: the reviews table (structured columns and a free-text review) through ``privsynth.synthesize``.

Usage::

    .venv/bin/python evals/mixed_bench.py [--epsilon 8] [--rows 300] [--test 200] [--option text.epochs=0.5 ...]
        [--out evals/results/mixed_bench.json]

The first 1,000 rows of Kaggle's Women's E-Commerce Clothing Reviews (``../shared/data/mixed/``) are split once
(seeded) into a training file and a test set of ``--test`` rows the run never sees. One run of the default mixed
path (aim for the structured columns, dp_text_lm for "Review Text" conditioned on each row's department,
the mixed CPU preset on a machine without CUDA) makes ``--rows`` synthetic rows. Measured:

* structured columns: the k-marginal score (:func:`privsynth.tools.metrics.kmarginal.kmarginal_score`, synthetic
  against the training rows) and TSTR / TRTR ROC AUC for "Recommended IND" on the test rows;
* text: TF-IDF + logistic regression trained on the synthetic reviews to predict the rating band (1-2 low,
  3 mid, 4-5 high) and the department, tested on the real test reviews, against the same trained on real ones;
* consistency: a reader trained on the real training reviews predicts each synthetic row's band / department
  from its text; its agreement with the row's own value, over its agreement on the real test rows
  (:func:`privsynth.tools.mixed.consistency.text_agreement`; the target is at least 0.8).

Prints a table and writes the figures as JSON. The numbers read real data: for the project's benchmarks only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "mixed" / "womens_clothing_reviews_1000.csv"
SCHEMA = REPO / "evals" / "schemas" / "womens_clothing_reviews.schema.json"
TEXT = "Review Text"
CONDITIONS = "Department Name"  # the column the text should follow: 7 labels (with missing)
TARGET = "Recommended IND"
STRUCTURED = ["Age", "Rating", "Recommended IND", "Positive Feedback Count", "Division Name", "Department Name",
              "Class Name"]


def band(rating: object) -> str:
    """The rating band of a 1-5 rating: low (1-2), mid (3), high (4-5)."""
    value = int(float(str(rating)))
    return "low" if value <= 2 else "mid" if value == 3 else "high"


def _texts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame[TEXT].fillna("").astype(str).str.strip() != ""]


def _run(train_csv: Path, home: Path, epsilon: float, rows: int, options: dict[str, object],
         label_field: str = CONDITIONS) -> tuple[pd.DataFrame, dict, float]:
    import privsynth
    from privsynth.config import load_settings
    from privsynth.graphs.context import ledger_for

    ledger_for(load_settings(home)).set_cap("reviews_bench", epsilon, 1e-5)
    started = time.perf_counter()
    result = privsynth.synthesize(train_csv, schema=SCHEMA, epsilon=epsilon, text_field=TEXT, label_field=label_field,
                                  target=TARGET, rows=rows, dataset="reviews_bench", validation="basic", home=home,
                                  options=options)
    if result.status == "held":  # the release policy held it: the benchmark approves, as a person would
        result = privsynth.resume(result.run_id, "approve", home=home)
    seconds = time.perf_counter() - started
    report = json.loads((Path(result.run_dir) / "report.json").read_text())
    categorical = [c for c in STRUCTURED if c not in ("Age", "Positive Feedback Count")]
    synthetic = pd.read_csv(Path(result.run_dir) / "synthetic.csv", dtype=dict.fromkeys(categorical, str))
    return synthetic, report, seconds


def measure(train: pd.DataFrame, test: pd.DataFrame, synthetic: pd.DataFrame) -> dict:
    """Every figure of the module docstring."""
    from privsynth.tools.data.schema import load_schema
    from privsynth.tools.metrics.kmarginal import kmarginal_score
    from privsynth.tools.metrics.text import tfidf_classification
    from privsynth.tools.metrics.utility import utility_tstr
    from privsynth.tools.mixed.consistency import text_agreement

    schema = load_schema(SCHEMA)
    specs = {c.name: c for c in schema.columns if c.name in STRUCTURED}
    as_str = {c: str for c in STRUCTURED if specs[c].kind == "categorical"}
    train_s, test_s, synth_s = (f[STRUCTURED].astype(as_str) for f in (train, test, synthetic))
    kmarginal = kmarginal_score(train_s, synth_s, specs=specs)
    tstr = utility_tstr(train_s, test_s, synth_s, TARGET, [c for c in STRUCTURED if c != TARGET], specs=specs)
    real_train, real_test, synth = _texts(train), _texts(test), _texts(synthetic)
    out: dict = {"kmarginal": kmarginal["score"],
                 "tstr": tstr["tstr"], "trtr": tstr["trtr"], "text": {}, "consistency": {}}
    for name, read in (("rating_band", lambda f: f["Rating"].map(band)),
                       ("department", lambda f: f["Department Name"].astype(str))):
        tstr_text = tfidf_classification(synth[TEXT].tolist(), read(synth).tolist(), real_test[TEXT].tolist(),
                                         read(real_test).tolist())
        trtr_text = tfidf_classification(real_train[TEXT].tolist(), read(real_train).tolist(),
                                         real_test[TEXT].tolist(), read(real_test).tolist())
        out["text"][name] = {"synthetic_trained": tstr_text, "real_trained": trtr_text}
        out["consistency"][name] = text_agreement((real_train[TEXT].tolist(), read(real_train).tolist()),
                                                  (real_test[TEXT].tolist(), read(real_test).tolist()),
                                                  (synth[TEXT].tolist(), read(synth).tolist()))
    out["synthetic_texts"] = len(synth)
    return out


def _table(figures: dict) -> str:
    lines = [f"{'measure':<52}{'value':>10}", "-" * 62,
             f"{'k-marginal (structured, vs training rows)':<52}{figures['kmarginal']:>10.1f}",
             f"{'TSTR ROC AUC, Recommended IND':<52}{figures['tstr'].get('roc_auc', float('nan')):>10.3f}",
             f"{'TRTR ROC AUC, Recommended IND':<52}{figures['trtr'].get('roc_auc', float('nan')):>10.3f}"]
    for name, result in figures["text"].items():
        lines.append(f"{f'text -> {name}: accuracy, trained on synthetic':<52}"
                     f"{result['synthetic_trained']['accuracy']:>10.3f}")
        lines.append(f"{f'text -> {name}: accuracy, trained on real':<52}{result['real_trained']['accuracy']:>10.3f}")
    for name, result in figures["consistency"].items():
        for key in ("real", "synthetic", "ratio", "chance"):
            value = result.get(key)
            lines.append(f"{f'consistency {name}: {key}':<52}{value if value is None else round(value, 3)!s:>10}")
    lines.append(f"{'wall time (s)':<52}{figures['seconds']:>10.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epsilon", type=float, default=8.0)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--test", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a mixed-plan option, e.g. text.epochs=0.5 or text_share=0.6 (numbers parsed)")
    parser.add_argument("--label-field", default=CONDITIONS, help="the text's conditioning columns")
    parser.add_argument("--out", type=Path, default=REPO / "evals" / "results" / "mixed_bench.json")
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(f"data not found: {DATA}", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(args.threads)
    data = pd.read_csv(DATA)
    order = np.random.default_rng(0).permutation(len(data))
    test, train = data.iloc[order[:args.test]], data.iloc[order[args.test:]]
    with tempfile.TemporaryDirectory() as folder:
        train_csv = Path(folder) / "reviews_train.csv"
        train.to_csv(train_csv, index=False)
        options = {k: json.loads(v) if v[:1].isdigit() or v in ("true", "false") else v
                   for k, v in (o.split("=", 1) for o in args.option)}
        synthetic, report, seconds = _run(train_csv, Path(folder) / "home", args.epsilon, args.rows, options,
                                          args.label_field)
    figures = measure(train, test, synthetic)
    mixed = report.get("mixed", {})
    figures.update(seconds=round(seconds, 1), epsilon=args.epsilon, rows=args.rows, options=args.option,
                   label_field=args.label_field,
                   train_rows=len(train),
                   test_rows=len(test), split=mixed.get("split"), composed_epsilon=mixed.get("composed_epsilon"),
                   spent_epsilon=report.get("budget", {}).get("spent_epsilon"),
                   text_settings=report.get("generation", {}).get("parts", {}).get("text", {}).get("settings"),
                   text_training=report.get("generation", {}).get("parts", {}).get("text", {}).get("training"),
                   release=report.get("release", {}).get("verdict"), run_validation_consistency=
                   (report.get("validation", {}).get("consistency") or {}).get("columns"),
                   examples=mixed.get("examples"))
    print(_table(figures))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
