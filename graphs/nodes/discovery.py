"""Domain discovery in the table branch: a table without a schema gets a DP draft before anything else is spent.

:func:`discover_schema` runs inside ``prepare_table`` when the plan names no schema and no ``<stem>.schema.json``
lies next to the data. In order:

1. the header is read and checked (:func:`~privsynth.tools.data.discovery.header.read_header`: duplicate or empty
   names, a header-only file: refused with nothing spent);
2. the discovery's event is declared from public parameters (epsilon, delta, the share, the header's columns) and
   the generator's share fixed (:mod:`privsynth.tools.data.discovery.budget`); the whole run (discovery and
   generator) is checked against the dataset's cap;
3. the discovery's event is committed to the ledger as its own spend (``generator="domain_discovery"``), and only
   then are the values measured, with noise from fresh OS entropy;
4. the draft is written to the run folder (``schema.draft.json``, 0600; ``discovery.json`` with the cost and each
   column's origin) and becomes the run's schema: the checkpoint shows it, the report lists each column's origin.

The generator then runs at ``(generator_epsilon, generator_delta)`` (:func:`generator_plan`), so that the run's
total, discovery included, stays within the requested (epsilon, delta).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from dp_accounting import dp_event

from privsynth.agents.planner.plan import Plan
from privsynth.config import Settings
from privsynth.graphs.context import ledger_for
from privsynth.graphs.nodes.shared import make_generator, with_delta
from privsynth.graphs.runfolder import write_json
from privsynth.logs import get_logger
from privsynth.policies.accountant import epsilon_of
from privsynth.policies.delta import public_row_bound
from privsynth.policies.events import event_to_dict
from privsynth.policies.ledger import over_budget_error
from privsynth.tools.data.columns import origin
from privsynth.tools.data.discovery.budget import DEFAULT_SHARE, DiscoveryBudget, plan_discovery, with_generator
from privsynth.tools.data.discovery.draft import draft_schema
from privsynth.tools.data.discovery.header import read_header
from privsynth.tools.data.discovery.histogram import Measurer
from privsynth.tools.data.io import fingerprint_file, read_table
from privsynth.tools.data.schema import ColumnSpec, TableSchema

log = get_logger(__name__)
DRAFT_FILE = "schema.draft.json"
DISCOVERY_FILE = "discovery.json"
DISCOVERY = "domain_discovery"


def needs_discovery(plan: Plan) -> bool:
    """Whether a plan is a table run with no schema (neither ``--schema`` nor a ``<stem>.schema.json`` sidecar)."""
    if plan.modality != "tabular" or plan.schema_path:
        return False
    source = Path(plan.source or "")
    return not source.with_name(f"{source.stem}.schema.json").is_file()


def _placeholder(columns: list[str]) -> TableSchema:
    """A schema with every column modelled (two categories each): the generator's event before the draft exists."""
    return TableSchema(columns=[ColumnSpec(name=c, kind="categorical", categories=["a", "b"]) for c in columns])


def _event_for(plan: Plan, schema: TableSchema, home: str | None):
    def event(epsilon: float, delta: float) -> dp_event.DpEvent:
        return make_generator(plan.model_copy(update={"epsilon": epsilon, "delta": delta}), schema,
                              home).privacy_event()

    return event


def discover_schema(state: dict[str, Any], plan: Plan, settings: Settings) -> Plan:
    """Draft the run's schema with DP (module docstring); returns the plan with the draft as its schema.

    Args:
        state: The run's state (run id, run folder, home).
        plan: The plan (no schema).
        settings: The run's settings.

    Raises:
        InputDataError: A bad header or no data rows (nothing spent).
        BudgetExceededError: The run (discovery and generator) would pass the cap (nothing spent).
    """
    header = read_header(plan.source or "", plan.encoding)
    columns = [c for c in header if c not in set(plan.drop_columns)]
    data = read_table(plan.source or "", plan.encoding)
    bound = public_row_bound(len(data))  # the order of magnitude only, as every run's delta rule
    plan = with_delta(plan, bound, settings.default_delta)
    assert plan.epsilon is not None and plan.delta is not None
    budget = plan_discovery(plan.epsilon, plan.delta, max(1, len(columns)), DEFAULT_SHARE)
    event = _event_for(plan, _placeholder(columns), state.get("home"))
    budget = with_generator(budget, event)
    assert budget.generator_epsilon is not None
    fingerprint = fingerprint_file(plan.source or "")
    ledger = ledger_for(settings, bound)
    whole = dp_event.ComposedDpEvent([budget.event(), event(budget.generator_epsilon, budget.generator_delta)])
    status = ledger.status(plan.dataset, fingerprint, whole)
    if not status.fits:
        raise over_budget_error(status)
    ledger.commit_spend(plan.dataset or "", fingerprint, budget.event(), epsilon=budget.epsilon_alone,
                        delta=plan.delta, run_id=state.get("run_id"), generator=DISCOVERY)
    log.info("discovery.spent", run_id=state.get("run_id"), epsilon_alone=round(budget.epsilon_alone, 4))
    rng = np.random.default_rng(np.random.SeedSequence())  # fresh OS entropy (128 bits), whatever the plan's seed
    draft = {"made_with": "privsynth domain discovery (DP)", "epsilon": budget.epsilon_alone, "delta": plan.delta,
             "share": budget.share, "run_id": state.get("run_id")}
    schema = draft_schema(data, columns, Measurer(budget.sigma, rng), budget.threshold, name=plan.dataset,
                          draft=draft)
    folder = Path(state["run_dir"])
    path = write_draft(folder / DRAFT_FILE, schema)
    write_json(folder / DISCOVERY_FILE, discovery_record(budget, schema, header))
    return plan.model_copy(update={"schema_path": str(path)})


def write_draft(path: Path, schema: TableSchema) -> Path:
    """Write a drafted schema (0600: it is derived from the private data)."""
    from privsynth.atomic import atomic_write_text

    atomic_write_text(path, schema.to_json() + "\n")
    return path


def discovery_record(budget: DiscoveryBudget, schema: TableSchema, header: list[str]) -> dict[str, Any]:
    """What the checkpoint and the report show: the cost, the noise, and each column's origin (public)."""
    specs = {c.name: c for c in schema.columns}
    return {"budget": budget.as_dict(), "event": event_to_dict(budget.event()),
            "summary": cost_line(budget),
            "columns": [{"column": name, "kind": specs[name].kind if name in specs else "dropped",
                         "origin": origin(specs[name]) if name in specs else "dropped (--drop-column)"}
                        for name in header]}


def cost_line(budget: DiscoveryBudget) -> str:
    """One line on what the discovery cost and what is left for the generator."""
    return (f"domain discovery: {budget.share:.0%} of the run's budget (epsilon {budget.epsilon_alone:.3g} on its "
            f"own at delta {budget.delta:.1g}), spent before the values were read; the generator runs at epsilon "
            f"{budget.generator_epsilon or 0:.3g}, delta {budget.generator_delta:.1g}; the run's total stays within "
            f"epsilon {budget.epsilon:g}, delta {budget.delta:.1g}")


def read_record(run_dir: str | None) -> dict[str, Any] | None:
    """The run's discovery record, or None when the run had a schema."""
    path = Path(run_dir) / DISCOVERY_FILE if run_dir else None
    if path is None or not path.is_file():
        return None
    return json.loads(path.read_text())


def checkpoint_view(run_dir: str | None) -> dict[str, Any]:
    """What the first checkpoint shows of a drafted schema: its cost, each column's origin, and how to change it."""
    record = read_record(run_dir)
    if record is None:
        return {}
    return {"schema_draft": {
        "cost": record.get("summary"), "columns": record.get("columns", []),
        "file": str(Path(run_dir or "") / DRAFT_FILE),
        "confirm": ("Names come from the header; types and domains were estimated with DP (the shares above). Check "
                    "them: to change one, reject, edit the draft file and run again with --schema FILE (the draft is "
                    "a DP release: reusing it costs nothing more; the discovery's share is already spent).")}}


def generator_plan(plan: Plan, run_dir: str | None) -> Plan:
    """The plan the generator runs with: its share of (epsilon, delta) after discovery, else the plan itself."""
    record = read_record(run_dir)
    if record is None:
        return plan
    budget = record["budget"]
    return plan.model_copy(update={"epsilon": budget["generator_epsilon"], "delta": budget["generator_delta"]})


def confirm_generator_share(plan: Plan, schema: TableSchema, run_dir: str, home: str | None) -> Plan:
    """Check (and if need be shrink) the generator's share with the drafted schema's real event.

    The share was fixed with a placeholder schema; the generator's event depends on the drafted columns, so the
    composition with the discovery's Gaussian is checked again and the generator's epsilon lowered until the
    run's total is within its target.
    """
    record = read_record(run_dir)
    if record is None:
        return plan
    budget = DiscoveryBudget(**record["budget"])
    gplan = generator_plan(plan, run_dir)
    event = _event_for(plan, schema, home)
    eps = float(gplan.epsilon or 0.0)
    while epsilon_of([budget.gaussian(), event(eps, budget.generator_delta)], budget.generator_delta) > budget.epsilon:
        eps *= 0.98
    if eps != gplan.epsilon:
        budget = DiscoveryBudget(**{**budget.as_dict(), "generator_epsilon": eps})  # type: ignore[arg-type]
        write_json(Path(run_dir) / DISCOVERY_FILE, {**record, "budget": budget.as_dict(), "summary": cost_line(budget)})
    return plan.model_copy(update={"epsilon": eps, "delta": budget.generator_delta})
