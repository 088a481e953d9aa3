"""The shared release node: publish the synthetic data and write the report (both modalities)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from privsynth.graphs.context import ledger_for, schema_for, settings_for
from privsynth.graphs.nodes.shared import plan_of, stops_on_error
from privsynth.graphs.nodes.text_corpus import discard_private_corpus
from privsynth.graphs.runfolder import PENDING_FILE, SYNTHETIC_FILE, publish, read_synthetic
from privsynth.graphs.state import RunState


@stops_on_error
def release_node(state: RunState) -> dict[str, Any]:
    """Publish the synthetic data and write the report (validator numbers stay in the report only)."""
    from privsynth.graphs.report.report import DATA_OWNER_NOTICE, write_report  # heavy (matplotlib)

    settings = settings_for(state.get("home"))
    plan = plan_of(state)
    folder = Path(state["run_dir"])
    final = folder / SYNTHETIC_FILE
    os.replace(folder / PENDING_FILE, final)
    outputs = {"synthetic": str(final)}
    if plan.out:
        outputs["out"] = str(publish(final, Path(plan.out).expanduser().resolve(), schema_for(plan)))
    discard_private_corpus(folder)
    history = [{"run_id": s.run_id, "generator": s.generator, "epsilon": s.epsilon, "delta": s.delta,
                "created_at": s.created_at} for s in ledger_for(settings).history(plan.dataset or "")]
    report = {
        "notice": DATA_OWNER_NOTICE,
        "run": {"run_id": state["run_id"], "dataset": plan.dataset, "generator": plan.generator,
                "modality": plan.modality, "rows": state.get("generation", {}).get("rows"),
                "request": state.get("request"), "status": "released"},
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
    if plan.modality == "text":
        report["examples"] = read_synthetic(final, schema_for(plan)).head(10).to_dict(orient="records")
    json_path, html_path = write_report(folder, report)
    outputs.update(report_json=str(json_path), report_html=str(html_path))
    return {"outputs": outputs, "status": "released"}
