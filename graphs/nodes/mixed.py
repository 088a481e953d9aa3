"""The graph's mixed branch: a table with a free-text column, from two generators under one declared budget.

::

    prepare_mixed   the table branch's prepare on the table part; the text generator's event for the training
                    rows' texts; the two events composed (checked within the request) for the budget gate
    scrub_mixed     the table branch's PII scan of the structured columns; the text column scanned and scrubbed as
                    in the text branch, written with each row's composite label to the run's private corpus
    generate_mixed  the table branch's generate (spend 1: the table part), then the text model fine-tuned on the
                    scrubbed training texts (spend 2: the text part) and one text written for each synthetic row,
                    conditioned on that row's label
    validate_mixed  the table branch's validators on the structured columns, the text validators on the text, and
                    the row-text consistency (:mod:`privsynth.tools.mixed.consistency`); the worse verdict wins

Both parts split the rows the same way (the table's per-record holdout), so the text model never sees a held-out
row's text. The plans of the two parts come from :mod:`privsynth.graphs.nodes.mixed_parts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from privsynth.agents.planner.mixed import SCALE_OPTION
from privsynth.agents.planner.plan import Plan
from privsynth.config import local_secret
from privsynth.errors import AccountingError, InputDataError
from privsynth.graphs.context import HOLDOUT_FRACTION, load_source, settings_for, split_holdout
from privsynth.graphs.nodes.mixed_parts import (
    MixedParts,
    mixed_parts,
    table_state,
    text_generator,
    with_scale,
    with_text_preset,
)
from privsynth.graphs.nodes.mixed_text import consistency, release_of, scrub_mixed_text, write_texts
from privsynth.graphs.nodes.shared import plan_of, spend_hook, stops_on_error, with_delta
from privsynth.graphs.nodes.table import generate_table, prepare_table, scrub_table, validate_table_node
from privsynth.graphs.nodes.text_corpus import claim_private_corpus, read_private_corpus, split_texts
from privsynth.graphs.runfolder import (
    LEDGER_FILE,
    PENDING_FILE,
    missing_marker,
    read_synthetic,
    write_json,
    write_table,
)
from privsynth.graphs.state import RunState
from privsynth.logs import get_logger
from privsynth.policies.accountant import epsilon_of
from privsynth.policies.delta import public_row_bound
from privsynth.policies.events import event_from_dict, event_to_dict
from privsynth.tools.mixed.budget import check_composed, composed_event, fit_scale
from privsynth.tools.mixed.labels import LABEL_COLUMN

log = get_logger(__name__)


def _parts(plan: Plan) -> MixedParts:
    source = load_source(plan)
    return mixed_parts(plan, source.schema)


def _text_records(data: pd.DataFrame, text_field: str, home: str | None) -> int:
    """Training texts: the non-empty texts of the table's training rows (public, as in DP-SGD)."""
    train, _ = split_holdout(data, home)
    return int((train[text_field].fillna("").astype(str).str.strip() != "").sum())


def _declare(state: RunState, plan: Plan, schema: Any, records: int) -> tuple[MixedParts, dict[str, Any], Any]:
    """Both parts of a plan at its budget scale: the table branch's prepare, and the text generator's event."""
    settings = settings_for(state.get("home"))
    parts = mixed_parts(plan, schema)
    table = prepare_table(table_state(state, parts))  # the table branch's checks, and its generator's event
    if table.get("error"):
        return parts, table, None
    try:
        text_event = text_generator(parts, settings, state.get("home"), records).privacy_event()
    except AccountingError as exc:
        raise AccountingError(f"The text part's epsilon {parts.split.text_epsilon:g} is too small for {records} "
                              f"training texts ({exc.problem.rstrip('.')}).", "Raise epsilon or text_share "
                              "(--option text_share=0.6).") from exc
    return parts, table, composed_event(event_from_dict(table["planned_event"]), text_event)


@stops_on_error
def prepare_mixed(state: RunState) -> dict[str, Any]:
    """Fix delta and the budget split, then declare both parts' events, composed, for the budget gate.

    The split's scale is fitted here from parameters only (:func:`~privsynth.tools.mixed.budget.fit_scale`: each
    try declares both events again) and fixed in the plan, so a resumed run declares the same events.
    """
    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    source = load_source(plan)
    bound = public_row_bound(len(source.data), source.schema.rows)
    plan, preset = with_text_preset(with_delta(plan, bound, settings.default_delta), settings)
    text_field = mixed_parts(plan, source.schema).text.text_field
    assert text_field is not None
    records = _text_records(source.data, text_field, state.get("home"))
    if records == 0:
        raise InputDataError(f"Every training row's '{text_field}' is empty.",
                             "Point --text-field at the column that holds the texts.")
    tried: dict[float, tuple[MixedParts, dict[str, Any], Any]] = {}

    def composed(scale: float) -> float:
        tried[scale] = _declare(state, with_scale(plan, scale), source.schema, records)
        if tried[scale][2] is None:
            return float("inf")
        return epsilon_of([tried[scale][2]], float(plan.delta or 0.0))

    fixed = SCALE_OPTION in plan.generator_options
    scale = float(plan.generator_options[SCALE_OPTION]) if fixed else fit_scale(composed, float(plan.epsilon or 0))
    if scale not in tried:
        composed(scale)
    parts, table, event = tried[scale]
    if event is None:
        return table
    plan = with_scale(plan, scale)
    accounted = check_composed(event, parts.split)
    mixed = {**parts.to_dict(), "table_event": table["planned_event"], "text_event": event_to_dict(event.events[1]),
             "composed_epsilon": accounted, "text_records": records, "device_preset": preset,
             "scales_tried": sorted(tried)}
    text = {"records": records, "train_units": records, "unit": "row", "text_field": text_field,
            "label_field": None, "conditioned_on": parts.conditions, "device_preset": preset}
    log.info("mixed.prepared", run_id=state.get("run_id"), split=parts.split.to_dict(), composed_epsilon=accounted)
    return {"plan": plan.model_dump(), "planned_event": event_to_dict(event), "fingerprint": source.fingerprint,
            "row_bound": bound, "status": "prepared", "mixed": mixed, "text": text}


@stops_on_error
def scrub_mixed(state: RunState) -> dict[str, Any]:
    """The table branch's PII scan of the structured columns; the text column scrubbed as in the text branch."""
    plan = plan_of(state)
    parts = _parts(plan)
    asked = list((state.get("pii") or {}).get("not_pii", []))
    texts = [c for c in parts.table.drop_columns if c not in plan.drop_columns]
    table = scrub_table({**table_state(state, parts), "pii": {"not_pii": sorted({*asked, *texts})}})
    if table.get("error"):
        return table
    pii = {**table["pii"], "not_pii": sorted(asked)}
    pii["pii_columns"] = [c for c in pii["pii_columns"] if c not in texts]
    pii["text"] = scrub_mixed_text(state, plan, parts)
    columns = [_text_outcome(row, parts) if row["column"] in texts else row for row in table["columns"]]
    return {"pii": pii, "columns": columns, "status": "scrubbed"}


def _text_outcome(row: dict[str, str], parts: MixedParts) -> dict[str, str]:
    if row["column"] != parts.text.text_field:
        return {**row, "kind": "text",
                "outcome": "free text: not in the synthetic table (only the named text column is written)"}
    on = f", conditioned on {', '.join(parts.conditions)}" if parts.conditions else ""
    return {**row, "kind": "text",
            "outcome": f"free text: PII-scrubbed, then written by {parts.text.generator} (DP-SGD){on}"}


def _scrubbed_corpus(state: RunState, plan: Plan, parts: MixedParts) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The scrubbed corpus; scrubbed again when a reviewer changed the PII action after the scan."""
    pii = dict(state.get("pii") or {})
    if (pii.get("text") or {}).get("scrubbed_with") != plan.pii_action:
        pii["text"] = scrub_mixed_text(state, plan, parts)
    claim_private_corpus(state["run_dir"])
    return read_private_corpus(state["run_dir"], parts.text), pii


@stops_on_error
def generate_mixed(state: RunState) -> dict[str, Any]:
    """The table part (first spend), then the text part (second spend) and one text per synthetic row."""
    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    parts = _parts(plan)
    table = generate_table(table_state(state, parts))
    if table.get("error"):
        return table
    corpus, pii = _scrubbed_corpus(state, plan, parts)
    train, _ = split_texts(corpus, parts.text, local_secret(settings.home))
    mixed = dict(state.get("mixed") or {})
    generator = text_generator(parts, settings, state.get("home"), int(mixed.get("text_records") or len(train)))
    committed: dict[str, Any] = {}
    schema = parts.text_schema()
    generator.fit(train[schema.names], schema, spend=spend_hook(state, parts.text, state.get("fingerprint"), committed))
    source = load_source(parts.table, state.get("fingerprint"))
    pending = Path(state["run_dir"]) / PENDING_FILE
    synthetic = read_synthetic(pending, source.schema)
    written, info = write_texts(generator, parts, parts.label_of(synthetic))
    synthetic[parts.text.text_field] = written
    synthetic = synthetic[[c for c in source.data.columns if c in synthetic.columns]]
    write_table(pending, synthetic, na_rep=missing_marker(source.schema))
    events = [table["generation"]["event"], committed["event"]]
    event = event_to_dict(composed_event(event_from_dict(events[0]), event_from_dict(events[1])))
    status = committed["status"]
    write_json(Path(state["run_dir"]) / LEDGER_FILE,  # both spends, and their composition (what the run spent)
               {"dataset": plan.dataset, "run_id": state["run_id"], "event": event, "events": events,
                "epsilon": plan.epsilon,
                "delta": plan.delta, "parts": {"table": {"epsilon": parts.split.table_epsilon, "delta":
                                                         parts.split.table_delta},
                                               "text": {"epsilon": parts.split.text_epsilon, "delta":
                                                        parts.split.text_delta}},
                "total_epsilon_after": status.planned_epsilon})
    budget = {**state.get("budget", {}), "spent_epsilon": status.planned_epsilon,
              "remaining_after": status.remaining_epsilon, "committed": True}
    text_part = {"generator": parts.text.generator, "epsilon": parts.split.text_epsilon,
                 "delta": parts.split.text_delta, "event": committed["event"], "train_texts": len(train),
                 "settings": dict(generator.config), "training": dict(generator.fit_info), **info}
    warnings = list(info.get("warnings", []))
    generation = {"generator": f"{plan.generator} + {parts.text.generator}", "modality": "mixed",
                  "rows": len(synthetic), "epsilon": plan.epsilon, "delta": plan.delta,
                  "event": event,
                  "parts": {"table": table["generation"], "text": text_part}, "split": parts.split.to_dict(),
                  "warnings": warnings}
    log.info("run.generated", run_id=state["run_id"], rows=len(synthetic), modality="mixed")
    return {"generation": generation, "budget": budget, "pii": pii, "status": "generated"}


@stops_on_error
def validate_mixed(state: RunState) -> dict[str, Any]:
    """The table validators on the structured columns, the text validators, and the row-text consistency."""
    from privsynth.agents.validators.text import validate_text  # heavy: imported when the node runs

    plan = plan_of(state)
    parts = _parts(plan)
    table = validate_table_node(table_state(state, parts))
    if table.get("error"):
        return table
    assert parts.text.text_field is not None
    corpus, _ = _scrubbed_corpus(state, plan, parts)
    train, holdout = split_texts(corpus, parts.text, local_secret(settings_for(state.get("home")).home))
    source = load_source(parts.table, state.get("fingerprint"))
    synthetic = read_synthetic(Path(state["run_dir"]) / PENDING_FILE, source.schema)
    synthetic = synthetic.loc[synthetic[parts.text.text_field].fillna("").astype(str).str.strip() != ""]
    field, labelled = parts.text.text_field, bool(parts.conditions)

    def labels(frame: pd.DataFrame | None) -> list[str] | None:
        return None if frame is None or not labelled else frame[LABEL_COLUMN].tolist()

    result = validate_text(train[field].tolist(), None if holdout is None else holdout[field].tolist(),
                           synthetic[field].tolist(), train_labels=labels(train), holdout_labels=labels(holdout),
                           synthetic_labels=parts.label_of(synthetic).tolist() if labelled else None,
                           level=plan.validation_level, seed=plan.seed or 0)
    text_validation = {"modality": "text", **result.to_report()}
    agreement = consistency(parts, train, holdout, synthetic)
    validation = {**table["validation"], "modality": "mixed", "text": text_validation, "consistency": agreement,
                  "holdout_fraction": HOLDOUT_FRACTION}
    release = release_of(table["release"], text_validation, agreement, plan.release_thresholds)
    return {"validation": validation, "release": release, "status": "validated"}
