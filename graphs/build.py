"""Wiring: ``build_graph()`` returns the compiled LangGraph state machine.

::

    plan -> prepare_M -> budget_gate -> scrub_M -> [(estimate_text) review_generate] -> generate_M -> validate_M
         -> [draft_report -> review_release] -> release     (M: the plan's modality: "tabular", "text" or "mixed")
    any node can stop the run with a clear message; nothing is spent before generate_M.

A text run on its way to the generate checkpoint first times a probe on dummy text (``estimate_text``), so the
checkpoint shows the training and sampling time before anything is spent. The release checkpoint comes after
``draft_report``, so the reviewer reads the whole report (JSON and HTML)
before deciding. Every node from ``generate_M`` on runs inside
:func:`~privsynth.graphs.nodes.failure.after_spend`: a failure after the spend is recorded in the ledger and the
run folder ("spent, failed: ...") and ends the run with one line.

Modality is a branch of the graph: each modality has its own prepare / scrub / generate / validate nodes, and
the budget gate, the reviews and the release are shared. The mixed branch (a table with a free-text column,
:mod:`privsynth.graphs.nodes.mixed`) runs the table branch's nodes on its structured part and the text branch's
helpers on its text part, under one declared budget split. A new modality is a new branch in ``build_graph``.
Routing is explicit: each conditional edge reads ``status`` / ``error``, the plan's modality and review flag.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from privsynth.atomic import private_file
from privsynth.config import load_settings
from privsynth.graphs.nodes.failure import after_spend
from privsynth.graphs.nodes.mixed import generate_mixed, prepare_mixed, scrub_mixed, validate_mixed
from privsynth.graphs.nodes.release import draft_report, release_node
from privsynth.graphs.nodes.review import review_generate, review_release
from privsynth.graphs.nodes.shared import budget_gate, plan_node
from privsynth.graphs.nodes.table import generate_table, prepare_table, scrub_table, validate_table_node
from privsynth.graphs.nodes.text import (
    estimate_text,
    generate_text,
    prepare_text,
    scrub_text_node,
    validate_text_node,
)
from privsynth.graphs.state import RunState

MODALITIES = ("tabular", "text", "mixed")
AFTER_SPEND_STAGES = ("generate", "validate")  # with draft_report, review_release and release: see after_spend


def _stopped(state: RunState) -> bool:
    return bool(state.get("error")) or state.get("status") in ("rejected", "needs_clarification", "stopped")


def _wants_review(state: RunState) -> bool:
    return bool((state.get("plan") or {}).get("review")) and not state.get("skip_review", False)


def _modality(state: RunState) -> str:
    return str((state.get("plan") or {}).get("modality") or "tabular")


def _after(next_node: str):
    def route(state: RunState) -> str:
        return END if _stopped(state) else next_node

    route.__name__ = f"route_to_{next_node}"
    return route


def _branch(stage: str):
    """Route to the plan's modality branch of a stage (``generate_text``), or end a stopped run."""
    def route(state: RunState) -> str:
        return END if _stopped(state) else f"{stage}_{_modality(state)}"

    route.__name__ = f"route_to_{stage}"
    return route


def _after_scrub(state: RunState) -> str:
    if _stopped(state):
        return END
    if not _wants_review(state):
        return f"generate_{_modality(state)}"
    return "estimate_text" if _modality(state) == "text" else "review_generate"


def _after_validate(state: RunState) -> str:
    if _stopped(state):
        return END
    failed = (state.get("release") or {}).get("verdict") == "fail"
    return "draft_report" if failed or _wants_review(state) else "release"


def _branch_targets(stage: str) -> list[str]:
    return [f"{stage}_{m}" for m in MODALITIES] + [END]


def default_checkpointer(path: str | Path | None = None) -> SqliteSaver:
    """A durable SQLite checkpointer (``$PRIVSYNTH_HOME/checkpoints.sqlite`` by default)."""
    path = Path(path) if path is not None else load_settings().checkpoint_path
    private_file(path)  # checkpoints hold private-derived state: 0600 (SQLite's -wal/-shm files follow it)
    saver = SqliteSaver(sqlite3.connect(str(path), check_same_thread=False))
    saver.setup()
    return saver


def build_graph(checkpointer: BaseCheckpointSaver | None = None) -> Any:
    """Build and compile the privsynth graph.

    Args:
        checkpointer: A LangGraph checkpointer; ``None`` uses the durable SQLite one under
            ``$PRIVSYNTH_HOME``, so an interrupted run can be resumed from another process.

    Returns:
        The compiled graph; invoke it with ``{"run_id", "request" or "plan", ...}`` and
        ``config={"configurable": {"thread_id": run_id}}``.
    """
    graph = StateGraph(RunState)
    branches = {
        "tabular": {"prepare": prepare_table, "scrub": scrub_table, "generate": generate_table,
                    "validate": validate_table_node},
        "text": {"prepare": prepare_text, "scrub": scrub_text_node, "generate": generate_text,
                 "validate": validate_text_node},
        "mixed": {"prepare": prepare_mixed, "scrub": scrub_mixed, "generate": generate_mixed,
                  "validate": validate_mixed},
    }
    for name, node in (("plan", plan_node), ("budget_gate", budget_gate), ("estimate_text", estimate_text),
                       ("review_generate", review_generate)):
        graph.add_node(name, node)
    for name, node in (("draft_report", draft_report), ("review_release", review_release), ("release", release_node)):
        graph.add_node(name, after_spend(node, name))
    for modality, stages in branches.items():
        for stage, node in stages.items():
            wrap = after_spend if stage in AFTER_SPEND_STAGES else (lambda n, _name: n)
            graph.add_node(f"{stage}_{modality}", wrap(node, f"{stage}_{modality}"))

    graph.add_edge(START, "plan")
    graph.add_conditional_edges("plan", _branch("prepare"), _branch_targets("prepare"))
    for modality in MODALITIES:
        graph.add_conditional_edges(f"prepare_{modality}", _after("budget_gate"), ["budget_gate", END])
        graph.add_conditional_edges(f"scrub_{modality}", _after_scrub,
                                    ["estimate_text", "review_generate", f"generate_{modality}", END])
        graph.add_conditional_edges(f"generate_{modality}", _after(f"validate_{modality}"),
                                    [f"validate_{modality}", END])
        graph.add_conditional_edges(f"validate_{modality}", _after_validate, ["draft_report", "release", END])
    graph.add_conditional_edges("budget_gate", _branch("scrub"), _branch_targets("scrub"))
    graph.add_conditional_edges("estimate_text", _after("review_generate"), ["review_generate", END])
    graph.add_conditional_edges("review_generate", _branch("generate"), _branch_targets("generate"))
    graph.add_conditional_edges("draft_report", _after("review_release"), ["review_release", END])
    graph.add_conditional_edges("review_release", _after("release"), ["release", END])
    graph.add_edge("release", END)
    return graph.compile(checkpointer=checkpointer if checkpointer is not None else default_checkpointer())
