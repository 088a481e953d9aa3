"""The scrub-only intent: PII scrubbing of a table or a text corpus, with no generation and no budget.

``"scrub pii from tickets.csv but don't synthesize anything"`` runs the same scrubber as ``privsynth scrub``
(:func:`privsynth.tools.pii.table_text.scrub_table_file` for CSV / Parquet, the batched text scanner for JSON
lines and plain text) under the policy the request states (:meth:`PIIPolicy.from_plan
<privsynth.policies.pii_policy.PIIPolicy.from_plan>`: an action per entity type, a default for the rest, and
per-column actions for identifier columns such as ``employee_id``). Scrubbing PII is a data-hygiene step, not
differential privacy: nothing is written to the ledger.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from privsynth.agents.planner.plan import Plan
from privsynth.atomic import atomic_write_text
from privsynth.errors import InputDataError
from privsynth.policies.pii_policy import PIIPolicy

TABLE_FORMATS = {".csv": "csv", ".parquet": "parquet"}
RECORD_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "text"}
DEFAULT_TEXT_FIELD = "text"
NOT_DP = "PII scrubbing removes direct identifiers; it is not differential privacy (no budget was spent)."


def output_path(plan: Plan, folder: Path) -> Path:
    """Where the scrubbed copy goes: the plan's ``out``, else ``scrubbed<suffix>`` in the run folder (0600)."""
    suffix = Path(plan.source or "").suffix.lower()
    return Path(plan.out).expanduser() if plan.out else folder / f"scrubbed{suffix}"


class ColumnActions:
    """The policy's per-column actions (``EMPLOYEE_ID: hash``), applied to whole cells of the named columns."""

    def __init__(self, policy: PIIPolicy) -> None:
        from privsynth.tools.pii.anonymize import PolicyScrubber

        self.policy = policy
        self._scrubbers = {action: PolicyScrubber(PIIPolicy(default=action, seed=policy.seed))
                           for action in set(policy.columns.values()) if action not in ("keep", "drop_column")}

    def action(self, column: str) -> str | None:
        """The action for a column, or None when the policy names none."""
        return self.policy.column_action(column)

    def replace(self, column: str, value: object) -> object:
        """The cell's replacement (the original value for ``keep``; missing cells stay missing)."""
        action = self.action(column)
        if action in (None, "keep", "drop_column") or value is None or value != value:
            return value
        return self._scrubbers[action].replace(column.upper(), str(value))

    def apply(self, table: Any, original: Any) -> list[str]:
        """Apply the actions to a scrubbed table, reading cells from the original; returns the dropped columns."""
        dropped = []
        for column in list(table.columns):
            action = self.action(str(column))
            if action == "drop_column":
                table.drop(columns=[column], inplace=True)
                dropped.append(str(column))
            elif action is not None:
                table[column] = [self.replace(str(column), v) for v in original[column].astype(object)]
        return dropped


def _scrub_table(source: Path, out: Path, fmt: str, plan: Plan, policy: PIIPolicy) -> dict[str, Any]:
    from privsynth.atomic import atomic_write_bytes
    from privsynth.tools.pii.anonymize import PolicyScrubber
    from privsynth.tools.pii.table_text import read_table, scrub_table_file

    scrubber = PolicyScrubber(policy)
    summary = scrub_table_file(source, out, fmt, scrubber, plan.text_field, None)
    if policy.columns:
        table, original = read_table(out, fmt), read_table(source, fmt)
        summary["dropped_columns"] = [*summary["dropped_columns"], *ColumnActions(policy).apply(table, original)]
        if fmt == "csv":
            atomic_write_text(out, table.to_csv(index=False))
        else:
            atomic_write_bytes(out, table.to_parquet(index=False))
    return summary




def _scrub_records(source: Path, out: Path, fmt: str, plan: Plan, policy: PIIPolicy) -> dict[str, Any]:
    from privsynth.tools.data.records import read_records
    from privsynth.tools.pii.anonymize import PolicyScrubber
    from privsynth.tools.pii.text import as_text, default_scanner

    records = read_records(source, fmt)
    field = plan.text_field or DEFAULT_TEXT_FIELD
    texts = records if fmt == "text" else [r.get(field) for r in records]
    scrubber, columns, found, lines = PolicyScrubber(policy), ColumnActions(policy), Counter(), []
    for record, value, spans in zip(records, texts, default_scanner().iter_scan(texts), strict=True):
        found.update(s.entity_type for s in spans)
        scrubbed = scrubber.scrub_text(as_text(value), spans) if spans else value
        if fmt == "text":
            lines.append(str(scrubbed))
            continue
        record = {**record, field: scrubbed}
        for key in [k for k in record if k != field and columns.action(k) is not None]:
            if columns.action(key) == "drop_column":
                del record[key]
            else:
                record[key] = columns.replace(key, record[key])
        lines.append(json.dumps(record, ensure_ascii=False))
    atomic_write_text(out, "".join(line + "\n" for line in lines))
    return {"records": len(records), "entities": dict(found), "dropped_columns": []}


def scrub_source(plan: Plan, folder: Path) -> dict[str, Any]:
    """Scrub the plan's source under its PII policy; writes the scrubbed copy and returns counts only.

    Args:
        plan: A scrub plan (its source exists).
        folder: The run folder.

    Returns:
        ``records``, ``entities`` (count per entity type), ``dropped_columns``, ``out`` and ``policy``.

    Raises:
        InputDataError: The source's format is not CSV, Parquet, JSON lines or plain text, or it is malformed.
    """
    source = Path(plan.source or "").expanduser()
    suffix = source.suffix.lower()
    policy = PIIPolicy.from_plan(plan.pii_action, plan.pii, seed=plan.seed or 0)
    out = output_path(plan, folder)
    if suffix in TABLE_FORMATS:
        summary = _scrub_table(source, out, TABLE_FORMATS[suffix], plan, policy)
    elif suffix in RECORD_FORMATS:
        summary = _scrub_records(source, out, RECORD_FORMATS[suffix], plan, policy)
    else:
        raise InputDataError(f"Cannot scrub '{source.name}': unsupported format '{suffix or source.name}'.",
                             f"Use one of: {', '.join(sorted({**TABLE_FORMATS, **RECORD_FORMATS}))}.")
    return {**summary, "out": str(out), "policy": policy.model_dump(), "note": NOT_DP}
