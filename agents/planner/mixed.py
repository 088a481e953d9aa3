"""Mixed plans: a table with a free-text column, synthesized by two generators under one budget.

A plan becomes ``mixed`` when it names a text column of a table whose public schema declares structured
columns beside it (:mod:`privsynth.tools.mixed.route`): the tabular generator (``aim`` unless the request
names another table generator) makes the structured columns, and ``dp_text_lm`` writes each row's text
conditioned on the row's values. Only the request and the public schema are read.

Options of a mixed plan (``generator_options``): ``text_share`` (the text part's share of epsilon, default
:data:`~privsynth.tools.mixed.budget.DEFAULT_TEXT_SHARE`), ``text.<knob>`` for the text generator
(``text.epochs=1``); every other option goes to the tabular generator.
"""

from __future__ import annotations

from typing import Any

from privsynth.agents.planner.parse import DEFAULT_GENERATORS, known_generators
from privsynth.agents.planner.plan import TEXT_GENERATOR, Plan
from privsynth.tools.mixed.route import mixed_schema

TEXT_PREFIX = "text."
SHARE_OPTION = "text_share"
SCALE_OPTION = "budget_scale"  # fixed at prepare (privsynth.tools.mixed.budget.fit_scale), kept for a resumed run


def to_mixed(plan: Plan) -> Plan:
    """The plan as a mixed plan when it is one (module docstring), else unchanged."""
    if plan.intent != "synthesize" or plan.modality == "mixed" or not plan.text_field or not plan.source:
        return plan
    if mixed_schema(plan.source, plan.schema_path, plan.text_field, (plan.label_field, plan.user_field)) is None:
        return plan
    generator = plan.generator
    if generator == TEXT_GENERATOR or (known_generators() or {}).get(generator) != "tabular":
        generator = DEFAULT_GENERATORS["tabular"]
    return plan.model_copy(update={"modality": "mixed", "generator": generator, "why": None})


def split_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], float | None]:
    """A mixed plan's options as ``(tabular generator's, text generator's, text_share)``."""
    own = (SHARE_OPTION, SCALE_OPTION)
    table = {k: v for k, v in options.items() if k not in own and not k.startswith(TEXT_PREFIX)}
    text = {k[len(TEXT_PREFIX):]: v for k, v in options.items() if k.startswith(TEXT_PREFIX)}
    share = options.get(SHARE_OPTION)
    return table, text, None if share is None else float(share)
