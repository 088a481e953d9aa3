"""Every input column accounted for: what a table run does with each column, and the columns it cannot handle.

A column is modelled only when the public schema gives it a domain. A column the schema does not declare, or
declares without a domain (kind ``unknown``, such as a NIST dictionary entry with no code list), is never
dropped silently: :func:`unhandled_columns` names it, and the run stops before anything is spent with the fix
(declare its domain, or leave it out with ``--drop-column NAME``). :func:`column_outcomes` is the table the
report shows: one row per input column and what happened to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from privsynth.errors import SchemaError
from privsynth.tools.data.schema import ColumnSpec, TableSchema

PII_OUTCOMES = {"drop": "personal data: dropped", "fake": "personal data: replaced by fresh fake values",
                "keep": "personal data: kept out of the model and the output"}


def with_dropped(schema: TableSchema, drop: Iterable[str], data_columns: Iterable[str]) -> TableSchema:
    """The schema with the columns a user asked to drop marked ``dropped`` (never modelled, never written).

    Raises:
        SchemaError: A name is neither a column of the data nor of the schema.
    """
    drop = list(dict.fromkeys(drop))
    known = set(schema.names) | set(data_columns)
    unknown = [name for name in drop if name not in known]
    if unknown:
        raise SchemaError(f"--drop-column names no column of the data or the schema: {', '.join(unknown)}.",
                          "Check the spelling against the file's header.")
    return schema.dropping(drop) if drop else schema


def unhandled_columns(data_columns: Iterable[str], schema: TableSchema, pii_columns: Iterable[str],
                      drop: Iterable[str] = ()) -> list[str]:
    """Input columns with no public domain that are neither PII nor dropped, in file order."""
    kinds = {c.name: c.kind for c in schema.columns}
    settled = set(pii_columns) | set(drop)
    return [c for c in data_columns if c not in settled and kinds.get(c, "unknown") == "unknown"]


def check_schema_columns_present(data_columns: Iterable[str], schema: TableSchema) -> None:
    """Stop a run whose schema models a column the data does not have (before anything is spent).

    Raises:
        SchemaError: Naming the absent columns and the fix.
    """
    present = set(data_columns)
    absent = [c.name for c in schema.modelled_columns if c.name not in present]
    if absent:
        flags = " ".join(f"--drop-column {name}" for name in absent)
        raise SchemaError(f"The schema declares column(s) {', '.join(absent)}, which the data does not have.",
                          f"Check the file's header, remove them from the schema, or leave them out with {flags}.")


def check_all_handled(data_columns: Iterable[str], schema: TableSchema, pii_columns: Iterable[str],
                      drop: Iterable[str] = ()) -> None:
    """Stop a run that would leave a column out silently (module docstring).

    Raises:
        SchemaError: Naming the columns and the fix.
    """
    missing = unhandled_columns(data_columns, schema, pii_columns, drop)
    if missing:
        names = ", ".join(missing)
        flags = " ".join(f"--drop-column {name}" for name in missing)
        raise SchemaError(f"Column(s) {names} have no public domain in the schema, so they cannot be modelled.",
                          f"Declare each one's categories or min/max in the schema, or leave it out with {flags}.")


def origin(spec: ColumnSpec, private: bool = False) -> str:
    """Where a column's declaration came from: declared, estimated with DP, or dropped, and why.

    ``private``: the draft was read from the data without DP (a marked draft).
    """
    if not spec.estimated:
        return "declared"
    if spec.kind in ("id", "text", "dropped"):
        return f"dropped: {spec.review_note}" if spec.review_note else "dropped"
    return f"estimated ({', '.join(spec.estimated)}) {'read from the data, no DP' if private else 'with DP'}"


def _outcome(kind: str, spec_note: str | None, dropped_by_user: bool) -> str:
    if dropped_by_user:
        return "dropped (--drop-column)"
    return {"id": "identifier: not released", "text": "free text: not in the synthetic table",
            "dropped": f"dropped by the schema{f' ({spec_note})' if spec_note else ''}",
            "unknown": "no public domain: not released"}.get(kind, kind)


def column_outcomes(data_columns: Iterable[str], schema: TableSchema, pii_columns: Iterable[str],
                    pii_action: str, drop: Iterable[str] = (),
                    pii_outcomes: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """One row per input column: its kind, its origin and what the run does with it (public facts only).

    The origin is ``declared`` (the schema), ``estimated (fields) with DP`` (a drafted schema,
    :mod:`privsynth.tools.data.discovery`), or ``dropped: why``.

    ``pii_outcomes`` says per PII column what the output holds (per entity type, from the PII policy); a PII
    column it does not name follows ``pii_action``.
    """
    specs = {c.name: c for c in schema.columns}
    pii, dropped = set(pii_columns), set(drop)
    rows = []
    for name in data_columns:
        spec = specs.get(name)
        kind = spec.kind if spec is not None else "undeclared"
        if name in pii:
            outcome = (pii_outcomes or {}).get(name) or PII_OUTCOMES.get(pii_action, pii_action)
            what = outcome + ("" if kind == "pii" else " (detected)")
        elif spec is not None and spec.modelled and name not in dropped:
            domain = (f"{len(spec.categories or [])} categories" if spec.kind == "categorical"
                      else f"range {spec.min:g} to {spec.max:g}{', integers' if spec.integer else ''}")
            nulls = {True: "may be missing", False: "never missing", None: "missing only if DP-significant"}
            what = f"modelled ({domain}; {nulls[spec.nullable]})"
        else:
            what = _outcome(kind, spec.review_note if spec is not None else None, name in dropped)
        how = ("dropped (--drop-column)" if name in dropped else origin(spec)) if spec is not None else "undeclared"
        rows.append({"column": name, "kind": kind, "origin": how, "outcome": what})
    return rows
