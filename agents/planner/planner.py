"""The planner: turns a one-sentence request into a typed :class:`~privsynth.agents.planner.plan.Plan`.

Offline by default: :func:`~privsynth.agents.planner.parse.parse_offline` reads the sentence part by part. With
an LLM configured (the ``llm_model`` argument, ``Settings.llm_model`` or ``$PRIVSYNTH_LLM_MODEL``, a litellm
model string), :func:`~privsynth.agents.planner.llm.plan_with_llm` plans through structured output, grounded
field by field in the sentence, falling back to the offline reader when the answer is unusable. Either way, an
unclear request raises :class:`~privsynth.errors.PlanningError` with a question, and planning never spends
budget. An LLM plan is remembered for the process (per model and sentence), so a request planned once by
``privsynth.run`` and again by the graph's plan node costs one call.
"""

from __future__ import annotations

import os

from privsynth.agents.planner import parse as planner_parse
from privsynth.agents.planner.choice import why_generator
from privsynth.agents.planner.conditions import checked_conditions
from privsynth.agents.planner.llm import PlannerFallbackWarning, plan_with_llm
from privsynth.agents.planner.mixed import to_mixed
from privsynth.agents.planner.parse import parse_offline
from privsynth.agents.planner.plan import Plan
from privsynth.config import Settings
from privsynth.errors import PlanningError
from privsynth.logs import get_logger

__all__ = ["PlannerFallbackWarning", "parse_offline", "plan_request", "plan_with_llm", "resolve_llm_model"]

log = get_logger(__name__)
_LLM_PLANS: dict[tuple[str, str], Plan] = {}
_CACHE_SIZE = 64


def resolve_llm_model(settings: Settings | None = None, llm_model: str | None = None) -> str | None:
    """The litellm model string to plan with, or ``None`` to plan offline.

    Args:
        settings: Loaded settings; their ``llm_model`` is used when ``llm_model`` is not given.
        llm_model: An explicit model string; wins over settings and environment.

    Returns:
        ``llm_model``, else ``settings.llm_model``, else ``$PRIVSYNTH_LLM_MODEL``, else ``None``.
    """
    return llm_model or (settings.llm_model if settings is not None else None) or (
        os.environ.get("PRIVSYNTH_LLM_MODEL") or None)


def _llm_plan(sentence: str, model: str, mock_response: str | None) -> Plan:
    if mock_response is not None:
        return plan_with_llm(sentence, model, mock_response=mock_response)
    key = (model, sentence)
    if key not in _LLM_PLANS:
        if len(_LLM_PLANS) >= _CACHE_SIZE:
            _LLM_PLANS.pop(next(iter(_LLM_PLANS)))
        _LLM_PLANS[key] = plan_with_llm(sentence, model)
    return _LLM_PLANS[key].model_copy(deep=True)


def plan_request(sentence: str, settings: Settings | None = None, *, llm_model: str | None = None,
                 mock_response: str | None = None) -> Plan:
    """Turn a request into a :class:`Plan`, with the configured LLM or offline.

    Args:
        sentence: The request, e.g. ``"10,000 synthetic rows like data/patients.csv, epsilon 1, drop names"``.
        settings: Settings; ``settings.llm_model`` selects an LLM planner.
        llm_model: A litellm model string that overrides the settings and ``$PRIVSYNTH_LLM_MODEL``.
        mock_response: A canned LLM answer for tests (used only when an LLM is configured).

    Returns:
        The validated plan.

    Raises:
        PlanningError: The request is unclear; ``question`` says what to clarify. Nothing has been spent.
        SchemaError: A condition is outside the public schema's domain (nothing has been read or spent).
    """
    model = resolve_llm_model(settings, llm_model)
    if not sentence or not sentence.strip() or model is None:
        plan = parse_offline(sentence)
    else:
        plan = _llm_plan(sentence, model, mock_response)
    _check_generator(plan)
    plan = to_mixed(plan)  # a text column of a table with structured columns: two generators, one budget
    if plan.conditions:
        plan = plan.model_copy(update={"conditions": checked_conditions(plan)})
    if plan.intent == "synthesize" and plan.why is None:
        plan = plan.model_copy(update={"why": why_generator(plan, sentence, planner_parse.known_generators())})
    log.info("planner.plan", intent=plan.intent, source=plan.source, generator=plan.generator,
             epsilon=plan.epsilon, llm=model is not None)
    return plan


def _check_generator(plan: Plan) -> None:
    """Ask back when a plan to synthesize names a generator the registry does not know (if the registry loads)."""
    generators = planner_parse.known_generators()
    if plan.intent == "synthesize" and generators and plan.generator not in generators:
        choices = ", ".join(sorted(generators))
        raise PlanningError(f"Unknown generator '{plan.generator}'.", f"Choose one of: {choices}.",
                            question=f"Which generator should I use: {choices}?")
