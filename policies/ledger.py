"""The privacy ledger: one SQLite file with every dataset's cap and its append-only list of spends.

A dataset is identified by a user-facing name plus the content fingerprints it has been seen with. The
lookup is conservative: the same content under a new name, or new content under a known name, both
continue the existing budget (a renamed copy never gets a fresh budget).

A spend is committed in one ``BEGIN IMMEDIATE`` transaction that re-reads the history, composes it with
the new event and refuses if the cap would be passed. SQLite's write lock serialises concurrent
processes, so two processes spending at once can never push a dataset past its cap. Spends are never
deleted or refunded: a crash after the commit over-counts, it never under-counts.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dp_accounting import dp_event

from privsynth.errors import BudgetExceededError, ConfigError, InputDataError
from privsynth.logs import get_logger
from privsynth.policies.accountant import epsilon_of
from privsynth.policies.events import event_from_json, event_to_json

log = get_logger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    cap_epsilon REAL NOT NULL,
    cap_delta REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    fingerprint TEXT PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id)
);
CREATE TABLE IF NOT EXISTS spends (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    run_id TEXT,
    generator TEXT,
    event_json TEXT NOT NULL,
    epsilon REAL NOT NULL,
    delta REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_outcomes (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT,
    created_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS spends_append_only_update BEFORE UPDATE ON spends
BEGIN SELECT RAISE(ABORT, 'spends are append-only'); END;
CREATE TRIGGER IF NOT EXISTS spends_append_only_delete BEFORE DELETE ON spends
BEGIN SELECT RAISE(ABORT, 'spends are append-only'); END;
"""


@dataclass(frozen=True)
class Spend:
    """One committed spend: an immutable DP event with where it came from."""

    id: int
    run_id: str | None
    generator: str | None
    event: dp_event.DpEvent
    epsilon: float
    delta: float
    created_at: str


@dataclass(frozen=True)
class Dataset:
    """A dataset's ledger entry."""

    id: int
    name: str
    cap_epsilon: float
    cap_delta: float
    fingerprints: tuple[str, ...]


@dataclass(frozen=True)
class BudgetStatus:
    """Where a dataset stands, optionally with a planned event added.

    Attributes:
        dataset: The dataset name.
        is_new: True when the dataset is not yet in the ledger (the default cap applies).
        cap_epsilon: The cap's epsilon.
        cap_delta: The cap's delta (the delta at which the history is accounted).
        spent_epsilon: Epsilon of the committed history (PLD).
        spent_epsilon_rdp: The same by the RDP accountant (cross-check; >= PLD up to slack).
        planned_epsilon: Epsilon of history + planned event (PLD); equals spent when nothing is planned.
        run_epsilon: Epsilon of the planned event alone at the cap's delta (0 when nothing is planned), so that
            a run's epsilon and the dataset's total are points of one curve, at one delta.
    """

    dataset: str
    is_new: bool
    cap_epsilon: float
    cap_delta: float
    spent_epsilon: float
    spent_epsilon_rdp: float
    planned_epsilon: float
    run_epsilon: float = 0.0

    @property
    def remaining_epsilon(self) -> float:
        """Budget left after the planned event (never negative)."""
        return max(0.0, self.cap_epsilon - self.planned_epsilon)

    @property
    def overshoot(self) -> float:
        """By how much the plan passes the cap (0 when it fits)."""
        return max(0.0, self.planned_epsilon - self.cap_epsilon)

    @property
    def fits(self) -> bool:
        """Whether the planned total stays within the cap."""
        return self.planned_epsilon <= self.cap_epsilon


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Ledger:
    """SQLite-backed privacy ledger.

    Args:
        path: The SQLite file (created if absent).
        default_cap: ``(epsilon, delta)`` given to a dataset seen for the first time.
    """

    def __init__(self, path: str | Path, default_cap: tuple[float, float] = (3.0, 1e-5)) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():  # the ledger names datasets and their spends: owner only (-wal/-shm follow)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self.default_cap = default_cap
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            yield conn
        finally:
            conn.close()

    # -- reading ----------------------------------------------------------------------------------
    def _find(self, conn: sqlite3.Connection, name: str | None, fingerprint: str | None) -> Dataset | None:
        row = None
        if fingerprint:
            row = conn.execute("SELECT d.id, d.name, d.cap_epsilon, d.cap_delta FROM datasets d JOIN fingerprints f"
                               " ON f.dataset_id = d.id WHERE f.fingerprint = ?", (fingerprint,)).fetchone()
        if row is None and name:
            row = conn.execute("SELECT id, name, cap_epsilon, cap_delta FROM datasets WHERE name = ?",
                               (name,)).fetchone()
        if row is None:
            return None
        fps = tuple(r[0] for r in conn.execute("SELECT fingerprint FROM fingerprints WHERE dataset_id = ?",
                                               (row[0],)))
        return Dataset(id=row[0], name=row[1], cap_epsilon=row[2], cap_delta=row[3], fingerprints=fps)

    def _spends(self, conn: sqlite3.Connection, dataset_id: int) -> list[Spend]:
        rows = conn.execute("SELECT id, run_id, generator, event_json, epsilon, delta, created_at FROM spends"
                            " WHERE dataset_id = ? ORDER BY id", (dataset_id,)).fetchall()
        return [Spend(id=r[0], run_id=r[1], generator=r[2], event=event_from_json(r[3]), epsilon=r[4],
                      delta=r[5], created_at=r[6]) for r in rows]

    def find(self, name: str | None = None, fingerprint: str | None = None) -> Dataset | None:
        """Find a dataset by fingerprint, then by name."""
        with self._connect() as conn:
            return self._find(conn, name, fingerprint)

    def datasets(self) -> list[Dataset]:
        """All datasets in the ledger."""
        with self._connect() as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM datasets ORDER BY name")]
            return [d for n in names if (d := self._find(conn, n, None)) is not None]

    def history(self, name: str) -> list[Spend]:
        """The committed spends of a dataset, oldest first.

        Raises:
            InputDataError: No dataset of that name.
        """
        with self._connect() as conn:
            ds = self._find(conn, name, None)
            if ds is None:
                raise InputDataError(f"No dataset named '{name}' in the ledger.",
                                     "Run `privsynth budget` to list the datasets.")
            return self._spends(conn, ds.id)

    def status(self, name: str | None, fingerprint: str | None = None,
               planned: dp_event.DpEvent | None = None) -> BudgetStatus:
        """Dry run: the dataset's budget with an optional planned event. Nothing is written.

        Args:
            name: The dataset name.
            fingerprint: Content fingerprint of the data.
            planned: The event a run would add.
        """
        with self._connect() as conn:
            ds = self._find(conn, name, fingerprint)
            spends = self._spends(conn, ds.id) if ds else []
        cap_eps, cap_delta = (ds.cap_epsilon, ds.cap_delta) if ds else self.default_cap
        return _compose_status(ds.name if ds else (name or "?"), ds is None, cap_eps, cap_delta,
                               [s.event for s in spends], planned)

    def outcomes(self) -> dict[str, str]:
        """Each run's recorded outcome after its spend (``"spent, failed: ..."``), by run id; latest wins."""
        with self._connect() as conn:
            rows = conn.execute("SELECT run_id, outcome, detail FROM spend_outcomes ORDER BY id").fetchall()
        return {run: f"{outcome}: {detail}" if detail else outcome for run, outcome, detail in rows}

    # -- writing ----------------------------------------------------------------------------------
    def mark_failed(self, run_id: str, detail: str) -> None:
        """Record that a run failed after its spend (the spend itself stays: it is never refunded).

        Appended to ``spend_outcomes`` (the spends table is append-only); ``privsynth budget`` shows it next to the
        spend as ``spent, failed: <detail>``.
        """
        with self._connect() as conn:
            conn.execute("INSERT INTO spend_outcomes (run_id, outcome, detail, created_at) VALUES (?,?,?,?)",
                         (run_id, "spent, failed", detail, _now()))

    def set_cap(self, name: str, epsilon: float, delta: float) -> Dataset:
        """Set (or create with) a dataset's cap.

        Raises:
            ConfigError: epsilon <= 0 or delta outside (0, 1).
        """
        if not epsilon > 0 or not 0 < delta < 1:
            raise ConfigError(f"A cap needs epsilon > 0 and 0 < delta < 1 (got {epsilon}, {delta}).",
                              "Pass for example --epsilon 3 --delta 1e-5.")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            ds = self._find(conn, name, None)
            if ds is None:
                conn.execute("INSERT INTO datasets (name, cap_epsilon, cap_delta, created_at) VALUES (?,?,?,?)",
                             (name, epsilon, delta, _now()))
            else:
                conn.execute("UPDATE datasets SET cap_epsilon = ?, cap_delta = ? WHERE id = ?",
                             (epsilon, delta, ds.id))
            conn.execute("COMMIT")
            result = self._find(conn, name, None)
        assert result is not None
        return result

    def commit_spend(self, name: str, fingerprint: str | None, event: dp_event.DpEvent, *, epsilon: float,
                     delta: float, run_id: str | None = None, generator: str | None = None) -> BudgetStatus:
        """Record a spend in one transaction, refusing if it would pass the cap.

        Call this at the moment the mechanism starts reading the private data. The spend is durable
        once this returns and is never refunded.

        Args:
            name: The dataset name (created with the default cap if new).
            fingerprint: Content fingerprint (attached to the dataset).
            event: The mechanism's DP event.
            epsilon: The run's target epsilon (recorded for display).
            delta: The run's target delta (recorded for display).
            run_id: The run that spends.
            generator: The generator that spends.

        Returns:
            The budget status after the spend.

        Raises:
            BudgetExceededError: The spend would pass the cap; nothing is written.
        """
        start = time.monotonic()
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                ds = self._find(conn, name, fingerprint)
                if ds is None:
                    cur = conn.execute("INSERT INTO datasets (name, cap_epsilon, cap_delta, created_at)"
                                       " VALUES (?,?,?,?)", (name, *self.default_cap, _now()))
                    ds = Dataset(id=int(cur.lastrowid), name=name, cap_epsilon=self.default_cap[0],
                                 cap_delta=self.default_cap[1], fingerprints=())
                status = _compose_status(ds.name, False, ds.cap_epsilon, ds.cap_delta,
                                         [s.event for s in self._spends(conn, ds.id)], event)
                if not status.fits:
                    raise over_budget_error(status)
                if fingerprint and fingerprint not in ds.fingerprints:
                    conn.execute("INSERT OR IGNORE INTO fingerprints (fingerprint, dataset_id) VALUES (?, ?)",
                                 (fingerprint, ds.id))
                conn.execute("INSERT INTO spends (dataset_id, run_id, generator, event_json, epsilon, delta,"
                             " created_at) VALUES (?,?,?,?,?,?,?)",
                             (ds.id, run_id, generator, event_to_json(event), epsilon, delta, _now()))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        log.info("ledger.spend", dataset=name, run_id=run_id, epsilon_total=status.planned_epsilon,
                 seconds=round(time.monotonic() - start, 3))
        return status


def _compose_status(name: str, is_new: bool, cap_eps: float, cap_delta: float,
                    history: list[dp_event.DpEvent], planned: dp_event.DpEvent | None) -> BudgetStatus:
    spent = epsilon_of(history, cap_delta)
    spent_rdp = epsilon_of(history, cap_delta, accountant="rdp")
    planned_total = epsilon_of([*history, planned], cap_delta) if planned is not None else spent
    run = epsilon_of([planned], cap_delta) if planned is not None else 0.0
    return BudgetStatus(dataset=name, is_new=is_new, cap_epsilon=cap_eps, cap_delta=cap_delta,
                        spent_epsilon=spent, spent_epsilon_rdp=spent_rdp, planned_epsilon=planned_total,
                        run_epsilon=run)


def over_budget_error(status: BudgetStatus) -> BudgetExceededError:
    """The error for a plan that passes the cap, saying by how much."""
    return BudgetExceededError(
        f"Over budget for dataset '{status.dataset}': this run would bring its total epsilon to "
        f"{status.planned_epsilon:.3f}, over the cap of {status.cap_epsilon:g} by {status.overshoot:.3f} "
        f"(already spent {status.spent_epsilon:.3f}). Nothing was spent.",
        f"Lower --epsilon to at most about {max(0.0, status.cap_epsilon - status.spent_epsilon):.3f}, or raise "
        f"the cap with `privsynth budget set {status.dataset} --epsilon E --delta D` if the data owner agrees.",
        overshoot=status.overshoot)
