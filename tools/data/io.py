"""Reading private inputs and fingerprinting them.

Every reading error is one readable message that names the file and the fix; nothing is spent for
an input that cannot be read (the ledger is only touched after the data has loaded).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from privsynth.errors import InputDataError
from privsynth.tools.data.text_files import csv_separator, header_line

SUPPORTED = {".csv": "CSV", ".tsv": "TSV", ".parquet": "Parquet", ".jsonl": "JSON lines", ".json": "JSON lines"}


def fingerprint_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes: the dataset's content fingerprint in the ledger.

    Args:
        path: The file.

    Returns:
        ``"sha256:<hex>"``.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"sha256:{digest.hexdigest()}"


def fingerprint_frame(df: pd.DataFrame) -> str:
    """Content fingerprint of an in-memory table (columns and row values)."""
    digest = hashlib.sha256("\x1f".join(map(str, df.columns)).encode())
    digest.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return f"sha256:{digest.hexdigest()}"


def read_table(path: str | Path, encoding: str | None = None) -> pd.DataFrame:
    """Read a private table (CSV, TSV, Parquet or JSON lines).

    Args:
        path: The input file.
        encoding: Text encoding of a CSV, TSV or JSON lines file (default UTF-8), e.g. ``latin-1``.

    Returns:
        The table; empty strings and ``NA`` markers become missing values.

    Raises:
        InputDataError: The file is missing, of an unsupported type, unreadable, or has no rows.
    """
    path = Path(path)
    if not path.exists():
        raise InputDataError(f"Input file {path} does not exist.", "Check the path (it is relative to "
                             f"{Path.cwd()}).")
    if path.is_dir():
        raise InputDataError(f"Input {path} is a folder, not a file.", "Give the path of a CSV, Parquet or JSONL file.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputDataError(f"Input {path} has an unsupported type '{suffix or '(none)'}'.",
                             f"Use one of: {', '.join(sorted(SUPPORTED))}.")
    try:
        if suffix == ".csv":
            df = pd.read_csv(path, skipinitialspace=True, encoding=encoding,
                             sep=csv_separator(header_line(path, encoding)))
        elif suffix == ".tsv":
            df = pd.read_csv(path, sep="\t", encoding=encoding)
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            df = pd.read_json(path, lines=True, encoding=encoding)
    except pd.errors.EmptyDataError as exc:
        raise InputDataError(f"Input file {path} is empty.", "Give a table with a header and data rows.") from exc
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputDataError(f"Input file {path} could not be read as {SUPPORTED[suffix]}: {exc}".rstrip(".") + ".",
                             "Check the file's format; for another text encoding pass --encoding (e.g. latin-1)."
                             ) from exc
    except LookupError as exc:
        raise InputDataError(f"Unknown text encoding '{encoding}'.", "Use a Python codec name such as utf-8 or "
                             "latin-1.") from exc
    if len(df) == 0:
        raise InputDataError(f"Input file {path} has a header but no data rows.", "Give a table with data rows.")
    if len(df.columns) == 0:
        raise InputDataError(f"Input file {path} has no columns.", "Give a table with a header row.")
    return df
