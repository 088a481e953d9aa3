"""What nodes share: settings, the ledger, and re-reading the private source safely."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from privsynth.agents.planner.plan import Plan
from privsynth.config import Settings, load_settings, local_secret
from privsynth.errors import InputDataError, SchemaError
from privsynth.policies.holdout import HOLDOUT_FRACTION, split_records
from privsynth.policies.ledger import Ledger, NameResolution
from privsynth.tools.data.columns import with_dropped
from privsynth.tools.data.folding import apply_domain_rules
from privsynth.tools.data.io import fingerprint_file, read_table
from privsynth.tools.data.schema import TableSchema, load_schema


def settings_for(home: str | None) -> Settings:
    """Settings for the run's home folder."""
    return load_settings(Path(home) if home else None)


def ledger_for(settings: Settings, bound: int | None = None) -> Ledger:
    """The ledger, with the default cap a new dataset gets.

    With the public row bound ``N`` of the data at hand, a new dataset's cap delta is at most ``N ** -1.1``
    (the default rule of :mod:`privsynth.policies.delta`): the configured 1e-5 would be refused for any table of
    more than 10,000 rows (a delta must be below ``1/N``). Datasets already in the ledger keep their cap.
    """
    cap_delta = settings.default_cap_delta
    if bound is not None:
        cap_delta = min(cap_delta, float(bound) ** -1.1)
    return Ledger(settings.ledger_path, (settings.default_cap_epsilon, cap_delta), row_bound=bound)


def resolve_dataset(plan: Plan, settings: Settings) -> NameResolution | None:
    """Whose budget a planned run uses, decided from its name and its content before anything is spent.

    The name is *explicit* when it differs from the source file's stem (``--dataset NAME``, or a request that
    names the dataset); the stem is the default, and a file the ledger knows under another name then uses
    that name's budget (:meth:`~privsynth.policies.ledger.Ledger.resolve`). Reads only the file's bytes for
    its fingerprint, and nothing when the file is missing (the run's own checks say so).

    Raises:
        ConfigError: An explicit new name for content the ledger knows under another dataset.
    """
    source = Path(plan.source).expanduser()
    if not source.is_file():
        return None
    requested = plan.dataset or source.stem
    return ledger_for(settings).resolve(requested, fingerprint_file(source), explicit=requested != source.stem)


def schema_path_for(plan: Plan) -> Path:
    """The schema file: the plan's, or a ``<stem>.schema.json`` sidecar next to the source.

    Raises:
        SchemaError: Neither exists.
    """
    if plan.schema_path:
        return Path(plan.schema_path)
    source = Path(plan.source)
    sidecar = source.with_name(f"{source.stem}.schema.json")
    if sidecar.is_file():
        return sidecar
    raise SchemaError(
        f"No schema for {source.name}: a DP generator takes every column's categories and bounds from public "
        "metadata, never from the private data.",
        f"Pass --schema FILE (a privsynth schema or a NIST data dictionary), or put {sidecar.name} next to the data.")


def schema_for(plan: Plan) -> TableSchema:
    """The public schema a plan's output follows: the schema file, or for text the in-memory text schema.

    Raises:
        SchemaError: No usable schema.
    """
    if plan.modality == "text":
        from privsynth.graphs.nodes.text_corpus import text_schema

        return text_schema(plan)
    return load_schema(schema_path_for(plan))


@dataclass
class Source:
    """The private table, its fingerprint and its public schema."""

    data: pd.DataFrame
    fingerprint: str
    schema: TableSchema


def load_source(plan: Plan, expected_fingerprint: str | None = None) -> Source:
    """Read the source and its schema.

    Args:
        plan: The plan.
        expected_fingerprint: When given, the file must still have this content.

    Raises:
        InputDataError: The file is unreadable or changed since the plan was checked.
        SchemaError: No usable schema.
    """
    schema_path = schema_path_for(plan)
    source, schema_file = Path(plan.source), Path(schema_path)
    stamp = (source.stat().st_size, source.stat().st_mtime_ns, schema_file.stat().st_mtime_ns) \
        if source.is_file() and schema_file.is_file() else None
    data, schema = _read_source(str(source), str(schema_file), tuple(plan.drop_columns), stamp, plan.encoding)
    fingerprint = fingerprint_file(plan.source)
    if expected_fingerprint and fingerprint != expected_fingerprint:
        raise InputDataError(f"{plan.source} changed since this run was planned.",
                             "Start a new run on the current file.")
    return Source(data=data, fingerprint=fingerprint, schema=schema)


@functools.lru_cache(maxsize=1)
def _read_source(source: str, schema_path: str, drop: tuple[str, ...],
                 stamp: tuple[int, int, int] | None, encoding: str | None = None) -> tuple[pd.DataFrame, TableSchema]:
    """Read and type a table once per process while the files are unchanged (``stamp``: sizes and times).

    Each node of a run re-reads the source (a resumed run may be in another process); a million-row table
    then costs one read, not four. The frame is shared: callers must not change it in place.
    """
    raw = read_table(source, encoding)
    schema = with_dropped(load_schema(schema_path), drop, raw.columns)
    return apply_domain_rules(apply_missing_markers(raw, schema), schema), schema


def apply_missing_markers(data: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Turn the schema's missing-value markers into NaN and re-type numeric columns that then parse fully."""
    if not schema.na_values:
        return data
    data = data.replace(to_replace=list(schema.na_values), value=np.nan)
    for spec in schema.columns:
        if spec.kind == "numeric" and spec.name in data.columns and data[spec.name].dtype == object:
            parsed = pd.to_numeric(data[spec.name], errors="coerce")
            if parsed.notna().sum() == data[spec.name].notna().sum():
                data[spec.name] = parsed
    return data


def split_holdout(data: pd.DataFrame, home: str | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Split off a real holdout *before* generation; the generator never sees it.

    Each row's side is decided on its own (:func:`privsynth.policies.holdout.holdout_mask`, keyed with the home
    folder's secret), so neighbouring tables give training parts that differ in at most the one row.

    The last split is kept for the process: the generate and validate nodes of one run split the same frame
    (:func:`_read_source` hands both the same object), and a million-row table costs one split, not two.

    Returns:
        ``(train, holdout)``; holdout is None when no row falls in it. Shared: callers must not change them.
    """
    secret = local_secret(settings_for(home).home)
    cached = _LAST_SPLIT.get("entry")
    if cached is not None and cached[0] is data and cached[1] == secret:
        return cached[2]
    split = split_records(data, secret, fraction=HOLDOUT_FRACTION)
    _LAST_SPLIT["entry"] = (data, secret, split)  # holds `data`, so its id cannot be reused while cached
    return split


_LAST_SPLIT: dict[str, tuple[pd.DataFrame, bytes, tuple[pd.DataFrame, pd.DataFrame | None]]] = {}
