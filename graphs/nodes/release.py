"""The shared report and release nodes (both modalities).

``draft_report`` writes the report (JSON and HTML) before the release checkpoint, so the person who decides reads
the whole report first, not only the verdict's reasons; ``release`` then writes it again as released, and
publishes the synthetic data last (an atomic write), so a failure before that leaves no finished-looking output.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from privsynth.graphs.context import ledger_for, schema_for, settings_for
from privsynth.graphs.nodes.shared import plan_of, stops_on_error
from privsynth.graphs.nodes.text_corpus import discard_private_corpus
from privsynth.graphs.runfolder import PENDING_FILE, SYNTHETIC_FILE, publish, read_synthetic
from privsynth.graphs.state import RunState

AWAITING_REVIEW = "awaiting the release decision (nothing released yet)"


def build_report(state: RunState, status: str, synthetic_path: Path) -> dict[str, Any]:
    """The run's report dict for a given run status, from the state and the ledger's history.

    Args:
        state: The run's state.
        status: The run status the report shows (``released``, or :data:`AWAITING_REVIEW`).
        synthetic_path: The synthetic file (text examples come from it).
    """
    from privsynth.graphs.report.report import DATA_OWNER_NOTICE  # heavy (matplotlib)

    plan = plan_of(state)
    history = [{"run_id": s.run_id, "generator": s.generator, "epsilon": s.epsilon, "delta": s.delta,
                "created_at": s.created_at} for s in ledger_for(settings_for(state.get("home"))).history(plan.dataset
                                                                                                      or "")]
    report = {
        "notice": DATA_OWNER_NOTICE,
        "run": {"run_id": state["run_id"], "dataset": plan.dataset, "generator": plan.generator,
                "modality": plan.modality, "rows": state.get("generation", {}).get("rows"),
                "request": state.get("request"), "status": status},
        "warnings": list(state.get("generation", {}).get("warnings", [])),
        "plan": plan.model_dump(),
        "budget": {**state.get("budget", {}), "history": history},
        "pii": state.get("pii", {}),
        "columns": state.get("columns", []),
        "generation": state.get("generation", {}),
        "validation": state.get("validation", {}),
        "release": state.get("release", {}),
        "reviews": state.get("reviews", []),
    }
    if plan.modality == "mixed":  # both parts side by side, and a few synthetic rows with their text
        from privsynth.graphs.report.mixed import mixed_sections

        report.update(mixed_sections(state, read_synthetic(synthetic_path, schema_for(plan))))
    if plan.modality == "text":
        report["examples"] = read_synthetic(synthetic_path, schema_for(plan)).head(10).to_dict(orient="records")
    return report


@stops_on_error
def draft_report(state: RunState) -> dict[str, Any]:
    """Write report.json and report.html before the release checkpoint (status: awaiting the decision)."""
    from privsynth.graphs.report.report import write_report  # heavy (matplotlib)

    folder = Path(state["run_dir"])
    json_path, html_path = write_report(folder, build_report(state, AWAITING_REVIEW, folder / PENDING_FILE))
    return {"outputs": {"report_json": str(json_path), "report_html": str(html_path)}}


@stops_on_error
def release_node(state: RunState) -> dict[str, Any]:
    """Write the report as released, then publish the synthetic data (validator numbers stay in the report only)."""
    from privsynth.graphs.report.report import write_report  # heavy (matplotlib)

    plan = plan_of(state)
    folder = Path(state["run_dir"])
    final = folder / SYNTHETIC_FILE
    os.replace(folder / PENDING_FILE, final)
    outputs = {"synthetic": str(final)}
    json_path, html_path = write_report(folder, build_report(state, "released", final))
    outputs.update(report_json=str(json_path), report_html=str(html_path))
    discard_private_corpus(folder)
    if plan.out:  # last: an atomic write, so a failure before it leaves no finished-looking file at --out
        outputs["out"] = str(publish(final, Path(plan.out).expanduser().resolve(), schema_for(plan)))
    return {"outputs": outputs, "status": "released"}
