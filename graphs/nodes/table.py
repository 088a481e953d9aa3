"""The table branch's later nodes (generate, the only node that spends; validate) and the shared release node."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from privsynth.agents.validators.tabular import validate_table
from privsynth.graphs.context import (
    HOLDOUT_FRACTION,
    ledger_for,
    load_source,
    schema_for,
    settings_for,
    split_holdout,
)
from privsynth.graphs.nodes.shared import make_generator, modelled_schema, plan_of, spend_hook, stops_on_error
from privsynth.graphs.report.report import DATA_OWNER_NOTICE, write_report
from privsynth.graphs.runfolder import (
    PENDING_FILE,
    SYNTHETIC_FILE,
    read_synthetic,
    write_table,
)
from privsynth.graphs.state import RunState
from privsynth.graphs.nodes.text_corpus import discard_private_corpus
from privsynth.logs import get_logger
from privsynth.policies.release import evaluate_release
from privsynth.tools.pii import fake_values

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


@stops_on_error
def generate_table(state: RunState) -> dict[str, Any]:
    """Fit the DP generator on the training split and sample; the spend is committed as reading starts."""
    plan = plan_of(state)
    pii = state.get("pii", {})
    source = load_source(plan, state.get("fingerprint"))
    schema = modelled_schema(source.schema, pii.get("pii_columns", []))
    train, holdout = split_holdout(source.data, state.get("home"))
    generator = make_generator(plan, schema, state.get("home"))
    committed: dict[str, Any] = {}
    generator.fit(train[schema.names], schema, spend=spend_hook(state, plan, source.fingerprint, committed))
    synthetic = generator.sample(_target_rows(generator, plan.rows, holdout is not None))
    if plan.pii_action == "fake":
        entities = {f["column"]: f.get("entity_type") or "GENERIC" for f in pii.get("findings", [])}
        for column in pii.get("pii_columns", []):
            synthetic[column] = fake_values(entities.get(column, "GENERIC"), len(synthetic), plan.seed or 0)
        order = [c for c in source.data.columns if c in synthetic.columns]
        synthetic = synthetic[order]
    write_table(Path(state["run_dir"]) / PENDING_FILE, synthetic)
    status = committed["status"]
    budget = {**state.get("budget", {}), "spent_epsilon": status.planned_epsilon,
              "remaining_after": status.remaining_epsilon, "committed": True}
    generation = {"generator": plan.generator, "rows": len(synthetic), "train_rows": len(train),
                  "holdout_rows": 0 if holdout is None else len(holdout), "event": committed["event"],
                  "epsilon": plan.epsilon, "delta": plan.delta}
    log.info("run.generated", run_id=state["run_id"], rows=len(synthetic))
    return {"generation": generation, "budget": budget, "status": "generated"}


@stops_on_error
def validate_table_node(state: RunState) -> dict[str, Any]:
    """Measure fidelity, utility and privacy against the real data, then apply the release policy."""
    plan = plan_of(state)
    pii = state.get("pii", {})
    source = load_source(plan, state.get("fingerprint"))
    schema = modelled_schema(source.schema, pii.get("pii_columns", []))
    train, holdout = split_holdout(source.data, state.get("home"))
    synthetic = read_synthetic(Path(state["run_dir"]) / PENDING_FILE, source.schema)
    result = validate_table(train[schema.names], None if holdout is None else holdout[schema.names],
                            synthetic[[c for c in schema.names if c in synthetic.columns]], schema, plan.target)
    validation = result.model_dump(mode="json")
    release = evaluate_release(validation, plan.release_thresholds)
    return {"validation": validation, "release": release, "status": "validated"}


@stops_on_error
def release_node(state: RunState) -> dict[str, Any]:
    """Publish the synthetic data and write the report (validator numbers stay in the report only)."""
    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    folder = Path(state["run_dir"])
    final = folder / SYNTHETIC_FILE
    os.replace(folder / PENDING_FILE, final)
    outputs = {"synthetic": str(final)}
    if plan.out:
        released = read_synthetic(final, schema_for(plan))
        outputs["out"] = str(write_table(Path(plan.out).expanduser().resolve(), released, mode=None))
    discard_private_corpus(folder)
    history = [{"run_id": s.run_id, "generator": s.generator, "epsilon": s.epsilon, "delta": s.delta,
                "created_at": s.created_at} for s in ledger_for(settings).history(plan.dataset or "")]
    report = {
        "notice": DATA_OWNER_NOTICE,
        "run": {"run_id": state["run_id"], "dataset": plan.dataset, "generator": plan.generator,
                "modality": plan.modality, "rows": state.get("generation", {}).get("rows"),
                "request": state.get("request"), "status": "released"},
        "warnings": list(state.get("generation", {}).get("warnings", [])),
        "plan": plan.model_dump(),
        "budget": {**state.get("budget", {}), "history": history},
        "pii": state.get("pii", {}),
        "generation": state.get("generation", {}),
        "validation": state.get("validation", {}),
        "release": state.get("release", {}),
        "reviews": state.get("reviews", []),
    }
    if plan.modality == "text":
        report["examples"] = read_synthetic(final, schema_for(plan)).head(10).to_dict(orient="records")
    json_path, html_path = write_report(folder, report)
    outputs.update(report_json=str(json_path), report_html=str(html_path))
    return {"outputs": outputs, "status": "released"}
