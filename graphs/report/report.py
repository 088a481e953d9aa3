"""The run report: ``report.json`` for programs and a self-contained ``report.html`` for people.

The report dict may hold ``run``, ``plan``, ``budget``, ``pii`` and ``validation`` (the dict of
:meth:`privsynth.agents.validators.tabular.ValidationResult.to_report`); any of them may be absent, and
unknown keys are shown as plain tables. The HTML needs nothing from the network: styles are inline and
figures are PNG images embedded as base64 data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from privsynth.atomic import atomic_write_text
from privsynth.graphs.report import plots
from privsynth.graphs.report import text as report_text
from privsynth.graphs.report.html import (  # noqa: F401 (to_jsonable is re-exported)
    _e,
    _fmt,
    _metric_rows,
    _pick,
    _table,
    _value,
    to_jsonable,
)
from privsynth.logs import get_logger

log = get_logger(__name__)

HEADINGS = {"summary": "Run summary", "glance": "At a glance", "pii": "Personal data (PII)",
            "columns": "Columns: what happened to each input column", "schema": "Schema check",
            "fidelity": "Fidelity: does the synthetic data look like the real data?",
            "utility": "Utility: is the synthetic data useful for prediction?",
            "privacy": "Privacy checks: does the synthetic data copy real people?",
            "budget": "Privacy budget", "release": "Release decision", "plan": "Plan", "other": "Other details"}
PII_NOT_DP = ("PII scrubbing is not differential privacy. Dropping or replacing names, e-mails and phone "
              "numbers removes direct identifiers, but only the differentially private generator limits what "
              "the synthetic rows reveal about any one person.")
DEFAULT_STATEMENT = ("Validators read the real data: these numbers are non-DP statistics for the data owner, "
                     "not part of the released synthetic data.")
DATA_OWNER_NOTICE = (
    "For the data owner only. Differentially private or public here: the plan, the privacy budget and the synthetic "
    "data. NOT differentially private (they read the real data): the PII findings, the schema, fidelity, utility and "
    "privacy checks, the release decision and the exact row counts. To share results outside the team, use "
    "`privsynth report RUN_ID --shareable`, which keeps only the DP and public numbers.")
RELEASE_NOTE = "The released synthetic data file contains none of these numbers; they stay in this report."
CSS = """body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2em}table{border-collapse:collapse;margin:.6em 0;max-width:100%}td,th{border:1px solid #ccc;
padding:.25em .6em;text-align:left;vertical-align:top;overflow-wrap:break-word}th{background:#f3f3f3}
.scroll{max-width:100%;overflow-x:auto}.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em .8em}
.muted{color:#666;font-size:.9em}img{max-width:100%}.badge{display:inline-block;padding:.15em .7em;
border-radius:1em;color:#fff;font-weight:600}.pass{background:#2a9d8f}.warn{background:#d08c00}
.fail{background:#c0392b}.unknown{background:#777}td.num{text-align:right;white-space:nowrap}"""


# -- sections -----------------------------------------------------------------------------------------------

def _summary(report: dict) -> str:
    run, plan, budget = (report.get(k) if isinstance(report.get(k), dict) else {} for k in ("run", "plan", "budget"))
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    rows = {
        "Dataset": _pick([run, plan], "dataset", "dataset_name", "name"),
        "Generator": _pick([run, plan], "generator", "generator_name"),
        ("Texts generated" if run.get("modality") == "text" else "Rows generated"):
            _pick([run, validation.get("rows")], "rows_generated", "rows", "n_rows", "synthetic"),
        "Epsilon spent by this run": _pick([run, budget, plan], "epsilon", "run_epsilon"),
        "Epsilon spent on this dataset so far": _pick([budget], "epsilon_spent", "spent_epsilon", "total_epsilon"),
        "Epsilon remaining": _pick([budget], "epsilon_remaining", "remaining_epsilon", "remaining_after",
                                   "remaining"),
        "Budget cap (epsilon)": _pick([budget], "cap_epsilon", "epsilon_cap", "cap"),
        "Delta": _pick([run, budget, plan], "delta"),
    }
    extra = {k: v for k, v in run.items() if not isinstance(v, dict | list) and k not in
             ("dataset", "generator", "rows", "rows_generated", "n_rows", "epsilon", "delta", "modality")}
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in {**rows, **extra}.items()
                   if v is not None)
    return (f"<table>{body}</table><p class='muted'>Epsilon measures the privacy loss: smaller means stronger "
            "protection. The budget cap is the most a dataset may ever spend.</p>")


def _pii(pii: Any) -> str:
    """PII findings: flagged columns in a narrow table, the rest as a list (no page-wide nested tables)."""
    parts = [f"<p class='note'>{_e(PII_NOT_DP)}</p>"]
    if not isinstance(pii, dict):
        return parts[0] + _value(pii)
    if pii.get("modality") == "text":
        return parts[0] + report_text.scrub_pii(pii)
    findings = [f for f in pii.get("findings", []) if isinstance(f, dict)]
    flagged = [f for f in findings if f.get("is_pii")]
    if pii.get("action"):
        parts.append(f"<p>Action on personal columns: <b>{_e(pii['action'])}</b>.</p>")
    if flagged:
        parts.append("<h3>Columns holding personal data</h3>" + _table(
            [{"column": f.get("column"), "type": f.get("entity_type"), "confidence": f.get("confidence"),
              "found by": f.get("source"), "evidence": f.get("evidence"),
              "examples (masked)": "; ".join(str(x) for x in (f.get("examples") or [])[:3])} for f in flagged]))
    clean = [str(f.get("column")) for f in findings if not f.get("is_pii")]
    if clean:
        parts.append(f"<p>Columns checked and not flagged: {_e(', '.join(clean))}.</p>")
    rest = {k: v for k, v in pii.items() if k not in ("findings", "action")}
    if rest:
        parts.append(_value(rest))
    return "".join(parts)


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


def _fidelity(fid: dict) -> str:
    shapes = [m for m in fid.get("column_shapes", []) if isinstance(m, dict)]
    mean, pair_mean = (fid.get(k, {}).get("value") for k in ("column_shape_mean", "pair_trend_mean"))
    parts = [f"<p>Each column's distribution scores between 0 (nothing alike) and 1 (identical). Average "
             f"{_fmt(mean)}: the columns are {_verdict(mean)}. Pairs of columns (does the synthetic data keep "
             f"how columns go together?) average {_fmt(pair_mean)}: {_verdict(pair_mean)}.</p>"]
    km = fid.get("kmarginal") if isinstance(fid.get("kmarginal"), dict) else {}
    if km:
        score = km.get("value")
        parts.append(f"<p>NIST k-marginal score: <b>{_fmt(score)}</b> out of 1000 "
                     f"({_verdict(score / 1000 if isinstance(score, int | float) else None)}). "
                     f"{_e(km.get('definition', ''))}</p>")
        if km.get("note"):
            parts.append(f"<p class='muted'>{_e(km['note'])}</p>")
        per_key = fid.get("kmarginal_per_key") or {}
        if per_key:
            worst = sorted(per_key.items(), key=lambda kv: kv[1])[:5]
            parts.append("<p>Lowest scores per key value:</p>" + _table([{"key value": k, "score": v}
                                                                           for k, v in worst]))
    if shapes:
        parts.append(plots.shape_bars(shapes))
    marginals = [m for m in fid.get("marginals", []) if isinstance(m, dict)]
    if marginals:
        parts.append("<h3>The least similar columns</h3><p>Share of rows in each category (or range of values), "
                     "real against synthetic.</p>" + "".join(plots.marginal_plot(m) for m in marginals))
    assoc = fid.get("associations")
    if isinstance(assoc, dict) and len(assoc.get("columns", [])) >= 2:
        parts.append("<h3>How columns go together</h3><p>Each square compares how strongly two columns are "
                     "related (Cramer's V, 0 = unrelated, 1 = one determines the other) in the real and the "
                     "synthetic data. White means the relation is kept; dark red means it was lost or invented."
                     "</p>" + plots.correlation_difference(assoc))
    pairs = [m for m in fid.get("pair_trends", []) if isinstance(m, dict) and len(m.get("columns", [])) == 2]
    if pairs:
        parts.append("<h3>Pair similarity</h3>" + plots.pair_heatmap(pairs))
    if fid.get("worst_pairs"):
        parts.append(f"<p class='muted'>Pairs with the lowest k-marginal scores: {_e(', '.join(fid['worst_pairs']))}"
                     ".</p>")
    return "".join(parts)


def _section_metrics(section: dict) -> list[dict]:
    return [m for m in section.get("metrics", []) if isinstance(m, dict)]


def _unavailable(section: dict) -> str:
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in section.get("notes", []))
    if section.get("available") is False:
        return f"<p class='note'>Not computed: {_e(section.get('reason') or 'no reason given')}</p>{notes}"
    return notes


def _utility(util: dict) -> str:
    parts = [_unavailable(util)]
    metrics = {m.get("name"): m.get("value") for m in _section_metrics(util)}
    keys = sorted({str(n).split("_", 1)[1] for n in metrics if str(n).startswith(("tstr_", "trtr_"))})
    if keys:
        parts.insert(0, f"<p>A model predicting <b>{_e(util.get('target'))}</b> was trained once on the "
                     "synthetic table and once on real rows, then both were tested on real rows neither had seen. "
                     "The closer the two bars, the more useful the synthetic data is for this task.</p>")
        parts.append(plots.utility_bars(metrics, keys))
    if util.get("metrics"):
        parts.append(_metric_rows(_section_metrics(util)))
    return "".join(parts)


ATTACKS = ("mia_advantage", "singling_out_risk", "linkability_risk", "inference_risk")


def _privacy(priv: dict) -> str:
    parts = [_unavailable(priv), "<p>These checks look for synthetic rows that copy or sit very close to real "
             "people the generator learned from, and run simple attacks against the people in the training data. "
             "They are sanity checks, not a privacy guarantee: the guarantee comes from the privacy budget.</p>"]
    metrics = _section_metrics(priv)
    distance = [m for m in metrics if m.get("name") not in ATTACKS and m.get("name") != "mia_auc"]
    attacks = [m for m in metrics if m.get("name") in ATTACKS or m.get("name") == "mia_auc"]
    if distance:
        parts.append("<h3>Copies and distances</h3>" + _metric_rows(distance))
    hist = priv.get("histogram")
    if isinstance(hist, dict) and hist.get("edges"):
        parts.append("<p>If the two curves overlap, synthetic rows are no closer to the training rows than to "
                     "real rows the generator never saw.</p>" + plots.dcr_histogram(hist))
    if attacks:
        parts.append("<h3>Attacks</h3><p>Each attack is run against people in the training data and, for "
                     "comparison, against real people the generator never saw. A risk near 0 means the synthetic "
                     "data helps the attacker no more against the first group than against the second.</p>")
        shown = [m for m in attacks if m.get("value") is not None and m.get("name") != "mia_auc"]
        if shown:
            parts.append(plots.risk_bars(shown))
        parts.append(_metric_rows(attacks))
    return "".join(parts)


def _budget(budget: Any) -> str:
    if not isinstance(budget, dict):
        return _value(budget)
    history_key = next((k for k in ("history", "spends", "events") if isinstance(budget.get(k), list)), None)
    parts = [_value({k: v for k, v in budget.items() if k != history_key})]
    if history_key:
        history = [h for h in budget[history_key] if isinstance(h, dict)]
        parts.append(f"<h3>Budget history</h3>{_table(history)}")
        if history:
            parts.append("<p>Each bar is one run's planned epsilon; the dashed lines show what the privacy "
                         "accountant counts as spent on this dataset in total and the cap.</p>"
                         + plots.budget_history(history, _pick([budget], "cap_epsilon", "epsilon_cap", "cap"),
                                                _pick([budget], "spent_epsilon", "epsilon_spent", "total_epsilon")))
    return "".join(parts)


def _badge(verdict: Any) -> str:
    label = str(verdict or "unknown")
    css = label if label in ("pass", "warn", "fail") else "unknown"
    return f"<span class='badge {css}'>{_e(label.upper())}</span>"


def _release(release: Any) -> str:
    if not isinstance(release, dict):
        return _value(release)
    reasons = "".join(f"<li>{_e(r)}</li>" for r in release.get("reasons", []))
    parts = [f"<p>Verdict: {_badge(release.get('verdict'))}</p>",
             f"<ul>{reasons}</ul>" if reasons else "<p>Every measured check passed.</p>"]
    checks = [c for c in release.get("checks", []) if isinstance(c, dict)]
    if checks:
        parts.append(_table(checks, ["metric", "value", "outcome", "warn", "fail", "direction"]))
    rest = {k: v for k, v in release.items() if k not in ("verdict", "reasons", "checks")}
    return "".join(parts) + (_value(rest) if rest else "")


def _glance(report: dict) -> str:
    """Three plain sentences and the verdict, for readers who stop here."""
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    release = report.get("release") if isinstance(report.get("release"), dict) else {}
    fid, util, priv = (validation.get(k) if isinstance(validation.get(k), dict) else {}
                       for k in ("fidelity", "utility", "privacy"))
    values = {m.get("name"): m.get("value") for sec in (util, priv) for m in _section_metrics(sec)}
    lines = report_text.glance_lines(report) if report_text.is_text(report) else []
    mean = (fid.get("column_shape_mean") or {}).get("value")
    if mean is not None:
        lines.append(f"Look: the synthetic columns are {_verdict(mean)} to the real ones (score {_fmt(mean)} of 1).")
    if values.get("tstr_roc_auc") is not None and values.get("trtr_roc_auc") is not None:
        lines.append(f"Use: a model trained on synthetic rows reaches ROC AUC {_fmt(values['tstr_roc_auc'])}, "
                     f"against {_fmt(values['trtr_roc_auc'])} when trained on real rows (1 is perfect).")
    elif values.get("tstr_r2") is not None and values.get("trtr_r2") is not None:
        lines.append(f"Use: a model trained on synthetic rows reaches R\u00b2 {_fmt(values['tstr_r2'])}, against "
                     f"{_fmt(values['trtr_r2'])} when trained on real rows (1 is perfect).")
    if values.get("exact_copy_rate") is not None:
        lines.append(f"Copies: {_fmt(100 * values['exact_copy_rate'])}% of synthetic rows equal a real training row"
                     + (f"; the membership attack's advantage is {_fmt(values['mia_advantage'])} (0 = none)."
                        if values.get("mia_advantage") is not None else "."))
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    verdict = f"<p>Release check: {_badge(release.get('verdict'))}</p>" if release else ""
    return verdict + (f"<ul>{items}</ul>" if items else "")


def _section(key: str, render: Callable[[Any], str], value: Any, heading: str | None = None) -> str:
    try:
        body = render(value)
    except Exception as exc:  # a malformed section must not cost the whole report
        log.warning("report_section_failed", section=key, error=str(exc))
        body = f"<p class='note'>This section could not be drawn ({_e(type(exc).__name__)}: {_e(exc)}).</p>"
    return f"<section id='{key}'><h2>{_e(heading or HEADINGS[key])}</h2>{body}</section>"


def _text_parts(report: dict) -> list[str]:
    try:
        sections = report_text.text_sections(report)
    except Exception as exc:  # a malformed text report must not cost the whole report
        log.warning("report_section_failed", section="text", error=str(exc))
        return [f"<p class='note'>The text sections could not be drawn ({_e(type(exc).__name__)}: {_e(exc)}).</p>"]
    return [_section(key, lambda body: body, html, heading) for key, heading, html in sections]


def render_html(report: dict) -> str:
    """Render a (JSON-ready) report dict as one self-contained HTML page."""
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    title = _pick([report.get("run"), report.get("plan")], "dataset", "name")
    parts = [f"<p class='note'><strong>{_e(report['notice'])}</strong></p>"] if report.get("notice") else []
    parts.append(_section("summary", lambda _: _summary(report), None))
    if validation or isinstance(report.get("release"), dict):
        parts.append(_section("glance", lambda _: _glance(report), None))
    if validation:
        parts.append(f"<p class='note'>{_e(validation.get('statement') or DEFAULT_STATEMENT)} {_e(RELEASE_NOTE)}</p>")
        parts += [f"<p class='note'>{_e(w)}</p>" for w in validation.get("warnings", [])]
    if isinstance(report.get("warnings"), list):
        parts += [f"<p class='note'>Warning: {_e(w)}</p>" for w in report["warnings"]]
    if "pii" in report:
        parts.append(_section("pii", _pii, report["pii"]))
    if isinstance(report.get("columns"), list) and report["columns"]:
        parts.append(_section("columns", lambda rows: _table(rows, ["column", "kind", "origin", "outcome"]),
                              report["columns"]))
    if report_text.is_text(report):
        parts += _text_parts(report)
    for key, render in (("schema", _schema), ("fidelity", _fidelity), ("utility", _utility),
                        ("privacy", _privacy)):
        value = validation.get("schema_diagnostics" if key == "schema" else key)
        if isinstance(value, dict) and not report_text.is_text(report):
            parts.append(_section(key, render, value))
    if "budget" in report:
        parts.append(_section("budget", _budget, report["budget"]))
    if "release" in report:
        parts.append(_section("release", _release, report["release"]))
    if "plan" in report:
        parts.append(_section("plan", _value, report["plan"]))
    shown = ("run", "plan", "budget", "pii", "columns", "validation", "release", "warnings", "examples", "notice")
    other = {k: v for k, v in report.items() if k not in shown}
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
