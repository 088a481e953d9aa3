"""The graph's shared nodes (plan, budget gate) and the table branch's first ones. Each returns a state update.

Nodes raise :class:`~privsynth.errors.PrivsynthError` for bad input; :func:`stops_on_error` turns that
into a clean stop (``status="stopped"`` with the message) so that routing ends the run with nothing spent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from privsynth.agents.options import option_names
from privsynth.agents.planner.parse import DEFAULT_GENERATORS
from privsynth.agents.planner.plan import Plan
from privsynth.agents.planner.planner import plan_request
from privsynth.agents.registry import get_generator
from privsynth.errors import ConfigError, PlanningError, PrivsynthError
from privsynth.graphs.context import ledger_for, settings_for
from privsynth.graphs.preflight import check_output_path
from privsynth.graphs.runfolder import LEDGER_FILE, PLAN_FILE, run_dir, write_json
from privsynth.graphs.state import RunState
from privsynth.logs import get_logger
from privsynth.policies.accountant import supports
from privsynth.policies.delta import check_delta, default_delta
from privsynth.policies.events import event_from_dict, event_to_dict
from privsynth.policies.ledger import over_budget_error
from privsynth.tools.data.schema import TableSchema

log = get_logger(__name__)
Node = Callable[[RunState], dict[str, Any]]


def stops_on_error(node: Node) -> Node:
    """Turn a deliberate privsynth error inside a node into a clean stop of the run."""

    @functools.wraps(node)
    def wrapper(state: RunState) -> dict[str, Any]:
        try:
            return node(state)
        except PrivsynthError as exc:
            log.info("run.stopped", node=node.__name__, run_id=state.get("run_id"), error=str(exc))
            status = "needs_clarification" if isinstance(exc, PlanningError) else "stopped"
            return {"status": status, "error": {"type": type(exc).__name__, "message": str(exc),
                                                "problem": exc.problem, "fix": exc.fix,
                                                "overshoot": getattr(exc, "overshoot", None),
                                                "question": getattr(exc, "question", None), "node": node.__name__}}

    return wrapper


def plan_of(state: RunState) -> Plan:
    """The state's plan as a model."""
    assert state.get("plan") is not None
    return Plan.model_validate(state["plan"])


def with_delta(plan: Plan, bound: int, configured: float | None) -> Plan:
    """The plan with its delta fixed (the request's, else the default rule), refusing ``delta >= 1/bound``.

    Only a public bound on ``n`` is used (:mod:`privsynth.policies.delta`), so the delta reveals nothing more.

    Raises:
        ConfigError: The delta would allow publishing a record (or user) outright.
    """
    delta = plan.delta if plan.delta is not None else default_delta(bound, configured)
    check_delta(delta, bound, "delta", f"Use a delta below {1.0 / bound:.1g}, e.g. {min(1e-6, 0.1 / bound):.0e}.")
    return plan.model_copy(update={"delta": delta})


def modelled_schema(schema: TableSchema, pii_columns: list[str]) -> TableSchema:
    """The schema the generator sees: modelled columns that are not PII (relations to the others dropped)."""
    return schema.without([c.name for c in schema.columns if not c.modelled or c.name in pii_columns])


GRAPH_OPTIONS = frozenset({"schema", "target", "text_field", "label_field", "user_field", "records", "conditioned"})


def accepted_options(cls: type) -> frozenset[str] | None:
    """Option names a generator class declares (its ``Options`` model), or None when it declares none."""
    model = getattr(cls, "Options", None)
    return frozenset(option_names(model)) if model is not None else None


def generator_options(plan: Plan, home: str | None = None, cls: type | None = None) -> dict[str, Any]:
    """The generator's options: defaults from config.json's ``generator_options``, then the plan's.

    Args:
        plan: The plan.
        home: The privsynth home (its config.json).
        cls: The generator class, when the caller has already looked it up.

    Raises:
        ConfigError: An option the graph sets itself, or one the generator does not know.
    """
    options = {**settings_for(home).generator_options.get(plan.generator, {}), **plan.generator_options}
    reserved = sorted(set(options) & GRAPH_OPTIONS)
    if reserved:
        raise ConfigError(f"Generator option(s) {reserved} are set from the request itself.",
                          "Use --text-field / --label-field / --user-field / --target instead of --option.")
    accepted = accepted_options(cls or get_generator(plan.generator))
    unknown = sorted(set(options) - accepted) if accepted is not None else []
    if unknown:
        raise ConfigError(f"Generator '{plan.generator}' has no option(s) {unknown}.",
                          f"Use one of: {', '.join(sorted(accepted or []))}.")
    return options


def make_generator(plan: Plan, schema: TableSchema, home: str | None = None, **extra: Any):
    """Instantiate the plan's generator for a (PII-free) schema.

    The generator gets no seed: every run draws its DP noise from fresh OS entropy, whatever the plan's seed
    (a fixed noise seed would let two runs on one table be combined to cancel the noise). A bit-exact
    re-run is a replay of the stored run (``privsynth replay``), which spends nothing.

    Args:
        plan: The plan (its ``delta`` is set).
        schema: The schema the generator sees.
        home: The privsynth home (settings, secret).
        **extra: Options the graph derives from the data (text fields, number of training units).
    """
    cls = get_generator(plan.generator)
    assert plan.delta is not None
    accepted = accepted_options(cls)
    if plan.conditions and accepted is not None and "conditioned" in accepted:  # public: the request's columns
        extra = {"conditioned": sorted(plan.conditions), **extra}
    return cls(epsilon=plan.epsilon, delta=plan.delta, seed=None, schema=schema,
               target=plan.target, **{**generator_options(plan, home, cls), **extra})


@stops_on_error
def plan_node(state: RunState) -> dict[str, Any]:
    """Turn the request into a validated plan (or a clarifying question) and write plan.json."""
    settings = settings_for(state.get("home"))
    if state.get("plan"):
        plan = Plan.model_validate(state["plan"])
    else:
        plan = plan_request(state.get("request") or "", settings, llm_model=state.get("llm_model"))
    if state.get("detect_text") or (state.get("request") and plan.generator == DEFAULT_GENERATORS["tabular"]):
        from privsynth.graphs.nodes.text_corpus import detect_text_column

        found = detect_text_column(plan)
        if found:  # a text corpus asked for without naming its text column: the text generator, on that column
            plan = plan.model_copy(update={"modality": "text", "text_field": found, "generator": "dp_text_lm"})
    from privsynth.agents.planner.mixed import to_mixed

    plan = to_mixed(plan)  # a text column of a table with structured columns: the mixed branch
    if state.get("review"):  # the caller asked for the checkpoints (API review=True, CLI without --yes)
        plan = plan.model_copy(update={"review": True})
    plan = plan.model_copy(update={
        "source": str(Path(plan.source).expanduser().resolve()),
        "schema_path": str(Path(plan.schema_path).expanduser().resolve()) if plan.schema_path else None,
        "dataset": plan.dataset or Path(plan.source).stem,
    })
    cls = get_generator(plan.generator)  # unknown generator: clear error before anything else
    if cls.modality != ("tabular" if plan.modality == "mixed" else plan.modality):
        raise ConfigError(f"Generator '{plan.generator}' makes {cls.modality} data, but this request is a "
                          f"{plan.modality} request.", "Leave out --generator to use the default for the data, or "
                          "pick one from `privsynth generators`.")
    checked = plan
    if plan.modality == "mixed":  # the table generator's options (text.<knob> and text_share: checked at prepare)
        from privsynth.agents.planner.mixed import split_options

        checked = plan.model_copy(update={"generator_options": split_options(plan.generator_options)[0]})
    generator_options(checked, state.get("home"), cls)  # unknown options: clear error before reading any data
    check_output_path(plan.out)  # an --out that cannot be written: refused before reading any data
    if plan.modality == "text":
        from privsynth.graphs.nodes.text_corpus import check_out

        check_out(plan)
    folder = run_dir(settings.runs_dir, state["run_id"], create=True)
    write_json(folder / PLAN_FILE, {"request": state.get("request"), "plan": plan.model_dump()})
    return {"plan": plan.model_dump(), "status": "planned", "run_dir": str(folder), "dataset": plan.dataset}


def prepared(plan: Plan, generator: Any, fingerprint: str, bound: int, extra: dict[str, Any]) -> dict[str, Any]:
    """The state update of a modality's prepare node: the plan with its delta and the generator's declared event.

    Raises:
        ConfigError: The accountant cannot compose the declared event.
    """
    event = generator.privacy_event()
    if not supports(event):
        raise ConfigError(f"Generator '{plan.generator}' declares an event the accountant cannot compose.",
                          "Fix the generator's privacy_event().")
    return {"plan": plan.model_dump(), "planned_event": event_to_dict(event), "fingerprint": fingerprint,
            "row_bound": bound, "status": "prepared", **extra}


@stops_on_error
def budget_gate(state: RunState) -> dict[str, Any]:
    """The central privacy-budget policy: refuse a plan that would pass the dataset's cap. Spends nothing.

    Every modality reaches this node with the plan's declared event (``planned_event``) and a public row bound.
    """
    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    event = event_from_dict(state["planned_event"])
    bound = int(state["row_bound"])
    status = ledger_for(settings, bound).status(plan.dataset, state.get("fingerprint"), event)
    check_delta(status.cap_delta, bound, f"The cap's delta of dataset '{status.dataset}'",
                f"Set a smaller cap delta with `privsynth budget set {status.dataset} --epsilon "
                f"{status.cap_epsilon:g} --delta {min(1e-6, 0.1 / bound):.0e}`.")
    if not status.fits:
        raise over_budget_error(status)
    budget = {"dataset": status.dataset, "is_new": status.is_new, "cap_epsilon": status.cap_epsilon,
              "cap_delta": status.cap_delta, "spent_epsilon": status.spent_epsilon,
              "spent_epsilon_rdp": status.spent_epsilon_rdp, "planned_epsilon": status.planned_epsilon,
              "run_epsilon_at_cap_delta": status.run_epsilon, "remaining_after": status.remaining_epsilon}
    if status.is_new:
        budget["notice"] = (f"Dataset '{status.dataset}' is new: it gets the default cap epsilon "
                            f"{status.cap_epsilon:g}, delta {status.cap_delta:g} (change it with `privsynth budget set "
                            f"{status.dataset} --epsilon E --delta D`).")
    return {"status": "gated", "budget": budget, "dataset": status.dataset}


def spend_hook(state: RunState, plan: Plan, fingerprint: str | None,
               committed: dict[str, Any]) -> Callable[[Any], None]:
    """The ``spend`` callback a generator calls as it starts reading: commit to the ledger, write ledger.json.

    Args:
        state: The run's state.
        plan: The plan (its ``delta`` is set).
        fingerprint: The source's fingerprint.
        committed: Filled with the committed event and the ledger status.
    """
    ledger = ledger_for(settings_for(state.get("home")), state.get("row_bound"))

    def spend(event: Any) -> None:
        status = ledger.commit_spend(plan.dataset or "", fingerprint, event, epsilon=plan.epsilon,
                                     delta=plan.delta or 0.0, run_id=state["run_id"], generator=plan.generator)
        committed.update(event=event_to_dict(event), status=status)
        write_json(Path(state["run_dir"]) / LEDGER_FILE,
                   {"dataset": plan.dataset, "run_id": state["run_id"], "event": committed["event"],
                    "epsilon": plan.epsilon, "delta": plan.delta, "total_epsilon_after": status.planned_epsilon})

    return spend
