"""Run folders: ``$PRIVSYNTH_HOME/runs/<run_id>/`` with the plan, outputs, report and ledger entries."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from privsynth.agents.generator import integers_as_integers
from privsynth.atomic import PRIVATE_FILE_MODE, atomic_write_bytes, atomic_write_text, private_dir
from privsynth.errors import RunNotFoundError
from privsynth.tools.data.schema import TableSchema

PLAN_FILE = "plan.json"
PENDING_FILE = "synthetic.pending.csv"
SYNTHETIC_FILE = "synthetic.csv"
LEDGER_FILE = "ledger.json"


def new_run_id() -> str:
    """A sortable, unique run id such as ``20261125-164501-3fa2c1``."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def run_dir(runs_root: Path, run_id: str, create: bool = False) -> Path:
    """The folder of one run.

    Raises:
        RunNotFoundError: ``create`` is False and the folder does not exist.
    """
    path = runs_root / run_id
    if create:
        private_dir(runs_root)
        private_dir(path)
    elif not path.is_dir():
        raise RunNotFoundError(f"No run '{run_id}' under {runs_root}.", "List runs with `ls` on that folder, or "
                               "check PRIVSYNTH_HOME.")
    return path


def write_json(path: Path, data: Any) -> Path:
    """Write JSON atomically (temp file + rename)."""
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    return path


def read_synthetic(path: Path, schema: TableSchema | None = None) -> pd.DataFrame:
    """Read a synthetic CSV back with categorical columns as strings (codes such as ``"2"`` stay codes).

    The schema's missing-value markers (NIST's ``N``) read as missing, as :func:`write_table` wrote them; a date
    column (``"date": true``, written as ISO dates) reads as its numbers, days since 1970-01-01.
    """
    dtypes = {c.name: str for c in schema.columns if c.kind != "numeric"} if schema is not None else None
    markers = list(schema.na_values) if schema is not None else []
    table = pd.read_csv(path, dtype=dtypes, na_values=markers or None)
    if schema is not None and any(c.date for c in schema.columns):
        from privsynth.tools.data.discovery.profile import as_days

        for spec in schema.columns:
            if spec.date and spec.name in table.columns:
                table[spec.name] = as_days(table[spec.name])
    return table


def write_table(path: Path, df: pd.DataFrame, mode: int | None = PRIVATE_FILE_MODE, na_rep: str = "") -> Path:
    """Write a CSV, JSON lines or Parquet table atomically, chosen by suffix (anything else: CSV).

    Args:
        path: Target file.
        df: The table.
        mode: Permission bits (private by default; ``None`` for a released file at the user's own path).
        na_rep: How a CSV writes a missing value: the schema's marker (NIST's ``N``) so that the output reads
            like the source, else empty.
    """
    if path.suffix.lower() == ".parquet":
        atomic_write_bytes(path, df.to_parquet(index=False), mode)
    elif path.suffix.lower() == ".jsonl":
        records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
        atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records),
                          mode=mode)
    else:
        atomic_write_text(path, df.to_csv(index=False, na_rep=na_rep), mode=mode)
    return path


def missing_marker(schema: TableSchema | None) -> str:
    """The string a CSV output writes for a missing value: the schema's first ``na_values`` entry, else empty."""
    return schema.na_values[0] if schema is not None and schema.na_values else ""


def publish(stored: Path, target: Path, schema: TableSchema | None = None) -> Path:
    """Write a run's stored synthetic CSV to the user's path (the user's permissions, not 0600).

    A CSV target gets the stored bytes exactly, so a release and any later replay are the same file; JSON lines
    and Parquet are converted, with the schema's integer columns kept as integers.

    Returns:
        The target path.
    """
    if target.suffix.lower() not in (".parquet", ".jsonl"):
        return atomic_write_bytes(target, stored.read_bytes(), mode=None)
    table = read_synthetic(stored, schema)
    if schema is not None:
        from privsynth.tools.data.folding import dates_for_output

        table = dates_for_output(integers_as_integers(table, schema), schema)
    return write_table(target, table, mode=None, na_rep=missing_marker(schema))
