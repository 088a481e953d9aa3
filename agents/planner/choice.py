"""Which generator a plan uses, and why, from public facts only.

The rules, in order (documented in ``evals/notes/planner.md``):

1. **Named in the request** ("using mst", ``generator=dp_marginals``): that generator, whatever else holds; the
   planner asks back when the registry does not know it. A generator that declares itself not private is named
   as such.
2. **Text** (a text field, a text corpus, a ``.txt`` source): the registered text generator, preferring a DP one
   (``dp_text_lm``: DP-SGD fine-tuning of a language model).
3. **Mixed tables** (a text column named on a table whose schema declares structured columns,
   :mod:`privsynth.agents.planner.mixed`): the table rule below for the structured columns, and ``dp_text_lm``
   for the text column, conditioned on each synthetic row's values; ``why`` names both.
4. **Tables**: ``aim`` when registered: the best measured fidelity among the built-in table generators (SDNist
   k-marginal about 900 at epsilon 1 on the NIST MA/TX 2019 excerpts, against about 870 for ``mst``;
   ``evals/notes/aim.md``), else another registered table generator.

Only the request, the registry (each plug-in's declared modality and privacy) and the file's extension are read:
the choice reveals nothing about the data.
"""

from __future__ import annotations

import re

from privsynth.agents.planner.plan import Plan


def _is_private(name: str) -> bool | None:
    try:
        from privsynth.agents.registry import available_generators

        cls = available_generators().get(name)
        return None if cls is None else bool(cls.is_private)
    except Exception:  # a broken registry must not stop planning
        return None


def why_generator(plan: Plan, sentence: str, generators: dict[str, str] | None) -> str:
    """Why the plan's generator was chosen, in one sentence a person can check.

    Args:
        plan: A synthesize plan.
        sentence: The request.
        generators: Registered generators as ``{name: modality}`` (None when the registry cannot load).

    Returns:
        The reason, naming the rule that chose the generator.
    """
    name = plan.generator
    if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence, re.IGNORECASE):
        private = _is_private(name)
        note = " It declares itself NOT differentially private (epsilon = infinity)." if private is False else ""
        return f"'{name}' is named in the request.{note}"
    if plan.modality == "mixed":
        table = ("'aim' (the best measured fidelity of the built-in table generators)" if name == "aim"
                 else f"'{name}'")
        return (f"A table with a free-text column '{plan.text_field}': {table} makes the structured columns and "
                f"'dp_text_lm' (DP-SGD fine-tuning of a language model) writes each row's text conditioned on the "
                "row's values, under one budget split between the two; name another table generator to override "
                "the first.")
    if plan.modality == "text":
        field = f" (text field '{plan.text_field}')" if plan.text_field else ""
        return (f"A text request{field}: '{name}' fine-tunes a language model with DP-SGD; name another registered "
                "text generator to override.")
    if name == "aim":
        return ("A table: 'aim' has the best measured fidelity of the built-in table generators (SDNist k-marginal "
                "about 900 at epsilon 1 on the NIST excerpts, 'mst' about 870); name another to override.")
    kinds = ", ".join(sorted(n for n, kind in (generators or {}).items() if kind == plan.modality)) or name
    return f"A table, and 'aim' is not registered: '{name}' is a registered table generator ({kinds})."
