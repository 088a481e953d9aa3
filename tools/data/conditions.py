"""Conditions on synthetic rows ("only customers in the northeast", "4000 rows of fraud=1").

A condition fixes a modelled categorical column to one of its declared categories. It is checked against the
public schema alone, before anything is read or spent, and honoured by sampling the fitted model conditionally:
post-processing of a DP model, so it costs no budget. The validators then compare the synthetic rows with the
real rows of the same slice (:func:`rows_matching`), since the whole real table is not what was asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from privsynth.errors import ConfigError
from privsynth.tools.data.schema import TableSchema

SHOWN_CATEGORIES = 12


def _label(value: Any) -> str:
    """A value as the schema spells categories (``1.0`` -> ``"1"``, ``True`` -> ``"True"``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_conditions(conditions: Mapping[str, Any], schema: TableSchema) -> dict[str, str]:
    """Check each condition against the public schema and return it in the schema's own spelling.

    Args:
        conditions: ``{column: value}`` from the request.
        schema: The schema the generator models (PII columns already left out).

    Returns:
        ``{column: category}`` with every category spelled as the schema declares it.

    Raises:
        ConfigError: A column that is not a modelled categorical column, or a value outside its declared
            categories (one line naming the allowed values, which are public).
    """
    checked: dict[str, str] = {}
    modelled = {c.name: c for c in schema.modelled_columns}
    for column, value in conditions.items():
        spec = modelled.get(column)
        if spec is None:
            choices = ", ".join(sorted(n for n, c in modelled.items() if c.kind == "categorical"))
            raise ConfigError(f"Cannot condition on '{column}': it is not a modelled column of the schema; "
                              "nothing was read or spent.", f"Condition on one of: {choices}.")
        if spec.kind != "categorical":
            raise ConfigError(f"Cannot condition on '{column}': only categorical columns can be fixed (it is "
                              f"{spec.kind}); nothing was read or spent.",
                              "Condition on a categorical column, or filter the released data by range yourself.")
        categories = [str(c) for c in spec.categories or []]
        wanted = _label(value)
        match = next((c for c in categories if c == wanted), None)
        if match is None:
            match = next((c for c in categories if c.lower() == wanted.lower()), None)
        if match is None:
            shown = ", ".join(categories[:SHOWN_CATEGORIES]) + (" ..." if len(categories) > SHOWN_CATEGORIES else "")
            raise ConfigError(f"'{wanted}' is not a category of '{column}' in the schema; nothing was read or "
                              "spent.", f"Use one of: {shown}.")
        checked[column] = match
    return checked


def rows_matching(frame: pd.DataFrame, conditions: Mapping[str, str]) -> np.ndarray:
    """Which rows of a table meet every condition (values compared as the schema spells them).

    Args:
        frame: A real or synthetic table.
        conditions: Checked conditions (:func:`check_conditions`).

    Returns:
        A boolean array, True where every condition holds (all True without conditions).
    """
    mask = np.ones(len(frame), dtype=bool)
    for column, value in conditions.items():
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)  # label each distinct value once
        labels = np.array([_label(v) for v in uniques] + [None], dtype=object)
        mask &= labels[codes] == value
    return mask
