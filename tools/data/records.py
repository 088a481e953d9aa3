"""Reading a text corpus to scrub: plain text (one record per line) or JSON lines (one object per line).

One reader for the ``privsynth scrub`` command and the graph's scrub-only requests, so both accept and refuse the
same files with the same one-line errors (never quoting a record's content).
"""

from __future__ import annotations

import json
from pathlib import Path

from privsynth.errors import InputDataError


def read_utf8(path: Path) -> str:
    """Read a file as UTF-8, raising :class:`InputDataError` with the byte offset when it is not."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputDataError(f"{path} is not valid UTF-8 (bad byte at offset {exc.start}).",
                             "Convert the file to UTF-8, e.g. with `iconv -f latin1 -t utf-8`.") from exc


def read_records(path: Path, fmt: str) -> list[object]:
    """The records of a corpus: its lines for ``fmt="text"``, else one JSON object per non-blank line.

    Raises:
        InputDataError: The file is not UTF-8, a line is not JSON, or a JSON line is not an object.
    """
    lines = read_utf8(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.rstrip("\r") for line in lines]
    if fmt == "text":
        return list(lines)
    records: list[object] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputDataError(f"{path} line {number} is not valid JSON ({exc.msg}).",
                                 "Write one JSON object per line.") from exc
        if not isinstance(record, dict):
            raise InputDataError(f"{path} line {number} is a JSON {type(record).__name__}, not an object.",
                                 "Write one JSON object per line.")
        records.append(record)
    return records
