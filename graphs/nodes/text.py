"""The graph's text branch: prepare, PII scrub, generate (the only spend) and validate.

The graph routes a text plan here by its edges (:mod:`privsynth.graphs.build`); the shared nodes (plan, budget
gate, reviews, release) are the same as for tables. What goes into the state are counts, settings and
metric values; the texts themselves stay in files (the source and the run's private scrubbed corpus).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from privsynth.agents.planner.plan import Plan
from privsynth.config import Settings, local_secret
from privsynth.errors import AccountingError, InputDataError
from privsynth.graphs.context import settings_for
from privsynth.graphs.nodes.shared import make_generator, plan_of, prepared, spend_hook, stops_on_error, with_delta
from privsynth.graphs.nodes.text_corpus import (
    HOLDOUT_COLUMN,
    PII_NOTE,
    TEXT_HOLDOUT_FRACTION,
    check_labels,
    claim_private_corpus,
    holdout_side,
    read_corpus,
    read_private_corpus,
    resolve_text_field,
    scrub_texts,
    split_texts,
    text_schema,
    units,
    write_private_corpus,
)
from privsynth.graphs.runfolder import PENDING_FILE, read_synthetic, write_table
from privsynth.graphs.state import RunState
from privsynth.logs import get_logger
from privsynth.policies.delta import public_row_bound
from privsynth.policies.text_release import evaluate_text_release
from privsynth.tools.data.io import read_table

log = get_logger(__name__)


def _text_fields(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The text generator's fields, and where its base model lives (this run's home, unless the user chose)."""
    fields: dict[str, Any] = {"text_field": plan.text_field, "label_field": plan.label_field,
                              "user_field": plan.user_field}
    chosen = {**settings.generator_options.get(plan.generator, {}), **plan.generator_options}
    if "cache_dir" not in chosen:
        fields["cache_dir"] = str(settings.model_cache_dir)
    if "base_model" not in chosen and settings.text_base_model:
        fields["base_model"] = settings.text_base_model
    return fields


def with_device_preset(plan: Plan, settings: Settings,
                       defaults: dict[str, Any] | None = None) -> tuple[Plan, dict[str, Any]]:
    """The plan with this machine's preset for every text knob neither the request nor config.json sets.

    Without CUDA that is :data:`~privsynth.tools.textgen.generator.CPU_PRESET`. It is decided once, before the
    event is declared, and kept in the plan's options, so that a resumed run (in another process) trains what
    was declared and the report shows it.

    Args:
        plan: The text plan.
        settings: The settings (config.json's generator options count as chosen).
        defaults: The knob values to fill in; None: this machine's
            (:func:`~privsynth.tools.textgen.generator.device_defaults`).

    Returns:
        ``(plan, the preset values applied)``.
    """
    from privsynth.tools.textgen.generator import device_defaults

    chosen = {**settings.generator_options.get(plan.generator, {}), **plan.generator_options}
    wanted = device_defaults() if defaults is None else defaults
    preset = {k: v for k, v in wanted.items() if k not in chosen}
    options = {**preset, **plan.generator_options}
    return plan.model_copy(update={"generator_options": options}), preset


def gate_text(state: RunState, plan: Plan, settings: Settings) -> tuple[Plan, Any, str, int, dict[str, Any]]:
    """Everything the budget gate checks for a text corpus, before any spend.

    Resolves the text column, reads the corpus (refusing one where every text is empty), checks the labels
    against the public schema (and refuses a single class), splits off the holdout, and builds the generator
    with the number of training units, so that its declared event (and an epsilon too small for the data)
    is known now.

    Returns:
        ``(plan with text field and delta, generator, fingerprint, units, extra state)``.
    """
    if not plan.text_field:
        header = list(read_table(plan.source, plan.encoding).columns)
        plan = plan.model_copy(update={"text_field": resolve_text_field(plan, header)})
    plan, preset = with_device_preset(plan, settings)
    schema = text_schema(plan)
    frame, fingerprint = read_corpus(plan)
    check_labels(frame, plan, schema)
    train, holdout = split_texts(frame, plan, local_secret(settings.home))
    records = units(train, plan)
    plan = with_delta(plan, public_row_bound(units(frame, plan)), settings.default_delta)
    generator = make_generator(plan, schema, state.get("home"), records=records, **_text_fields(plan, settings))
    try:
        generator.privacy_event()
    except AccountingError as exc:  # name the run's epsilon and data size, whichever part could not meet it
        if str(exc.problem).startswith(f"epsilon {plan.epsilon} is too small"):
            raise
        raise AccountingError(f"epsilon {plan.epsilon:g} is too small for the text generator on {records} training "
                              f"{'users' if plan.user_field else 'texts'} ({exc.problem.rstrip('.')}).",
                              "Raise epsilon, give public label proportions (--option label_proportions=...), or use "
                              "more training texts.") from exc
    text = {"records": records, "train_units": records, "holdout_units": 0 if holdout is None else units(holdout, plan),
            "unit": "user" if plan.user_field else "text", "text_field": plan.text_field,
            "label_field": plan.label_field, "user_field": plan.user_field, "device_preset": preset}
    return plan, generator, fingerprint, units(frame, plan), {"text": text}


@stops_on_error
def prepare_text(state: RunState) -> dict[str, Any]:
    """The text branch's prepare node: read the corpus, fix delta, declare the text generator's event."""
    settings = settings_for(state.get("home"))
    plan, generator, fingerprint, n, extra = gate_text(state, plan_of(state), settings)
    return prepared(plan, generator, fingerprint, public_row_bound(n), extra)


@stops_on_error
def scrub_text_node(state: RunState) -> dict[str, Any]:
    """The text branch's PII node (see :func:`scrub_text`)."""
    return scrub_text(state, plan_of(state))


def scrub_text(state: RunState, plan: Plan) -> dict[str, Any]:
    """Scan the text column for PII and transform it by the plan's action; keep only counts in the state.

    The scrubbed corpus (still private) goes to the run's private folder for the generate and validate nodes.
    """
    frame, fingerprint = read_corpus(plan)
    if fingerprint != state.get("fingerprint"):
        raise InputDataError(f"{plan.source} changed since this run was planned.", "Start a new run on the "
                             "current file.")
    assert plan.text_field is not None
    side = holdout_side(frame, plan, local_secret(settings_for(state.get("home")).home))
    texts, summary = scrub_texts(frame[plan.text_field].tolist(), plan.pii_action, plan.seed or 0, plan.pii)
    frame[plan.text_field] = texts
    frame[HOLDOUT_COLUMN] = side
    write_private_corpus(state["run_dir"], frame)
    pii = {"modality": "text", "text_field": plan.text_field, "action": plan.pii_action, "per_type": plan.pii,
           "scrubbed_with": plan.pii_action, **summary, "note": PII_NOTE, "findings": [], "pii_columns": []}
    log.info("text.scrubbed", run_id=state.get("run_id"), texts=summary["texts_scanned"],
             entities=summary["entity_counts"])
    return {"pii": pii, "status": "scrubbed"}


def _corpus(state: RunState, plan: Plan) -> Any:
    """The scrubbed corpus; scrubbed again when a reviewer changed the PII action after the scan."""
    pii = state.get("pii", {})
    if pii.get("scrubbed_with") != plan.pii_action:
        update = scrub_text(state, plan)
        state = {**state, **update}  # type: ignore[assignment]
    claim_private_corpus(state["run_dir"])  # this process works on it now (a sweep leaves it alone)
    return read_private_corpus(state["run_dir"], plan), state.get("pii", {})


def _target_texts(generator: Any, requested: int | None, has_holdout: bool) -> int:
    if requested is not None:
        return requested
    estimate = generator.estimated_rows() or 1
    return max(1, int(round(estimate / (1.0 - TEXT_HOLDOUT_FRACTION) if has_holdout else estimate)))


@stops_on_error
def estimate_text(state: RunState) -> dict[str, Any]:
    """Time a short probe of the text generator on dummy text, for the checkpoint before the spend.

    Runs only on the way to the generate checkpoint: it loads the base model and times one DP-SGD chunk and one
    sampling batch on a public filler sentence (:mod:`privsynth.tools.textgen.estimate`), so it reads no private
    text and spends nothing. A failed probe gives no estimate; it never stops the run.
    """
    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    text = state.get("text") or {}
    generator = make_generator(plan, text_schema(plan), state.get("home"), records=text.get("records"),
                               **_text_fields(plan, settings))
    wanted = plan.rows or int(text.get("records") or 0) + int(text.get("holdout_units") or 0) or 1
    try:
        estimate = generator.time_estimate(wanted).to_dict()
    except Exception as exc:  # an estimate is advice: a probe that fails (no model file, no memory) says so only
        estimate = {"summary": f"no time estimate (the probe failed: {type(exc).__name__})"}
    log.info("text.estimate", run_id=state.get("run_id"), summary=estimate["summary"])
    return {"text": {**text, "estimate": estimate}}


@stops_on_error
def generate_text(state: RunState) -> dict[str, Any]:
    """Fine-tune the DP text generator on the scrubbed training split and sample; the spend is committed first."""
    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    corpus, pii = _corpus(state, plan)
    train, holdout = split_texts(corpus, plan, local_secret(settings.home))
    text = state.get("text") or {}
    generator = make_generator(plan, text_schema(plan), state.get("home"), records=text.get("records"),
                               **_text_fields(plan, settings))
    committed: dict[str, Any] = {}
    schema = text_schema(plan)
    generator.fit(train[schema.names], schema, spend=spend_hook(state, plan, state.get("fingerprint"), committed))
    wanted = _target_texts(generator, plan.rows, holdout is not None)
    started = time.perf_counter()
    synthetic = generator.sample(wanted)
    info_sample = {"sample_seconds": round(time.perf_counter() - started, 1)}
    write_table(Path(state["run_dir"]) / PENDING_FILE, synthetic)
    info, config = dict(getattr(generator, "fit_info", {})), dict(getattr(generator, "config", {}))
    warnings = []
    if info.get("truncated"):
        warnings.append(f"{info['truncated']} of {info.get('units')} training texts were longer than max_tokens="
                        f"{config.get('max_tokens')} tokens and were cut (raise it with --option max_tokens=N).")
    if len(synthetic) < wanted:
        warnings.append(f"Generated {len(synthetic)} distinct texts of the {wanted} asked for: the model kept "
                        "repeating itself and duplicates were dropped.")
    status = committed["status"]
    budget = {**state.get("budget", {}), "spent_epsilon": status.planned_epsilon,
              "remaining_after": status.remaining_epsilon, "committed": True}
    generation = {"generator": plan.generator, "modality": "text", "rows": len(synthetic), "requested_rows": wanted,
                  "train_rows": len(train), "holdout_rows": 0 if holdout is None else len(holdout),
                  "train_units": text.get("records"), "unit": text.get("unit"), "event": committed["event"],
                  "epsilon": plan.epsilon, "delta": plan.delta, "warnings": warnings,
                  "settings": config, "training": {**info, **info_sample},
                  "estimate": text.get("estimate")}
    for warning in warnings:
        log.warning("text.generation_warning", run_id=state["run_id"], warning=warning)
    return {"generation": generation, "budget": budget, "pii": pii, "status": "generated"}


@stops_on_error
def validate_text_node(state: RunState) -> dict[str, Any]:
    """Validate synthetic texts against the scrubbed training texts and a real holdout; apply the text policy."""
    from privsynth.agents.validators.text import (
        validate_text,  # heavy: imported when the node runs, so the CLI starts fast
    )

    plan = plan_of(state)
    assert plan.text_field is not None
    corpus, _ = _corpus(state, plan)
    train, holdout = split_texts(corpus, plan, local_secret(settings_for(state.get("home")).home))
    synthetic = read_synthetic(Path(state["run_dir"]) / PENDING_FILE, text_schema(plan))
    label = plan.label_field

    def labels(frame: Any) -> list[str] | None:
        return None if frame is None or not label or label not in frame.columns else frame[label].tolist()

    result = validate_text(train[plan.text_field].tolist(),
                           None if holdout is None else holdout[plan.text_field].tolist(),
                           synthetic[plan.text_field].tolist(), train_labels=labels(train),
                           holdout_labels=labels(holdout), synthetic_labels=labels(synthetic),
                           level=plan.validation_level, seed=plan.seed or 0)
    validation = {"modality": "text", **result.to_report()}
    release = evaluate_text_release(validation, plan.release_thresholds)
    return {"validation": validation, "release": release, "status": "validated"}
