"""The run summary a person reads after a run: one small function per part of the state.

Each function reads one section of the run's state (generation, PII, budget, outputs, waiting checkpoint) and
returns its lines; :func:`summary_lines` puts them in reading order. Adding a section to the state means adding
one function here, not editing a long method.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Section = Callable[[dict[str, Any], Any], list[str]]


def _generated(state: dict[str, Any], result: Any) -> list[str]:
    generation = state.get("generation") or {}
    lines = []
    if result.synthetic is not None:
        what = "texts" if generation.get("modality") == "text" else "rows"
        lines.append(f"{what} generated: {len(result.synthetic)}")
    return lines


def _text_pii(state: dict[str, Any], result: Any) -> list[str]:
    pii = state.get("pii") or {}
    if pii.get("modality") != "text":
        return []
    found = ", ".join(f"{k}: {v}" for k, v in (pii.get("entity_counts") or {}).items()) or "none"
    return [f"PII in the training texts ({pii.get('action')}): {found} (scrubbing is not differential privacy; the "
            "DP guarantee comes from DP-SGD)"]


def _columns(state: dict[str, Any], result: Any) -> list[str]:
    rows = state.get("columns") or []
    released = ("modelled", "personal")
    left_out = [f"{r['column']} ({r['outcome']})" for r in rows if not r["outcome"].startswith(released)]
    modelled = sum(r["outcome"].startswith("modelled") for r in rows)
    if not rows:
        return []
    return [f"columns: {modelled} of {len(rows)} modelled" + (f"; not released: {', '.join(left_out)}" if left_out
                                                              else "")]


def _workload(state: dict[str, Any], result: Any) -> list[str]:
    workload = (state.get("generation") or {}).get("workload")
    if not workload:
        return []
    return [f"workload key: {workload.get('key') or 'none'} ({workload.get('reason')})"]


def _warnings(state: dict[str, Any], result: Any) -> list[str]:
    return [f"warning: {w}" for w in (state.get("generation") or {}).get("warnings", [])]


def _with_discovery(state: dict[str, Any], at_cap: float | None, cap_delta: float | None) -> float | None:
    """The run's epsilon at the cap's delta with its domain discovery's spend composed in (when it had one)."""
    from privsynth.graphs.nodes.discovery import read_record

    record = read_record(state.get("run_dir"))
    if record is None or at_cap is None or not cap_delta or not state.get("planned_event"):
        return at_cap
    from privsynth.policies.accountant import epsilon_of
    from privsynth.policies.events import event_from_dict

    return epsilon_of([event_from_dict(record["event"]), event_from_dict(state["planned_event"])], float(cap_delta))


def _budget(state: dict[str, Any], result: Any) -> list[str]:
    budget = state.get("budget") or {}
    lines = []
    if result.epsilon_run is not None and result.plan is not None:
        at_cap = _with_discovery(state, budget.get("run_epsilon_at_cap_delta"), budget.get("cap_delta"))
        own = f"epsilon {result.epsilon_run:g}, delta {result.plan.delta:g}"
        lines.append(f"epsilon spent by this run: {at_cap:.3f} at the cap's delta {budget.get('cap_delta'):g} (the "
                     f"run's own guarantee: {own})" if at_cap is not None
                     else f"epsilon spent by this run: {result.epsilon_run:g} (delta {result.plan.delta:g})")
    if budget.get("notice"):
        lines.append(budget["notice"])
    if result.epsilon_spent is not None and result.epsilon_remaining is not None:
        lines.append(f"dataset '{state.get('dataset')}': total epsilon {result.epsilon_spent:.3f} of cap "
                     f"{budget.get('cap_epsilon'):g} (all runs composed with the PLD accountant at the cap's delta "
                     f"{budget.get('cap_delta'):g}), remaining {result.epsilon_remaining:.3f}")
    return lines


def _outputs(state: dict[str, Any], result: Any) -> list[str]:
    if result.report is None:
        return []
    outputs = state.get("outputs", {})
    lines = [f"synthetic data: {outputs.get('out') or outputs.get('synthetic')}",
             f"report: {outputs.get('report_html')}"]
    verdict = (result.report.get("release") or {}).get("verdict")
    return lines + ([f"release check: {verdict}"] if verdict else [])


def _waiting(state: dict[str, Any], result: Any) -> list[str]:
    if result.waiting is None:
        return []
    lines = [f"waiting at {result.waiting.get('checkpoint')}: {result.waiting.get('question')}"]
    if result.waiting.get("estimated_time"):
        lines.append(f"estimated time: {result.waiting['estimated_time']}")
    if result.waiting.get("report"):
        lines.append(f"report (read it before deciding): {result.waiting['report']}")
    return lines + [f"answer with: privsynth review {result.run_id} --approve | --reject"]


def _discovery(state: dict[str, Any], result: Any) -> list[str]:
    from privsynth.graphs.nodes.discovery import DRAFT_FILE, read_record

    record = read_record(state.get("run_dir"))
    if record is None:
        return []
    return [f"schema: drafted with DP ({Path(state['run_dir']) / DRAFT_FILE}); {record.get('summary')}"]


SECTIONS: tuple[Section, ...] = (_generated, _columns, _workload, _text_pii, _warnings, _discovery, _budget, _outputs,
                                 _waiting)


def summary_lines(result: Any) -> list[str]:
    """The summary of a :class:`~privsynth.graphs.api.RunResult`, a line per fact, in reading order."""
    lines = [f"run {result.run_id}: {result.status}"]
    for section in SECTIONS:
        lines += section(result.state, result)
    return lines
