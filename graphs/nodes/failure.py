"""Runs that fail after their spend: say so in the ledger, in the run folder and in one line.

Every node from ``generate_M`` on runs inside :func:`after_spend`. When such a node raises (a deliberate
:class:`~privsynth.errors.PrivsynthError` or anything else: a ``MemoryError``, a bug, an interrupt), the wrapper
asks the ledger whether this run has committed a spend. If it has, the spend stays (it is never refunded) and

* the ledger gets an outcome ``spent, failed: <what>`` for the run
  (:meth:`~privsynth.policies.ledger.Ledger.mark_failed`),
* the run folder gets ``status.json`` (``"status": "spent, failed: ..."``) and ``failure.log`` (the exception's
  text and traceback, which may quote private values: owner-only, like everything in the folder),
* nothing that looks like a finished output stays: the pending and stored synthetic files and the private text
  corpus are removed, a drafted report.json says the run failed (``--out`` is written last, atomically, by the
  release node),
* the run stops with a :class:`~privsynth.errors.RunFailedError`: one line naming the node, the spend and the fix.

The one line never quotes a non-privsynth exception's text (it may hold a private value): only its type.
A ``KeyboardInterrupt`` is recorded the same way and then raised again.
"""

from __future__ import annotations

import contextlib
import functools
import json
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langgraph.errors import GraphBubbleUp

from privsynth.atomic import atomic_write_text
from privsynth.errors import PrivsynthError, RunFailedError
from privsynth.graphs.context import ledger_for, settings_for
from privsynth.graphs.nodes.text_corpus import discard_private_corpus, stale_corpora
from privsynth.graphs.runfolder import PENDING_FILE, SYNTHETIC_FILE, write_json
from privsynth.graphs.state import RunState
from privsynth.logs import get_logger

log = get_logger(__name__)
Node = Callable[[RunState], dict[str, Any]]
STATUS_FILE = "status.json"
FAILURE_LOG = "failure.log"
REPORT_JSON = "report.json"


def spent_by_run(state: RunState) -> bool:
    """Whether the ledger holds a spend of this run (asked of the ledger itself, not of the run's own files)."""
    plan = state.get("plan") or {}
    ledger = ledger_for(settings_for(state.get("home")))
    found = ledger.find(state.get("dataset") or plan.get("dataset"), state.get("fingerprint"))
    if found is None:
        return False
    return any(s.run_id == state.get("run_id") for s in ledger.history(found.name))


def _what(exc: BaseException) -> str:
    """What failed, safe to print: a privsynth error's own message, else only the exception's type."""
    if isinstance(exc, PrivsynthError):
        return exc.problem.rstrip(".")
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return type(exc).__name__


def _mark_report(path: Path, what: str) -> None:
    """A report drafted before the failure says the run failed (its HTML keeps the draft's other contents)."""
    with contextlib.suppress(OSError, ValueError):
        if path.is_file():
            report = json.loads(path.read_text())
            report.setdefault("run", {})["status"] = f"spent, failed: {what}"
            write_json(path, report)


def record_failure(state: RunState, node: str, exc: BaseException) -> RunFailedError:
    """Mark a spent run failed (ledger, ``status.json``, ``failure.log``), clean its files, and build the error."""
    folder = Path(state["run_dir"]) if state.get("run_dir") else None
    what = f"{_what(exc)} in {node}"
    detail = "".join(traceback.format_exception(exc))
    try:
        ledger_for(settings_for(state.get("home"))).mark_failed(state["run_id"], what)
    except Exception as ledger_exc:  # the run folder still says so; the one line says the ledger note is missing
        log.error("run.failure_not_recorded", run_id=state.get("run_id"), error=type(ledger_exc).__name__)
        what += " (the ledger could not record the failure; its spend is recorded)"
    if folder is not None:
        for name in (PENDING_FILE, SYNTHETIC_FILE):  # nothing that looks like a finished output stays
            with contextlib.suppress(OSError):
                (folder / name).unlink(missing_ok=True)
        discard_private_corpus(folder)
        _mark_report(folder / REPORT_JSON, what)
        with contextlib.suppress(OSError):
            write_json(folder / STATUS_FILE, {"status": f"spent, failed: {what}", "node": node,
                                              "run_id": state.get("run_id"), "exception": type(exc).__name__})
            atomic_write_text(folder / FAILURE_LOG, detail)
    log.info("run.failed_after_spend", run_id=state.get("run_id"), node=node, error=type(exc).__name__)
    where = f" Details (owner only): {folder / FAILURE_LOG}." if folder is not None else ""
    return RunFailedError(f"Run {state.get('run_id')} spent its budget on dataset '{state.get('dataset')}' and then "
                          f"failed: {what}; nothing was released and the spend stays on the ledger "
                          f"(marked 'spent, failed').{where}",
                          "Fix the cause and start a new run (a new spend); `privsynth budget` shows what is left.")


def _error_update(exc: PrivsynthError, node: str) -> dict[str, Any]:
    return {"status": "failed", "error": {"type": type(exc).__name__, "message": str(exc), "problem": exc.problem,
                                          "fix": exc.fix, "node": node}}


def after_spend(node: Node, name: str | None = None) -> Node:
    """Wrap a node that may run after the spend so that any failure is recorded (module docstring).

    Before the spend, a privsynth error stops the run as :func:`~privsynth.graphs.nodes.shared.stops_on_error`
    does (nothing spent), and any other exception propagates (after removing the private corpus copy).
    """
    label = name or node.__name__

    @functools.wraps(node)
    def wrapper(state: RunState) -> dict[str, Any]:
        try:
            update = node(state)
        except GraphBubbleUp:  # a checkpoint's interrupt(): not a failure
            raise
        except BaseException as exc:
            if not spent_by_run(state):  # nothing spent: a privsynth error stops cleanly, anything else propagates
                if not isinstance(exc, PrivsynthError):
                    discard_private_corpus(state.get("run_dir"))
                    raise
                return {**_error_update(exc, label), "status": "stopped"}
            failure = record_failure(state, label, exc)
            if isinstance(exc, KeyboardInterrupt):
                raise
            return _error_update(failure, label)
        error = (update or {}).get("error")
        if error and spent_by_run(state):  # a node that stopped cleanly on a privsynth error, after the spend
            failure = record_failure(state, label, PrivsynthError(str(error.get("problem") or error.get("message"))))
            return _error_update(failure, label)
        return update

    return wrapper


def sweep_stale_runs(graph: Any, runs_dir: Path) -> list[str]:
    """At the start of privsynth: remove the private corpus copies that killed or crashed runs left behind.

    A run killed mid-way (``kill -9``, a closed terminal, an out-of-memory kill) runs no clean-up of its own. The
    next start finds its corpus (:func:`~privsynth.graphs.nodes.text_corpus.stale_corpora`: no live owner, not
    waiting at a checkpoint), removes it, and when the run had spent, marks it ``spent, failed`` as
    :func:`record_failure` does.

    Returns:
        The run ids cleaned up.
    """
    def waiting(run_id: str) -> bool:
        snapshot = graph.get_state({"configurable": {"thread_id": run_id}})
        return any(task.interrupts for task in snapshot.tasks)

    cleaned = []
    for folder in stale_corpora(runs_dir, waiting):
        state = dict(graph.get_state({"configurable": {"thread_id": folder.name}}).values)
        discard_private_corpus(folder)
        if state.get("run_id") and state.get("status") not in ("released", "rejected", "failed") \
                and spent_by_run(state):  # type: ignore[arg-type]
            record_failure(state, "a killed or crashed process",  # type: ignore[arg-type]
                           PrivsynthError("the process ended before the run finished"))
        cleaned.append(folder.name)
        log.info("run.stale_corpus_removed", run_id=folder.name)
    return cleaned
