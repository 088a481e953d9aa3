"""Text corpora in the graph: the public schema, the checks before any spend, the split, and PII scrubbing.

A text plan names a text column (default ``text``), optionally a label column (whose labels must come from a
public schema: a ``<stem>.schema.json`` sidecar or ``--schema``) and a user column (user-level privacy).
Without a label column and without a schema file, the schema is built in memory: the text column, kind
``text``.

Scrubbing is a data-hygiene step, **not** differential privacy. The scrubbed corpus is still private data: it is
written once to ``<run>/private/corpus.jsonl`` (owner-only permissions) so that the generate and validate nodes
and a resumed run read the same texts, and it is deleted when the run is released or rejected. Only counts per
entity type go into the run's state and report, never a detected value.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from privsynth.agents.planner.plan import Plan
from privsynth.atomic import atomic_write_text
from privsynth.errors import ConfigError, InputDataError, SchemaError
from privsynth.logs import get_logger
from privsynth.policies.holdout import holdout_mask
from privsynth.tools.data.io import fingerprint_file, read_table
from privsynth.tools.data.schema import ColumnSpec, TableSchema, load_schema
from privsynth.tools.data.text_files import csv_separator, header_line

if TYPE_CHECKING:
    from privsynth.policies.pii_policy import PIIPolicy

log = get_logger(__name__)

DEFAULT_TEXT_FIELD = "text"
TEXT_HOLDOUT_FRACTION = 0.2
HOLDOUT_COLUMN = "__privsynth_holdout__"  # in the private scrubbed corpus only: the side of the original record
PRIVATE_DIR = "private"
CORPUS_FILE = "corpus.jsonl"
OWNER_FILE = "owner.pid"  # the process that works on the corpus now (a sweep never removes a live one's)
OUTPUT_SUFFIXES = (".csv", ".jsonl", ".parquet")
PII_NOTE = ("PII scrubbing is not differential privacy: it removes direct identifiers from the training texts; the "
            "DP guarantee comes from the DP-SGD training of the generator.")
PII_ACTIONS = {"drop": "tag", "fake": "fake", "keep": "keep"}


def schema_file(plan: Plan) -> Path | None:
    """The plan's schema file, else a ``<stem>.schema.json`` sidecar next to the source, else None."""
    if plan.schema_path:
        return Path(plan.schema_path)
    source = Path(plan.source)
    sidecar = source.with_name(f"{source.stem}.schema.json")
    return sidecar if sidecar.is_file() else None


def text_schema(plan: Plan) -> TableSchema:
    """The public schema of a text corpus: text column, label column (from the schema file) and user column.

    Raises:
        SchemaError: A label column without a schema file, or a schema that gives the text column another kind.
    """
    text_field = plan.text_field or DEFAULT_TEXT_FIELD
    path = schema_file(plan)
    if path is None and plan.label_field:
        sidecar = Path(plan.source).with_name(f"{Path(plan.source).stem}.schema.json")
        raise SchemaError(
            f"The label column '{plan.label_field}' needs its list of labels from public metadata, and there is no "
            f"schema for {Path(plan.source).name} (labels are never read from the private data).",
            f"Pass --schema FILE or put {sidecar.name} next to the data, with "
            f"{{\"columns\": [{{\"name\": \"{plan.label_field}\", \"kind\": \"categorical\", \"categories\": "
            "[...]}]}, or leave out --label-field.")
    declared = load_schema(path) if path is not None else TableSchema(columns=[])
    by_name = {c.name: c for c in declared.columns}
    text_spec = by_name.get(text_field, ColumnSpec(name=text_field, kind="text"))
    if text_spec.kind != "text":
        raise SchemaError(f"The schema declares the text column '{text_field}' as kind '{text_spec.kind}'.",
                          "Declare it as {\"kind\": \"text\"} or choose another --text-field.")
    columns = [text_spec]
    if plan.label_field and plan.label_field in by_name:
        columns.append(by_name[plan.label_field])
    if plan.user_field:
        columns.append(ColumnSpec(name=plan.user_field, kind="id"))
    return TableSchema(name=declared.name, na_values=declared.na_values, columns=columns)


def _header(path: Path) -> list[str]:
    """Column names of a CSV / TSV / JSONL file (the first record), without reading the rest; [] if unknown."""
    try:
        if path.suffix.lower() in (".csv", ".tsv"):
            sep = "\t" if path.suffix.lower() == ".tsv" else csv_separator(header_line(path))
            return [str(c) for c in pd.read_csv(path, nrows=0, sep=sep)]
        if path.suffix.lower() in (".jsonl", ".json"):
            with open(path, encoding="utf-8-sig") as handle:
                first = next((line for line in handle if line.strip()), "")
            record = json.loads(first) if first else {}
            return [str(k) for k in record] if isinstance(record, dict) else []
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return []
    return []


def detect_text_column(plan: Plan) -> str | None:
    """The text column when a plan that names none is about a text corpus, else None.

    A corpus is recognised from public information only: a schema (``--schema`` or the sidecar) that declares
    one column of kind ``text`` and at most one modelled column (a label), or, with no schema, a column named
    ``text`` in the file's header. The label is never guessed: conditioning needs ``--label-field``.
    """
    if plan.modality != "tabular" or plan.text_field or plan.target:
        return None
    path = schema_file(plan)
    if path is not None:
        try:
            declared = load_schema(path)
        except SchemaError:
            return None
        texts = [c.name for c in declared.columns if c.kind == "text"]
        return texts[0] if len(texts) == 1 and len(declared.modelled_columns) <= 1 else None
    return DEFAULT_TEXT_FIELD if DEFAULT_TEXT_FIELD in _header(Path(plan.source)) else None


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def resolve_text_field(plan: Plan, columns: list[str]) -> str:
    """The text column: the plan's, else a column named ``text``.

    Raises:
        ConfigError: The plan names none and the data has no ``text`` column.
    """
    if plan.text_field:
        return plan.text_field
    if DEFAULT_TEXT_FIELD in columns:
        return DEFAULT_TEXT_FIELD
    raise ConfigError(f"This text request names no text column, and the data has no column '{DEFAULT_TEXT_FIELD}' "
                      f"(columns: {columns}).", "Pass --text-field NAME (or say \"text column NAME\").")


def read_corpus(plan: Plan) -> tuple[pd.DataFrame, str]:
    """Read the source's text, label and user columns (empty texts dropped) and its fingerprint.

    Raises:
        InputDataError: Unreadable input, a named column missing, or every text empty.
    """
    data = read_table(plan.source, plan.encoding)
    wanted = [c for c in (plan.text_field, plan.label_field, plan.user_field) if c]
    missing = [c for c in wanted if c not in data.columns]
    if missing:
        raise InputDataError(f"Column(s) {missing} not in {Path(plan.source).name} (columns: {list(data.columns)}).",
                             "Check --text-field / --label-field / --user-field.")
    frame = data[wanted].copy()
    frame[plan.text_field] = frame[plan.text_field].map(_as_text)
    keep = frame[plan.text_field].str.strip() != ""
    if not keep.any():
        raise InputDataError(f"Every text in column '{plan.text_field}' of {Path(plan.source).name} is empty "
                             f"({len(frame)} records).", "Point --text-field at the column that holds the texts.")
    for column in (plan.label_field, plan.user_field):
        if column:
            frame[column] = frame[column].map(_as_text)
    return frame.loc[keep].reset_index(drop=True), fingerprint_file(plan.source)


def check_labels(frame: pd.DataFrame, plan: Plan, schema: TableSchema) -> None:
    """Refuse labels outside the schema's list, and a label column with a single class, before any spend.

    Raises:
        InputDataError: Unknown labels.
        ConfigError: One class only.
    """
    if not plan.label_field or plan.label_field not in schema.names:
        return
    labels = frame[plan.label_field]
    categories = schema.column(plan.label_field).categories or []
    unknown = sorted(set(labels) - set(categories))
    if unknown:
        raise InputDataError(f"Label column '{plan.label_field}' has values outside the schema's list "
                             f"{categories}: {unknown[:5]}.", "Add them to the schema's categories or fix the data.")
    if labels.nunique() < 2:
        raise ConfigError(f"The label column '{plan.label_field}' has a single class in the "
                          "data; label conditioning needs at least two.", "Leave out --label-field to train on the "
                          "text alone.")


def units(frame: pd.DataFrame, plan: Plan) -> int:
    """Privacy units of a (non-empty) corpus: texts, or users under user-level privacy."""
    return int(frame[plan.user_field].nunique(dropna=False)) if plan.user_field else len(frame)


def split_texts(frame: pd.DataFrame, plan: Plan, secret: bytes) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Split off a real holdout (20% of the units, by user under user-level privacy) before generation.

    Each unit's side is decided on its own, by a keyed hash of its content (a text record, or the user id
    under user-level privacy; :mod:`privsynth.policies.holdout`), so neighbouring corpora give training parts
    that differ in at most that unit.

    Returns:
        ``(train, holdout)``; holdout is None when no unit falls in it.
    """
    if HOLDOUT_COLUMN in frame.columns:  # the scrubbed corpus carries the side decided on the original records
        mask = frame[HOLDOUT_COLUMN].astype(bool).to_numpy()
        frame = frame.drop(columns=[HOLDOUT_COLUMN])
    else:
        mask = holdout_side(frame, plan, secret)
    train, holdout = frame.loc[~mask].reset_index(drop=True), frame.loc[mask].reset_index(drop=True)
    return train, (holdout if len(holdout) else None)


def holdout_side(frame: pd.DataFrame, plan: Plan, secret: bytes) -> np.ndarray:
    """Each original record's side of the split (True: holdout), by its content or, per user, by its user id."""
    if plan.user_field:  # user-level privacy: a user's texts stay on one side
        return holdout_mask(frame[[plan.user_field]], secret, TEXT_HOLDOUT_FRACTION)
    return holdout_mask(frame, secret, TEXT_HOLDOUT_FRACTION, equal_rows="apart")


def check_out(plan: Plan) -> None:
    """Refuse an output path the text release cannot write, before anything is spent.

    Raises:
        ConfigError: Unsupported suffix.
    """
    if plan.out and Path(plan.out).suffix.lower() not in OUTPUT_SUFFIXES:
        raise ConfigError(f"Cannot write synthetic text to '{plan.out}'.", "Use an --out file ending in .csv or "
                          ".jsonl.")


# -- PII ---------------------------------------------------------------------------------------------------

def text_policy(action: str, per_type: dict[str, str] | None, seed: int) -> PIIPolicy:
    """The PII policy for free text: the plan's default action and its per-entity-type actions.

    In a text, ``drop`` replaces the entity with its tag (``<PERSON>``): there is no column to drop. Per-type
    words (``mask`` the SSNs, ``keep`` the names) apply to their entity types; keys that are not entity types
    (column names such as ``EMPLOYEE_ID``) have no meaning inside a text and are left to the table's policy.
    """
    from privsynth.policies.pii_policy import KNOWN_ENTITIES, PIIPolicy

    def in_text(word: str) -> str:
        return PII_ACTIONS.get(word, word)

    entities = {key.upper(): in_text(word) for key, word in (per_type or {}).items() if key.upper() in KNOWN_ENTITIES}
    return PIIPolicy.from_plan(in_text(action), entities, seed)


def scrub_texts(texts: list[str], action: str, seed: int,
                per_type: dict[str, str] | None = None) -> tuple[list[str], dict[str, Any]]:
    """Scan texts for PII and transform them as the plan's PII actions say (:func:`text_policy`).

    ``drop`` replaces each entity with its tag (``<PERSON>``), ``fake`` with a consistent Faker surrogate, and
    ``keep`` leaves the text as it is (the scan still counts what it finds); ``per_type`` overrides the default
    for the entity types it names (``{"US_SSN": "mask", "PERSON": "keep"}``).

    Returns:
        The texts and a summary with counts only (``entity_counts``, ``texts_with_pii``, ``replacements``).
    """
    from privsynth.tools.pii.anonymize import PolicyScrubber
    from privsynth.tools.pii.text import default_scanner

    policy = text_policy(action, per_type, seed)
    keeps_all = policy.default == "keep" and set(policy.entities.values()) <= {"keep"}
    scrubber = PolicyScrubber(policy)
    found: Counter[str] = Counter()
    out, with_pii = [], 0
    for text, spans in zip(texts, default_scanner().iter_scan(texts), strict=True):
        found.update(s.entity_type for s in spans)
        with_pii += bool(spans)
        out.append(text if keeps_all or not spans else scrubber.scrub_text(text, spans))
    summary = {"texts_scanned": len(texts), "texts_with_pii": with_pii, "entity_counts": dict(sorted(found.items())),
               "replacements": {k: dict(v) for k, v in sorted(scrubber.counts.items())}}
    return out, summary


def corpus_path(run_dir: str | Path) -> Path:
    """Where the run keeps its scrubbed (still private) corpus."""
    return Path(run_dir) / PRIVATE_DIR / CORPUS_FILE


def write_private_corpus(run_dir: str | Path, frame: pd.DataFrame) -> Path:
    """Write the scrubbed corpus atomically into an owner-only folder of the run."""
    path = corpus_path(run_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in frame.to_dict(orient="records"))
    atomic_write_text(path, lines)
    os.chmod(path, 0o600)
    claim_private_corpus(run_dir)
    return path


def claim_private_corpus(run_dir: str | Path) -> None:
    """Record this process as the one working on the run's corpus (a resumed run claims it again)."""
    folder = Path(run_dir) / PRIVATE_DIR
    if folder.is_dir():
        with contextlib.suppress(OSError):
            atomic_write_text(folder / OWNER_FILE, f"{os.getpid()}\n")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_corpora(runs_dir: Path, is_waiting: Callable[[str], bool]) -> list[Path]:
    """Run folders whose private corpus no process will read again: a run killed or crashed mid-way.

    A corpus stays while its owner process is alive, or while its run waits at a checkpoint (the resumed run
    reads it); any other is left over (the run was killed, or its process died) and must go.

    Args:
        runs_dir: ``$PRIVSYNTH_HOME/runs``.
        is_waiting: Whether a run id waits at a checkpoint.
    """
    stale = []
    for private in sorted(runs_dir.glob(f"*/{PRIVATE_DIR}")) if runs_dir.is_dir() else []:
        try:
            pid = int((private / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and _alive(pid):
            continue
        if not is_waiting(private.parent.name):
            stale.append(private.parent)
    return stale


def read_private_corpus(run_dir: str | Path, plan: Plan) -> pd.DataFrame:
    """Read the scrubbed corpus back (labels and users as strings, as in the source).

    Raises:
        InputDataError: The file is gone (the run was released, rejected or cleaned up).
    """
    path = corpus_path(run_dir)
    if not path.is_file():
        raise InputDataError(f"The scrubbed corpus of this run is missing ({path}).", "Start a new run.")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    columns = [c for c in (plan.text_field, plan.label_field, plan.user_field) if c]
    if records and HOLDOUT_COLUMN in records[0]:
        columns.append(HOLDOUT_COLUMN)
    return pd.DataFrame.from_records(records, columns=columns)


def discard_private_corpus(run_dir: str | Path | None) -> None:
    """Delete the run's scrubbed corpus (after release or rejection)."""
    if run_dir:
        with contextlib.suppress(OSError):
            shutil.rmtree(Path(run_dir) / PRIVATE_DIR)
