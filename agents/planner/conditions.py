"""Conditions checked against the public schema before anything is read or spent.

A plan's ``conditions`` (``{"region": "northeast"}``, ``{"fraud": 1}``) name column values the synthetic rows
must have. With a schema (the plan's, or the ``<stem>.schema.json`` beside the source), each condition must name
a modelled column and a value in its public domain: a listed category (matched ignoring case, then written as
the schema lists it) or a number within the bounds. Anything else is a :class:`~privsynth.errors.SchemaError`
naming the column and its domain, before any data is read. Without a schema nothing is checked here: the run
stops later for want of one, still before anything is spent.
"""

from __future__ import annotations

from pathlib import Path

from privsynth.agents.planner.plan import Plan
from privsynth.errors import SchemaError


def _schema_file(plan: Plan) -> Path | None:
    if plan.schema_path:
        path = Path(plan.schema_path).expanduser()
        return path if path.is_file() else None
    if not plan.source:
        return None
    source = Path(plan.source).expanduser()
    sidecar = source.with_name(f"{source.stem}.schema.json")
    return sidecar if sidecar.is_file() else None


def _shown(values: list[str]) -> str:
    return ", ".join(values[:20]) + (", ..." if len(values) > 20 else "")


def checked_conditions(plan: Plan) -> dict:
    """The plan's conditions checked against the public schema, values written as the schema lists them.

    Args:
        plan: A plan with conditions.

    Returns:
        The conditions (unchanged without a schema).

    Raises:
        SchemaError: A condition names a column the schema does not model, or a value outside its domain.
    """
    path = _schema_file(plan)
    if not plan.conditions or path is None:
        return dict(plan.conditions)
    from privsynth.tools.data.schema import load_schema

    schema = load_schema(path)
    specs = {c.name: c for c in schema.columns}
    checked: dict = {}
    for column, value in plan.conditions.items():
        spec = specs.get(column)
        if spec is None or not spec.modelled:
            modelled = [c.name for c in schema.columns if c.modelled]
            raise SchemaError(f"The condition {column}={value} names no modelled column of the schema {path.name}.",
                              f"Use one of: {_shown(modelled)}.")
        if spec.kind == "categorical":
            categories = list(spec.categories or [])
            exact = str(value) if str(value) in categories else None
            loose = [c for c in categories if c.lower() == str(value).lower()]
            if exact is None and len(loose) != 1:
                raise SchemaError(f"The condition {column}={value} is outside the schema's domain of '{column}'; "
                                  "nothing was read or spent.", f"Use one of: {_shown(categories)}.")
            checked[column] = exact or loose[0]
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        low, high = spec.min, spec.max
        if not (low is not None and high is not None and low <= number <= high):
            raise SchemaError(f"The condition {column}={value} is outside the schema's domain of '{column}' "
                              f"({low:g} to {high:g}); nothing was read or spent.",
                              f"Use a number from {low:g} to {high:g}.")
        checked[column] = int(number) if spec.integer and number == int(number) else number
    return checked
