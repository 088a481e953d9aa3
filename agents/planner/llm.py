"""Planning with an LLM through litellm's structured output, grounded in the sentence, with the offline fallback.

The LLM gets the plan's JSON schema (:class:`PlanAnswer`: the fields of ``privsynth plan --json`` plus
``question``) as ``response_format`` when the model supports JSON schemas (``litellm.supports_response_schema``),
else JSON mode, else the instructions alone. Its answer is validated into the same :class:`Plan` the offline
reader builds, then checked field by field against the sentence (:mod:`.grounding`). A question in the answer is
the planner's question. Anything else unusable (not JSON, an invalid field, an ungrounded value, a failed call)
falls back to the offline reader with a :class:`PlannerFallbackWarning`; with a litellm ``mock_response`` no call
leaves the machine, which is how the tests run.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from privsynth.agents.planner import parse as planner_parse
from privsynth.agents.planner.grounding import ungrounded
from privsynth.agents.planner.header import read_header
from privsynth.agents.planner.plan import EntityAction, Plan
from privsynth.errors import PlanningError
from privsynth.logs import get_logger

log = get_logger(__name__)

SYSTEM_PROMPT = """You turn one request to privsynth (private synthetic data) into a JSON plan.
Answer with exactly one JSON object and nothing else. Leave out a field to use its default.
- "intent": "synthesize" (default: make synthetic data), "scrub" (only remove PII from a file, generate nothing),
  "budget" (a question about the privacy budget left or spent) or "review" (approve or reject a waiting run).
- "source": the input file exactly as written (.csv, .parquet, .jsonl, .txt); needed to synthesize or scrub.
- "epsilon" (number > 0): the privacy budget the request states; needed to synthesize.
- "delta" (number in (0, 1)): only if the request states one.
- "rows" (integer > 0): rows to generate ("10k" -> 10000); leave out for as many as the source.
- "modality": "tabular" (default) or "text" (free-text corpora: notes, tickets, reviews, messages).
- "generator": a generator name, only if the request names one.{generators}
- "schema_path", "out": the schema file and where to save the output, only if given.
- "target": the column to predict ("target income", "predict column is fraud").
- "text_field", "label_field": the text column and the label column of a text corpus.
- "dataset": the dataset's ledger name, if given; for a budget question, the dataset it asks about.
- "pii_action": the action for PII in general: "drop" (default to synthesize), "fake", "keep", and for a scrub
  also "mask", "hash", "tag" (default to scrub) or "redact".
- "pii": actions per entity type the request names, e.g. {{"US_SSN": "mask", "EMAIL_ADDRESS": "fake",
  "PERSON": "keep", "PHONE_NUMBER": "drop"}}; an identifier column such as "employee ids" is "EMPLOYEE_ID".
- "conditions": column values the synthetic rows must have ("only the northeast region" -> {{"region":
  "northeast"}}, "rows of fraud=1" -> {{"fraud": 1}}).
- "review" (true if the person wants to review before generation and release).
- "run_id" (a run id, or "last" for the last/latest run) and "decision" ("approve" or "reject") for a review.
Never invent a file, a number, a column or a run id that the request does not contain. If the request is unclear,
contradictory (two epsilons), or lacks what its intent needs, answer {{"question": "<one short question>"}}."""


class PlannerFallbackWarning(UserWarning):
    """The LLM's plan was unusable, so the offline reader planned the request instead."""


class PlanAnswer(BaseModel):
    """The JSON schema the LLM answers in: the plan's public fields, or a question."""

    question: str | None = None
    intent: Literal["synthesize", "scrub", "budget", "review"] | None = None
    modality: Literal["tabular", "text"] | None = None
    source: str | None = None
    rows: int | None = None
    epsilon: float | None = None
    delta: float | None = None
    target: str | None = None
    text_field: str | None = None
    label_field: str | None = None
    generator: str | None = None
    schema_path: str | None = None
    out: str | None = None
    review: bool | None = None
    pii_action: EntityAction | None = None
    pii: dict[str, EntityAction] | None = None
    conditions: dict[str, str | int | float | bool] | None = None
    dataset: str | None = None
    run_id: str | None = None
    decision: Literal["approve", "reject"] | None = None


def _litellm() -> Any:
    """Import litellm lazily (slow), without letting it fetch its cost map from the network."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


def system_prompt() -> str:
    """The instructions, with the registered generators listed."""
    generators = planner_parse.known_generators()
    listed = ""
    if generators:
        listed = " Registered: " + ", ".join(f"{name} ({kind})" for name, kind in generators.items()) + "."
    return SYSTEM_PROMPT.format(generators=listed)


def response_format(litellm: Any, model: str) -> dict[str, Any] | None:
    """The structured-output request for a model: its JSON schema, else JSON mode, else None (prompt only)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*ReadOnly.* qualifier", category=UserWarning)
        try:
            if litellm.supports_response_schema(model=model):
                return {"type": "json_schema", "json_schema": {"name": "privsynth_plan", "strict": False,
                                                               "schema": PlanAnswer.model_json_schema()}}
            if "response_format" in (litellm.get_supported_openai_params(model=model) or []):
                return {"type": "json_object"}
        except Exception:  # an unknown provider: ask for JSON in the prompt only
            return None
    return None


def extract_json(content: str | None) -> dict[str, Any]:
    """Parse the JSON object in an LLM answer, accepting ```json fences and text around the object.

    Raises:
        ValueError: No JSON object in the answer.
    """
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


def canonical_entity(key: str) -> str:
    """An entity key as the offline reader writes it (``"SSN"`` -> ``US_SSN``, ``"employee ids"`` -> ``EMPLOYEE_ID``).

    Presidio names stay as they are; other words are read as the PII reader reads them.
    """
    from privsynth.agents.planner.pii_words import read_pii
    from privsynth.policies.pii_policy import KNOWN_ENTITIES

    if key.upper() in KNOWN_ENTITIES:
        return key.upper()
    words = read_pii(f"mask {key.replace('_', ' ').lower()}").per_type
    return next(iter(words)) if len(words) == 1 else key.upper()


def _check_header(plan: Plan) -> None:
    """Ask back when a column the plan names is not in the source's header (when the file is there to read)."""
    from privsynth.agents.planner import columns as cols

    header = read_header(plan.source) if plan.source else None
    questions: list[str] = []
    for role, name in (("target", plan.target), ("text field", plan.text_field), ("label field", plan.label_field)):
        cols.ground(name, role, header, plan.source, questions)
    if questions:
        raise PlanningError(f"The request is unclear: {questions[0]}", "Name a column of the file.",
                            question=questions[0])


def plan_from_answer(data: dict[str, Any], sentence: str) -> Plan:
    """Validate an LLM's JSON object into a grounded Plan.

    Raises:
        PlanningError: The answer is a question.
        ValueError: An invalid or ungrounded field.
    """
    question = data.get("question")
    if isinstance(question, str) and question.strip():
        raise PlanningError(f"The request is unclear: {question.strip()}",
                            f"Rephrase it, e.g. {planner_parse.EXAMPLE}.", question=question.strip())
    values = {k: v for k, v in data.items() if k != "question" and v is not None and v != "" and v != {}}
    named = values.get("generator")
    if named is not None and not re.search(re.escape(str(named)), sentence, re.IGNORECASE):
        raise ValueError(f"the generator '{named}' is not in the request")
    if "generator" not in values:
        modality = values.get("modality") or ("text" if values.get("text_field") else "tabular")
        values["generator"] = planner_parse.default_generator(modality)
    if isinstance(values.get("pii"), dict):
        values["pii"] = {canonical_entity(str(k)): v for k, v in values["pii"].items()}
    if values.get("intent") == "scrub" and "pii_action" not in values:
        values["pii_action"] = planner_parse.SCRUB_DEFAULT
    try:
        plan = Plan.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"invalid field {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    reason = ungrounded(plan, sentence)
    if reason:
        raise ValueError(reason)
    _check_header(plan)
    return plan


def plan_with_llm(sentence: str, model: str, *, mock_response: str | None = None) -> Plan:
    """Plan a request with an LLM through ``litellm.completion`` and structured output.

    Args:
        sentence: The request.
        model: A litellm model string, e.g. ``"openai/gpt-4o-mini"`` or ``"ollama/llama3"``.
        mock_response: A canned answer (litellm's ``mock_response``): no network call is made.

    Returns:
        The validated, grounded plan; an unusable answer or a failed call falls back to the offline reader
        with a :class:`PlannerFallbackWarning`.

    Raises:
        PlanningError: The LLM asked a question, or the offline fallback could not read the request.
    """
    litellm = _litellm()
    kwargs: dict[str, Any] = {"temperature": 0, "drop_params": True, "timeout": 60}
    structured = response_format(litellm, model)
    if structured is not None:
        kwargs["response_format"] = structured
    if mock_response is not None:
        kwargs["mock_response"] = mock_response
    messages = [{"role": "system", "content": system_prompt()}, {"role": "user", "content": sentence}]
    try:
        with warnings.catch_warnings():  # litellm's provider modules trip pydantic's ReadOnly notice on import
            warnings.filterwarnings("ignore", message=r".*ReadOnly.* qualifier", category=UserWarning)
            response = litellm.completion(model=model, messages=messages, **kwargs)
        plan = plan_from_answer(extract_json(response.choices[0].message.content), sentence)
    except PlanningError:
        raise
    except Exception as exc:  # any unusable answer or failed call: plan offline, loudly
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = f"The LLM planner ({model}) gave no usable plan ({reason}); planning offline instead."
        warnings.warn(message, PlannerFallbackWarning, stacklevel=3)
        log.warning("planner.llm_fallback", model=model, reason=reason)
        return planner_parse.parse_offline(sentence)
    log.info("planner.llm_plan", model=model, plan=plan.summary())
    return plan
