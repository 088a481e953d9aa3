"""The NIST excerpts' schema: ``data_dictionary.json`` plus the relations its descriptions state in words.

Domains come from the dictionary only (:func:`privsynth.tools.data.schema.load_schema`). The dictionary also
defines some columns by others, in its descriptions; :data:`RELATIONS` writes those down as schema
relations (public metadata, no data read), each with the dictionary's words:

* ``PINCP_DECILE``: "Person's total income rank (with respect to their state) discretized into 10% bins",
  a non-decreasing function of ``PINCP`` (``rank_of``).
* Missing exactly below an age (``holds_when`` on ``AGEP``): ``MSP`` "N/A (age less than 15 years)",
  ``PINCP`` and ``PINCP_DECILE`` "N/A (less than 15 years old)", ``EDU`` "N/A (less than 3 years old)",
  ``DREM`` and ``DPHY`` "N/A (Less than 5 years old)".
* Group quarters (``holds_when`` on ``HOUSING_TYPE`` among "2: Institutional Group Quarters" and "3:
  Non-institutional Group Quarters"): ``NOC`` is "N/A (GQ/vacant)" (exactly then: the excerpts are persons,
  so no unit is vacant), ``WGTP`` is "0: Group quarters place holder record", ``OWN_RENT`` is "0: Group
  quarters"; ``NPF`` is "N/A (GQ/vacant/non-family household" (at least then: ``exact`` false).

``INDP_CAT`` is "N/A (less than 16 years old, or last worked more than 5 years ago, or never worked)", a
one-sided rule (``exact`` false), and is left out: with it, AIM's k-marginal at epsilon 1 (six seeds) was
0.5 lower on MA and 0.3 lower on TX (noise level, and a larger model).
"""

from __future__ import annotations

from pathlib import Path

from privsynth.tools.data.schema import TableSchema, load_schema


def _age_below(years: int) -> dict[str, object]:
    return {"holds_when": {"column": "AGEP", "below": years}}


def _group_quarters(value: str | None = None, exact: bool = True) -> dict[str, object]:
    return {"holds_when": {"column": "HOUSING_TYPE", "among": ["2", "3"], "value": value, "exact": exact}}


RELATIONS: dict[str, dict[str, object]] = {
    "PINCP_DECILE": {"rank_of": "PINCP", **_age_below(15)},
    "MSP": _age_below(15),
    "PINCP": _age_below(15),
    "EDU": _age_below(3),
    "DREM": _age_below(5),
    "DPHY": _age_below(5),
    "NOC": _group_quarters(),
    "WGTP": _group_quarters("0"),
    "OWN_RENT": _group_quarters("0"),
    "NPF": _group_quarters(exact=False),
}


def nist_schema(dictionary: Path, relations: bool = True) -> TableSchema:
    """Load the NIST data dictionary as a schema, with :data:`RELATIONS` unless ``relations`` is False.

    Args:
        dictionary: Path of ``data_dictionary.json``.
        relations: Add the relations the dictionary's descriptions state.

    Returns:
        The schema.
    """
    schema = load_schema(dictionary)
    if not relations:
        return schema
    raw = schema.model_dump()
    for column in raw["columns"]:
        column.update(RELATIONS.get(column["name"], {}))
    return TableSchema.model_validate(raw)
