"""Atomic file writes: a reader sees the old file or the new one, never a partial file.

The data goes to a fresh temporary file in the target's folder (same file system), is flushed to
disk, and then replaces the target with :func:`os.replace`, which is atomic on POSIX and Windows. If
anything fails, the temporary file is removed and the old target is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import uuid
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def atomic_write_bytes(path: str | Path, data: bytes, mode: int | None = PRIVATE_FILE_MODE) -> Path:
    """Write bytes to ``path`` atomically, creating missing parent folders.

    Files are private by default (``0600``): nearly everything privsynth writes under its home folder is
    derived from private data. A released file at a user's own path passes ``mode=None``: a replaced file then
    keeps its permission bits and a new one gets the default ones (umask applies).

    Args:
        path: Target file.
        data: Content.
        mode: Permission bits of the new file (``None``: as described above).

    Returns:
        The target path.

    Raises:
        OSError: The write or the rename failed (the old file, if any, is intact).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8",
                      mode: int | None = PRIVATE_FILE_MODE) -> Path:
    """Write text to ``path`` atomically (see :func:`atomic_write_bytes`).

    Args:
        path: Target file.
        text: Content.
        encoding: Text encoding.
        mode: Permission bits of the new file (see :func:`atomic_write_bytes`).

    Returns:
        The target path.
    """
    return atomic_write_bytes(path, text.encode(encoding), mode)


def private_dir(path: str | Path) -> Path:
    """Create a folder (and its parents) readable by its owner only (``0700``); an existing one is tightened."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: str | Path) -> Path:
    """Make sure a file exists with mode ``0600`` before a library (SQLite) opens it; an existing one is tightened.

    SQLite creates its ``-wal`` and ``-shm`` files with the database file's permissions, so this covers them.
    """
    path = Path(path)
    if not path.parent.exists():
        private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)
    for suffix in ("-wal", "-shm", "-journal"):
        sibling = path.with_name(path.name + suffix)
        if sibling.exists():
            os.chmod(sibling, PRIVATE_FILE_MODE)
    return path


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself where the platform allows it (best effort)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
