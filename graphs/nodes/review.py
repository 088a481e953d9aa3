"""Human checkpoints: LangGraph ``interrupt()`` before generation and before release.

A checkpoint shows what a person needs to decide and resumes with a decision dict:
``{"action": "approve" | "reject", "not_pii": [columns], "pii_action": "drop" | "fake" | "keep", "note": str}``
(``not_pii`` and ``pii_action`` edit the PII decisions before generation; a text corpus is scrubbed again
under a changed action). Decisions are stored in the state (and so in the run's report). A rejection deletes
the run's private scrubbed corpus, if any.
"""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from privsynth.graphs.nodes.discovery import checkpoint_view
from privsynth.graphs.nodes.shared import plan_of
from privsynth.graphs.nodes.text_corpus import discard_private_corpus
from privsynth.graphs.state import RunState

RELEASE_DECISION_NOTE = (
    "This decision is yours, made on evidence that is NOT differentially private: the release checks read the real "
    "data, outside the ledger's guarantee. The epsilon is already spent whatever you decide, and a re-run after a "
    "failed check is a new spend on the same data (privsynth never re-runs on its own).")


def _decision(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = {"action": raw}
    if not isinstance(raw, dict) or raw.get("action") not in ("approve", "reject"):
        return {"action": "reject", "note": f"unreadable review answer {raw!r}: treated as reject"}
    return raw


def review_generate(state: RunState) -> dict[str, Any]:
    """Stop before anything is spent: show the plan, the budget and the PII findings."""
    plan = plan_of(state)
    pii = state.get("pii", {})
    decision = _decision(interrupt({
        "checkpoint": "before_generate",
        "run_id": state["run_id"],
        "plan": plan.summary(),
        "budget": state.get("budget", {}),
        "pii_columns": pii.get("pii_columns", []),
        **checkpoint_view(state.get("run_dir")),
        **({"pii_entity_counts": pii.get("entity_counts", {}), "pii_note": pii.get("note"),
            "estimated_time": ((state.get("text") or {}).get("estimate") or {}).get("summary"),
            "estimate": (state.get("text") or {}).get("estimate")}
           if plan.modality == "text" else {}),
        "findings": [{k: f.get(k) for k in ("column", "entity_type", "confidence", "evidence", "examples")}
                     for f in pii.get("findings", []) if f.get("is_pii")],
        "question": "Approve generation (this spends the budget shown), or reject?",
    }))
    reviews = [*state.get("reviews", []), {"checkpoint": "before_generate", **decision}]
    if decision["action"] == "reject":
        discard_private_corpus(state.get("run_dir"))
        return {"reviews": reviews, "status": "rejected"}
    update: dict[str, Any] = {"reviews": reviews}
    not_pii = list(decision.get("not_pii") or [])
    if not_pii:
        pii = {**pii, "not_pii": sorted(set(pii.get("not_pii", [])) | set(not_pii)),
               "pii_columns": [c for c in pii.get("pii_columns", []) if c not in not_pii]}
    action = decision.get("pii_action")
    if action in ("drop", "fake", "keep"):
        pii = {**pii, "action": action}
        update["plan"] = {**(state.get("plan") or {}), "pii_action": action}
    elif action is not None:
        reviews[-1] = {**reviews[-1], "action": "reject", "note": f"unknown pii_action {action!r}: treated as reject"}
        return {"reviews": reviews, "status": "rejected"}
    update["pii"] = pii
    return update


def review_release(state: RunState) -> dict[str, Any]:
    """Stop before release: show the release verdict, its reasons and where the full report is (already written)."""
    release = state.get("release", {})
    decision = _decision(interrupt({
        "checkpoint": "before_release",
        "run_id": state["run_id"],
        "verdict": release.get("verdict"),
        "reasons": release.get("reasons", []),
        "rows": state.get("generation", {}).get("rows"),
        "report": (state.get("outputs") or {}).get("report_html"),
        "report_json": (state.get("outputs") or {}).get("report_json"),
        "note": RELEASE_DECISION_NOTE,
        "question": "Release the synthetic data, or reject (nothing is released; the spend stays)?",
    }))
    reviews = [*state.get("reviews", []), {"checkpoint": "before_release", **decision}]
    if decision["action"] == "reject":
        discard_private_corpus(state.get("run_dir"))
        return {"reviews": reviews, "status": "rejected"}
    return {"reviews": reviews, "status": "validated"}
