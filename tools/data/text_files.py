"""Reading a text table's first line without heavy imports: its codec and its field separator.

Used before anything is spent (the header checks) and by the readers of the whole table, so that both see the same
names: a UTF-8 byte-order mark is not part of the first name, and a ``.csv`` exported with ``;`` is split on ``;``.
Only the header line is read (column names are public by the checkpoint's convention).
"""

from __future__ import annotations

from pathlib import Path

OTHER_SEPARATORS = (";", "\t", "|")


def reading_encoding(encoding: str | None) -> str:
    """The codec to read a text file with: UTF-8 (the default) also accepts a byte-order mark (Excel's CSVs)."""
    if encoding is None or encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        return "utf-8-sig"
    return encoding


def csv_separator(header_line: str) -> str:
    """The field separator of a ``.csv`` file, from its header line alone (public: the names).

    A comma, unless the line has none and exactly one of ``;``, tab or ``|`` (the European spreadsheet export
    uses ``;``), which is then the separator.
    """
    if "," in header_line:
        return ","
    found = [sep for sep in OTHER_SEPARATORS if sep in header_line]
    return found[0] if len(found) == 1 else ","


def header_line(path: Path, encoding: str | None = None) -> str:
    """The first line of a text file (decoded; empty when the file is empty or cannot be decoded)."""
    try:
        with open(path, encoding=reading_encoding(encoding), newline="") as handle:
            return handle.readline().rstrip("\r\n")
    except (UnicodeDecodeError, LookupError, OSError):
        return ""


__all__ = ["OTHER_SEPARATORS", "csv_separator", "header_line", "reading_encoding"]
