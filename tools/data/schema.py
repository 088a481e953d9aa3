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
modelled), ``text`` (free text), ``id`` (identifiers: never modelled), ``dropped`` (declared and deliberately
left out of the release, as ``--drop-column`` does), ``unknown`` (declared without a public domain, such as a
NIST dictionary entry with no code list: a run stops and names it until it is given a domain or dropped).

Missing values (``nullable``, per column): ``true``, the column may be missing (a category of its own);
``false``, it never is (missing cells in the data are an error, and the model has no missing code). A schema
that says nothing (``null``, the default) leaves it to the data *through DP*: the model keeps a missing code
only when the noisy count of missing cells in its one-way measurement is significant (above
:data:`SILENT_NULL_SIGMAS` times that measurement's noise), so a table with no missing cell does not come back
with them (a false positive has probability about 3e-5 per column). A NIST dictionary declares a column
nullable exactly when its values list ``N``.

Numbers are written with ``decimals`` digits after the point when the schema says so; otherwise integer
columns as integers and other numeric columns at :func:`default_decimals` (from the public range).

Drafted schemas (:mod:`privsynth.tools.data.discovery`, ``privsynth schema draft``): ``"estimated"`` (per
column) lists the fields estimated from the data; ``"unlisted"`` says what a value outside the declared domain
becomes (a categorical column: one of its categories, the draft's ``"(other)"``, or ``"missing"``; a numeric
column: ``"missing"``); ``"date": true`` (a numeric column) means its numbers are days since 1970-01-01, read
from and written as ISO dates, and with ``"time": true`` as well, a fraction of a day is the time of day, written
as ``YYYY-MM-DD HH:MM:SS`` (the column is then not ``integer``); ``"draft"`` (table level) records how the draft was
made and at what privacy cost; ``"private_mark"`` (table level) marks a draft read from the private data without DP:
:func:`load_schema` refuses such a file until a person has replaced the marked fields with public knowledge and
deleted the mark.

``workload`` (table level, optional): ``{"key": "PUMA"}`` names the column that the tabular synthesizers join
to every measured marginal (:mod:`privsynth.tools.tabular.workload` chooses one from public facts when absent).

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
* ``"greater_than": "NOC"``: this count is greater than the named count wherever both hold numbers, and holds
  a number wherever the named count is above zero (NIST: the family size ``NPF`` counts the own children
  ``NOC`` and at least one parent). Both columns are integer numeric columns. AIM gives the cells that cannot
  keep it probability 0 and draws the values inside a cell from the pairs that keep it
  (:mod:`privsynth.tools.tabular.encoding.order_rules`).
* ``"max_by": {"column": "AGEP", "steps": [[5, "2"], [14, "4"]]}``: an ordered categorical column (numeric
  categories by value, others by their place in ``categories``) is at most the step's category where the
  named numeric column is below the step's value (under 5 at most ``"2"``, under 14 at most ``"4"``: an
  attainment ceiling by age). Kept as ``greater_than`` is.
* ``"function_of": "PUMA"``: this column holds one value for each category of the named categorical column
  (NIST: ``DENSITY`` is the population density of each PUMA); see
  :mod:`privsynth.tools.tabular.encoding.functional`.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from privsynth.errors import SchemaError
from privsynth.tools.data.discovery.mark import private_mark_error
from privsynth.tools.data.nist import apply_reviewed, from_nist_dictionary

ColumnKind = Literal["categorical", "numeric", "pii", "text", "id", "dropped", "unknown"]
SILENT_NULL_SIGMAS = 4.0


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
    if rule.value is None and col.nullable is False:
        raise ValueError(f"column '{col.name}' is declared missing by a holds_when rule but is not nullable")
    if rule.value is not None and str(rule.value) not in (col.categories or col.special_values):
        raise ValueError(f"column '{col.name}' has a holds_when rule for value {rule.value!r}, which is not one "
                         "of its categories or special values")


def _check_order(col: ColumnSpec, by_name: dict[str, ColumnSpec]) -> None:
    """Raise ValueError when ``col``'s ``greater_than`` rule does not join two integer numeric columns."""
    if col.greater_than is None:
        return
    other = by_name.get(col.greater_than)
    if other is None or other.name == col.name or not (other.kind == col.kind == "numeric"):
        raise ValueError(f"column '{col.name}' is declared greater than '{col.greater_than}'; both must be numeric "
                         "columns of the schema")
    if not (col.integer and other.integer):
        raise ValueError(f"column '{col.name}' is declared greater than '{col.greater_than}'; both must be "
                         "integer counts (\"integer\": true)")


class CeilingRule(BaseModel):
    """``max_by``: where the numeric ``column`` is below a step's value, this column is at most its category."""

    column: str
    steps: list[tuple[float, str]]

    @model_validator(mode="after")
    def _increasing(self) -> CeilingRule:
        self.steps = [(float(t), str(c)) for t, c in self.steps]
        if not self.steps or [t for t, _ in self.steps] != sorted({t for t, _ in self.steps}):
            raise ValueError(f"a max_by rule on '{self.column}' needs steps with increasing thresholds")
        return self


def category_keys(spec: ColumnSpec) -> dict[str, float]:
    """Sort keys of an ordered categorical column's categories: numbers when every one is a number, else places.

    The order ``max_by`` ceilings compare in (the model's rule tables and the validators' checks alike).
    """
    cats = spec.categories or []
    try:
        return {c: float(c) for c in cats}
    except ValueError:
        return {c: float(i) for i, c in enumerate(cats)}


def _check_ceiling(col: ColumnSpec, by_name: dict[str, ColumnSpec]) -> None:
    """Raise ValueError when ``col``'s ``max_by`` rule names a column or category the schema lacks."""
    rule = col.max_by
    if rule is None:
        return
    gate = by_name.get(rule.column)
    if gate is None or gate.kind != "numeric" or col.kind != "categorical":
        raise ValueError(f"column '{col.name}' has a max_by rule on '{rule.column}'; it must be a categorical column "
                         "and the other a numeric column of the schema")
    unknown = [c for _, c in rule.steps if c not in (col.categories or [])]
    if unknown:
        raise ValueError(f"column '{col.name}' has a max_by rule with categories {unknown} it does not declare")


class ColumnSpec(BaseModel):
    """Public description of one column."""

    name: str
    kind: ColumnKind
    categories: list[str] | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    special_values: list[str] = Field(default_factory=list)
    nullable: bool | None = None
    decimals: int | None = Field(None, ge=0, le=12)
    pii_entity: str | None = None
    description: str | None = None
    rank_of: str | None = None
    holds_when: ValueRule | None = None
    greater_than: str | None = None
    max_by: CeilingRule | None = None
    function_of: str | None = None
    review_note: str | None = None
    estimated: list[str] | None = None
    unlisted: str | None = None
    date: bool | None = None
    time: bool | None = None

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
        if self.unlisted is not None:
            if self.kind == "categorical" and self.unlisted not in [*(self.categories or []), "missing"]:
                raise ValueError(f"column '{self.name}' folds unlisted values into '{self.unlisted}', which is not "
                                 "one of its categories")
            if self.kind == "numeric" and (self.unlisted != "missing" or self.nullable is False):
                raise ValueError(f"numeric column '{self.name}' can only treat unlisted values as \"missing\" (and "
                                 "must then not be declared never missing)")
        return self

    @property
    def modelled(self) -> bool:
        """Whether a tabular generator models this column (categorical and numeric ones)."""
        return self.kind in ("categorical", "numeric")


def default_decimals(spec: ColumnSpec) -> int | None:
    """Digits after the point for a numeric column whose schema gives no ``decimals`` (None: not numeric).

    Integers get 0; other columns enough digits to resolve a millionth of the public range (at least 2), which
    is finer than any model's bins and never prints 14 decimals. Public: the schema only.
    """
    if spec.kind != "numeric":
        return None
    if spec.decimals is not None:
        return spec.decimals
    if spec.integer:
        return 0
    span = float(spec.max) - float(spec.min)  # type: ignore[arg-type]
    return int(min(12, max(2, 6 - math.floor(math.log10(span)))))


class Workload(BaseModel):
    """The marginals a tabular synthesizer should favour, declared by a person (public metadata)."""

    key: str | None = Field(None, description="column joined to every measured marginal, such as a geography")


class TableSchema(BaseModel):
    """Public metadata of a table: its columns and, optionally, a public row count and workload."""

    name: str | None = None
    rows: int | None = Field(None, gt=0)
    na_values: list[str] = Field(default_factory=list)
    columns: list[ColumnSpec]
    workload: Workload | None = None
    source_note: str | None = None
    draft: dict[str, Any] | None = None
    private_mark: str | None = None

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
            _check_order(col, by_name)
            _check_ceiling(col, by_name)
            if col.time and not col.date:
                raise ValueError(f"column '{col.name}' declares time without date; add \"date\": true")
            if col.function_of is not None and (col.function_of not in by_name or col.function_of == col.name
                                                or by_name[col.function_of].kind != "categorical"):
                raise ValueError(f"column '{col.name}' is declared a function of '{col.function_of}', which is not "
                                 "another categorical column of the schema")
        key = self.workload.key if self.workload else None
        if key is not None and (key not in by_name or by_name[key].kind != "categorical"):
            raise ValueError(f"the workload key '{key}' is not a categorical column of the schema")
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
        return self._detached(names, keep=False)

    def dropping(self, names: list[str]) -> TableSchema:
        """Return a copy with some columns marked ``dropped`` (relations to them dropped, as in :meth:`without`)."""
        return self._detached(names, keep=True)

    def _detached(self, names: list[str], keep: bool) -> TableSchema:
        columns = []
        for c in self.columns:
            if c.name in names:
                if keep:
                    columns.append(c.model_copy(update={"kind": "dropped", "rank_of": None, "holds_when": None,
                                                        "greater_than": None, "max_by": None,
                                                        "function_of": None}))
                continue
            if c.rank_of in names:
                c = c.model_copy(update={"rank_of": None})
            if c.holds_when is not None and c.holds_when.column in names:
                c = c.model_copy(update={"holds_when": None})
            if c.greater_than in names:
                c = c.model_copy(update={"greater_than": None})
            if c.max_by is not None and c.max_by.column in names:
                c = c.model_copy(update={"max_by": None})
            if c.function_of in names:
                c = c.model_copy(update={"function_of": None})
            columns.append(c)
        workload = self.workload if self.workload is None or self.workload.key not in names else None
        return TableSchema(name=self.name, rows=self.rows, na_values=self.na_values, columns=columns,
                           workload=workload, source_note=self.source_note, draft=self.draft,
                           private_mark=self.private_mark)

    def to_json(self) -> str:
        """Serialize in privsynth's schema format."""
        return self.model_dump_json(indent=2, exclude_none=True)


def load_schema(path: str | Path, reviewed: bool = True) -> TableSchema:
    """Load a schema from privsynth's JSON format or NIST's data-dictionary format.

    A NIST dictionary gets the reviewed relations privsynth ships for it (:mod:`privsynth.tools.data.nist`)
    unless ``reviewed`` is False.

    A file is parsed once per process and content (path and bytes): a run reads
    the schema in several nodes, and a NIST dictionary takes a while to validate. The model is a deep copy, so
    a caller that changes it changes nobody else's.

    Args:
        path: Path of the JSON file.
        reviewed: Apply the shipped reviewed relations to a NIST dictionary they match.

    Returns:
        The schema.

    Raises:
        SchemaError: The file is missing, is not JSON, declares an invalid domain, or is a draft read from the
            private data without DP that still carries its ``private_mark``.
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise SchemaError(f"Schema file {path} does not exist.", "Check the path given to --schema.")
    content = path.read_bytes()
    schema = _parse_schema(str(path), content, reviewed).model_copy(deep=True)
    if schema.private_mark:
        raise private_mark_error(path)
    return schema


@functools.lru_cache(maxsize=32)
def _parse_schema(name: str, content: bytes, reviewed: bool = True) -> TableSchema:
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
            converted = from_nist_dictionary(raw)
            return TableSchema.model_validate(apply_reviewed(converted) if reviewed else converted)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise SchemaError(f"Schema file {path} is invalid: {err['msg']}.", "Correct the column entry.") from exc
    raise SchemaError(f"Schema file {path} is neither a privsynth schema nor a NIST data dictionary.",
                      "Use the format described in privsynth.tools.data.schema.")
