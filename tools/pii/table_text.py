"""Scrub a CSV or Parquet file under a PII policy (used by ``privsynth scrub``).

Columns are classified with :func:`~privsynth.tools.pii.table_scan.scan_table`. A PII column whose
policy action is ``drop_column`` is dropped; other PII columns are transformed value by value (each
non-empty cell is one value of the column's entity type); free-text columns, and the ``text_field``
column when one is named, are scanned span by span with the batched text scanner. Scrubbing PII is a
data-hygiene step, not differential privacy.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pandas as pd

from privsynth.errors import ConfigError, InputDataError
from privsynth.tools.pii.anonymize import PolicyScrubber
from privsynth.tools.pii.table_scan import FREE_TEXT, scan_table
from privsynth.tools.pii.text import as_text, default_scanner


def read_table(path: Path, fmt: str) -> pd.DataFrame:
    """Read a CSV (UTF-8) or Parquet file, raising :class:`InputDataError` when it cannot be read."""
    if fmt == "csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputDataError(f"{path} is not valid UTF-8 (bad byte at offset {exc.start}).",
                                 "Convert the file to UTF-8, e.g. with `iconv -f latin1 -t utf-8`.") from exc
        try:
            return pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputDataError(f"{path} is not a readable CSV table ({exc}).", "Check the file.") from exc
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputDataError(f"{path} is not a readable Parquet file ({exc}).", "Check the file.") from exc


def scrub_table_file(input_path: Path, output_path: Path, fmt: str, scrubber: PolicyScrubber,
                     text_field: str | None, spans_path: Path | None) -> dict:
    """Scrub one table file and write the result (and spans) atomically.

    Args:
        input_path: The CSV or Parquet file.
        output_path: Where the scrubbed table goes (same format).
        fmt: ``csv`` or ``parquet``.
        scrubber: The policy scrubber.
        text_field: A column to scan as free text (required with ``spans_path``).
        spans_path: Where to write the text column's spans, one JSON line per row.

    Returns:
        A summary: ``records``, ``entities`` (count per entity type), ``dropped_columns``.

    Raises:
        InputDataError: The file cannot be read or lacks ``text_field``.
        ConfigError: ``spans_path`` without ``text_field``.
    """
    from privsynth.atomic import atomic_write_bytes, atomic_write_text

    if spans_path is not None and text_field is None:
        raise ConfigError("--spans on a table needs --text-field.", "Name the column of free text with --text-field.")
    df = read_table(input_path, fmt)
    if text_field is not None and text_field not in df.columns:
        raise InputDataError(f"Column '{text_field}' is not in {input_path}.",
                             f"Columns: {', '.join(map(str, df.columns))}.")
    out = df.copy()
    found: Counter[str] = Counter()
    dropped: list[str] = []
    span_lines: list[str] = []
    findings = scan_table(df.drop(columns=[text_field]) if text_field else df)
    text_columns = [text_field] if text_field else []
    for finding in findings:
        if not finding.is_pii:
            continue
        if finding.entity_type == FREE_TEXT:
            text_columns.append(finding.column)
        elif scrubber.policy.action_for(finding.entity_type) == "drop_column":
            out = out.drop(columns=[finding.column])
            dropped.append(finding.column)
        else:
            entity = finding.entity_type or "PII"
            cells = out[finding.column]
            present = cells.notna()
            out[finding.column] = cells.astype(object)
            out.loc[present, finding.column] = [scrubber.replace(entity, as_text(v)) for v in cells[present]]
            found[entity] += int(present.sum())
    for column in text_columns:
        values = df[column].tolist()
        scrubbed = []
        for value, spans in zip(values, default_scanner().iter_scan(values), strict=True):
            found.update(s.entity_type for s in spans)
            scrubbed.append(scrubber.scrub_text(as_text(value), spans) if spans else value)
            if column == text_field:
                span_lines.append(json.dumps({"spans": [s.to_dict() for s in spans]}))
        out[column] = pd.Series(scrubbed, index=out.index, dtype=object)
    if fmt == "csv":
        atomic_write_text(output_path, out.to_csv(index=False))
    else:
        atomic_write_bytes(output_path, out.to_parquet(index=False))
    if spans_path is not None:
        atomic_write_text(spans_path, "".join(line + "\n" for line in span_lines))
    return {"records": len(df), "entities": dict(found), "dropped_columns": dropped}
