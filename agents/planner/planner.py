"""The planner: turns a one-sentence request into a typed :class:`~privsynth.agents.planner.plan.Plan`.

Offline by default: :func:`~privsynth.agents.planner.parse.parse_offline` reads the sentence with
deterministic rules. With an LLM configured (the ``llm_model`` argument, ``Settings.llm_model`` or
``$PRIVSYNTH_LLM_MODEL``, a litellm model string), the LLM plans with JSON output that is validated into the
same ``Plan``. A malformed or ungrounded LLM answer (not JSON, invalid fields, an epsilon, delta or file that
the sentence does not contain) falls back to the offline parser with a warning. Either way, an unclear
request raises :class:`~privsynth.errors.PlanningError` with a question, and planning never spends budget.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from typing import Any

from pydantic import ValidationError

from privsynth.agents.planner import parse as planner_parse
from privsynth.agents.planner.parse import EXAMPLE, numbers_in, parse_offline
from privsynth.agents.planner.pii_words import read_pii
from privsynth.agents.planner.plan import Plan
from privsynth.config import Settings
from privsynth.errors import PlanningError
from privsynth.logs import get_logger

__all__ = ["PlannerFallbackWarning", "parse_offline", "plan_request", "plan_with_llm", "resolve_llm_model"]

log = get_logger(__name__)

SYSTEM_PROMPT = """You turn one request for privacy-preserving synthetic data into a JSON plan for privsynth.
Answer with exactly one JSON object and nothing else. Fields (omit a field to use its default):
- "source" (string, required): path of the private input file exactly as written (.csv, .parquet, .jsonl, ...).
- "epsilon" (number > 0, required): the differential-privacy budget the request states.
- "delta" (number in (0, 1) or null): only if the request states one; null means automatic.
- "rows" (integer > 0 or null): rows to generate ("10,000" -> 10000, "10k" -> 10000); null = as many as the source.
- "modality": "tabular" (default) or "text" (free-text corpora).
- "generator" (string): generator name; default "aim" for tables.{generators}
- "schema_path" (string or null): path of the public schema / data dictionary, if given.
- "pii_action": "drop" (default; "drop names", "remove PII"), "fake" (replace PII with fake or surrogate
  values) or "keep" (only if the request explicitly says to keep PII).
- "target" (string or null): column to predict for utility checks ("target income", "predict income").
- "text_field", "label_field", "user_field" (strings or null): text column, label column and user column of a
  text corpus (a text request is modality "text", generator "dp_text_lm" unless the request names another).
- "dataset" (string or null): dataset name for the privacy ledger, if given ("dataset name clinic").
- "out" (string or null): where to save the synthetic data, if given ("save to out.csv").
- "seed" (integer, default 0) and "review" (boolean, true if the person wants to review before release).
Never invent or guess a file, an epsilon or a delta. If the request does not give the input file or the
epsilon, or is unclear or contradictory, answer {{"question": "<one short question to the person>"}} instead."""


class PlannerFallbackWarning(UserWarning):
    """The LLM's plan was unusable, so the offline parser planned the request instead."""


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


def _litellm() -> Any:
    """Import litellm lazily (slow), without letting it fetch its cost map from the network."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


def _system_prompt() -> str:
    generators = planner_parse.known_generators()
    listed = ""
    if generators:
        listed = " Registered: " + ", ".join(f"{name} ({kind})" for name, kind in generators.items()) + "."
    return SYSTEM_PROMPT.format(generators=listed)


def _extract_json(content: str | None) -> dict[str, Any]:
    """Parse the JSON object in an LLM answer, accepting ```json fences and text around the object."""
    if not content or not content.strip():
        raise ValueError("the answer is empty")
    text = content.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL | re.IGNORECASE)
    if fenced:
        text = fenced.group(1).strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            raise ValueError("the answer is not JSON") from None
        try:
            data = json.loads(text[start:end + 1])
        except json.JSONDecodeError as exc:
            raise ValueError(f"the answer is not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("the answer is JSON but not an object")
    return data


def _grounded(plan: Plan, sentence: str) -> str | None:
    """Why an LLM plan is not supported by the sentence (an invented file, epsilon, delta or 'keep'), or None."""
    numbers = numbers_in(sentence)

    def stated(value: float) -> bool:
        return any(math.isclose(value, n, rel_tol=1e-9) for n in numbers)

    name = plan.source.replace("\\", "/").rsplit("/", 1)[-1]
    if plan.source not in sentence and name not in sentence:
        return f"the source '{plan.source}' is not in the request"
    if not stated(plan.epsilon):
        return f"epsilon {plan.epsilon:g} is not stated in the request"
    if plan.delta is not None and not stated(plan.delta):
        return f"delta {plan.delta:g} is not stated in the request"
    if plan.pii_action == "keep" and read_pii(sentence).default != "keep":
        return "the request does not ask to keep PII"
    return None


def _plan_from_answer(data: dict[str, Any], sentence: str) -> Plan:
    """Validate an LLM's JSON object into a Plan (raises PlanningError for a question, ValueError otherwise)."""
    question = data.get("question")
    if isinstance(question, str) and question.strip():
        raise PlanningError(f"The request is unclear: {question.strip()}", f"Rephrase it, e.g. {EXAMPLE}.",
                            question=question.strip())
    values = {k: v for k, v in data.items() if k != "question" and v is not None and v != ""}
    if "generator" not in values:
        modality = values.get("modality") or ("text" if values.get("text_field") else "tabular")
        values["generator"] = planner_parse.default_generator(modality)
    try:
        plan = Plan.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"invalid field {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    reason = _grounded(plan, sentence)
    if reason:
        raise ValueError(reason)
    return plan


def plan_with_llm(sentence: str, model: str, *, mock_response: str | None = None) -> Plan:
    """Plan a request with an LLM through ``litellm.completion``.

    Args:
        sentence: The request.
        model: A litellm model string, e.g. ``"openai/gpt-4o-mini"`` or ``"ollama/llama3"``.
        mock_response: A canned answer (litellm's ``mock_response``): no network call is made.

    Returns:
        The validated plan; an unusable answer or a failed call falls back to :func:`parse_offline` with a
        :class:`PlannerFallbackWarning`.

    Raises:
        PlanningError: The LLM asked a question, or the offline fallback could not read the request.
    """
    litellm = _litellm()
    kwargs: dict[str, Any] = {"temperature": 0, "drop_params": True, "timeout": 60}
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*ReadOnly.* qualifier", category=UserWarning)
            supported = litellm.get_supported_openai_params(model=model) or []
        if "response_format" in supported:
            kwargs["response_format"] = {"type": "json_object"}
    except Exception:  # unknown provider: ask for JSON in the prompt only
        pass
    if mock_response is not None:
        kwargs["mock_response"] = mock_response
    messages = [{"role": "system", "content": _system_prompt()}, {"role": "user", "content": sentence}]
    try:
        with warnings.catch_warnings():  # litellm's provider modules trip pydantic's ReadOnly notice on import
            warnings.filterwarnings("ignore", message=r".*ReadOnly.* qualifier", category=UserWarning)
            response = litellm.completion(model=model, messages=messages, **kwargs)
        data = _extract_json(response.choices[0].message.content)
        plan = _plan_from_answer(data, sentence)
    except PlanningError:
        raise
    except Exception as exc:  # any unusable answer or failed call: plan offline, loudly
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = f"The LLM planner ({model}) gave no usable plan ({reason}); planning offline instead."
        warnings.warn(message, PlannerFallbackWarning, stacklevel=3)
        log.warning("planner.llm_fallback", model=model, reason=reason)
        return parse_offline(sentence)
    log.info("planner.llm_plan", model=model, plan=plan.summary())
    return plan


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
    """
    model = resolve_llm_model(settings, llm_model)
    if not sentence or not sentence.strip() or model is None:
        plan = parse_offline(sentence)
    else:
        plan = plan_with_llm(sentence, model, mock_response=mock_response)
    _check_generator(plan)
    log.info("planner.plan", source=plan.source, generator=plan.generator, epsilon=plan.epsilon,
             llm=model is not None)
    return plan


def _check_generator(plan: Plan) -> None:
    """Ask back when the plan names a generator the registry does not know (if the registry loads)."""
    generators = planner_parse.known_generators()
    if generators and plan.generator not in generators:
        choices = ", ".join(sorted(generators))
        raise PlanningError(f"Unknown generator '{plan.generator}'.", f"Choose one of: {choices}.",
                            question=f"Which generator should I use: {choices}?")
