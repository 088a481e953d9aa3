"""One line for an error privsynth did not raise on purpose, so that the CLI never prints a traceback.

Deliberate errors (:mod:`privsynth.errors`) already carry the problem and the fix. Anything else that
reaches the command line (a permission error, a full disk, a damaged SQLite file, memory, a bug) is named
here in one line with what to do; ``privsynth --debug`` re-raises it with its traceback instead.
"""

from __future__ import annotations

import sqlite3

from privsynth.errors import PrivsynthError, StorageError

EXIT_INTERNAL = 1
MAX_DETAIL = 300


class InternalError(PrivsynthError):
    """An unexpected error: a bug, reported in one line (the traceback is behind ``--debug``)."""

    exit_code = EXIT_INTERNAL


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL] + "..."


def explain_unexpected(exc: BaseException) -> PrivsynthError:
    """The one-line error for an exception privsynth did not raise on purpose.

    Args:
        exc: The exception that reached the command line.

    Returns:
        A :class:`~privsynth.errors.PrivsynthError` whose message names the problem and the fix.
    """
    if isinstance(exc, PermissionError):
        where = exc.filename or "a file"
        return StorageError(f"Permission denied on {where}.", f"Give yourself access to {where}, or choose another "
                            "path (PRIVSYNTH_HOME for privsynth's own files).")
    if isinstance(exc, OSError) and exc.errno == 28:  # ENOSPC
        return StorageError(f"No space left on the device ({exc.filename or 'while writing'}).",
                            "Free some disk space, or set PRIVSYNTH_HOME / --out on a disk with room.")
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return StorageError(f"{exc.strerror or _detail(exc)}{where}.", "Check the path and its permissions.")
    if isinstance(exc, sqlite3.DatabaseError):
        return StorageError(f"A privsynth SQLite file under PRIVSYNTH_HOME cannot be used ({_detail(exc)}).",
                            "If it is checkpoints.sqlite, move it aside (runs waiting in it can no longer be "
                            "resumed; the ledger and its spends are separate); if it is the ledger, run "
                            "`privsynth budget recover`.")
    if isinstance(exc, MemoryError):
        return InternalError("Out of memory.", "Ask for fewer rows (--rows), drop wide columns (--drop-column), or "
                             "run on a machine with more memory.")
    return InternalError(f"Unexpected error {type(exc).__name__}: {_detail(exc)}.",
                         "This is a bug in privsynth: rerun with --debug and report the traceback.")
