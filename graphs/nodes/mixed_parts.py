"""The two parts of a mixed plan, as plans the table and text branches already know how to run.

A mixed plan (:mod:`privsynth.agents.planner.mixed`) is split, from public facts only, into

* a **table plan**: the tabular generator on the structured columns, at ``(1 - text_share) * epsilon`` and half
  the delta, with the text column left out (it is in ``drop_columns`` of that plan only);
* a **text plan**: ``dp_text_lm`` on the (PII-scrubbed) text column, at ``text_share * epsilon`` and the other
  half of the delta, conditioned on a composite label of the row's structured values
  (:mod:`privsynth.tools.mixed.labels`), whose list of labels comes from the schema's categories.

The mixed nodes (:mod:`privsynth.graphs.nodes.mixed`) hand these plans to the table branch's node functions and
to the text branch's helpers, so that each part runs the code of its own branch.

The text part's label proportions are not measured: the label of every synthetic text is the label of the
synthetic row it is written for, so the text model needs no histogram of its own (it gets uniform public
proportions, which only its unconditional sampling would use, and the mixed path never samples without a label).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from privsynth.agents.planner.mixed import SCALE_OPTION, TEXT_PREFIX, split_options
from privsynth.agents.planner.plan import TEXT_GENERATOR, Plan
from privsynth.config import Settings
from privsynth.errors import ConfigError, SchemaError
from privsynth.graphs.nodes.shared import make_generator
from privsynth.graphs.nodes.text import _text_fields, with_device_preset
from privsynth.policies.text_release import TEXT_THRESHOLDS
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.mixed.budget import BudgetSplit, split_budget
from privsynth.tools.mixed.labels import LABEL_COLUMN, condition_columns, label_domain, row_labels


@dataclass(frozen=True)
class MixedParts:
    """A mixed plan's two parts.

    Attributes:
        split: The budget split.
        table: The table part's plan.
        text: The text part's plan.
        conditions: The structured columns the text is conditioned on (empty: unconditional text).
        labels: The composite labels' public list.
    """

    split: BudgetSplit
    table: Plan
    text: Plan
    conditions: list[str]
    labels: list[str]

    def text_schema(self) -> TableSchema:
        """The text part's schema: the text column and the composite label column (the schema's categories)."""
        assert self.text.text_field is not None
        columns = [ColumnSpec(name=self.text.text_field, kind="text")]
        if self.conditions:
            columns.append(ColumnSpec(name=LABEL_COLUMN, kind="categorical", categories=self.labels, nullable=False))
        return TableSchema(columns=columns)

    def label_of(self, frame: pd.DataFrame) -> pd.Series:
        """Each row's composite label (rows of the source or of the synthetic table)."""
        return row_labels(frame, self.conditions)

    def to_dict(self) -> dict[str, Any]:
        """What the state and the report keep: the split, the generators, the conditioning (public facts)."""
        return {"split": self.split.to_dict(), "table_generator": self.table.generator,
                "text_generator": self.text.generator, "text_field": self.text.text_field,
                "conditioned_on": self.conditions, "labels": len(self.labels) if self.conditions else 0}


# The mixed path's text knobs on a machine without CUDA, over the text CPU preset: each text is written for one
# synthetic row's label, so the text must follow its label (three epochs at twice the learning rate, and three
# candidates per kept text: the label filter). Options set by the user win.
MIXED_CPU_PRESET: dict[str, Any] = {"epochs": 3.0, "learning_rate": 4e-3, "label_filter": 3}
# On every device: sampling at temperature 0.8 (post-processing, no budget) keeps a row's text closer to its label.
# With both, the reviews' department consistency ratio was 0.834 (three runs, goal 0.8) at epsilon 8, 20-22 minutes
# on 2 cores (evals/notes/mixed_tables.md).
MIXED_TEXT_DEFAULTS: dict[str, Any] = {"temperature": 0.8}


def with_text_preset(plan: Plan, settings: Settings) -> tuple[Plan, dict[str, Any]]:
    """The mixed plan with this machine's text preset fixed in its options (``text.<knob>``), before declaring.

    That is :data:`MIXED_TEXT_DEFAULTS`, and without CUDA also the text CPU preset with :data:`MIXED_CPU_PRESET`
    over it, for every knob neither the request nor config.json sets; it is kept in the plan so that a resumed run
    trains what was declared.
    """
    from privsynth.tools.textgen.generator import device_defaults

    _, text_options, _ = split_options(plan.generator_options)
    probe = plan.model_copy(update={"generator": TEXT_GENERATOR, "generator_options": text_options})
    device = device_defaults()  # empty with CUDA
    _, preset = with_device_preset(probe, settings, {**device, **MIXED_TEXT_DEFAULTS,
                                                     **(MIXED_CPU_PRESET if device else {})})
    options = {**{f"{TEXT_PREFIX}{k}": v for k, v in preset.items()}, **plan.generator_options}
    return plan.model_copy(update={"generator_options": options}), preset


def with_scale(plan: Plan, scale: float) -> Plan:
    """The mixed plan with its budget scale fixed (:func:`~privsynth.tools.mixed.budget.fit_scale`)."""
    return plan.model_copy(update={"generator_options": {**plan.generator_options, SCALE_OPTION: scale}})


def mixed_parts(plan: Plan, schema: TableSchema) -> MixedParts:
    """Split a mixed plan (its delta fixed) into its table and text plans (module docstring).

    Args:
        plan: The mixed plan.
        schema: The table's public schema (the text column declared ``"kind": "text"``).

    Raises:
        SchemaError: The text column is not a text column of the schema, or the conditioning columns are wrong.
        ConfigError: A user column (user-level privacy is for text corpora), or a bad ``text_share``.
    """
    text_field = plan.text_field
    if not text_field or text_field not in schema.names or schema.column(text_field).kind != "text":
        raise SchemaError(f"The text column '{text_field}' is not declared as free text in the schema.",
                          f"Declare it as {{\"name\": \"{text_field}\", \"kind\": \"text\"}}.")
    if plan.user_field:
        raise ConfigError("User-level privacy (--user-field) is for text corpora, not for tables with a text column: "
                          "here each row is the privacy unit.", "Leave out --user-field.")
    assert plan.epsilon is not None and plan.delta is not None
    table_options, text_options, share = split_options(plan.generator_options)
    split = split_budget(plan.epsilon, plan.delta, share, float(plan.generator_options.get(SCALE_OPTION, 1.0)))
    texts = [c.name for c in schema.columns if c.kind == "text"]
    conditions = condition_columns(schema, plan.label_field)
    table = plan.model_copy(update={
        "modality": "tabular", "epsilon": split.table_epsilon, "delta": split.table_delta, "text_field": None,
        "label_field": None, "user_field": None, "generator_options": table_options,
        "drop_columns": list(dict.fromkeys([*plan.drop_columns, *texts])),
        "release_thresholds": {k: v for k, v in (plan.release_thresholds or {}).items() if k not in TEXT_THRESHOLDS}
        or None})
    text = plan.model_copy(update={
        "modality": "text", "generator": TEXT_GENERATOR, "epsilon": split.text_epsilon, "delta": split.text_delta,
        "label_field": LABEL_COLUMN if conditions else None, "user_field": None, "generator_options": text_options,
        "target": None, "conditions": {}, "rows": None, "drop_columns": []})
    labels = label_domain(schema, conditions) if conditions else []
    return MixedParts(split=split, table=table, text=text, conditions=conditions, labels=labels)


def text_generator(parts: MixedParts, settings: Settings, home: str | None, records: int) -> Any:
    """The text part's generator, for ``records`` training texts (public, as in DP-SGD)."""
    extra: dict[str, Any] = {"records": records, **_text_fields(parts.text, settings)}
    if parts.conditions:
        extra["label_proportions"] = dict.fromkeys(parts.labels, 1.0 / len(parts.labels))
    return make_generator(parts.text, parts.text_schema(), home, **extra)


def table_state(state: dict[str, Any], parts: MixedParts) -> dict[str, Any]:
    """The run's state as the table branch's nodes read it: the table part's plan."""
    return {**state, "plan": parts.table.model_dump()}
