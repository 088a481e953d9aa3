"""The preflight: everything a run can be refused for before the ledger commit, all at once where it can be.

A run spends its budget when the generator starts reading the data, and the spend is never refunded, so what
would make it fail later is checked first, from public facts (the schema, ``--rows``, the paths) and one pass
over the values:

* :func:`check_output_path`: ``--out`` names a file in an existing, writable folder;
* :func:`check_resources`: the synthetic table fits in memory and on disk. The estimate comes from the schema's
  domains and the number of rows asked for (never from the private values): a refused run names the estimate,
  what this machine has, and how many rows would fit;
* :func:`check_values`: every value of every modelled column of the **whole** table (the holdout part included)
  is allowed by its schema, and every bad column is reported in one message, with counts only (a value is
  private data and is never shown).
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from privsynth.errors import ConfigError, ResourceLimitError, SchemaError
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.encoding.discretize import normalize_value

BYTES_PER_CELL = 48  # codes, the decoded frame and its integer typing, per cell (evals/notes/preflight.md)
CSV_COPIES = 3  # the CSV text in memory while it is written, its bytes, and the copy published to --out
MEMORY_SHARE = 0.8  # a run may plan to use this share of the memory available when it starts
DISK_SHARE = 0.95
OUTPUT_COPIES = 2  # the run folder's synthetic.csv and the published --out file


@dataclass(frozen=True)
class Estimate:
    """What writing ``rows`` synthetic rows of a schema takes.

    Attributes:
        rows: Rows to generate.
        row_bytes: Bytes of one CSV row (from the schema's widest category or bound).
        memory_bytes: Peak extra memory while sampling and writing.
        disk_bytes: Bytes written (the run folder's copy and ``--out``).
    """

    rows: int
    row_bytes: int
    memory_bytes: int
    disk_bytes: int


def _cell_chars(spec: ColumnSpec) -> int:
    """The widest CSV text of one cell, from the public domain alone."""
    if spec.kind == "categorical":
        return max(len(c) for c in spec.categories or [""]) + 2  # quotes, when a category needs them
    widest = max(len(f"{int(abs(b))}") for b in (spec.min or 0.0, spec.max or 0.0)) + 1  # sign
    decimals = 0 if spec.integer else (spec.decimals if spec.decimals is not None else 6)
    specials = max((len(s) for s in spec.special_values), default=0)
    return max(widest + (decimals + 1 if decimals else 0), specials)


def estimate(schema: TableSchema, rows: int) -> Estimate:
    """Estimate the memory and disk that ``rows`` synthetic rows of ``schema`` take (public facts only)."""
    columns = [c for c in schema.columns if c.modelled] or list(schema.columns)
    row_bytes = sum(_cell_chars(c) + 1 for c in columns)
    memory = rows * (len(columns) * BYTES_PER_CELL + CSV_COPIES * row_bytes)
    return Estimate(rows=rows, row_bytes=row_bytes, memory_bytes=memory, disk_bytes=OUTPUT_COPIES * rows * row_bytes)


def _meminfo_available() -> int:
    """MemAvailable of /proc/meminfo (Linux), else the free physical pages."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def available_memory() -> int:
    """Bytes of memory this process may still use: the system's available memory, within a cgroup limit."""
    free = _meminfo_available()
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = Path(limit_file).read_text().strip()
            if limit.isdigit() and int(limit) < 1 << 60:
                free = min(free, int(limit) - int(Path(usage_file).read_text().strip()))
        except (OSError, ValueError):
            continue
    return max(0, free)


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 / 10 else f"{n / 2**20:.0f} MiB"


def check_resources(schema: TableSchema, rows: int, folders: list[Path], *, memory: int | None = None,
                    free_disk: dict[Path, int] | None = None) -> Estimate:
    """Refuse a run whose synthetic table would not fit in memory or on disk (before anything is spent).

    Args:
        schema: The schema of the synthetic table.
        rows: Rows to generate (``--rows``, else the public bound on the source's rows).
        folders: Where the output is written (the run folder, the ``--out`` folder).
        memory: Bytes available (default: measured, :func:`available_memory`).
        free_disk: Free bytes per folder (default: measured).

    Raises:
        ResourceLimitError: With the estimate, what is available and the largest ``--rows`` that fits.
    """
    need = estimate(schema, rows)
    have = available_memory() if memory is None else memory
    per_row = need.memory_bytes / max(rows, 1)
    if need.memory_bytes > MEMORY_SHARE * have:
        fits = int(MEMORY_SHARE * have / per_row)
        raise ResourceLimitError(
            f"{rows:,} synthetic rows would need about {_gib(need.memory_bytes)} of memory (estimated from the "
            f"schema: {per_row:.0f} bytes a row), and this machine has {_gib(have)} available. Nothing was spent.",
            f"Ask for at most about {fits:,} rows (--rows {fits}) and run it again for more, or use a machine with "
            "more memory.")
    by_device: dict[int, tuple[Path, int]] = {}
    for folder in folders:
        existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
        free = (free_disk or {}).get(folder)
        free = int(shutil.disk_usage(existing).free) if free is None else free
        device = os.stat(existing).st_dev
        share = need.disk_bytes // len(folders)
        held = by_device.get(device, (folder, 0))
        by_device[device] = (held[0], held[1] + share)
        if by_device[device][1] > DISK_SHARE * free:
            fits = int(DISK_SHARE * free / (OUTPUT_COPIES * need.row_bytes))
            raise ResourceLimitError(
                f"{rows:,} synthetic rows take about {_gib(need.disk_bytes)} on disk (the run folder's copy and "
                f"--out), and {existing} has {_gib(free)} free. Nothing was spent.",
                f"Free some space there, point PRIVSYNTH_HOME or --out at a larger disk, or ask for at most about "
                f"{fits:,} rows.")
    return need


def check_output_path(out: str | None) -> None:
    """Refuse an ``--out`` that cannot be written: a folder, a missing or read-only parent, a read-only file.

    Raises:
        ConfigError: Naming the path and the fix.
    """
    if not out:
        return
    path = Path(out).expanduser()
    if path.is_dir():
        raise ConfigError(f"--out {out} is a folder.", f"Name a file in it, e.g. --out {path / 'synthetic.csv'}.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ConfigError(f"The folder of --out {out} does not exist ({parent}).",
                          f"Create it first (mkdir -p {parent}) or choose another --out.")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"--out {out} is not writable by this user.", "Choose a file in a folder you can write "
                          "to, or fix its permissions.")


# -- values ------------------------------------------------------------------------------------------------

def _is_number(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    try:
        return not math.isnan(float(normalize_value(value)))
    except (TypeError, ValueError):
        return False


def column_problems(values: pd.Series, spec: ColumnSpec) -> list[str]:
    """What is wrong with one column against its declaration, as counts (never a value); empty when nothing."""
    problems = []
    missing = values.isna()
    if spec.nullable is False and missing.any():
        problems.append(f"{int(missing.sum())} missing cell(s) but declared never missing")
    present = values[~missing]
    if spec.kind == "numeric" and pd.api.types.is_numeric_dtype(present.dtype) \
            and not pd.api.types.is_bool_dtype(present.dtype):
        return problems
    if spec.kind not in ("numeric", "categorical") or present.empty:
        return problems
    codes, uniques = pd.factorize(present)
    if spec.kind == "categorical":
        allowed = set(spec.categories or [])
        bad = [i for i, u in enumerate(uniques) if normalize_value(u) not in allowed]
        what = "not among its declared categories"
    else:
        specials = set(spec.special_values)
        bad = [i for i, u in enumerate(uniques) if normalize_value(u) not in specials and not _is_number(u)]
        what = "not numbers (nor declared special values)"
    if bad:
        rows = int(np.isin(codes, bad).sum())
        problems.append(f"{rows} row(s) with {len(bad)} distinct value(s) {what}")
    return problems


def check_values(data: pd.DataFrame, schema: TableSchema, columns: list[str] | None = None) -> None:
    """Check every value of the whole table against the schema in one pass; report every bad column.

    Args:
        data: The whole source table (training and holdout parts alike: the validators read the holdout too).
        schema: The public schema.
        columns: The columns to check (default: every modelled column of the schema present in the data).

    Raises:
        SchemaError: One message naming each bad column with row counts (values are never shown).
    """
    names = columns if columns is not None else [c.name for c in schema.modelled_columns]
    found = {}
    for name in names:
        if name in data.columns and name in schema.names:
            problems = column_problems(data[name], schema.column(name))
            if problems:
                found[name] = "; ".join(problems)
    if found:
        listed = "; ".join(f"'{name}': {what}" for name, what in found.items())
        raise SchemaError(f"{len(found)} column(s) of {len(data):,} rows do not fit the schema (values are not "
                          f"shown: they are private data): {listed}. Nothing was spent.",
                          "Clean these columns, or declare what they hold in the schema (categories, special_values "
                          "for codes such as 'n/a', \"nullable\": true, or kind categorical); --drop-column NAME "
                          "leaves one out.")
