"""Check a synthetic NIST ACS excerpt with NIST's own SDNist 2.4 validator.

    evals/.sdnist/bin/python evals/sdnist_check.py SYNTH.csv --target ma|tx [--out F.json]

Runs in the separate sdnist venv (``python3 -m venv evals/.sdnist &&
evals/.sdnist/bin/pip install sdnist==2.4``), never in ``.venv``. It builds
``sdnist.report.dataset.Dataset`` (what ``python -m sdnist.report`` loads before
scoring) on a local copy of the excerpts laid out as SDNist's
``diverse_communities_data_excerpts`` bundle, so nothing is downloaded. That
class keeps only the columns the synthetic file shares with the target and runs
``sdnist.report.dataset.validate.validate``, which drops every column with a
value that is not numeric or not a dictionary code (``N`` only where the
dictionary lists it, NaN never); a column left out is no error, just not
evaluated. Prints a verdict per target column, then, if no column is rejected,
SDNist's k-marginal (``sdnist.metrics.kmarginal.KMarginal``, PUMA-grouped, as
the report computes it) and the target sub-sample size it matches. That
k-marginal raises on a PUMA the target lacks (a dictionary code the validator
accepts); then it is also given on the rows in the target's PUMAs.
"""
import argparse
import contextlib
import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import sdnist.report  # noqa: F401  (before sdnist.metrics.kmarginal: alone it is a circular import)
from sdnist.load import TestDatasetName
from sdnist.metrics.kmarginal import KMarginal
from sdnist.report.dataset import Dataset
from sdnist.report.score.utility import kmarginal_subsamples
from sdnist.utils import SimpleLogger

EXCERPTS = Path(__file__).resolve().parents[2] / "shared/data/nist_excerpts"
TARGETS = {"ma": (TestDatasetName.ma2019, "massachusetts"),
           "tx": (TestDatasetName.tx2019, "texas")}
# config.json of SDNist's ACS excerpt bundle; sdnist's own report config
# overrides its k_marginal, bins and correlation_features.
BUNDLE_CONFIG = {"drop_features": [], "pca": {"log_scale_continuous_features": False}}


def stage(root: Path, target: str) -> TestDatasetName:
    """Lay out the local excerpts where SDNist's loader looks for them.

    Args:
        root: empty folder to use as SDNist's ``data_root``.
        target: ``ma`` or ``tx``.

    Returns:
        The SDNist dataset name of the target.
    """
    name, state = TARGETS[target]
    (root / state).mkdir(parents=True)
    for ext in ("csv", "json"):
        (root / state / f"{name.name}.{ext}").symlink_to(EXCERPTS / f"{name.name}.{ext}")
    for f in ("data_dictionary.json", "mappings.json"):
        (root / f).symlink_to(EXCERPTS / f)
    (root / "config.json").write_text(json.dumps(BUNDLE_CONFIG))
    return name


def why(values: list, entry: dict) -> str:
    """Explain SDNist's rejection of a column from its out-of-bound values.

    Args:
        values: the values SDNist's validator reported for the column.
        entry: the column's data dictionary entry.

    Returns:
        A short reason.
    """
    codes = entry.get("values") or {}
    reasons = []
    if "nan" in values:
        reasons.append("missing values (NaN/empty)")
    if "N" in values and "N" not in codes:
        reasons.append("'N' but the dictionary lists no N")
    other = [v for v in values if v not in ("nan", "N")]
    num = [v for v in other if _is_number(v)]
    if len(num) < len(other):
        reasons.append("wrong type (not numeric): " + ", ".join(sorted(set(other) - set(num))[:5]))
    if num:
        reasons.append("values not in the dictionary: " + ", ".join(sorted(num)[:8]))
    return "; ".join(reasons)


def _is_number(v) -> bool:
    try:
        return not math.isnan(float(v))
    except ValueError:
        return False


def range_note(col: pd.Series, entry: dict):
    """Our own check of what SDNist lets through: numbers outside the dictionary's min/max.

    Args:
        col: the synthetic column.
        entry: the column's data dictionary entry.

    Returns:
        A note, or None.
    """
    codes = entry.get("values") or {}
    if "min" not in codes:
        return None
    x = pd.to_numeric(col[col.astype(str) != "N"], errors="coerce").dropna()
    listed = {float(k) for k in codes if _is_number(k)}
    out = x[((x < codes["min"]) | (x > codes["max"])) & ~x.isin(listed)]
    return f"{len(out)} values outside [{codes['min']}, {codes['max']}] (SDNist does not check ranges)" \
        if len(out) else None


def absent_note(col: pd.Series, spec: dict, entry: dict):
    """Codes of a categorical column that SDNist accepts but the target excerpt never has.

    Args:
        col: the synthetic column.
        spec: the column's entry in the target's schema (``ma2019.json``).
        entry: the column's data dictionary entry.

    Returns:
        A note, or None.
    """
    if "values" not in spec or "min" in (entry.get("values") or {}):
        return None
    extra = col[~col.astype(str).isin({str(v) for v in spec["values"]})].astype(str)
    return f"{len(extra)} rows with codes absent from the target: " \
        f"{dict(extra.value_counts().head(8))}" if len(extra) else None


def kmarginal(ds: Dataset, synthetic: pd.DataFrame) -> dict:
    """SDNist's k-marginal as its report computes it, and the sub-sample it matches.

    Args:
        ds: the SDNist dataset.
        synthetic: SDNist's binned synthetic data (``ds.d_synthetic_data`` or rows of it).

    Returns:
        The score, per-PUMA scores and sub-sample comparison.
    """
    group = ds.config["k_marginal"]["group_features"]
    km = KMarginal(ds.d_target_data, synthetic, group)
    km.compute_score()
    np.random.seed(0)
    subs, _ = kmarginal_subsamples(ds, KMarginal, group)
    frac = min(sorted(subs), key=lambda f: abs(subs[f] - int(km.score)))
    return {"score": int(km.score), "group_features": group, "rows": len(synthetic),
            "marginal_pairs": len(km.marginals),
            "per_puma": {ds.schema["PUMA"]["values"][k]: round(float(s), 1)  # k: SDNist's PUMA code
                         for k, s in getattr(km, "scores", {}).items()},
            "target_subsample_scores": {f"{round(f * 100)}%": s for f, s in subs.items()},
            "matches_target_subsample": f"{round(frac * 100)}%"}


def check(synth: Path, target: str) -> dict:
    """Run SDNist's validation, and its k-marginal, of a synthetic file.

    Args:
        synth: the synthetic CSV.
        target: ``ma`` or ``tx``.

    Returns:
        The result as a JSON-ready dict.
    """
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(sys.stderr):
        name = stage(Path(tmp), target)
        ds = Dataset(synth, SimpleLogger(), name, Path(tmp), download=False)
        raw = pd.read_csv(synth)
        oob = ds.validation_log.get("values_out_of_bound", {})
        columns = {}
        for c in ds.raw_target_data.columns:
            entry = ds.data_dict.get(c, {})
            if c not in raw.columns:
                v = {"status": "missing", "reason": "column dropped: SDNist silently evaluates "
                     "without it (no error, not in its validation log)"}
            elif c in oob:
                reason = ("PUMA codes not in the dictionary: " + ", ".join(sorted(oob[c])[:8])
                          if c == "PUMA" else why(oob[c], entry))
                v = {"status": "rejected", "reason": reason, "sdnist_values": sorted(set(oob[c]))}
            else:
                v = {"status": "accepted"}
                notes = [range_note(raw[c], entry), absent_note(raw[c], ds.schema.get(c, {}), entry)]
                if notes := [n for n in notes if n]:
                    v["note"] = "; ".join(notes)
            columns[c] = v
        result = {"synthetic": str(synth), "target": name.name, "rows": len(raw),
                  "target_rows": len(ds.raw_target_data), "columns": columns,
                  "extra_columns_ignored": [c for c in raw.columns if c not in ds.raw_target_data],
                  "sdnist_validation_log": ds.validation_log,
                  "validator_passed": not oob,
                  "rejected": [c for c, v in columns.items() if v["status"] == "rejected"],
                  "missing": [c for c, v in columns.items() if v["status"] == "missing"],
                  "evaluated_features": ds.features}
        if not oob:
            try:
                result["k_marginal"] = kmarginal(ds, ds.d_synthetic_data)
            except ValueError as e:  # SDNist's grouped k-marginal needs the target's PUMAs only
                result["k_marginal"] = {"error": f"{type(e).__name__}: {e}"}
                if "PUMA" in ds.d_synthetic_data:  # PUMA code -1: not in the target's schema
                    kept = ds.d_synthetic_data[ds.d_synthetic_data["PUMA"] >= 0]
                    result["k_marginal_target_puma_rows_only"] = kmarginal(ds, kept)
    return result


def main():
    """Command line: print verdicts and the k-marginal, optionally write JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("synth", type=Path)
    p.add_argument("--target", choices=sorted(TARGETS), required=True)
    p.add_argument("--out", type=Path)
    a = p.parse_args()
    r = check(a.synth, a.target)
    print(f"SDNist 2.4 validation of {r['synthetic']} ({r['rows']} rows) vs {r['target']}")
    for c, v in r["columns"].items():
        print(f"  {c:13} {v['status'].upper() if v['status'] != 'accepted' else 'accepted'}"
              f"{'  ' + v['reason'] if 'reason' in v else ''}{'  note: ' + v['note'] if 'note' in v else ''}")
    if r["extra_columns_ignored"]:
        print(f"  ignored (not in target): {r['extra_columns_ignored']}")
    if "k_marginal" in r:
        for key, label in (("k_marginal", ""), ("k_marginal_target_puma_rows_only",
                                                " (only rows in the target's PUMAs)")):
            if "error" in r.get(key, {}):
                print(f"SDNist k-marginal: FAILED in SDNist: {r[key]['error']}")
            elif key in r:
                k = r[key]
                per = list(k["per_puma"].values())
                print(f"SDNist k-marginal{label}: {k['score']} / 1000 over {k['rows']} rows, "
                      f"{len(r['evaluated_features'])} features ({k['marginal_pairs']} pairs, grouped by "
                      f"{k['group_features']}); per-PUMA min {min(per, default=float('nan'))}, "
                      f"like a {k['matches_target_subsample']} target sub-sample")
    else:
        print("SDNist k-marginal: not computed (validator rejected a column)")
    if a.out:
        a.out.write_text(json.dumps(r, indent=2, default=str))


if __name__ == "__main__":
    main()
