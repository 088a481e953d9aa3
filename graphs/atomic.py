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


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes to ``path`` atomically, creating missing parent folders.

    A replaced file keeps its permission bits; a new file gets the default ones (umask applies).

    Args:
        path: Target file.
        data: Content.

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
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write text to ``path`` atomically (see :func:`atomic_write_bytes`).

    Args:
        path: Target file.
        text: Content.
        encoding: Text encoding.

    Returns:
        The target path.
    """
    return atomic_write_bytes(path, text.encode(encoding))


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
