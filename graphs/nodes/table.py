"""The table branch of the graph: prepare, scrub PII, generate (the only node that spends) and validate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from privsynth.agents.planner.plan import Plan
from privsynth.errors import ConfigError
from privsynth.graphs.context import (
    HOLDOUT_FRACTION,
    Source,
    load_source,
    settings_for,
    split_holdout,
)
from privsynth.graphs.nodes.discovery import (
    confirm_generator_share,
    discover_schema,
    generator_plan,
    needs_discovery,
)
from privsynth.graphs.nodes.shared import (
    make_generator,
    modelled_schema,
    plan_of,
    prepared,
    spend_hook,
    stops_on_error,
    with_delta,
)
from privsynth.graphs.preflight import check_resources, check_values
from privsynth.graphs.runfolder import (
    PENDING_FILE,
    missing_marker,
    read_synthetic,
    write_table,
)
from privsynth.graphs.state import RunState
from privsynth.logs import get_logger
from privsynth.policies.delta import public_row_bound
from privsynth.policies.pii_policy import PIIPolicy
from privsynth.policies.release import evaluate_release
from privsynth.tools.data.columns import check_all_handled, check_schema_columns_present, column_outcomes
from privsynth.tools.data.conditions import check_conditions, rows_matching
from privsynth.tools.data.folding import dates_for_output
from privsynth.tools.data.schema import TableSchema

log = get_logger(__name__)


def _target_rows(generator: Any, requested: int | None, has_holdout: bool) -> int | None:
    """Rows to draw: the request, else the generator's noisy count scaled back to the whole source."""
    if requested is not None:
        return requested
    estimate = generator.estimated_rows()
    if estimate is None:
        return None
    scale = 1.0 / (1.0 - HOLDOUT_FRACTION) if has_holdout else 1.0
    return max(1, int(round(float(estimate) * scale)))


def _pii_actions(plan: Plan, findings: list[dict[str, Any]], pii_columns: list[str]) -> dict[str, str]:
    """Each PII column's action: the plan's per-type words (``mask SSNs``) over its default (PII policy)."""
    from privsynth.tools.pii.synthetic_columns import column_action

    policy = PIIPolicy.from_plan(plan.pii_action, plan.pii, plan.seed or 0)
    entities = {f["column"]: f.get("entity_type") for f in findings}
    return {c: column_action(policy, c, entities.get(c)) for c in pii_columns}


def _shown(conditions: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in conditions.items())


def _sample(generator: Any, plan: Plan, has_holdout: bool) -> pd.DataFrame:
    """Draw the synthetic rows, honouring the plan's conditions by post-processing the fitted model.

    With a number of rows, the model is sampled conditionally (every row meets the conditions). Without one,
    a full-size sample is drawn and its matching rows kept, so the slice has the size the model gives it.
    """
    if not plan.conditions:
        return generator.sample(_target_rows(generator, plan.rows, has_holdout))
    if plan.rows is not None:
        return generator.sample(plan.rows, conditions=plan.conditions)
    full = generator.sample(_target_rows(generator, None, has_holdout))
    kept = full.loc[rows_matching(full, plan.conditions)].reset_index(drop=True)
    if len(kept) == 0 and generator.conditional:  # the model gives the slice almost no mass: one row of it
        kept = generator.sample(1, conditions=plan.conditions)
    return kept


@stops_on_error
def prepare_table(state: RunState) -> dict[str, Any]:
    """Read the table and its schema, fix delta from a public row bound, and declare the generator's event.

    Also the preflight's resource check (:mod:`privsynth.graphs.preflight`): the synthetic table must fit in
    memory and on disk, estimated from the schema and the rows asked for, before the budget gate. A table without
    a schema first gets a DP draft (:mod:`privsynth.graphs.nodes.discovery`: its own spend, before the values are
    read), which becomes the run's schema.
    """
    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    if needs_discovery(plan):
        plan = discover_schema(state, plan, settings)
    source = load_source(plan)
    check_schema_columns_present(source.data.columns, source.schema)
    bound = public_row_bound(len(source.data), source.schema.rows)
    plan = with_delta(plan, bound, settings.default_delta)
    declared_pii = [c.name for c in source.schema.columns if c.kind == "pii"]
    gen_schema = modelled_schema(source.schema, declared_pii)
    gplan = confirm_generator_share(plan, gen_schema, state["run_dir"], state.get("home"))
    generator = make_generator(gplan, gen_schema, state.get("home"))
    if plan.conditions:  # against the public schema, before the budget gate: a bad condition spends nothing
        checked = check_conditions(plan.conditions, modelled_schema(source.schema, declared_pii))
        plan = plan.model_copy(update={"conditions": checked})
        if plan.rows is not None and not generator.conditional:
            raise ConfigError(f"Generator '{plan.generator}' cannot fix column values, so it cannot make "
                              f"{plan.rows} rows with {_shown(plan.conditions)}; nothing was read or spent.",
                              "Use the default generator (aim) or mst, or leave out the number of rows to keep "
                              "the matching rows of a full-size sample.")
    folders = [settings.runs_dir] + ([Path(plan.out).expanduser().resolve().parent] if plan.out else [])
    check_resources(source.schema, plan.rows or bound, folders)  # memory and disk, from the schema and the rows
    return prepared(plan, generator, source.fingerprint, bound, {})


@stops_on_error
def scrub_table(state: RunState) -> dict[str, Any]:
    """Find PII columns (schema first, then detection) and decide what the generator may see.

    PII scrubbing is not differential privacy: it removes direct identifiers; the DP guarantee comes
    from the generator. The modelled columns' values are then checked against the schema on the whole table
    (the holdout part included), reporting every bad column at once, before anything is spent.
    """
    from privsynth.tools.pii import scan_table  # heavy: imported when the node runs, so the CLI starts fast

    plan = plan_of(state)
    source = load_source(plan, state.get("fingerprint"))
    findings = scan_table(source.data, source.schema, seed=plan.seed or 0)
    overrides = set(state.get("pii", {}).get("not_pii", []))
    pii_columns = [f.column for f in findings if f.is_pii and f.column not in overrides]
    check_all_handled(source.data.columns, source.schema, pii_columns, plan.drop_columns)
    modelled = [c.name for c in modelled_schema(source.schema, pii_columns).columns]
    check_values(source.data, source.schema, modelled)  # the whole table, holdout included, every bad column at once
    pii = {
        "findings": [f.model_dump() for f in findings],
        "pii_columns": pii_columns,
        "action": plan.pii_action,
        "not_pii": sorted(overrides),
        "modelled_columns": modelled,
        "note": "PII scrubbing is not differential privacy; the DP guarantee comes from the generator.",
    }
    from privsynth.tools.pii.synthetic_columns import OUTCOMES

    actions = _pii_actions(plan, pii["findings"], pii_columns)
    pii["column_actions"] = actions
    columns = column_outcomes(source.data.columns, source.schema, pii_columns, plan.pii_action, plan.drop_columns,
                              {c: OUTCOMES.get(a, a) for c, a in actions.items()})
    return {"pii": pii, "columns": columns, "status": "scrubbed"}


def _split_source(state: RunState, plan: Plan) -> tuple[Source, TableSchema, pd.DataFrame, pd.DataFrame | None]:
    """The checked source, the schema the generator sees (no PII columns), and the per-record split."""
    source = load_source(plan, state.get("fingerprint"))
    schema = modelled_schema(source.schema, state.get("pii", {}).get("pii_columns", []))
    train, holdout = split_holdout(source.data, state.get("home"))
    return source, schema, train, holdout


@stops_on_error
def generate_table(state: RunState) -> dict[str, Any]:
    """Fit the DP generator on the training split and sample; the spend is committed as reading starts."""
    from privsynth.tools.pii.synthetic_columns import synthetic_values  # heavy (presidio): imported when run

    plan = plan_of(state)
    pii = state.get("pii", {})
    source, schema, train, holdout = _split_source(state, plan)
    gplan = generator_plan(plan, state.get("run_dir"))  # after domain discovery: the generator's share
    generator = make_generator(gplan, schema, state.get("home"))
    committed: dict[str, Any] = {}
    generator.fit(train[schema.names], schema, spend=spend_hook(state, gplan, source.fingerprint, committed))
    synthetic = _sample(generator, plan, holdout is not None)
    entities = {f["column"]: f.get("entity_type") or "GENERIC" for f in pii.get("findings", [])}
    actions = _pii_actions(plan, pii.get("findings", []), pii.get("pii_columns", []))  # the plan as reviewed
    for column, action in actions.items():  # per entity type; a real value is never written
        values = synthetic_values(action, entities.get(column), len(synthetic), plan.seed or 0)
        if values is not None:
            synthetic[column] = values
    synthetic = synthetic[[c for c in source.data.columns if c in synthetic.columns]]
    synthetic = dates_for_output(synthetic, source.schema)  # a drafted date column: days back to ISO dates
    write_table(Path(state["run_dir"]) / PENDING_FILE, synthetic, na_rep=missing_marker(source.schema))
    status = committed["status"]
    budget = {**state.get("budget", {}), "spent_epsilon": status.planned_epsilon,
              "remaining_after": status.remaining_epsilon, "committed": True}
    generation = {"generator": plan.generator, "rows": len(synthetic), "train_rows": len(train),
                  "holdout_rows": 0 if holdout is None else len(holdout), "event": committed["event"],
                  "epsilon": plan.epsilon, "delta": plan.delta, **generator.choices(),
                  **({"conditions": plan.conditions} if plan.conditions else {})}
    log.info("run.generated", run_id=state["run_id"], rows=len(synthetic))
    return {"generation": generation, "budget": budget, "status": "generated"}


@stops_on_error
def validate_table_node(state: RunState) -> dict[str, Any]:
    """Measure fidelity, utility and privacy against the real data, then apply the release policy."""
    from privsynth.agents.validators.tabular import (
        validate_table,  # heavy: imported when the node runs, so the CLI starts fast
    )

    plan = plan_of(state)
    source, schema, train, holdout = _split_source(state, plan)
    synthetic = read_synthetic(Path(state["run_dir"]) / PENDING_FILE, source.schema)
    target = plan.target
    in_slice = rows_matching(train, plan.conditions) if plan.conditions else None
    if in_slice is not None and in_slice.any():
        # what was asked for is the slice: compare with the real rows of the same slice
        train = train.loc[in_slice].reset_index(drop=True)
        if holdout is not None:
            holdout = holdout.loc[rows_matching(holdout, plan.conditions)].reset_index(drop=True)
            holdout = holdout if len(holdout) else None
        target = None if target in plan.conditions else target  # one class left: no utility to measure
    result = validate_table(train[schema.names], None if holdout is None else holdout[schema.names],
                            synthetic[[c for c in schema.names if c in synthetic.columns]], schema, target,
                            level=plan.validation_level)
    validation = result.model_dump(mode="json")
    release = evaluate_release(validation, plan.release_thresholds)
    return {"validation": validation, "release": release, "status": "validated"}
