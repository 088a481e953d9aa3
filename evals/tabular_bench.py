"""Benchmark of the MST and AIM synthesizers on the NIST excerpts (MA, TX) and UCI Adult.

Run: ``.venv/bin/python evals/tabular_bench.py [--quick] [--epsilons 0.3,1,10] [--data ma,tx,adult]
[--methods mst,aim]`` (``--quick``: epsilon 1 only). Prints a table and writes
``evals/results/tabular_bench.json`` (``--out`` to change). Skips with a message when ``../shared/data`` is
absent.

**Headline rows** (``default``): the user's path, ``privsynth.synthesize(csv, schema=<data_dictionary.json or
the Adult schema written from adult.names>, epsilon=E, delta=1e-5, out=...)`` with nothing else (Adult passes
``target="income"``, the documented utility option, and keeps the default delta: its 32,561 rows make 1e-5 too
large); the output file is read back as a user would and
scored; ``--runs`` runs (default 3), mean and spread (``*_sd``). The rest are ablations at the library level with
a fixed seed:

* ``mst``: :class:`privsynth.tools.tabular.mechanisms.mst.MSTSynthesizer` with ``key="PUMA"``.
* ``aim``: :class:`privsynth.tools.tabular.mechanisms.aim.AIMSynthesizer` with ``key="PUMA"`` (workload: every
  (PUMA, X, Y)).
* ``snsynth_mst`` / ``snsynth_aim``: smartnoise-synth's MST / AIM, run beforehand in the peers environment
  by ``evals/peers/run_peer.py`` (time limit per run); their CSV is scored here, and a run that did not
  finish is listed with its status. Absent when the peers were not run.
* ``indep``: every column sampled independently from its noisy one-way marginal (Gaussian, calibrated
  with the project's PLD accountant), on the same fine public coding.
* ``indep_puma``: PUMA from its noisy marginal, every other column from its noisy (PUMA, X) table.

Non-DP references per data set (no privacy, for scale): ``ref_subsample40`` (a random 40% of the real rows,
SDNist's sampling-error reference) and ``ref_indep_puma_exact`` (every column drawn from the real
``P(X | PUMA)``, n rows).

Metrics: SDNist k-marginal (``kmarginal_score(..., binning="sdnist")``,
:mod:`privsynth.tools.metrics.sdnist`); SDMetrics quality (overall, column shapes, column-pair
trends, every pair counted: :mod:`privsynth.tools.metrics.sdmetrics_quality`); fit + sample wall time and peak traced
memory (``tracemalloc``, Python and numpy allocations; the peers report their subprocess's peak RSS instead,
``peak_rss_mib``). Where the smartnoise AIM peer finished for the same data and epsilon, each row also gets
``speedup_vs_snsynth_aim`` (peer seconds / seconds) and ``kmarginal_vs_snsynth_aim`` (difference).
Adult (every epsilon; the goal is at 1): train-on-synthetic / test-on-real ROC AUC of sklearn's
HistGradientBoostingClassifier for income > 50K on ``adult.test``, against train-on-real; ``indep`` is the
independent-columns baseline. Adult numeric
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

from evals.nist_schema import nist_schema  # noqa: E402
from privsynth.tools.data.schema import ColumnSpec, TableSchema  # noqa: E402
from privsynth.tools.metrics.kmarginal import kmarginal_score as _kmarginal  # noqa: E402
from privsynth.tools.metrics.sdmetrics_quality import sdmetrics_quality  # noqa: E402
from privsynth.tools.tabular.encoding.codec import FineColumn  # noqa: E402
from privsynth.tools.tabular.mechanisms.aim import AIMSynthesizer  # noqa: E402
from privsynth.tools.tabular.mechanisms.dp_marginals import calibrated_noise_multiplier  # noqa: E402
from privsynth.tools.tabular.mechanisms.mst import MSTSynthesizer  # noqa: E402

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


def kmarginal_score(real: pd.DataFrame, synth: pd.DataFrame) -> float:
    """The k-marginal with SDNist's own binning (the product's function; comparable with NIST's figures)."""
    return float(_kmarginal(real, synth, binning="sdnist")["score"])


def _timed(fn):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def _quality(real: pd.DataFrame, synth: pd.DataFrame, schema: TableSchema) -> dict:
    q = sdmetrics_quality(real, synth, schema)
    return {"sdm_quality": round(q["score"], 4), "sdm_shapes": round(q["column_shapes"], 4),
            "sdm_pairs": round(q["column_pair_trends"], 4)}


def _indep_puma_exact(data: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Non-DP reference: PUMA resampled, every other column drawn from its real distribution given PUMA."""
    rng = np.random.default_rng(seed)
    out = data[["PUMA"]].sample(frac=1.0, replace=True, random_state=seed).reset_index(drop=True)
    groups = dict(list(data.groupby("PUMA")))
    for col in data.columns.drop("PUMA"):
        values = pd.Series(index=out.index, dtype=object)
        for puma, idx in out.groupby("PUMA").indices.items():
            values.iloc[idx] = groups[puma][col].to_numpy()[rng.integers(0, len(groups[puma]), len(idx))]
        out[col] = values.infer_objects()
    return out


def _references(data: pd.DataFrame, schema: TableSchema, state: str, seed: int) -> list[dict]:
    rows = []
    for name, synth in (("ref_subsample40", data.sample(frac=0.4, random_state=seed)),
                        ("ref_indep_puma_exact", _indep_puma_exact(data, seed))):
        rows.append({"data": state.upper(), "epsilon": None, "method": name,
                     "kmarginal": round(kmarginal_score(data, synth), 1), **_quality(data, synth, schema),
                     "rows": len(synth)})
        print(rows[-1], flush=True)
    return rows


def default_path(source: Path, schema_path: Path, epsilon: float, target: str | None = None,
                 delta: float | None = DELTA) -> pd.DataFrame:
    """The README's command as a function: ``privsynth.synthesize`` in a fresh home, the ``--out`` file read back."""
    import tempfile

    import privsynth

    with tempfile.TemporaryDirectory() as tmp:
        out, home = Path(tmp) / "synth.csv", Path(tmp) / "home"
        home.mkdir()  # the data owner's cap for a benchmark that runs up to epsilon 10 (config.json, documented)
        (home / "config.json").write_text(json.dumps({"default_cap_epsilon": 100.0}))
        result = privsynth.synthesize(source, schema=schema_path, epsilon=epsilon, delta=delta, target=target,
                                      out=out, home=home, validation="basic")
        if not out.exists():  # held for review or stopped: say why rather than fail on a missing file
            raise RuntimeError(f"the default path wrote no output: status {result.status!r}, "
                               f"{str(result.waiting)[:2000]}")
        return pd.read_csv(out, na_values="N", dtype={c: str for c in ("PUMA",)})


def _repeated(name: str, fn, runs: int, score) -> dict:  # type: ignore[no-untyped-def]
    """Run ``fn`` ``runs`` times; the mean and spread of each figure ``score(synth)`` returns, and the time."""
    figures: list[dict] = []
    for _ in range(runs):
        synth, seconds, peak = _timed(fn)
        figures.append({**score(synth), "seconds": seconds, "peak_mib": peak, "rows": len(synth)})
    frame = pd.DataFrame(figures)
    row: dict = {"method": name, "runs": runs}
    for column in frame.columns:
        row[column] = round(float(frame[column].mean()), 4 if column.startswith(("sdm", "auc")) else 1)
        if runs > 1 and column in ("kmarginal", "auc_synth", "auc_gap", "sdm_quality", "seconds"):
            row[f"{column}_sd"] = round(float(frame[column].std()), 4 if column.startswith(("sdm", "auc")) else 1)
    if "kmarginal" in frame.columns:
        row["kmarginal_runs"] = [round(float(v), 1) for v in frame["kmarginal"]]  # each run, for the spread
    return row


def nist(state: str, epsilons: list[float], seed: int, only: set[str] | None = None,
         references: bool = True, runs: int = 3) -> list[dict]:
    schema = nist_schema(DATA / "nist_excerpts" / "data_dictionary.json")
    data = pd.read_csv(DATA / "nist_excerpts" / f"{state}2019.csv", na_values="N")
    rows = _references(data, schema, state, seed) if references else []
    source = DATA / "nist_excerpts" / f"{state}2019.csv"
    truth = data.drop(columns=[c.name for c in schema.columns if not c.modelled])
    for eps in epsilons:
        if not only or "default" in only:
            rows.append({"data": state.upper(), "epsilon": eps, **_repeated(
                "default", lambda e=eps: default_path(source, DATA / "nist_excerpts" / "data_dictionary.json", e),
                runs, lambda synth: {"kmarginal": kmarginal_score(truth, synth), **_quality(truth, synth, schema)})})
            print(rows[-1], flush=True)
        methods = {
            "mst": lambda e=eps: MSTSynthesizer(e, DELTA, seed=seed, key="PUMA",
                                                progress=False).fit(data, schema).sample(),
            "aim": lambda e=eps: AIMSynthesizer(e, DELTA, seed=seed, key="PUMA",
                                                progress=False).fit(data, schema).sample(),
            "indep": lambda e=eps: _independent(data, schema, e, seed, None),
            "indep_puma": lambda e=eps: _independent(data, schema, e, seed, "PUMA"),
        }
        for name, fn in methods.items():
            if only and name not in only:
                continue
            synth, seconds, peak = _timed(fn)
            rows.append({"data": state.upper(), "epsilon": eps, "method": name,
                         "kmarginal": round(kmarginal_score(data, synth), 1), **_quality(data, synth, schema),
                         "seconds": round(seconds, 1), "peak_mib": round(peak, 1), "rows": len(synth)})
            print(rows[-1], flush=True)
        rows += _peers(data, schema, state, eps)
    return rows


def _peers(data: pd.DataFrame, schema: TableSchema, state: str, eps: float) -> list[dict]:
    """Rows of the smartnoise peers' runs (``evals/peers/run_peer.py``), when they exist."""
    rows = []
    for synth in ("mst", "aim"):
        meta = ROOT / "evals" / "results" / f"peer_{synth}_{state}_{eps:g}.json"
        if not meta.exists():
            continue
        info = json.loads(meta.read_text())
        row = {"data": state.upper(), "epsilon": eps, "method": f"snsynth_{synth}", "kmarginal": None,
               "seconds": info.get("seconds"), "peak_rss_mib": info.get("peak_rss_mib"), "rows": None,
               "status": info.get("status")}
        if info.get("status") == "ok":
            synth_frame = pd.read_csv(info["csv"], na_values="N")  # parsed as the target
            row["kmarginal"], row["rows"] = round(kmarginal_score(data, synth_frame), 1), len(synth_frame)
            row.update(_quality(data, synth_frame, schema))
        rows.append(row)
        print(row, flush=True)
    return rows


def _adult_frame(path: Path) -> pd.DataFrame:
    names = [line.split(":")[0] for line in (DATA / "adult" / "adult.names").read_text().splitlines()[96:]
             if ":" in line and not line.startswith("|")] + ["income"]
    frame = pd.read_csv(path, names=names, skipinitialspace=True, na_values="?", comment="|")
    frame["income"] = frame["income"].astype(str).str.rstrip(".")
    return frame.dropna(subset=["age"])


def adult_schema() -> TableSchema:
    """Adult's public schema: the categories of ``adult.names`` and the stated bounds :data:`ADULT_BOUNDS`."""
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
    return TableSchema(columns=columns)


def adult(epsilons: list[float], seed: int, only: set[str] | None = None, runs: int = 3) -> list[dict]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    schema = adult_schema()
    columns = schema.columns
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
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        csv, schema_path = Path(tmp) / "adult.csv", Path(tmp) / "adult.schema.json"
        train.to_csv(csv, index=False)
        schema_path.write_text(schema.to_json())
        for eps in epsilons if not only or "default" in only else []:
            out.append({"data": "Adult", "epsilon": eps, "auc_real": round(real, 4), **_repeated(
                "default", lambda e=eps: default_path(csv, schema_path, e, target="income", delta=None), runs,
                lambda synth: {"auc_synth": (a := auc(synth)), "auc_gap": real - a,
                               **_quality(train, synth, schema)})})
            print(out[-1], flush=True)
    for eps in epsilons:
        methods = {name: (lambda c=cls, e=eps: c(e, DELTA, seed=seed, target="income",
                                                  progress=False).fit(train, schema).sample())
                   for name, cls in (("mst", MSTSynthesizer), ("aim", AIMSynthesizer))}
        methods["indep"] = lambda e=eps: _independent(train, schema, e, seed, None)
        for name, fn in methods.items():
            if only and name not in only:
                continue
            synth, seconds, peak = _timed(fn)
            fake = auc(synth)
            out.append({"data": "Adult", "epsilon": eps, "method": name, "auc_real": round(real, 4),
                        "auc_synth": round(fake, 4), "auc_gap": round(real - fake, 4),
                        **_quality(train, synth, schema), "seconds": round(seconds, 1),
                        "peak_mib": round(peak, 1), "rows": len(synth)})
            print(out[-1], flush=True)
    return out


def _versus_peer_aim(rows: list[dict]) -> None:
    """Add the speed ratio and k-marginal difference against smartnoise AIM (same data and epsilon)."""
    peers = {(r["data"], r["epsilon"]): r for r in rows
             if r["method"] == "snsynth_aim" and r.get("status") == "ok"}
    for r in rows:
        peer = peers.get((r["data"], r["epsilon"]))
        if peer is None or r["method"].startswith("snsynth") or not r.get("seconds"):
            continue
        r["speedup_vs_snsynth_aim"] = round(peer["seconds"] / max(r["seconds"], 0.1), 1)
        r["kmarginal_vs_snsynth_aim"] = round(r["kmarginal"] - peer["kmarginal"], 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="epsilon 1 only")
    parser.add_argument("--epsilons", default="1,10", help="comma-separated, e.g. 0.3,1,10")
    parser.add_argument("--data", default="ma,tx,adult", help="comma-separated subset of ma,tx,adult")
    parser.add_argument("--methods", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--no-references", action="store_true", help="skip the non-DP reference rows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3, help="runs of the default path (mean and spread)")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "tabular_bench.json")
    args = parser.parse_args()
    if not (DATA / "nist_excerpts").is_dir():
        print(f"skipped: {DATA} is absent (the benchmark needs the NIST excerpts and UCI Adult).")
        return 0
    epsilons = [1.0] if args.quick else [float(e) for e in args.epsilons.split(",")]
    only = set(filter(None, args.methods.split(","))) or None
    rows: list[dict] = []
    for name in args.data.split(","):
        if name == "adult":
            rows += adult(epsilons, args.seed, only, args.runs)
        else:
            rows += nist(name, epsilons, args.seed, only, references=not args.no_references, runs=args.runs)
    _versus_peer_aim(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2))
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(pd.DataFrame(rows).to_string(index=False))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
