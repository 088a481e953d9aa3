"""The run report: ``report.json`` for programs and a self-contained ``report.html`` for people.

The report dict may hold ``run``, ``plan``, ``budget``, ``pii`` and ``validation`` (the dict of
:meth:`privsynth.agents.validators.ValidationResult.to_report`); any of them may be absent, and
unknown keys are shown as plain tables. The HTML needs nothing from the network: styles are inline and
figures are PNG images embedded as base64 data.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import html
import io
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from privsynth.graphs.atomic import atomic_write_text
from privsynth.logs import get_logger

log = get_logger(__name__)

HEADINGS = {"summary": "Run summary", "pii": "Personal data (PII)", "schema": "Schema check",
            "fidelity": "Fidelity: does the synthetic data look like the real data?",
            "utility": "Utility: is the synthetic data useful for prediction?",
            "privacy": "Privacy checks: does the synthetic data copy real people?",
            "budget": "Privacy budget", "release": "Release decision", "plan": "Plan", "other": "Other details"}
PII_NOT_DP = ("PII scrubbing is not differential privacy. Dropping or replacing names, e-mails and phone "
              "numbers removes direct identifiers, but only the differentially private generator limits what "
              "the synthetic rows reveal about any one person.")
DEFAULT_STATEMENT = ("Validators read the real data: these numbers are non-DP statistics for the data owner, "
                     "not part of the released synthetic data.")
DIRECTIONS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
              "closer_to_0.5": "closer to 0.5 is better"}
CSS = """body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2em}table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f3f3f3}.note{background:#fff8e1;border-left:4px solid #f0b400;
padding:.5em .8em}.muted{color:#666;font-size:.9em}img{max-width:100%}"""


# -- JSON ---------------------------------------------------------------------------------------------------

def to_jsonable(value: Any) -> Any:
    """Convert a report value to plain JSON types.

    Pydantic models are dumped, paths and dates become strings, numpy values become Python values; NaN
    becomes ``None`` and infinities become the strings ``"inf"`` / ``"-inf"`` (strict JSON has neither).
    """
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [to_jsonable(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


# -- HTML helpers -------------------------------------------------------------------------------------------

def _e(value: Any) -> str:
    return html.escape(str(value))


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if value == "inf":
        return "infinite (not private)"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 and value != 0 else f"{value:.3f}".rstrip("0").rstrip(".")
    return _e(value)


def _table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    if not rows:
        return "<p class='muted'>(none)</p>"
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_value(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _value(value: Any, depth: int = 0) -> str:
    """Render any JSON value: dicts as key/value tables, lists of dicts as tables."""
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict) and depth < 4:
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_value(v, depth + 1)}</td></tr>" for k, v in value.items())
        return f"<table>{rows}</table>" if rows else "<span class='muted'>(empty)</span>"
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and depth < 4:
        return _table(value)
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value) if value else "<span class='muted'>(none)</span>"
    return _fmt(value) if not isinstance(value, dict) else _e(json.dumps(value))


def _pick(sources: list[Any], *keys: str) -> Any:
    for source in sources:
        if isinstance(source, dict):
            for key in keys:
                if source.get(key) is not None:
                    return source[key]
    return None


def _png(fig: Figure, alt: str) -> str:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img alt='{_e(alt)}' src='data:image/png;base64,{data}'>"


def _range(bounds: Any) -> str:
    if not isinstance(bounds, list | tuple) or len(bounds) != 2:
        return _fmt(bounds)
    low, high = ("-inf" if bounds[0] is None else _fmt(bounds[0])), ("inf" if bounds[1] is None else _fmt(bounds[1]))
    return f"{low} to {high}"


def _metric_rows(metrics: list[dict]) -> str:
    return _table([{"metric": m.get("name"), "value": m.get("value"),
                    "better": DIRECTIONS.get(str(m.get("direction")), m.get("direction")),
                    "range": _Raw(_range(m.get("range"))), "meaning": m.get("definition"),
                    "note": _Raw(_e(m["note"]) if m.get("note") else "")}
                   for m in metrics if isinstance(m, dict)])


class _Raw(str):
    """Already-rendered HTML that :func:`_value` passes through."""


# -- sections -----------------------------------------------------------------------------------------------

def _summary(report: dict) -> str:
    run, plan, budget = (report.get(k) if isinstance(report.get(k), dict) else {} for k in ("run", "plan", "budget"))
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    rows = {
        "Dataset": _pick([run, plan], "dataset", "dataset_name", "name"),
        "Generator": _pick([run, plan], "generator", "generator_name"),
        "Rows generated": _pick([run, validation.get("rows")], "rows_generated", "rows", "n_rows", "synthetic"),
        "Epsilon spent by this run": _pick([run, budget, plan], "epsilon", "run_epsilon"),
        "Epsilon spent on this dataset so far": _pick([budget], "epsilon_spent", "spent_epsilon", "total_epsilon"),
        "Epsilon remaining": _pick([budget], "epsilon_remaining", "remaining_epsilon", "remaining_after",
                                   "remaining"),
        "Budget cap (epsilon)": _pick([budget], "cap_epsilon", "epsilon_cap", "cap"),
        "Delta": _pick([run, budget, plan], "delta"),
    }
    extra = {k: v for k, v in run.items() if not isinstance(v, dict | list) and k not in
             ("dataset", "generator", "rows", "rows_generated", "n_rows", "epsilon", "delta")}
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in {**rows, **extra}.items()
                   if v is not None)
    return (f"<table>{body}</table><p class='muted'>Epsilon measures the privacy loss: smaller means stronger "
            "protection. The budget cap is the most a dataset may ever spend.</p>")


def _pii(pii: Any) -> str:
    return f"<p class='note'>{_e(PII_NOT_DP)}</p>{_value(pii)}"


def _schema(diag: dict) -> str:
    verdict = ("The synthetic table fits the public schema." if diag.get("valid") else
               "The synthetic table does not fully fit the public schema:")
    parts = [f"<p>{verdict}</p>"]
    for key, label in (("missing_columns", "Missing columns"), ("extra_columns", "Columns not in the schema"),
                       ("absent_unmodelled_columns", "Personal or free-text columns left out (expected)")):
        if diag.get(key):
            parts.append(f"<p>{label}: {_value(diag[key])}</p>")
    if diag.get("issues"):
        parts.append(_table(diag["issues"], ["column", "problem", "count", "examples"]))
    return "".join(parts)


def _verdict(score: Any) -> str:
    if not isinstance(score, int | float):
        return "could not be computed"
    return next(w for t, w in ((0.9, "very close"), (0.8, "close"), (0.7, "moderately close"), (-1, "far apart"))
                if score >= t)


def _shape_bars(shapes: list[dict]) -> str:
    fig = Figure(figsize=(7, 0.35 * len(shapes) + 1))
    ax = fig.add_subplot()
    names, values = [m.get("columns", [m.get("name")])[0] for m in shapes], [m.get("value") or 0 for m in shapes]
    ax.barh(names, values, color=["#2a9d8f" if v >= 0.8 else "#e9c46a" if v >= 0.7 else "#e76f51" for v in values])
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("similarity (1 = identical distribution)")
    return _png(fig, "similarity per column")


def _marginal_plot(marg: dict) -> str:
    labels = [str(x) for x in marg.get("labels", [])]
    fig = Figure(figsize=(max(5.0, 0.35 * len(labels) + 2), 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(labels))
    ax.bar(x - 0.2, marg.get("real", []), 0.4, label="real", color="#264653")
    ax.bar(x + 0.2, marg.get("synthetic", []), 0.4, label="synthetic", color="#e76f51")
    ax.set_xticks(x, labels, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("share of rows")
    ax.set_title(f"{marg.get('column')}: real vs synthetic")
    ax.legend()
    return _png(fig, f"distribution of {marg.get('column')}")


def _heatmap(pairs: list[dict]) -> str:
    cols = list(dict.fromkeys(c for m in pairs for c in m["columns"]))
    grid = np.full((len(cols), len(cols)), np.nan)
    for m in pairs:
        i, j = cols.index(m["columns"][0]), cols.index(m["columns"][1])
        grid[i, j] = grid[j, i] = m.get("value") if m.get("value") is not None else np.nan
    fig = Figure(figsize=(0.45 * len(cols) + 3, 0.45 * len(cols) + 2))
    ax = fig.add_subplot()
    image = ax.imshow(grid, vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(len(cols)), cols, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(cols)), cols, fontsize=8)
    if len(cols) <= 12:
        for (i, j), v in np.ndenumerate(grid):
            if not np.isnan(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if v < 0.6 else "black")
    fig.colorbar(image, ax=ax, label="pair similarity (1 = identical)")
    return _png(fig, "pair trend heat map")


def _fidelity(fid: dict) -> str:
    shapes = [m for m in fid.get("column_shapes", []) if isinstance(m, dict)]
    mean, pair_mean = (fid.get(k, {}).get("value") for k in ("column_shape_mean", "pair_trend_mean"))
    parts = [f"<p>Each column's distribution scores between 0 (nothing alike) and 1 (identical). Average "
             f"{_fmt(mean)}: the columns are {_verdict(mean)}. Pairs of columns (does the synthetic data keep "
             f"how columns go together?) average {_fmt(pair_mean)}: {_verdict(pair_mean)}.</p>"]
    if shapes:
        parts.append(_shape_bars(shapes))
    marginals = [m for m in fid.get("marginals", []) if isinstance(m, dict)]
    if marginals:
        parts.append("<h3>The least similar columns</h3>" + "".join(_marginal_plot(m) for m in marginals))
    pairs = [m for m in fid.get("pair_trends", []) if isinstance(m, dict) and len(m.get("columns", [])) == 2]
    if pairs:
        parts.append("<h3>Pairs of columns</h3>" + _heatmap(pairs))
    return "".join(parts)


def _section_metrics(section: dict) -> list[dict]:
    return [m for m in section.get("metrics", []) if isinstance(m, dict)]


def _unavailable(section: dict) -> str:
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in section.get("notes", []))
    if section.get("available") is False:
        return f"<p class='note'>Not computed: {_e(section.get('reason') or 'no reason given')}</p>{notes}"
    return notes


def _utility_bars(metrics: dict[str, Any], keys: list[str]) -> str:
    fig = Figure(figsize=(6, 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(keys))
    real, synth = ([metrics.get(f"{o}_{k}") or 0.0 for k in keys] for o in ("trtr", "tstr"))
    for bars in (ax.bar(x - 0.2, real, 0.4, label="trained on real rows", color="#264653"),
                 ax.bar(x + 0.2, synth, 0.4, label="trained on synthetic rows", color="#e76f51")):
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(x, [{"roc_auc": "ROC AUC", "r2": "R\u00b2"}.get(k, k) for k in keys])
    ax.set_ylim(min(0.0, *real, *synth) * 1.2, 1.15)
    ax.axhline(0, color="#888", linewidth=0.8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    return _png(fig, "utility comparison")


def _utility(util: dict) -> str:
    parts = [_unavailable(util)]
    metrics = {m.get("name"): m.get("value") for m in _section_metrics(util)}
    keys = sorted({str(n).split("_", 1)[1] for n in metrics if str(n).startswith(("tstr_", "trtr_"))})
    if keys:
        parts.insert(0, f"<p>A model predicting <b>{_e(util.get('target'))}</b> was trained once on the "
                     "synthetic table and once on real rows, then both were tested on real rows neither had seen. "
                     "The closer the two bars, the more useful the synthetic data is for this task.</p>")
        parts.append(_utility_bars(metrics, keys))
    if util.get("metrics"):
        parts.append(_metric_rows(_section_metrics(util)))
    return "".join(parts)


def _privacy(priv: dict) -> str:
    parts = [_unavailable(priv), "<p>These checks look for synthetic rows that copy or sit very close to real "
             "people the generator learned from. They are sanity checks, not a privacy guarantee: the guarantee "
             "comes from the privacy budget.</p>"]
    if priv.get("metrics"):
        parts.append(_metric_rows(_section_metrics(priv)))
    hist = priv.get("histogram")
    if isinstance(hist, dict) and hist.get("edges"):
        edges = np.asarray(hist["edges"], dtype=float)
        fig = Figure(figsize=(6.5, 3))
        ax = fig.add_subplot()
        ax.stairs(hist.get("train", []), edges, label="to closest training row", color="#e76f51", linewidth=2)
        ax.stairs(hist.get("holdout", []), edges, label="to closest unseen real row", color="#264653", linewidth=2)
        ax.set_xlabel("distance of a synthetic row to the closest real row (0 = identical)")
        ax.set_ylabel("synthetic rows")
        ax.legend()
        parts.append("<p>If the two curves overlap, synthetic rows are no closer to the training rows than to "
                     "real rows the generator never saw.</p>" + _png(fig, "distance to closest record histogram"))
    return "".join(parts)


def _budget(budget: Any) -> str:
    if not isinstance(budget, dict):
        return _value(budget)
    history_key = next((k for k in ("history", "spends", "events") if isinstance(budget.get(k), list)), None)
    parts = [_value({k: v for k, v in budget.items() if k != history_key})]
    if history_key:
        parts.append(f"<h3>Budget history</h3>{_table([h for h in budget[history_key] if isinstance(h, dict)])}")
    return "".join(parts)


def _section(key: str, render: Callable[[Any], str], value: Any) -> str:
    try:
        body = render(value)
    except Exception as exc:  # a malformed section must not cost the whole report
        log.warning("report_section_failed", section=key, error=str(exc))
        body = f"<p class='note'>This section could not be drawn ({_e(type(exc).__name__)}: {_e(exc)}).</p>"
    return f"<section id='{key}'><h2>{_e(HEADINGS[key])}</h2>{body}</section>"


def render_html(report: dict) -> str:
    """Render a (JSON-ready) report dict as one self-contained HTML page."""
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    title = _pick([report.get("run"), report.get("plan")], "dataset", "name")
    parts = [_section("summary", lambda _: _summary(report), None)]
    if validation:
        parts.append(f"<p class='note'>{_e(validation.get('statement') or DEFAULT_STATEMENT)}</p>")
        parts += [f"<p class='note'>{_e(w)}</p>" for w in validation.get("warnings", [])]
    if "pii" in report:
        parts.append(_section("pii", _pii, report["pii"]))
    for key, render in (("schema", _schema), ("fidelity", _fidelity), ("utility", _utility),
                        ("privacy", _privacy)):
        value = validation.get("schema_diagnostics" if key == "schema" else key)
        if isinstance(value, dict):
            parts.append(_section(key, render, value))
    if "budget" in report:
        parts.append(_section("budget", _budget, report["budget"]))
    if "release" in report:
        parts.append(_section("release", _value, report["release"]))
    if "plan" in report:
        parts.append(_section("plan", _value, report["plan"]))
    other = {k: v for k, v in report.items() if k not in ("run", "plan", "budget", "pii", "validation", "release")}
    if other:
        parts.append(_section("other", _value, other))
    heading = "privsynth run report" + (f": {_e(title)}" if title else "")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{heading}</title>"
            f"<style>{CSS}</style></head><body><h1>{heading}</h1>{''.join(parts)}</body></html>\n")


def write_report(run_dir: Path, report: dict) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into a run folder, each atomically.

    Args:
        run_dir: The run's folder (created if missing).
        report: Report sections (``run``, ``plan``, ``budget``, ``pii``, ``validation``, ...); pydantic
            models, numpy values and paths are converted.

    Returns:
        ``(json_path, html_path)``.
    """
    data = to_jsonable(report)
    json_text = json.dumps(data, indent=2, allow_nan=False)
    html_text = render_html(data)
    run_dir = Path(run_dir)
    return atomic_write_text(run_dir / "report.json", json_text), atomic_write_text(run_dir / "report.html", html_text)
