"""Wiring: ``build_graph()`` returns the compiled LangGraph state machine.

::

    plan -> budget_gate -> scrub_pii -> [review_generate] -> generate -> validate -> [review_release] -> release
      |          |             |                 |              |            |               |
      +----------+-------------+--- stop (clear message, nothing spent) ---+ held / rejected +

Routing is explicit: each conditional edge reads ``status`` / ``error`` and the plan's review flag.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from privsynth.config import load_settings
from privsynth.graphs.atomic import private_file
from privsynth.graphs.generation_nodes import generate_node, release_node, validate_node
from privsynth.graphs.nodes import budget_gate, plan_node, scrub_pii_node
from privsynth.graphs.review_nodes import review_generate, review_release
from privsynth.graphs.state import RunState


def _stopped(state: RunState) -> bool:
    return bool(state.get("error")) or state.get("status") in ("rejected", "needs_clarification", "stopped")


def _wants_review(state: RunState) -> bool:
    return bool((state.get("plan") or {}).get("review")) and not state.get("skip_review", False)


def _after(next_node: str):
    def route(state: RunState) -> str:
        return END if _stopped(state) else next_node

    route.__name__ = f"route_to_{next_node}"
    return route


def _after_scrub(state: RunState) -> str:
    if _stopped(state):
        return END
    return "review_generate" if _wants_review(state) else "generate"


def _after_validate(state: RunState) -> str:
    if _stopped(state):
        return END
    failed = (state.get("release") or {}).get("verdict") == "fail"
    return "review_release" if failed or _wants_review(state) else "release"


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
    graph.add_node("plan", plan_node)
    graph.add_node("budget_gate", budget_gate)
    graph.add_node("scrub_pii", scrub_pii_node)
    graph.add_node("review_generate", review_generate)
    graph.add_node("generate", generate_node)
    graph.add_node("validate", validate_node)
    graph.add_node("review_release", review_release)
    graph.add_node("release", release_node)

    graph.add_edge(START, "plan")
    graph.add_conditional_edges("plan", _after("budget_gate"), ["budget_gate", END])
    graph.add_conditional_edges("budget_gate", _after("scrub_pii"), ["scrub_pii", END])
    graph.add_conditional_edges("scrub_pii", _after_scrub, ["review_generate", "generate", END])
    graph.add_conditional_edges("review_generate", _after("generate"), ["generate", END])
    graph.add_conditional_edges("generate", _after("validate"), ["validate", END])
    graph.add_conditional_edges("validate", _after_validate, ["review_release", "release", END])
    graph.add_conditional_edges("review_release", _after("release"), ["release", END])
    graph.add_edge("release", END)
    return graph.compile(checkpointer=checkpointer if checkpointer is not None else default_checkpointer())
