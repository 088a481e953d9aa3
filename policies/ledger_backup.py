"""The ledger's safety net: a backup after every write, a one-line diagnosis of a damaged file, and recovery.

After each committed write (a spend, a cap, an alias) the ledger copies itself with SQLite's online backup
to ``ledger.sqlite.bak`` (owner-only). A damaged ledger (truncated, overwritten, not a database) is never
repaired silently: privsynth refuses to run (it cannot account for a spend it cannot read) and says what is
wrong, where the backup and the write-ahead log are, and how to recover: ``privsynth budget recover`` keeps
the damaged file aside and restores the backup, which holds every spend committed up to its time.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from privsynth.errors import LedgerDamagedError, StorageError

DAMAGE_MARKERS = ("not a database", "malformed", "disk image", "file is encrypted", "database corrupt")
ACCESS_MARKERS = ("unable to open", "readonly database", "read-only", "disk i/o error", "permission")


def backup_path(path: Path) -> Path:
    """Where the backup of a ledger file lives (``<file>.bak`` next to it)."""
    return path.with_name(path.name + ".bak")


def wal_path(path: Path) -> Path:
    """SQLite's write-ahead log of a ledger file (``<file>-wal``): commits not yet copied into the file."""
    return path.with_name(path.name + "-wal")


def write_backup(conn: sqlite3.Connection, path: Path) -> None:
    """Copy the ledger (as ``conn`` sees it, WAL included) to its backup file, atomically, mode 0600.

    Args:
        conn: An open connection to the ledger, outside a transaction.
        path: The ledger file.
    """
    target = backup_path(path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    copy = sqlite3.connect(tmp)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    os.replace(tmp, target)


def _valid(path: Path) -> int | None:
    """The number of spends in a ledger file that passes SQLite's integrity check, else None."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return None
            return int(conn.execute("SELECT COUNT(*) FROM spends").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _when(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def explain(path: Path, exc: sqlite3.Error) -> StorageError | None:
    """Turn an SQLite error on the ledger into a one-line privsynth error.

    Returns None when the error is neither damage nor access (a lock timeout, a constraint): the caller
    re-raises those as they are.

    Args:
        path: The ledger file.
        exc: The error SQLite raised.
    """
    text = str(exc).lower()
    if any(marker in text for marker in ACCESS_MARKERS):
        return StorageError(f"The ledger {path} cannot be opened for writing ({exc}); nothing was spent.",
                            f"Make {path.parent} and the files in it writable by you (chmod u+rwX), or set "
                            "PRIVSYNTH_HOME to a folder you own.")
    if not any(marker in text for marker in DAMAGE_MARKERS):
        return None
    backup, wal = backup_path(path), wal_path(path)
    size = wal.stat().st_size if wal.is_file() else 0
    wal_note = (f"its write-ahead log {wal} ({size} bytes) may hold commits not yet in the file: keep it next to "
                "the file" if size else f"its write-ahead log {wal.name} is empty or absent")
    spends = _valid(backup) if backup.is_file() else None
    if spends is not None:
        fix = (f"Run `privsynth budget recover`: it keeps the damaged file aside and restores the backup {backup} "
               f"(written {_when(backup)} after the last committed change, {spends} spend(s)), so no committed "
               "spend is lost.")
    else:
        fix = (f"No usable backup ({backup.name}). Keep copies of {path.name} and {wal.name}, then rebuild it with "
               f"`sqlite3 {path} .recover | sqlite3 {path}.recovered` and move {path.name}.recovered to "
               f"{path.name}; never delete the ledger (that would reset every budget).")
    return LedgerDamagedError(f"The privacy ledger {path} is damaged ({exc}); {wal_note}. privsynth refuses to run "
                              "until it is repaired (it cannot account for a spend it cannot read); nothing was "
                              "spent.", fix)


def recover(path: Path) -> str:
    """Restore a damaged ledger from its backup, keeping the damaged file (and its WAL) aside.

    Args:
        path: The ledger file.

    Returns:
        One line saying what was done.

    Raises:
        LedgerDamagedError: There is no usable backup (the message says how to rebuild the file by hand).
    """
    if path.is_file() and _valid(path) is not None:
        return f"the ledger {path} is healthy; nothing to recover"
    backup = backup_path(path)
    spends = _valid(backup) if backup.is_file() else None
    if spends is None:
        raise LedgerDamagedError(f"The ledger {path} is damaged and has no usable backup ({backup.name}).",
                                 f"Keep copies of {path.name} and its -wal file, then run `sqlite3 {path} .recover "
                                 f"| sqlite3 {path}.recovered` and move the result to {path.name}.")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kept = []
    for part in (path, wal_path(path), path.with_name(path.name + "-shm")):
        if part.exists():
            aside = part.with_name(f"{part.name}.damaged-{stamp}")
            os.replace(part, aside)
            kept.append(aside.name)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.restore")
    shutil.copyfile(backup, tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return (f"restored {path} from {backup.name} (written {_when(backup)}, {spends} spend(s)); the damaged file is "
            f"kept as {', '.join(kept) or 'nothing (it was missing)'}")
