"""Requests that are not synthesis: scrub only, budget questions and review answers.

:func:`run_intent` is called first by :func:`privsynth.graphs.api.run`. It plans the sentence (offline or with
the configured LLM) and, for an intent other than ``synthesize``, runs it here and returns its result:

* ``scrub``: PII scrubbing of the source (:mod:`privsynth.graphs.scrub_intent`); a run folder with the plan,
  the counts and (without ``out``) the scrubbed copy; nothing is generated and nothing is spent.
* ``budget``: the ledger's figures for one dataset or all (remaining epsilon and history); spends nothing.
* ``review``: resumes the named run (or, for ``"last"``, the most recent run waiting for a review) with the
  decision, through the same ``resume`` the CLI's ``privsynth review`` uses.

For ``synthesize`` (and for an unclear request, which the graph's plan node turns into the same question) it
returns None and the graph runs as before. Nothing here spends budget: only the generate nodes do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privsynth.agents.planner.header import require_file
from privsynth.agents.planner.plan import Plan
from privsynth.agents.planner.planner import plan_request
from privsynth.config import Settings, load_settings
from privsynth.errors import ConfigError, PlanningError, RunNotFoundError
from privsynth.graphs.context import ledger_for
from privsynth.graphs.runfolder import PLAN_FILE, new_run_id, run_dir, write_json
from privsynth.logs import get_logger

log = get_logger(__name__)
SCRUB_FILE = "scrub.json"
MAX_RUNS_SEARCHED = 200


@dataclass
class IntentResult:
    """The result of a scrub or budget request; it has the attributes of a ``RunResult`` the CLI reads.

    Attributes:
        run_id: The run id (a scrub's run folder), or ``"budget"`` for a budget answer.
        status: ``released`` (the scrubbed copy was written) or ``answered`` (a budget answer).
        plan: The plan that ran.
        answer: What was found: scrub counts (never values), or the ledger's figures per dataset.
        lines: The summary a person reads.
        run_dir: The run folder, for a scrub.
    """

    run_id: str
    status: str
    plan: Plan
    answer: dict[str, Any]
    lines: list[str]
    run_dir: Path | None = None
    synthetic: Any = None
    report: dict[str, Any] | None = None
    waiting: dict[str, Any] | None = None
    epsilon_run: float | None = None
    epsilon_spent: float | None = None
    epsilon_remaining: float | None = None
    state: dict[str, Any] = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        """The result in a few human-readable lines."""
        return "\n".join(self.lines)


def _scrub(plan: Plan, sentence: str, settings: Settings) -> IntentResult:
    from privsynth.graphs.scrub_intent import scrub_source
    from privsynth.policies.pii_policy import PIIPolicy, resolve_hmac_secret

    require_file(plan.source or "")
    if PIIPolicy.from_plan(plan.pii_action, plan.pii).uses_hash:
        resolve_hmac_secret()  # no secret: a clear error before any file is written
    run_id = new_run_id()
    folder = run_dir(settings.runs_dir, run_id, create=True)
    write_json(folder / PLAN_FILE, {"request": sentence, "plan": plan.model_dump()})
    summary = scrub_source(plan, folder)
    write_json(folder / SCRUB_FILE, summary)
    found = ", ".join(f"{k}: {v}" for k, v in sorted(summary["entities"].items())) or "none"
    lines = [f"run {run_id}: scrubbed {summary['records']} records of {plan.source} -> {summary['out']}",
             f"PII found: {found}" + (f"; dropped columns: {', '.join(summary['dropped_columns'])}"
                                      if summary["dropped_columns"] else ""),
             f"policy: {plan.summary()}", summary["note"]]
    log.info("intent.scrub", run_id=run_id, records=summary["records"])
    return IntentResult(run_id=run_id, status="released", plan=plan, answer=summary, lines=lines, run_dir=folder)


def _budget(plan: Plan, settings: Settings) -> IntentResult:
    from privsynth.policies.accountant import epsilon_of

    ledger = ledger_for(settings)
    names = [plan.dataset] if plan.dataset else [d.name for d in ledger.datasets()]
    if plan.source and Path(plan.source).expanduser().is_file():  # a file: its ledger entry by content first
        from privsynth.tools.data.io import fingerprint_file

        known = ledger.find(plan.dataset, fingerprint_file(Path(plan.source).expanduser()))
        names = [known.name] if known is not None else names
    answer: dict[str, Any] = {}
    lines = []
    if not names:
        lines.append(f"no datasets in the ledger yet (a new dataset gets the default cap epsilon "
                     f"{ledger.default_cap[0]:g}, delta {ledger.default_cap[1]:g})")
    for name in names:
        status = ledger.status(name)
        if status.is_new:
            answer[name] = {"in_ledger": False, "cap_epsilon": status.cap_epsilon, "cap_delta": status.cap_delta}
            lines.append(f"{name}: not in the ledger yet, nothing spent; its first run gets the default cap epsilon "
                         f"{status.cap_epsilon:g}, delta {status.cap_delta:g}")
            continue
        history = [{"run_id": s.run_id, "generator": s.generator, "created_at": s.created_at,
                    "epsilon_at_cap_delta": epsilon_of([s.event], status.cap_delta), "epsilon": s.epsilon,
                    "delta": s.delta} for s in ledger.history(status.dataset)]
        answer[status.dataset] = {"in_ledger": True, "cap_epsilon": status.cap_epsilon,
                                  "cap_delta": status.cap_delta, "spent_epsilon": status.spent_epsilon,
                                  "remaining_epsilon": status.remaining_epsilon, "history": history}
        lines.append(f"{status.dataset}: remaining epsilon {status.remaining_epsilon:.3f} of cap "
                     f"{status.cap_epsilon:g} (spent {status.spent_epsilon:.3f}, all runs composed at the cap's "
                     f"delta {status.cap_delta:g}); {len(history)} run(s)")
        lines += [f"  {h['created_at']}  run {h['run_id']}  {h['generator']}  epsilon {h['epsilon_at_cap_delta']:.3f}"
                  for h in history]
    lines.append("(a budget question spends nothing)")
    return IntentResult(run_id="budget", status="answered", plan=plan, answer=answer, lines=lines)


def _review(plan: Plan, settings: Settings, resume: Callable[..., Any], home: str | Path | None) -> Any:
    decision = plan.decision or "reject"
    if plan.run_id and plan.run_id != "last":
        return resume(plan.run_id, decision, home=home)
    runs = sorted((p.name for p in settings.runs_dir.iterdir() if p.is_dir()), reverse=True) \
        if settings.runs_dir.is_dir() else []
    for run_id in runs[:MAX_RUNS_SEARCHED]:
        try:
            return resume(run_id, decision, home=home)
        except RunNotFoundError:
            continue  # not waiting: look at the one before
    raise RunNotFoundError(f"No run is waiting for a review in {settings.runs_dir}.",
                           "Start one with `privsynth run \"...\"` (without --yes), or name the run id.")


def run_intent(sentence: str, *, llm_model: str | None = None, home: str | Path | None = None,
               resume: Callable[..., Any] | None = None) -> Any | None:
    """Run a scrub, budget or review request; None when the graph should run it (synthesize, or unclear).

    Args:
        sentence: The request.
        llm_model: A litellm model string for planning (default: settings / offline).
        home: privsynth home folder.
        resume: The API's ``resume(run_id, decision, home=...)``, for review answers.

    Returns:
        An :class:`IntentResult` (scrub, budget), the resumed run's result (review), or None.

    Raises:
        privsynth.errors.InputDataError: The source file does not exist (nothing was read or spent).
        privsynth.errors.RunNotFoundError: A review answer for no waiting run.
    """
    settings = load_settings(Path(home).expanduser() if home is not None else None)
    try:
        plan = plan_request(sentence, settings, llm_model=llm_model)
    except PlanningError:
        return None  # the graph's plan node asks the same question, in a run folder, spending nothing
    if plan.intent == "synthesize":
        return None  # the graph, conditions included (sampled from the fitted model, checked before any spend)
    if plan.intent == "review":
        if resume is None:
            raise ConfigError("A review answer needs the API's resume function.", "Call privsynth.run(...).")
        return _review(plan, settings, resume, home)
    if plan.intent == "budget":
        return _budget(plan, settings)
    return _scrub(plan, sentence, settings)
