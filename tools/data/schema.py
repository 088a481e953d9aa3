"""Table schemas: the public metadata that declares each column's domain.

A DP synthesizer must take category lists and numeric bounds from public metadata, never from the
private data. A :class:`TableSchema` is that metadata. It loads from privsynth's own JSON format or from
NIST's data-dictionary format (``data_dictionary.json`` of the SDNist excerpts).

privsynth's format::

    {"name": "adult", "rows": null,
     "columns": [
        {"name": "age", "kind": "numeric", "min": 17, "max": 90, "integer": true},
        {"name": "sex", "kind": "categorical", "categories": ["Female", "Male"]},
        {"name": "full_name", "kind": "pii", "pii_entity": "PERSON"}
     ]}

``na_values`` lists strings that mean "missing" (NIST's excerpts use ``N``).

Kinds: ``categorical`` (a closed list of categories), ``numeric`` (public ``min``/``max``; values outside
are clipped to the bounds, a documented choice), ``pii`` (personal data: handled by the PII policy, never
modelled), ``text`` (free text), ``id`` (identifiers: never modelled). Missing values are allowed by
default and become a category of their own.

Optional public relations between columns (the synthesizers keep them in what they sample):

* ``"rank_of": "PINCP"``: this column is a non-decreasing function of the named numeric column (a rank or a
  bracket of it, such as an income decile; numeric categories are ordered by value, others by their place in
  ``categories``). See :mod:`privsynth.tools.tabular.encoding.rank_coupling`.
* ``"holds_when": {"column": "AGEP", "below": 15}``: this column is missing exactly when the named numeric
  column is below the value; ``{"column": "HOUSING_TYPE", "among": ["2", "3"], "value": "0"}``: it holds the
  value ``"0"`` (a category or a numeric column's special value) exactly when the named categorical column is
  one of those categories. ``"exact": false``: at least then. AIM makes the model's groups of a numeric
  column end at the threshold and gives the impossible cells probability 0
  (:mod:`privsynth.tools.tabular.encoding.structural_zeros`).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from privsynth.errors import SchemaError

ColumnKind = Literal["categorical", "numeric", "pii", "text", "id"]


class ValueRule(BaseModel):
    """A column holds ``value`` (None: is missing) exactly when another column meets a public condition.

    The condition is ``column < below`` (a numeric column) or ``column`` among the categories ``among`` (a
    categorical one); with ``exact`` false, the column holds the value at least then. NIST's dictionary:
    marital status is "N/A (age less than 15 years)", ``{"column": "AGEP", "below": 15}``.
    """

    column: str
    below: float | None = None
    among: list[str] | None = None
    value: str | None = None
    exact: bool = True

    @model_validator(mode="after")
    def _one_condition(self) -> ValueRule:
        if (self.below is None) == (self.among is None):
            raise ValueError(f"a holds_when rule on '{self.column}' needs exactly one of 'below' and 'among'")
        if self.among is not None:
            self.among = [str(a) for a in self.among]
        return self


def _check_rule(col: ColumnSpec, by_name: dict[str, ColumnSpec]) -> None:
    """Raise ValueError when ``col``'s ``holds_when`` rule names a column or value the schema lacks."""
    rule = col.holds_when
    if rule is None:
        return
    gate = by_name.get(rule.column)
    wanted = "numeric" if rule.below is not None else "categorical"
    if gate is None or gate.kind != wanted or gate.name == col.name:
        raise ValueError(f"column '{col.name}' has a holds_when rule on '{rule.column}', which is not another "
                         f"{wanted} column of the schema")
    if rule.among is not None and not set(rule.among) <= set(gate.categories or []):
        raise ValueError(f"column '{col.name}' has a holds_when rule on categories {rule.among} that "
                         f"'{rule.column}' does not declare")
    if rule.value is None and not col.nullable:
        raise ValueError(f"column '{col.name}' is declared missing by a holds_when rule but is not nullable")
    if rule.value is not None and str(rule.value) not in (col.categories or col.special_values):
        raise ValueError(f"column '{col.name}' has a holds_when rule for value {rule.value!r}, which is not one "
                         "of its categories or special values")


class ColumnSpec(BaseModel):
    """Public description of one column."""

    name: str
    kind: ColumnKind
    categories: list[str] | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    special_values: list[str] = Field(default_factory=list)
    nullable: bool = True
    pii_entity: str | None = None
    description: str | None = None
    rank_of: str | None = None
    holds_when: ValueRule | None = None

    @model_validator(mode="after")
    def _check_domain(self) -> ColumnSpec:
        if self.kind == "categorical" and not self.categories:
            raise ValueError(f"categorical column '{self.name}' needs a non-empty 'categories' list")
        if self.kind == "numeric":
            if self.min is None or self.max is None:
                raise ValueError(f"numeric column '{self.name}' needs public 'min' and 'max' bounds")
            if not self.min < self.max:
                raise ValueError(f"numeric column '{self.name}' needs min < max (got {self.min} >= {self.max})")
        if self.categories is not None:
            self.categories = [str(c) for c in self.categories]
            if len(set(self.categories)) != len(self.categories):
                raise ValueError(f"column '{self.name}' lists a category twice")
        return self

    @property
    def modelled(self) -> bool:
        """Whether a tabular generator models this column (categorical and numeric ones)."""
        return self.kind in ("categorical", "numeric")


class TableSchema(BaseModel):
    """Public metadata of a table: its columns and, optionally, a public row count."""

    name: str | None = None
    rows: int | None = Field(None, gt=0)
    na_values: list[str] = Field(default_factory=list)
    columns: list[ColumnSpec]

    @model_validator(mode="after")
    def _unique_names(self) -> TableSchema:
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"columns listed twice: {dupes}")
        by_name = {c.name: c for c in self.columns}
        for col in self.columns:
            if col.rank_of is not None and (col.rank_of not in by_name or by_name[col.rank_of].kind != "numeric"):
                raise ValueError(f"column '{col.name}' is declared the rank of '{col.rank_of}', "
                                 "which is not a numeric column of the schema")
            if col.rank_of is not None and col.kind not in ("numeric", "categorical"):
                raise ValueError(f"column '{col.name}' declares rank_of but is not numeric or categorical")
            _check_rule(col, by_name)
        return self

    def column(self, name: str) -> ColumnSpec:
        """Return the spec of one column.

        Raises:
            SchemaError: The schema has no such column.
        """
        for col in self.columns:
            if col.name == name:
                return col
        raise SchemaError(f"The schema has no column '{name}'.", "Add it to the schema file.")

    @property
    def names(self) -> list[str]:
        """All column names, in schema order."""
        return [c.name for c in self.columns]

    @property
    def modelled_columns(self) -> list[ColumnSpec]:
        """Columns a tabular generator models (categorical and numeric)."""
        return [c for c in self.columns if c.modelled]

    def without(self, names: list[str]) -> TableSchema:
        """Return a copy without some columns (a relation to a removed column is dropped with it)."""
        kept = []
        for c in self.columns:
            if c.name in names:
                continue
            if c.rank_of in names:
                c = c.model_copy(update={"rank_of": None})
            if c.holds_when is not None and c.holds_when.column in names:
                c = c.model_copy(update={"holds_when": None})
            kept.append(c)
        return TableSchema(name=self.name, rows=self.rows, na_values=self.na_values, columns=kept)

    def to_json(self) -> str:
        """Serialize in privsynth's schema format."""
        return self.model_dump_json(indent=2, exclude_none=True)


def _from_nist_dictionary(raw: dict) -> TableSchema:
    """Convert NIST's data-dictionary format (column -> {description, values}) to a schema."""
    columns = []
    for name, entry in raw.items():
        values = entry.get("values") if isinstance(entry, dict) else None
        description = entry.get("description") if isinstance(entry, dict) else None
        if not isinstance(values, dict):
            # No public domain given (e.g. sampling weights): declared, but not modelled.
            columns.append(ColumnSpec(name=name, kind="id", description=description))
            continue
        if "min" in values and "max" in values:
            specials = [k for k in values if k not in ("min", "max", "N")]
            bounds = (values["min"], values["max"])
            columns.append(ColumnSpec(
                name=name, kind="numeric", min=float(bounds[0]), max=float(bounds[1]),
                integer=all(float(b).is_integer() for b in bounds), special_values=specials,
                description=description))
        else:
            cats = [k for k in values if k != "N"]
            columns.append(ColumnSpec(name=name, kind="categorical", categories=cats, description=description))
    return TableSchema(columns=columns, na_values=["N"])  # NIST marks missing values with the letter N


def load_schema(path: str | Path) -> TableSchema:
    """Load a schema from privsynth's JSON format or NIST's data-dictionary format.

    A file is parsed once per process and content (path and bytes): a run reads
    the schema in several nodes, and a NIST dictionary takes a while to validate. The model is a deep copy, so
    a caller that changes it changes nobody else's.

    Args:
        path: Path of the JSON file.

    Returns:
        The schema.

    Raises:
        SchemaError: The file is missing, is not JSON, or declares an invalid domain.
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise SchemaError(f"Schema file {path} does not exist.", "Check the path given to --schema.")
    content = path.read_bytes()
    return _parse_schema(str(path), content).model_copy(deep=True)


@functools.lru_cache(maxsize=32)
def _parse_schema(name: str, content: bytes) -> TableSchema:
    """Parse one version of a schema file (cached by :func:`load_schema`)."""
    path = Path(name)
    try:
        raw = json.loads(content.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SchemaError(f"Schema file {path} is not valid JSON ({exc}).", "Fix the JSON syntax.") from exc
    try:
        if isinstance(raw, dict) and "columns" in raw:
            return TableSchema.model_validate(raw)
        if isinstance(raw, dict) and raw and all(isinstance(v, dict) for v in raw.values()):
            return _from_nist_dictionary(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise SchemaError(f"Schema file {path} is invalid: {err['msg']}.", "Correct the column entry.") from exc
    raise SchemaError(f"Schema file {path} is neither a privsynth schema nor a NIST data dictionary.",
                      "Use the format described in privsynth.tools.data.schema.")
