"""The report's view of a mixed run: both parts side by side (generator, budget, what each made, how it scored).

The validation section keeps the structured columns' validators at its top level (so the table sections of the
report read them as for any table) and adds ``text`` (the text validators) and ``consistency``; this module adds
``mixed``: the budget split, each part's generator, epsilon, delta and declared event, and a few synthetic rows.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

EXAMPLE_ROWS = 5


def _metrics(section: Any) -> dict[str, Any]:
    """``{name: value}`` of a validator section's metrics (a dict with a ``metrics`` list)."""
    if not isinstance(section, dict):
        return {}
    return {m.get("name"): m.get("value") for m in section.get("metrics", []) if isinstance(m, dict)}


def mixed_sections(state: dict[str, Any], synthetic: pd.DataFrame) -> dict[str, Any]:
    """The report's ``mixed`` section for a run's state and its synthetic table.

    Args:
        state: The run's state (``mixed``, ``generation``, ``validation``, ``release``).
        synthetic: The synthetic table (structured columns and the text column).

    Returns:
        ``{"mixed": {"split", "composed_epsilon", "parts": {"table": {...}, "text": {...}}, "examples"}}``.
    """
    mixed = state.get("mixed") or {}
    generation = state.get("generation") or {}
    validation = state.get("validation") or {}
    release = (state.get("release") or {}).get("parts", {})
    split = mixed.get("split") or generation.get("split") or {}
    made = generation.get("parts") or {}
    table_made, text_made = made.get("table") or {}, made.get("text") or {}
    text_validation = validation.get("text") or {}
    parts = {
        "table": {"generator": mixed.get("table_generator"), "epsilon": split.get("table_epsilon"),
                  "delta": split.get("table_delta"), "event": mixed.get("table_event"),
                  "rows": table_made.get("rows"), "kmarginal": (validation.get("fidelity") or {}).get("kmarginal"),
                  "utility": _metrics(validation.get("utility")), "verdict": release.get("table")},
        "text": {"generator": mixed.get("text_generator"), "text_field": mixed.get("text_field"),
                 "conditioned_on": mixed.get("conditioned_on"), "epsilon": split.get("text_epsilon"),
                 "delta": split.get("text_delta"), "event": mixed.get("text_event"),
                 "training_texts": text_made.get("train_texts"), "texts_written": text_made.get("texts_written"),
                 "utility": _metrics(text_validation.get("utility")),
                 "consistency": validation.get("consistency"), "verdict": release.get("text")},
    }
    examples = synthetic.head(EXAMPLE_ROWS).astype(object).where(synthetic.head(EXAMPLE_ROWS).notna(), None)
    return {"mixed": {"split": split, "composed_epsilon": mixed.get("composed_epsilon"), "parts": parts,
                      "examples": examples.to_dict(orient="records")}}
