"""The privacy ledger: one SQLite file with every dataset's cap and its append-only list of spends.

A dataset is identified by a user-facing name plus the content fingerprints it has been seen with, and may
have aliases (other names for the same budget, made with ``privsynth budget alias NEW EXISTING``). The lookup
is conservative: the same content under a new name, or new content under a known name, both continue the
existing budget (a renamed copy never gets a fresh budget). :meth:`Ledger.resolve` decides, before anything is
spent, which dataset a run's name and content belong to, and refuses an explicit new name for known content.

Only SQLite is implemented; a shared (PostgreSQL) backend would need the same tables (the aliases included).
A backup is written after every write (:mod:`privsynth.policies.ledger_backup`); a damaged file is reported in
one line with the way to recover it.

A spend is committed in one ``BEGIN IMMEDIATE`` transaction that re-reads the history, composes it with
the new event and refuses if the cap would be passed. SQLite's write lock serialises concurrent
processes, so two processes spending at once can never push a dataset past its cap. Spends are never
deleted or refunded: a crash after the commit over-counts, it never under-counts.
"""

from __future__ import annotations

import math
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dp_accounting import dp_event

from privsynth.errors import BudgetExceededError, ConfigError, InputDataError, StorageError
from privsynth.logs import get_logger
from privsynth.policies.accountant import epsilon_of
from privsynth.policies.events import event_from_json, event_to_json
from privsynth.policies.ledger_backup import explain, write_backup

log = get_logger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    cap_epsilon REAL NOT NULL,
    cap_delta REAL NOT NULL,
    created_at TEXT NOT NULL,
    row_bound INTEGER
);
CREATE TABLE IF NOT EXISTS fingerprints (
    fingerprint TEXT PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id)
);
CREATE TABLE IF NOT EXISTS aliases (
    name TEXT PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    created_at TEXT NOT NULL
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
    """A dataset's ledger entry.

    Attributes:
        row_bound: The largest public bound on its rows any run has declared (None before the first spend).
        aliases: Other names of this dataset (``privsynth budget alias``).
    """

    id: int
    name: str
    cap_epsilon: float
    cap_delta: float
    fingerprints: tuple[str, ...]
    row_bound: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameResolution:
    """Which dataset's budget a run uses (:meth:`Ledger.resolve`).

    Attributes:
        dataset: The ledger name whose budget applies (the requested name for a new dataset).
        requested: The name the run asked for.
        notice: One line for the person when the budget is another name's (None otherwise).
    """

    dataset: str
    requested: str
    notice: str | None = None


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
        row_bound: The public bound on the rows of the data at hand (recorded with a spend, so that a later
            ``budget set`` can refuse a delta at or above ``1/N``).

    Raises:
        StorageError: The file or its folder cannot be created or written.
        LedgerDamagedError: The file is not a readable ledger (the message says how to recover).
    """

    def __init__(self, path: str | Path, default_cap: tuple[float, float] = (3.0, 1e-5),
                 row_bound: int | None = None) -> None:
        self.path = Path(path)
        self.default_cap = default_cap
        self.row_bound = row_bound
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():  # the ledger names datasets and their spends: owner only (-wal/-shm follow)
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as exc:
            raise StorageError(f"Cannot create the ledger {self.path}: {exc.strerror or exc}; nothing was spent.",
                               f"Make {self.path.parent} writable by you, or set PRIVSYNTH_HOME to a folder you "
                               "own.") from exc
        with self._connect() as conn:
            conn.executescript(_SCHEMA)
            _migrate(conn)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        except sqlite3.Error as exc:
            self._raise_explained(exc)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            yield conn
        except sqlite3.DatabaseError as exc:
            self._raise_explained(exc)
        finally:
            conn.close()

    def _raise_explained(self, exc: sqlite3.Error) -> None:
        """Re-raise an SQLite error as a one-line privsynth error when it is damage or access, else as it is."""
        explained = explain(self.path, exc)
        if explained is None:
            raise exc
        raise explained from exc

    def _backup(self, conn: sqlite3.Connection) -> None:
        """Refresh the backup after a committed write; a failed backup is logged, never fatal (the commit stands)."""
        try:
            write_backup(conn, self.path)
        except (OSError, sqlite3.Error) as exc:
            log.warning("ledger.backup_failed", path=str(self.path), error=str(exc))

    # -- reading ----------------------------------------------------------------------------------
    def _find(self, conn: sqlite3.Connection, name: str | None, fingerprint: str | None) -> Dataset | None:
        """The dataset holding a fingerprint, else the one with this name, else the one with this alias."""
        columns = "d.id, d.name, d.cap_epsilon, d.cap_delta, d.row_bound"
        row = None
        if fingerprint:
            row = conn.execute(f"SELECT {columns} FROM datasets d JOIN fingerprints f ON f.dataset_id = d.id"
                               " WHERE f.fingerprint = ?", (fingerprint,)).fetchone()
        if row is None and name:
            row = conn.execute(f"SELECT {columns} FROM datasets d WHERE d.name = ?", (name,)).fetchone()
        if row is None and name:
            row = conn.execute(f"SELECT {columns} FROM datasets d JOIN aliases a ON a.dataset_id = d.id"
                               " WHERE a.name = ?", (name,)).fetchone()
        if row is None:
            return None
        fps = tuple(r[0] for r in conn.execute("SELECT fingerprint FROM fingerprints WHERE dataset_id = ?",
                                               (row[0],)))
        aliases = tuple(r[0] for r in conn.execute("SELECT name FROM aliases WHERE dataset_id = ? ORDER BY name",
                                                   (row[0],)))
        return Dataset(id=row[0], name=row[1], cap_epsilon=row[2], cap_delta=row[3], fingerprints=fps,
                       row_bound=row[4], aliases=aliases)

    def _spends(self, conn: sqlite3.Connection, dataset_id: int) -> list[Spend]:
        rows = conn.execute("SELECT id, run_id, generator, event_json, epsilon, delta, created_at FROM spends"
                            " WHERE dataset_id = ? ORDER BY id", (dataset_id,)).fetchall()
        return [Spend(id=r[0], run_id=r[1], generator=r[2], event=event_from_json(r[3]), epsilon=r[4],
                      delta=r[5], created_at=r[6]) for r in rows]

    def find(self, name: str | None = None, fingerprint: str | None = None) -> Dataset | None:
        """Find a dataset by fingerprint, then by name, then by alias."""
        with self._connect() as conn:
            return self._find(conn, name, fingerprint)

    def resolve(self, name: str, fingerprint: str | None, *, explicit: bool) -> NameResolution:
        """Decide, before anything is spent, whose budget a run on this name and content uses. Writes nothing.

        * Content the ledger does not know: the name's dataset (new or existing; new content under a known name
          continues its budget).
        * Known content under this name or one of its aliases: that dataset.
        * Known content under another name, the name not given by the person (the file's stem): the registered
          dataset, with a notice.
        * Known content under another name given explicitly (``--dataset NAME``): refused, unless NAME is an
          alias of the registered dataset, so that a name never silently gets (or loses) a budget.

        Args:
            name: The requested dataset name.
            fingerprint: The content fingerprint of the data (None when unknown).
            explicit: Whether the person chose the name (rather than the file's stem).

        Raises:
            ConfigError: An explicit name for content registered under another dataset.
        """
        with self._connect() as conn:
            by_content = self._find(conn, None, fingerprint) if fingerprint else None
            by_name = self._find(conn, name, None)
        if by_content is None or (by_name is not None and by_name.id == by_content.id):
            owner = by_content or by_name
            if owner is None or owner.name == name:
                return NameResolution(dataset=owner.name if owner else name, requested=name)
            return NameResolution(dataset=owner.name, requested=name,
                                  notice=f"'{name}' is an alias of dataset '{owner.name}'; its budget applies.")
        registered = by_content.name
        if explicit:
            other = f" ('{name}' is another dataset with its own budget)" if by_name is not None else ""
            raise ConfigError(
                f"This file is registered in the ledger as dataset '{registered}'{other}; --dataset '{name}' would "
                "split one dataset's privacy budget across two names. Nothing was spent.",
                f"Leave out --dataset (the budget of '{registered}' applies), or, if '{name}' should be another name "
                f"for it, run `privsynth budget alias {name} {registered}` first.")
        return NameResolution(dataset=registered, requested=name,
                              notice=f"this file is registered as '{registered}'; its budget applies.")

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
            self._backup(conn)

    def set_cap(self, name: str, epsilon: float, delta: float, row_bound: int | None = None) -> Dataset:
        """Set (or create with) a dataset's cap.

        The new cap is checked against what is already spent (composed at the new delta: spends are never
        refunded, so a cap below them is refused) and, when a public bound ``N`` on the rows is known (given
        here, or recorded by an earlier run), the delta must be below ``1/N``. Without a known bound only
        ``0 < delta < 1`` is checked here; every run still refuses a cap delta at or above ``1/N`` at its
        budget gate.

        Args:
            name: The dataset (or one of its aliases).
            epsilon: The cap's epsilon (> 0).
            delta: The cap's delta (0 < delta < 1).
            row_bound: A public bound on the dataset's rows, if the caller knows one.

        Raises:
            ConfigError: epsilon <= 0, delta outside (0, 1), delta >= 1/N, or a cap below the spent epsilon.
        """
        if not epsilon > 0 or not 0 < delta < 1 or epsilon != epsilon or epsilon == float("inf"):
            raise ConfigError(f"A cap needs a finite epsilon > 0 and 0 < delta < 1 (got {epsilon}, {delta}).",
                              "Pass for example --epsilon 3 --delta 1e-5.")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                ds = self._find(conn, name, None)
                _check_new_cap(ds, name, epsilon, delta, row_bound,
                               [s.event for s in self._spends(conn, ds.id)] if ds else [])
                if ds is None:
                    conn.execute("INSERT INTO datasets (name, cap_epsilon, cap_delta, created_at, row_bound)"
                                 " VALUES (?,?,?,?,?)", (name, epsilon, delta, _now(), row_bound))
                else:
                    conn.execute("UPDATE datasets SET cap_epsilon = ?, cap_delta = ?,"
                                 " row_bound = MAX(COALESCE(row_bound, 0), COALESCE(?, 0)) WHERE id = ?",
                                 (epsilon, delta, row_bound, ds.id))
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            self._backup(conn)
            result = self._find(conn, name, None)
        assert result is not None
        return result

    def add_alias(self, alias: str, existing: str) -> Dataset:
        """Make ``alias`` another name of the dataset ``existing`` (one budget, two names).

        Args:
            alias: The new name (not a dataset of its own, not another dataset's alias).
            existing: The dataset (or one of its aliases).

        Returns:
            The dataset, with its aliases.

        Raises:
            InputDataError: ``existing`` is not in the ledger.
            ConfigError: ``alias`` already names another dataset (two budgets cannot be merged).
        """
        if not alias.strip():
            raise ConfigError("An alias needs a non-empty name.", "Run e.g. `privsynth budget alias clinic patients`.")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                ds = self._find(conn, existing, None)
                if ds is None:
                    raise InputDataError(f"No dataset named '{existing}' in the ledger.",
                                         "Run `privsynth budget` to list the datasets.")
                taken = self._find(conn, alias, None)
                if taken is not None and taken.id != ds.id:
                    raise ConfigError(f"'{alias}' is already dataset '{taken.name}' with its own budget; an alias "
                                      "cannot merge two budgets.", "Pick another alias name.")
                if taken is None:
                    conn.execute("INSERT INTO aliases (name, dataset_id, created_at) VALUES (?,?,?)",
                                 (alias, ds.id, _now()))
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            self._backup(conn)
            result = self._find(conn, ds.name, None)
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
                if self.row_bound is not None:  # public: the power of ten or the schema's declared rows
                    conn.execute("UPDATE datasets SET row_bound = MAX(COALESCE(row_bound, 0), ?) WHERE id = ?",
                                 (int(self.row_bound), ds.id))
                conn.execute("INSERT INTO spends (dataset_id, run_id, generator, event_json, epsilon, delta,"
                             " created_at) VALUES (?,?,?,?,?,?,?)",
                             (ds.id, run_id, generator, event_to_json(event), epsilon, delta, _now()))
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            self._backup(conn)
        log.info("ledger.spend", dataset=name, run_id=run_id, epsilon_total=status.planned_epsilon,
                 seconds=round(time.monotonic() - start, 3))
        return status


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back an open transaction; a connection that cannot (a damaged file) is closed anyway."""
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a ledger made by an older privsynth up to date (adds ``datasets.row_bound``)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(datasets)")}
    if "row_bound" in columns:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if "row_bound" not in {r[1] for r in conn.execute("PRAGMA table_info(datasets)")}:
            conn.execute("ALTER TABLE datasets ADD COLUMN row_bound INTEGER")
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _check_new_cap(ds: Dataset | None, name: str, epsilon: float, delta: float, row_bound: int | None,
                   history: list[dp_event.DpEvent]) -> None:
    """Refuse a cap whose delta is not below ``1/N`` (N known) or whose epsilon is below what is spent."""
    bound = max([b for b in (row_bound, ds.row_bound if ds else None) if b] or [0])
    if bound and delta >= 1.0 / bound:
        raise ConfigError(f"A cap delta of {delta:g} is not below 1/n for dataset '{name}' (n bounded publicly by "
                          f"{bound:g}); such a delta allows publishing a record outright.",
                          f"Use a delta below {1.0 / bound:.1g}, e.g. --delta {min(1e-6, 0.1 / bound):.0e}.")
    if not history:
        return
    spent = epsilon_of(history, delta)
    if spent > epsilon:
        raise ConfigError(f"Dataset '{ds.name if ds else name}' has already spent epsilon {spent:.3f} (at delta "
                          f"{delta:g}); a cap of {epsilon:g} would be below it, and spends are never refunded.",
                          f"Set --epsilon to at least {math.ceil(spent * 1000) / 1000:.3f}, or keep the current cap.")


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
