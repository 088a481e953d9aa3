"""Is an LLM's plan grounded in the sentence? Every value must be something the request says.

An LLM may answer with a plausible plan the person never asked for. :func:`ungrounded` refuses a plan with a
file, number, column name, run id, intent, PII action or review request that the sentence does not contain:

* files (source, schema, out): the path or its file name appears in the sentence;
* epsilon, delta, rows: the number is written in the sentence (digits or words; ``10k`` is 10000);
* target, text / label field, dataset, run id, condition columns and values: the name appears (case and
  separators aside);
* generator: named in the sentence, or the default for the modality;
* PII: each action's verb and each entity type's words appear; a non-default ``pii_action`` is stated;
* intent: the words of that intent appear (a decision word for a review, budget words for a budget
  question, scrubbing words for a scrub); ``review: true`` needs a review word.

The planner then falls back to the offline reader, which reads only what is written.
"""

from __future__ import annotations

import math
import re

from privsynth.agents.planner.numbers import numbers_in
from privsynth.agents.planner.pii_words import ENTITY_WORDS, GENERIC, read_pii
from privsynth.agents.planner.plan import Plan

_I = re.IGNORECASE
_ACTION_WORDS = {
    "drop": r"drop|remov|delet|strip|exclud|omit|discard|get\s+rid|leave\s+out|take\s+out",
    "fake": r"fake|replac|substitut|swap|surrogat|pseudonym|realistic|dummy",
    "keep": r"keep|leave|retain|preserv|don'?t|do\s+not|untouched|intact|without",
    "mask": r"mask|obscur|star|asterisk|obfuscat|hide|conceal",
    "hash": r"hash|hmac|tokeni",
    "tag": r"tag|label|placeholder",
    "redact": r"redact|black\s*out|blank|eras",
}
_INTENT_WORDS = {
    "scrub": r"scrub|redact|anonymi|de-?identif|sanitiz|sanitis|pseudonym|clean|mask|strip|remove|hash|don'?t|"
             r"do\s+not|without|no\s+synth|only",
    "budget": r"budget|spent|spend|ledger|left|remain|used|history",
    "review": r"approv|accept|ok|green|sign|confirm|releas|reject|declin|deny|refus|cancel|discard|abort|veto|"
              r"turn\s+down",
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _names(sentence: str, value: str) -> bool:
    return bool(_norm(value)) and _norm(value) in _norm(sentence)


def _file_named(sentence: str, path: str) -> bool:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return path in sentence or name in sentence


def _entity_named(sentence: str, key: str) -> bool:
    if key == "*":
        return bool(re.search(GENERIC, sentence, _I))
    patterns = [p for p, entity in ENTITY_WORDS if entity == key]
    if patterns:
        return any(re.search(rf"(?<!\w)(?:{p})(?!\w)", sentence, _I) for p in patterns)
    prefix = key.lower().removesuffix("_id")
    return bool(prefix) and prefix in sentence.lower()


def ungrounded(plan: Plan, sentence: str) -> str | None:
    """Why an LLM plan is not supported by the sentence, or None when every field is.

    Args:
        plan: The LLM's validated plan.
        sentence: The request.

    Returns:
        The first unsupported field, in words, or None.
    """
    numbers = numbers_in(sentence)

    def stated(value: float) -> bool:
        return any(math.isclose(value, n, rel_tol=1e-9) for n in numbers)

    if plan.intent != "synthesize" and not re.search(_INTENT_WORDS[plan.intent], sentence, _I):
        return f"the request does not ask for a {plan.intent}"
    for role, path in (("source", plan.source), ("schema", plan.schema_path), ("output", plan.out)):
        if path and not _file_named(sentence, path):
            return f"the {role} '{path}' is not in the request"
    for role, number in (("epsilon", plan.epsilon), ("delta", plan.delta), ("rows", plan.rows)):
        if number is not None and not stated(float(number)):
            return f"{role} {number:g} is not stated in the request"
    names = {"target": plan.target, "text field": plan.text_field, "label field": plan.label_field,
             "dataset": plan.dataset, "run id": plan.run_id if plan.run_id != "last" else None,
             **{f"condition column {k}": k for k in plan.conditions},
             **{f"condition value {v}": str(v) for v in plan.conditions.values()}}
    for role, value in names.items():
        if value and not _names(sentence, value):
            return f"the {role} '{value}' is not in the request"
    if plan.run_id == "last" and not re.search(r"last|latest|recent|previous|pending|waiting|current", sentence, _I):
        return "the request does not name the last run"
    default_pii = "tag" if plan.intent == "scrub" else "drop"
    if plan.pii_action != default_pii and read_pii(sentence).default != plan.pii_action and not re.search(
            _ACTION_WORDS[plan.pii_action], sentence, _I):
        return f"the request does not ask to {plan.pii_action} PII"
    for key, action in plan.pii.items():
        if not _entity_named(sentence, key):
            return f"the request does not name {key}"
        if not re.search(_ACTION_WORDS[action], sentence, _I):
            return f"the request does not ask to {action} {key}"
    if plan.review and not re.search(r"review|check|approv|look|confirm|ask\s+me", sentence, _I):
        return "the request does not ask for a review"
    if plan.pii_action == "keep" and read_pii(sentence).default != "keep":
        return "the request does not ask to keep PII"
    return None
