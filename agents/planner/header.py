"""A data file's header: its column names, and nothing else, so the planner can match names without reading data.

CSV / TSV: the first line only. Parquet: the file's schema (metadata, no rows). JSON lines: the keys of the
first record (its values are parsed by the JSON reader but never kept or returned). A plain-text corpus has no
header. A file that does not exist has no header either; :func:`require_file` is the clear error for it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from privsynth.errors import InputDataError
from privsynth.tools.data.text_files import csv_separator

_MAX_HEADER_BYTES = 1 << 20


def require_file(path: str) -> Path:
    """The path of an input file that exists.

    Raises:
        InputDataError: The file does not exist (naming it) or is a folder.
    """
    resolved = Path(path).expanduser()
    if not resolved.exists():
        raise InputDataError(f"The input file {path} does not exist.",
                             "Check the path (relative paths start from the current folder).")
    if not resolved.is_file():
        raise InputDataError(f"The input {path} is a folder, not a file.", "Name the data file inside it.")
    return resolved


def _first_line(path: Path) -> str | None:
    with path.open("rb") as handle:
        raw = handle.readline(_MAX_HEADER_BYTES)
    try:
        return raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return raw.decode("latin-1").rstrip("\r\n")


def read_header(path: str | Path | None) -> list[str] | None:
    """The column names of a data file, or None when there is no file or no header to read.

    Args:
        path: A CSV, TSV, Parquet or JSON-lines file.

    Returns:
        The column names in file order, or None (missing file, plain text, unreadable header).
    """
    if path is None:
        return None
    file = Path(path).expanduser()
    if not file.is_file():
        return None
    suffix = file.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(file).names)
        if suffix in (".jsonl", ".ndjson"):
            with file.open("rb") as handle:
                for raw in handle:
                    if raw.strip():
                        record = json.loads(raw)
                        return [str(k) for k in record] if isinstance(record, dict) else None
            return None
        if suffix in (".csv", ".tsv"):
            line = _first_line(file)
            if not line:
                return None
            delimiter = "\t" if suffix == ".tsv" else csv_separator(line)
            return [name.strip() for name in next(csv.reader(io.StringIO(line), delimiter=delimiter))]
    except (OSError, ValueError, ImportError, StopIteration):
        return None
    return None
