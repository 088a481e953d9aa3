"""The Python API: ``synthesize`` (typed), ``run`` (a sentence) and ``resume`` (answer a checkpoint).

Each call runs the same compiled graph as the CLI and returns a :class:`RunResult`. A run that stops on
bad input raises the matching :mod:`privsynth.errors` exception (nothing was spent); a run waiting at a
human checkpoint returns with ``status == "waiting"`` and the checkpoint's question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from langgraph.types import Command
from pydantic import ValidationError

from privsynth import errors
from privsynth.agents.planner.plan import PIIAction, Plan, ValidationLevel
from privsynth.config import load_settings
from privsynth.graphs.build import build_graph, default_checkpointer
from privsynth.graphs.context import ledger_for, resolve_dataset, schema_for
from privsynth.graphs.nodes.failure import sweep_stale_runs
from privsynth.graphs.runfolder import new_run_id, read_synthetic, write_json
from privsynth.graphs.summary import summary_lines


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        run_id: The run id (use it with ``privsynth review``).
        status: ``released``, ``waiting`` (a checkpoint needs a person), ``held`` (the release policy failed the
            release: it waits for a person at the release checkpoint, even with ``--yes``) or ``rejected``.
        run_dir: The run folder.
        plan: The plan that ran.
        synthetic: The released synthetic table (None unless released).
        report: The run report (None unless released).
        epsilon_run: The epsilon this run spent (its target).
        epsilon_spent: The dataset's total epsilon after this run (PLD accountant).
        epsilon_remaining: What is left of the dataset's cap.
        waiting: The checkpoint's payload when ``status`` is ``waiting`` or ``held``.
    """

    run_id: str
    status: str
    run_dir: Path | None = None
    plan: Plan | None = None
    synthetic: pd.DataFrame | None = None
    report: dict[str, Any] | None = None
    epsilon_run: float | None = None
    epsilon_spent: float | None = None
    epsilon_remaining: float | None = None
    waiting: dict[str, Any] | None = None
    state: dict[str, Any] = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        """A few human-readable lines about the run (:mod:`privsynth.graphs.summary`)."""
        return "\n".join(summary_lines(self))


def _config(run_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": run_id}}


def _raise_if_stopped(state: dict[str, Any], run_id: str) -> None:
    error = state.get("error")
    if not error:
        return
    cls = getattr(errors, str(error.get("type")), errors.PrivsynthError)
    if not (isinstance(cls, type) and issubclass(cls, errors.PrivsynthError)):
        cls = errors.PrivsynthError
    exc = cls.__new__(cls)
    if error.get("problem") is not None:
        errors.PrivsynthError.__init__(exc, error["problem"], error.get("fix"))
    else:
        errors.PrivsynthError.__init__(exc, error["message"])
    if error.get("overshoot") is not None:
        exc.overshoot = error["overshoot"]  # type: ignore[attr-defined]
    exc.question = error.get("question")  # type: ignore[attr-defined]
    exc.run_id = run_id  # type: ignore[attr-defined]
    raise exc


PLAN_NODE = "plan"
DATASET_FILE = "dataset.json"


def _settle_dataset(graph: Any, config: dict[str, Any], settings: Any) -> None:
    """After planning, before anything is read for a spend: fix whose budget the run uses.

    A file the ledger knows under another name runs under that name's budget (with a notice kept in the run
    folder's ``dataset.json``, shown at the checkpoint and in the summary); an explicit new name for it stops
    the run here, with nothing spent (:func:`privsynth.graphs.context.resolve_dataset`).
    """
    snapshot = graph.get_state(config)
    values = snapshot.values
    if not snapshot.next or values.get("error") or not values.get("plan"):
        return
    plan = Plan.model_validate(values["plan"])
    try:
        resolution = resolve_dataset(plan, settings)
    except errors.PrivsynthError as exc:
        graph.update_state(config, {"status": "stopped", "error": {
            "type": type(exc).__name__, "message": str(exc), "problem": exc.problem, "fix": exc.fix,
            "overshoot": None, "question": None, "node": "resolve_dataset"}}, as_node=PLAN_NODE)
        return
    if resolution is None:
        return
    if resolution.notice and values.get("run_dir"):
        write_json(Path(values["run_dir"]) / DATASET_FILE, {"requested": resolution.requested,
                                                            "dataset": resolution.dataset,
                                                            "notice": resolution.notice})
    if resolution.dataset != plan.dataset:
        graph.update_state(config, {"plan": {**values["plan"], "dataset": resolution.dataset},
                                    "dataset": resolution.dataset}, as_node=PLAN_NODE)


def _dataset_notice(state: dict[str, Any]) -> str | None:
    """The run's dataset notice ("this file is registered as 'insurance'; its budget applies."), if any."""
    path = Path(state["run_dir"]) / DATASET_FILE if state.get("run_dir") else None
    if path is None or not path.is_file():
        return None
    return json.loads(path.read_text()).get("notice")


def _actual_budget(state: dict[str, Any], settings: Any) -> tuple[float, float] | None:
    """The dataset's spent and remaining epsilon as the ledger has them now (after any decision)."""
    if settings is None or not state.get("dataset") or not state.get("budget"):
        return None
    status = ledger_for(settings, state.get("row_bound")).status(state["dataset"])
    return status.spent_epsilon, status.remaining_epsilon


def _result(graph: Any, run_id: str, settings: Any = None) -> RunResult:
    snapshot = graph.get_state(_config(run_id))
    state = dict(snapshot.values)
    _raise_if_stopped(state, run_id)
    notice = _dataset_notice(state)
    if notice and state.get("budget"):
        earlier = state["budget"].get("notice")
        state["budget"] = {**state["budget"], "notice": f"{notice} {earlier}" if earlier else notice}
    plan = Plan.model_validate(state["plan"]) if state.get("plan") else None
    budget = state.get("budget") or {}
    result = RunResult(run_id=run_id, status=state.get("status", "unknown"), plan=plan, state=state,
                       run_dir=Path(state["run_dir"]) if state.get("run_dir") else None,
                       epsilon_run=plan.epsilon if plan and budget.get("committed") else None,
                       epsilon_spent=budget.get("spent_epsilon"), epsilon_remaining=budget.get("remaining_after"))
    interrupts = [i for task in snapshot.tasks for i in task.interrupts]
    actual = None if interrupts else _actual_budget(state, settings)
    if actual is not None:  # a finished run (a rejection included) shows the ledger's figures, not the plan's
        result.epsilon_spent, result.epsilon_remaining = actual
    if interrupts:
        result.waiting = {**interrupts[0].value, **({"dataset_notice": notice} if notice else {})}
        held = result.waiting.get("checkpoint") == "before_release" and result.waiting.get("verdict") == "fail"
        result.status = "held" if held else "waiting"
    outputs = state.get("outputs") or {}
    if state.get("status") == "released" and outputs:
        schema = schema_for(plan) if plan is not None else None
        result.synthetic = read_synthetic(Path(outputs["synthetic"]), schema)
        result.report = json.loads(Path(outputs["report_json"]).read_text())
    return result


def _graph_for(home: str | Path | None) -> tuple[Any, Any]:
    """The settings of a home folder and the graph with that home's checkpointer.

    The home travels in the settings and the run's state only; the process environment is left as it is.
    """
    settings = load_settings(Path(home).expanduser() if home is not None else None)
    graph = build_graph(checkpointer=default_checkpointer(settings.checkpoint_path))
    sweep_stale_runs(graph, settings.runs_dir)  # private corpus copies of killed runs go at the next start
    return settings, graph


def _start(initial: dict[str, Any], home: str | Path | None) -> RunResult:
    settings, graph = _graph_for(home)
    run_id = new_run_id()
    config = _config(run_id)
    graph.invoke({**initial, "run_id": run_id, "home": str(settings.home), "reviews": []}, config,
                 interrupt_after=[PLAN_NODE])  # the dataset's name is settled before anything is read
    _settle_dataset(graph, config, settings)
    if graph.get_state(config).next:
        graph.invoke(None, config)
    return _result(graph, run_id, settings)


def waiting_checkpoint(run_id: str, *, home: str | Path | None = None) -> tuple[str, dict[str, Any] | None]:
    """What a run is waiting for, without answering it.

    Returns:
        ``(status, payload)``: the checkpoint's payload (plan, budget, PII findings; or the release verdict), or
        None when the run is not waiting.

    Raises:
        privsynth.errors.RunNotFoundError: No run with this id in the home folder.
    """
    settings, graph = _graph_for(home)
    snapshot = graph.get_state(_config(run_id))
    if not snapshot.values:
        raise errors.RunNotFoundError(f"No run with id '{run_id}' in {settings.home}.",
                                      "Copy the run id from the run's summary, or list the runs in "
                                      f"{settings.runs_dir}.")
    try:
        result = _result(graph, run_id, settings)
    except errors.PrivsynthError:
        return str(snapshot.values.get("status") or "stopped"), None
    return result.status, result.waiting


def synthesize(source: str | Path, *, epsilon: float, delta: float | None = None, schema: str | Path | None = None,
               rows: int | None = None, generator: str | None = None, dataset: str | None = None,
               pii: PIIAction = "drop", target: str | None = None, drop_columns: list[str] | None = None,
               encoding: str | None = None, conditions: dict[str, Any] | None = None,
               out: str | Path | None = None,
               seed: int | None = 0, review: bool = False,
               release_thresholds: dict[str, dict[str, float]] | None = None,
               text_field: str | None = None, label_field: str | None = None, user_field: str | None = None,
               options: dict[str, Any] | None = None, validation: ValidationLevel = "full",
               home: str | Path | None = None) -> RunResult:
    """Make private synthetic data from a table or a text corpus in one call (the typed path through the graph).

    Args:
        source: The private table or text corpus (CSV, Parquet or JSONL).
        epsilon: Epsilon this run may spend (> 0).
        delta: Delta for this run; default ``min(1e-6, N**-1.1)`` with ``N`` a public bound on the rows (texts,
            users): the schema's declared row count or the power of ten at or above it.
        schema: Public schema or NIST data dictionary declaring every domain (for text: the label list).
        rows: Rows (texts) to generate; default as many as the source (a noisy count for tables).
        generator: A registered generator name; default ``aim`` for tables, ``dp_text_lm`` for text.
        dataset: The ledger's name for the data (default: the file's stem).
        pii: ``drop`` PII columns, ``fake`` them with fresh surrogates, or ``keep`` them out of the model; in
            text, ``drop`` replaces each entity with its tag and ``fake`` with a consistent surrogate.
        target: Column for utility checks (categorical: ROC AUC, numeric: R^2). A categorical target is also the
            workload key of aim and mst when the schema declares none (:mod:`privsynth.tools.tabular.workload`).
        drop_columns: Columns to leave out of the synthetic data; a column the schema gives no public domain
            stops the run until it is declared or dropped here.
        encoding: Text encoding of the source (default UTF-8), e.g. ``latin-1``.
        conditions: ``{column: category}`` every synthetic row must have (rebalancing: ``rows=4000,
            conditions={"fraud": "1"}``; without ``rows``, the matching rows of a full-size sample). Sampled
            from the fitted model (post-processing, no extra budget); checked against the schema before anything
            is spent. The validators compare with the real rows of the same slice.
        out: Also write the synthetic data here (``.csv``, ``.jsonl`` or ``.parquet``).
        seed: Seed of the non-private parts only (validators' subsamples, fake PII values). The DP noise is
            fresh OS entropy in every run; the same output again comes from :func:`privsynth.replay`.
        review: Stop at the human checkpoints (resume with :func:`resume`).
        release_thresholds: Overrides of the release policy's thresholds for this request.
        text_field: The text column: makes this a text request (synthetic text from a DP fine-tuned LM), or, on a
            table whose schema declares it ``"kind": "text"`` beside at least two structured columns, a mixed
            request (the table generator for the structured columns, the text LM for this column conditioned on
            each synthetic row; README "Tables with free-text columns").
        label_field: Label column to condition the text on (its labels come from the schema); for a mixed
            request, the categorical columns the text is conditioned on (``"Department Name, Rating"``).
        user_field: User column: user-level privacy (all of a user's texts are one unit).
        options: Generator options, e.g. ``{"epochs": 1, "max_tokens": 64}`` for ``dp_text_lm``.
        validation: ``full`` or ``basic`` validation (text: ``basic`` skips the embedding model).
        home: privsynth home folder (default ``$PRIVSYNTH_HOME`` or ``~/.privsynth``).

    Returns:
        The run's result.

    Raises:
        privsynth.errors.PrivsynthError: Bad input or over budget; nothing was spent.
    """
    try:
        fields: dict[str, Any] = {"generator": generator} if generator else {}
        plan = Plan(source=str(source), epsilon=epsilon, delta=delta, schema_path=str(schema) if schema else None,
                    rows=rows, dataset=dataset, pii_action=pii, target=target,
                    drop_columns=list(drop_columns or []), encoding=encoding, conditions=dict(conditions or {}),
                    out=str(out) if out else None, seed=seed, review=review,
                    release_thresholds=release_thresholds, text_field=text_field, label_field=label_field,
                    user_field=user_field, generator_options=dict(options or {}), validation_level=validation,
                    **fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise errors.ConfigError(f"Invalid argument {first['loc'][0]}: {first['msg']}.",
                                 "Check the value (epsilon > 0, 0 < delta < 1, rows > 0).") from exc
    return _start({"plan": plan.model_dump(), "skip_review": not review, "detect_text": generator is None}, home)


def run(sentence: str, *, review: bool = False, llm_model: str | None = None,
        home: str | Path | None = None) -> RunResult:
    """Run a natural-language request, e.g. ``"2000 rows like data.csv, epsilon 1, drop names"``.

    Args:
        sentence: The request.
        review: Stop at both human checkpoints (before generation and before release), as ``synthesize`` does;
            False skips them unless the release policy fails the release.
        llm_model: A litellm model string for planning (default: settings / offline parser).
        home: privsynth home folder.

    Raises:
        privsynth.errors.PlanningError: The sentence is unclear; ``.question`` says what to add.
    """
    from privsynth.graphs.intents import run_intent  # scrub, budget and review requests end here

    answered = run_intent(sentence, llm_model=llm_model, home=home, resume=resume)
    if answered is not None:
        return answered
    return _start({"request": sentence, "llm_model": llm_model, "skip_review": not review, "review": review}, home)


def resume(run_id: str, decision: str | dict[str, Any] = "approve", *, home: str | Path | None = None) -> RunResult:
    """Answer a waiting checkpoint and continue the run (works from a new process).

    Args:
        run_id: The waiting run.
        decision: ``"approve"``, ``"reject"`` or ``{"action": ..., "not_pii": [...]}``.
        home: privsynth home folder.

    Raises:
        privsynth.errors.RunNotFoundError: No such run, or it is not waiting.
    """
    settings, graph = _graph_for(home)
    snapshot = graph.get_state(_config(run_id))
    if not snapshot.values:
        raise errors.RunNotFoundError(f"No run '{run_id}' in {settings.checkpoint_path}.",
                                      "Check the run id and PRIVSYNTH_HOME.")
    if not any(task.interrupts for task in snapshot.tasks):
        raise errors.RunNotFoundError(f"Run '{run_id}' is not waiting for a review "
                                      f"(status: {snapshot.values.get('status')}).", "Nothing to answer.")
    graph.invoke(Command(resume=decision), _config(run_id))
    return _result(graph, run_id, settings)
