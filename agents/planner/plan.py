"""The typed ``Plan``: what a request asks privsynth to do.

Both planners (the offline parser and the LLM planner) produce this model, and the typed API builds it
directly, so every path through the graph starts from the same validated object.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

PIIAction = Literal["drop", "fake", "keep"]
ValidationLevel = Literal["basic", "full"]
TEXT_GENERATOR = "dp_text_lm"


class Plan(BaseModel):
    """A validated request.

    Attributes:
        source: Path of the private input (CSV, Parquet or JSONL).
        dataset: User-facing dataset name for the ledger (default: the file's stem).
        modality: ``tabular`` or ``text``; a plan with a ``text_field`` is a text plan.
        generator: Registered generator name (default: ``aim`` for tables, ``dp_text_lm`` for text).
        rows: Rows to generate; ``None`` means as many as the source has (released with noise).
        epsilon: Privacy budget for this run.
        delta: Delta for this run; ``None`` means the settings' default rule.
        schema_path: Public schema / data dictionary declaring the domains.
        pii_action: What to do with PII: drop PII columns (in text: replace each entity with its tag such as
            ``<PERSON>``), replace it with fresh fake values (in text: consistent surrogates), or keep it.
        target: Column used for utility checks (train on synthetic, test on real).
        drop_columns: Columns left out of the synthetic data (``--drop-column``).
        encoding: Text encoding of the source file (default UTF-8).
        text_field: Text column, for text corpora.
        label_field: Label column, for conditional text generation (its labels come from the schema).
        user_field: User column of a text corpus: all of one user's texts become one privacy unit.
        generator_options: Generator-specific settings, e.g. ``{"epochs": 1, "max_tokens": 64}`` for
            ``dp_text_lm`` (defaults also come from ``generator_options`` in config.json).
        validation_level: ``full`` (every validator) or ``basic`` (text: skips the embedding model).
        out: Where to also write the synthetic data (besides the run folder).
        seed: Seed of the non-private parts (validators, fake PII values); never of the DP noise, which is
            fresh OS entropy in every run.
        review: Stop for human review before generation and before release.
        release_thresholds: Per-request overrides of the release policy, e.g.
            ``{"pair_trend_mean": {"warn": 0.7}}`` (see :mod:`privsynth.policies.release`).
    """

    source: str
    dataset: str | None = None
    modality: Literal["tabular", "text"] = "tabular"
    generator: str = "aim"
    rows: int | None = Field(None, gt=0)
    epsilon: float = Field(..., gt=0)
    delta: float | None = Field(None, gt=0, lt=1)
    schema_path: str | None = None
    pii_action: PIIAction = "drop"
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

    @field_validator("epsilon")
    @classmethod
    def _finite_epsilon(cls, value: float) -> float:
        if value != value or value == float("inf"):
            raise ValueError("epsilon must be a finite positive number")
        return value

    @model_validator(mode="after")
    def _text_defaults(self) -> Plan:
        """A text field makes a text plan; a text plan without a named generator uses the text generator."""
        if self.text_field and self.modality == "tabular" and "modality" not in self.model_fields_set:
            self.modality = "text"
        if self.modality == "text" and "generator" not in self.model_fields_set:
            self.generator = TEXT_GENERATOR
        return self

    def summary(self) -> str:
        """One line a person can check before anything is spent."""
        rows = self.rows if self.rows is not None else "as many as the source (noisy count)"
        what = "texts" if self.modality == "text" else "rows"
        text = ""
        if self.modality == "text":
            text = f", text '{self.text_field or 'text'}'" + (f", label '{self.label_field}'" if self.label_field
                                                              else "")
            text += f", user-level privacy by '{self.user_field}'" if self.user_field else ""
        return (f"{rows} {what} from {self.source} with '{self.generator}', epsilon {self.epsilon}, "
                f"delta {self.delta if self.delta is not None else 'auto'}, PII: {self.pii_action}"
                + text + (f", target '{self.target}'" if self.target else ""))
