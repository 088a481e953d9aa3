"""The header of a table, read without reading its values: column names and what they suggest.

Names are public by this module's convention (they are shown at the checkpoint and the user confirms them), so
a column whose name says it is an identifier (``id``, ``customerID``, ``user_uuid``) or free text (``notes``,
``comment``, ``description``) is proposed for that role from its name alone. The only fact read beyond the header
line is whether the file has a data row at all, so a header-only file is refused before anything is spent.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from privsynth.errors import InputDataError
from privsynth.tools.data.text_files import csv_separator, header_line, reading_encoding

INDEX_NAME = "Unnamed: 0"
"""The name pandas gives a nameless first column, which is how a saved row index looks; an identifier."""
ID_NAME = re.compile(r"^(id|uuid|guid|identifier|key)$|[_\s.-](id|uuid|guid|key)$", re.IGNORECASE)
CAMEL_ID = re.compile(r"[a-z0-9]I[dD]$")
TEXT_NAME = re.compile(r"(^|[_\s.-])(text|notes?|comments?|description|body|message|review|summary|remarks?|"
                       r"feedback|narrative|free_?text)$", re.IGNORECASE)


def looks_like_id(name: str) -> bool:
    """Whether a column's name says it is an identifier (public: the header only), a saved row index included."""
    return bool(ID_NAME.search(name.strip()) or CAMEL_ID.search(name.strip()) or name.strip() == INDEX_NAME)


def looks_like_text(name: str) -> bool:
    """Whether a column's name says it holds free text (public: the header only)."""
    return bool(TEXT_NAME.search(name.strip()))


def _csv_header(path: Path, encoding: str | None, delimiter: str) -> tuple[list[str], bool]:
    try:
        with open(path, newline="", encoding=reading_encoding(encoding)) as handle:
            reader = csv.reader(handle, delimiter=delimiter, skipinitialspace=True)
            header = next(reader, None)
            has_row = any(any(cell.strip() for cell in row) for row in reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputDataError(f"Input file {path} could not be read as a table ({type(exc).__name__}).",
                             "Check the file's format; for another text encoding pass --encoding (e.g. latin-1)."
                             ) from exc
    if header is None:
        raise InputDataError(f"Input file {path} is empty.", "Give a table with a header and data rows.")
    return [h.strip() for h in header], has_row


def read_header(path: str | Path, encoding: str | None = None) -> list[str]:
    """The column names of a table, checked (no values are read beyond whether a data row exists).

    Args:
        path: A CSV, TSV, Parquet or JSON-lines file.
        encoding: Text encoding (default UTF-8).

    Returns:
        The names, in file order.

    Raises:
        InputDataError: No such file, an empty file, a header with an empty or duplicate name, or no data rows.
    """
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"Input file {path} does not exist{' (it is a folder)' if path.is_dir() else ''}.",
                             "Check the path (relative paths start at the current folder).")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        names, has_row = _csv_header(path, encoding,
                                     "\t" if suffix == ".tsv" else csv_separator(header_line(path, encoding)))
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        meta = pq.read_metadata(path)
        names, has_row = list(meta.schema.names), meta.num_rows > 0
    else:
        with open(path, encoding=reading_encoding(encoding)) as handle:
            first = next((line for line in handle if line.strip()), None)
        if first is None:
            raise InputDataError(f"Input file {path} is empty.", "Give a table with a header and data rows.")
        try:
            names, has_row = list(json.loads(first)), True
        except (json.JSONDecodeError, TypeError) as exc:
            raise InputDataError(f"Input file {path}: its first line is not a JSON object.",
                                 "Give one JSON object per line.") from exc
    if not names or all(not n for n in names):
        raise InputDataError(f"Input file {path} has no column names.", "Give a table whose first line names "
                             "its columns.")
    if len(names) > 1 and not names[0] and all(names[1:]):  # a saved row index (pandas, R): named as pandas does
        names = [INDEX_NAME, *names[1:]]
    empty = [i + 1 for i, n in enumerate(names) if not n]
    if empty:
        raise InputDataError(f"Input file {path} has column(s) without a name (position {', '.join(map(str, empty))}).",
                             "Name every column in the header line.")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputDataError(f"Input file {path} names column(s) {', '.join(repr(d) for d in dupes)} more than once; "
                             "nothing was read or spent.", "Give each column a distinct name in the header line.")
    if not has_row:
        raise InputDataError(f"Input file {path} has a header but no data rows; nothing was spent.",
                             "Give a table with data rows.")
    return names
