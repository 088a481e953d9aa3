"""The graph's state: one typed dict that every node reads and partially updates.

Nothing private goes into the state (it is checkpointed to SQLite): only the plan, counts, masked
PII examples, budget figures and metric values. Nodes re-read the private file when they need it and
check its fingerprint, so a resumed run notices a changed input.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

Status = Literal["planning", "needs_clarification", "stopped", "planned", "prepared", "gated", "scrubbed", "generated",
                 "validated", "held", "rejected", "released", "failed"]


class RunState(TypedDict, total=False):
    """State of one run through the graph.

    Keys:
        run_id: The run's id (also the checkpoint thread id).
        home: The privsynth home folder (ledger, runs), so a resumed run uses the same one.
        request: The natural-language request, when the run started from a sentence.
        plan: The validated :class:`~privsynth.agents.planner.plan.Plan` as a dict.
        llm_model: A litellm model string for planning, if any.
        skip_review: True for scripted runs (``--yes``): no human checkpoints unless a release fails.
        review: The caller asked for the human checkpoints (``privsynth.run(..., review=True)``, ``privsynth run``
            without ``--yes``): the plan's ``review`` is set whatever the sentence said.
        detect_text: The typed request named no generator: a text corpus (recognised from its schema or header)
            goes to the text generator.
        status: Where the run stands.
        error: ``{"type", "message", "question"}`` when the run stopped on a clear error.
        run_dir: The run folder.
        dataset: The ledger's dataset name.
        fingerprint: Content fingerprint of the source file.
        planned_event: The generator's declared DP event (a dict), set by the modality's prepare node.
        row_bound: Public bound on the number of records (power of ten or the schema's count) for delta checks.
        budget: Budget figures (cap, spent, planned, remaining, is_new).
        text: For text corpora: the text / label / user fields and the number of training units.
        mixed: For tables with a free-text column: the budget split, both parts' generators and declared events,
            the conditioning columns (public facts only).
        pii: PII findings (masked; for text, counts per entity type) and the decided actions.
        columns: For tables: every input column, its declared kind and what the run does with it.
        generation: What the generator did (rows, event, pending output path).
        validation: Validator results (non-DP statistics for the data owner).
        release: The release policy's verdict and reasons.
        reviews: Human decisions taken at checkpoints.
        outputs: Paths of released files.
    """

    run_id: str
    home: str | None
    request: str | None
    plan: dict[str, Any] | None
    llm_model: str | None
    skip_review: bool
    review: bool
    detect_text: bool
    status: Status
    error: dict[str, Any] | None
    run_dir: str
    dataset: str
    fingerprint: str
    planned_event: dict[str, Any]
    row_bound: int
    budget: dict[str, Any]
    text: dict[str, Any]
    mixed: dict[str, Any]
    pii: dict[str, Any]
    columns: list[dict[str, str]]
    generation: dict[str, Any]
    validation: dict[str, Any]
    release: dict[str, Any]
    reviews: list[dict[str, Any]]
    outputs: dict[str, str]
