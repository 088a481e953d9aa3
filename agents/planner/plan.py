"""The typed ``Plan``: what a request asks privsynth to do.

Both planners (the offline reader and the LLM planner) produce this model, and the typed API builds it
directly, so every path through the graph starts from the same validated object. A plan has an ``intent``:
``synthesize`` (the graph's generation path), ``scrub`` (PII scrubbing only: no generation, no budget),
``budget`` (a question about the ledger) or ``review`` (an answer to a waiting checkpoint).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

PIIAction = Literal["drop", "fake", "keep"]
EntityAction = Literal["drop", "fake", "keep", "mask", "hash", "tag", "redact"]
Intent = Literal["synthesize", "scrub", "budget", "review"]
ValidationLevel = Literal["basic", "full"]
TEXT_GENERATOR = "dp_text_lm"
SYNTHESIS_PII_ACTIONS: tuple[str, ...] = ("drop", "fake", "keep")

PUBLIC_FIELDS: tuple[str, ...] = (
    "intent", "modality", "source", "rows", "epsilon", "delta", "target", "text_field", "label_field", "generator",
    "schema_path", "out", "review", "pii_action", "pii", "conditions", "dataset", "run_id", "decision")
"""The fields of ``privsynth plan --json`` (absent = default)."""

_INTENT_FIELDS: dict[str, tuple[str, ...]] = {
    "synthesize": tuple(f for f in PUBLIC_FIELDS if f not in ("run_id", "decision")),
    "scrub": ("intent", "modality", "source", "text_field", "out", "pii_action", "pii"),
    "budget": ("intent", "source", "dataset"),
    "review": ("intent", "run_id", "decision"),
}


class Plan(BaseModel):
    """A validated request.

    Attributes:
        intent: ``synthesize`` (default), ``scrub`` (PII scrubbing only, nothing generated or spent),
            ``budget`` (remaining epsilon and history of one dataset, or of all) or ``review`` (approve or
            reject a waiting run).
        source: Path of the private input (CSV, Parquet or JSONL); required to synthesize or scrub.
        dataset: User-facing dataset name for the ledger (default: the file's stem).
        modality: ``tabular``, ``text`` or ``mixed``; a plan with a ``text_field`` is a text plan, or a mixed plan
            when the schema declares structured columns beside the text column
            (:mod:`privsynth.agents.planner.mixed`).
        generator: Registered generator name (default: ``aim`` for tables, ``dp_text_lm`` for text); for a mixed
            plan the tabular generator of the structured columns (the text columns use ``dp_text_lm``).
        rows: Rows to generate; ``None`` means as many as the source has (released with noise).
        epsilon: Privacy budget for this run; required to synthesize.
        delta: Delta for this run; ``None`` means the settings' default rule.
        schema_path: Public schema / data dictionary declaring the domains.
        pii_action: The default PII action: drop PII columns (in text: replace each entity with its tag such as
            ``<PERSON>``), replace it with fresh fake values (in text: consistent surrogates), or keep it; a
            scrub may also ``mask``, ``hash``, ``tag`` or ``redact``.
        pii: Actions per entity type the request names (``{"US_SSN": "mask"}``); the rest get ``pii_action``.
        conditions: Column values the synthetic rows must have (``{"region": "northeast"}``).
        target: Column used for utility checks (train on synthetic, test on real).
        drop_columns: Columns left out of the synthetic data (``--drop-column``).
        encoding: Text encoding of the source file (default UTF-8).
        text_field: Text column, for text corpora.
        label_field: Label column, for conditional text generation (its labels come from the schema); for a mixed
            plan, the structured columns the text is conditioned on (``"Department Name, Rating"``).
        user_field: User column of a text corpus: all of one user's texts become one privacy unit.
        generator_options: Generator-specific settings, e.g. ``{"epochs": 1, "max_tokens": 64}`` for
            ``dp_text_lm`` (defaults also come from ``generator_options`` in config.json).
        validation_level: ``full`` (every validator) or ``basic`` (text: skips the embedding model).
        out: Where to also write the synthetic (or scrubbed) data (besides the run folder).
        seed: Seed of the non-private parts (validators, fake PII values); never of the DP noise, which is
            fresh OS entropy in every run.
        review: Stop for human review before generation and before release.
        release_thresholds: Per-request overrides of the release policy, e.g.
            ``{"pair_trend_mean": {"warn": 0.7}}`` (see :mod:`privsynth.policies.release`).
        run_id: For a review: the run to answer (``"last"``: the most recent run waiting for a review).
        decision: For a review: ``approve`` or ``reject``.
        why: Why the generator was chosen (:mod:`privsynth.agents.planner.choice`); shown, never required.
    """

    intent: Intent = "synthesize"
    source: str | None = None
    dataset: str | None = None
    modality: Literal["tabular", "text", "mixed"] = "tabular"
    generator: str = "aim"
    rows: int | None = Field(None, gt=0)
    epsilon: float | None = Field(None, gt=0)
    delta: float | None = Field(None, gt=0, lt=1)
    schema_path: str | None = None
    pii_action: EntityAction = "drop"
    pii: dict[str, EntityAction] = Field(default_factory=dict)
    conditions: dict[str, str | int | float | bool] = Field(default_factory=dict)
    target: str | None = None
    drop_columns: list[str] = Field(default_factory=list)
    encoding: str | None = None
    text_field: str | None = None
    label_field: str | None = None
    user_field: str | None = None
    generator_options: dict[str, Any] = Field(default_factory=dict)
    validation_level: ValidationLevel = "full"
    out: str | None = None
    seed: int | None = 0
    review: bool = False
    release_thresholds: dict[str, dict[str, float]] | None = None
    run_id: str | None = None
    decision: Literal["approve", "reject"] | None = None
    why: str | None = None

    @field_validator("epsilon")
    @classmethod
    def _finite_epsilon(cls, value: float | None) -> float | None:
        if value is not None and (value != value or value == float("inf")):
            raise ValueError("epsilon must be a finite positive number")
        return value

    @model_validator(mode="after")
    def _intent_fields(self) -> Plan:
        """Each intent has what it needs: a source and epsilon to synthesize, a source to scrub, a decision."""
        if self.intent in ("synthesize", "scrub") and not self.source:
            raise ValueError(f"a {self.intent} plan needs a source file")
        if self.intent == "synthesize" and self.epsilon is None:
            raise ValueError("a synthesize plan needs an epsilon")
        if self.intent == "synthesize" and self.pii_action not in SYNTHESIS_PII_ACTIONS:
            raise ValueError(f"pii_action '{self.pii_action}' applies to scrubbing; synthetic data drops, fakes or "
                             "keeps PII columns out")
        if self.intent == "review" and self.decision is None:
            raise ValueError("a review plan needs a decision (approve or reject)")
        return self

    @model_validator(mode="after")
    def _text_defaults(self) -> Plan:
        """A text field makes a text plan; a text plan without a named generator uses the text generator."""
        if self.text_field and self.modality == "tabular" and "modality" not in self.model_fields_set:
            self.modality = "text"
        if self.modality == "text" and "generator" not in self.model_fields_set:
            self.generator = TEXT_GENERATOR
        return self

    def public_fields(self) -> dict[str, Any]:
        """The plan as ``privsynth plan --json`` prints it: the intent's fields, without unset ones.

        Returns:
            A JSON-ready dict of :data:`PUBLIC_FIELDS` relevant to the intent; a field that is ``None`` or
            empty is left out (absent means default).
        """
        values = self.model_dump()
        return {name: values[name] for name in _INTENT_FIELDS[self.intent]
                if values[name] is not None and values[name] != {}}

    def _pii_words(self) -> str:
        if not self.pii:
            return f"PII: {self.pii_action}"
        named = ", ".join(f"{entity} {action}" for entity, action in sorted(self.pii.items()))
        return f"PII: {named}; other types {self.pii_action}"

    def summary(self) -> str:
        """One line a person can check before anything is spent."""
        if self.intent == "scrub":
            field = f", text '{self.text_field}'" if self.text_field else ""
            return (f"scrub PII in {self.source}{field} ({self._pii_words()}); nothing is generated and no budget is "
                    "spent (scrubbing is not differential privacy)")
        if self.intent == "budget":
            return f"show the privacy budget of {self.dataset or 'every dataset'} (nothing is spent)"
        if self.intent == "review":
            return f"{self.decision} run {self.run_id or 'last'}"
        rows = self.rows if self.rows is not None else "as many as the source (noisy count)"
        what = "texts" if self.modality == "text" else "rows"
        text = f", text column '{self.text_field}' by '{TEXT_GENERATOR}'" if self.modality == "mixed" else ""
        if self.modality == "text":
            text = f", text '{self.text_field or 'text'}'" + (f", label '{self.label_field}'" if self.label_field
                                                              else "")
            text += f", user-level privacy by '{self.user_field}'" if self.user_field else ""
        where = (", only " + ", ".join(f"{k}={v}" for k, v in self.conditions.items())) if self.conditions else ""
        return (f"{rows} {what} from {self.source} with '{self.generator}', epsilon {self.epsilon}, "
                f"delta {self.delta if self.delta is not None else 'auto'}, {self._pii_words()}"
                + text + where + (f", target '{self.target}'" if self.target else ""))
