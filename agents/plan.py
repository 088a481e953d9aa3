"""The typed ``Plan``: what a request asks privsynth to do.

Both planners (the offline parser and the LLM planner) produce this model, and the typed API builds it
directly, so every path through the graph starts from the same validated object.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

PIIAction = Literal["drop", "fake", "keep"]


class Plan(BaseModel):
    """A validated request.

    Attributes:
        source: Path of the private input (CSV, Parquet or JSONL).
        dataset: User-facing dataset name for the ledger (default: the file's stem).
        modality: ``tabular`` or ``text``.
        generator: Registered generator name.
        rows: Rows to generate; ``None`` means as many as the source has (released with noise).
        epsilon: Privacy budget for this run.
        delta: Delta for this run; ``None`` means the settings' default rule.
        schema_path: Public schema / data dictionary declaring the domains.
        pii_action: What to do with PII columns: drop them, replace them with fresh fake values, or keep.
        target: Column used for utility checks (train on synthetic, test on real).
        text_field: Text column, for text corpora.
        label_field: Label column, for conditional text generation.
        out: Where to also write the synthetic data (besides the run folder).
        seed: Random seed.
        review: Stop for human review before generation and before release.
        release_thresholds: Per-request overrides of the release policy, e.g.
            ``{"pair_trend_mean": {"warn": 0.7}}`` (see :mod:`privsynth.policies.release`).
    """

    source: str
    dataset: str | None = None
    modality: Literal["tabular", "text"] = "tabular"
    generator: str = "mst"
    rows: int | None = Field(None, gt=0)
    epsilon: float = Field(..., gt=0)
    delta: float | None = Field(None, gt=0, lt=1)
    schema_path: str | None = None
    pii_action: PIIAction = "drop"
    target: str | None = None
    text_field: str | None = None
    label_field: str | None = None
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

    def summary(self) -> str:
        """One line a person can check before anything is spent."""
        rows = self.rows if self.rows is not None else "as many as the source (noisy count)"
        return (f"{rows} rows from {self.source} with '{self.generator}', epsilon {self.epsilon}, "
                f"delta {self.delta if self.delta is not None else 'auto'}, PII: {self.pii_action}"
                + (f", target '{self.target}'" if self.target else ""))
