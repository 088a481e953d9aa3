"""Which marginals a tabular synthesizer favours: the workload key, chosen from public facts only.

AIM and MST spend a share of the budget on every ``(key, X)`` table, so one column's relations with all the
others come out well (a geography in census data: NIST's k-marginal is scored within each PUMA). The choice
never looks at the data. In order:

1. the option ``key`` a caller passed;
2. the schema's ``workload.key`` (a person declared it);
3. the utility target, when it is a categorical column (what the user will predict);
4. the column a conditional request fixes ("4000 rows of fraud=1"), when it is one categorical column: the
   rows are then sampled from that column's conditionals, which the (key, X) tables measure;
5. a geography: a categorical column with between 2 and :data:`MAX_KEY_CATEGORIES` categories whose name names
   an area (PUMA, region, state, county, district, zip code, ...), else the first whose description does;
6. none: the budget goes to the one-way marginals and the selected pairs.

The choice and its reason go into the run's report (generation section).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from privsynth.tools.data.schema import TableSchema

MAX_KEY_CATEGORIES = 200
GEOGRAPHY = re.compile(r"\b(puma|microdata area|geograph\w*|region|state|province|county|district|"
                       r"municipalit\w*|zip(?: ?code)?|postcode|postal code|census tract|tract)\b", re.IGNORECASE)


@dataclass(frozen=True)
class WorkloadChoice:
    """The key column (or None) and why it was chosen."""

    key: str | None
    reason: str

    def as_dict(self) -> dict[str, str | None]:
        """JSON form for the report."""
        return {"key": self.key, "reason": self.reason}


def _names_area(words: str | None) -> bool:
    return bool(words) and bool(GEOGRAPHY.search(str(words).replace("_", " ")))


def choose_workload(schema: TableSchema, key: str | None = None, target: str | None = None,
                    conditioned: Sequence[str] = ()) -> WorkloadChoice:
    """Choose the workload key from the schema and the request (module docstring), never from the data.

    Args:
        schema: The public schema of the modelled columns.
        key: A key the caller asked for (the ``key`` option), if any.
        target: The utility target, if any.
        conditioned: The columns a conditional request fixes, if any (the request, never the data).

    Returns:
        The choice; ``key`` is None when no column qualifies.
    """
    categorical = {c.name: c for c in schema.modelled_columns if c.kind == "categorical"}
    declared = schema.workload.key if schema.workload else None
    if key is not None:
        return WorkloadChoice(key, "asked for (option key)")
    if declared is not None and declared in categorical:
        return WorkloadChoice(declared, "declared in the schema (workload.key)")
    if target is not None and target in categorical:
        return WorkloadChoice(target, "the utility target, a categorical column")
    fixed = [c for c in conditioned if c in categorical]
    if len(fixed) == 1 and len(set(conditioned)) == 1:
        return WorkloadChoice(fixed[0], "the column the request conditions on (its rows follow its conditionals)")
    sized = [c for c in categorical.values() if 2 <= len(c.categories or []) <= MAX_KEY_CATEGORIES]
    for field in ("name", "description"):
        for spec in sized:
            if _names_area(getattr(spec, field)):
                return WorkloadChoice(spec.name, f"a geography (its public {field} names an area)")
    return WorkloadChoice(None, "no declared key, categorical target or geography: one-way and selected marginals")
