"""What may leave the data owner's team: a shareable report, and a replay of a stored run.

The full report (``report.json`` / ``report.html``) holds validator numbers that read the real data (fidelity,
utility, privacy checks, PII findings, exact row counts): they are *not* differentially private and are for the
data owner only. The shareable report holds only what is DP or public:

* the plan (the request's public parameters) and the generator's declared DP event;
* the ledger entries for the dataset (declared events and their accounted epsilons);
* statistics of the released synthetic data itself (post-processing of the DP output).

A replay copies a released run's synthetic data to a new place: the same bits, no new spend. It is the only
way to get a bit-exact re-run, since every new run draws fresh noise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from privsynth.atomic import atomic_write_text
from privsynth.config import load_settings
from privsynth.errors import RunNotFoundError
from privsynth.graphs.context import ledger_for
from privsynth.graphs.report.report import render_html, to_jsonable
from privsynth.graphs.runfolder import LEDGER_FILE, PLAN_FILE, SYNTHETIC_FILE, publish, read_synthetic, run_dir
from privsynth.policies.accountant import epsilon_of

SHAREABLE_JSON = "report.shareable.json"
SHAREABLE_HTML = "report.shareable.html"
SHAREABLE_NOTICE = ("Shareable report: every number here is differentially private or public (the plan, the ledger's "
                    "declared events and the released synthetic data's own statistics). The validators' numbers, "
                    "which read the real data, are left out.")
PLAN_FIELDS = ("dataset", "modality", "generator", "rows", "epsilon", "delta", "pii_action", "target", "text_field",
               "label_field", "user_field", "generator_options")
TOP_CATEGORIES = 20


def _released(home: Path | None, run_id: str) -> tuple[Path, dict[str, Any]]:
    settings = load_settings(home)
    folder = run_dir(settings.runs_dir, run_id)
    if not (folder / SYNTHETIC_FILE).is_file():
        raise RunNotFoundError(f"Run '{run_id}' has released no synthetic data.",
                               f"Finish it first (`privsynth review {run_id} --approve`) or pick a released run.")
    plan = json.loads((folder / PLAN_FILE).read_text()).get("plan", {})
    return folder, plan


def synthetic_statistics(synthetic: pd.DataFrame, max_categories: int = TOP_CATEGORIES) -> list[dict[str, Any]]:
    """Per-column statistics of the synthetic table (post-processing of DP output, so shareable).

    Args:
        synthetic: The released synthetic table.
        max_categories: Categories listed per column (the most frequent first).

    Returns:
        One dict per column: missing share, and numeric quantiles or category shares.
    """
    stats: list[dict[str, Any]] = []
    for column in synthetic.columns:
        values = synthetic[column]
        entry: dict[str, Any] = {"column": column, "missing_share": round(float(values.isna().mean()), 4)}
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().sum() == values.notna().sum() and values.notna().any():
            q = numeric.quantile([0.0, 0.25, 0.5, 0.75, 1.0]).tolist()
            entry.update(kind="numeric", min=q[0], q25=q[1], median=q[2], q75=q[3], max=q[4],
                         mean=float(numeric.mean()))
        else:
            shares = values.astype("string").value_counts(normalize=True).head(max_categories)
            entry.update(kind="categorical", shares={str(k): round(float(v), 4) for k, v in shares.items()})
        stats.append(entry)
    return stats


def shareable_report(run_id: str, home: Path | None = None) -> dict[str, Any]:
    """The shareable report of a released run (only DP or public numbers).

    Raises:
        RunNotFoundError: No such run, or it released nothing.
    """
    folder, plan = _released(home, run_id)
    settings = load_settings(home)
    ledger_entry = json.loads((folder / LEDGER_FILE).read_text()) if (folder / LEDGER_FILE).is_file() else {}
    dataset = plan.get("dataset") or ledger_entry.get("dataset")
    ledger = ledger_for(settings)
    status = ledger.status(dataset)
    history = [{"run_id": s.run_id, "generator": s.generator, "epsilon_target": s.epsilon, "delta_target": s.delta,
                "epsilon_at_cap_delta": epsilon_of([s.event], status.cap_delta), "created_at": s.created_at}
               for s in ledger.history(dataset)] if dataset else []
    synthetic = read_synthetic(folder / SYNTHETIC_FILE)
    return to_jsonable({
        "notice": SHAREABLE_NOTICE,
        "run": {"run_id": run_id, "dataset": dataset, "generator": plan.get("generator"), "rows": len(synthetic),
                "status": "released"},
        "plan": {k: plan.get(k) for k in PLAN_FIELDS if plan.get(k) not in (None, {}, [])},
        "budget": {"dataset": dataset, "cap_epsilon": status.cap_epsilon, "cap_delta": status.cap_delta,
                   "spent_epsilon": status.spent_epsilon, "remaining_epsilon": status.remaining_epsilon,
                   "this_run_event": ledger_entry.get("event"), "history": history},
        "synthetic_statistics": synthetic_statistics(synthetic),
    })


def write_shareable_report(run_id: str, home: Path | None = None, out: Path | None = None) -> tuple[Path, Path]:
    """Write the shareable report (JSON and HTML) to the run folder, or next to ``out`` when given.

    Returns:
        ``(json_path, html_path)``.
    """
    report = shareable_report(run_id, home)
    folder = Path(out).expanduser().resolve().parent if out else run_dir(load_settings(home).runs_dir, run_id)
    stem = Path(out).stem if out else "report.shareable"
    text = json.dumps(report, indent=2, allow_nan=False)
    json_path = atomic_write_text(folder / f"{stem}.json", text, mode=None)
    html_path = atomic_write_text(folder / f"{stem}.html", render_html(report), mode=None)
    return json_path, html_path


def replay(run_id: str, out: str | Path | None = None, home: Path | None = None) -> pd.DataFrame:
    """A released run's synthetic data again, bit for bit, without a new spend.

    Args:
        run_id: A released run.
        out: Also write it here (``.csv``, ``.jsonl`` or ``.parquet``).
        home: privsynth home folder.

    Returns:
        The synthetic table.

    Raises:
        RunNotFoundError: No such run, or it released nothing.
    """
    folder, _ = _released(home, run_id)
    if out is not None:
        publish(folder / SYNTHETIC_FILE, Path(out).expanduser().resolve())
    return read_synthetic(folder / SYNTHETIC_FILE)
