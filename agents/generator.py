"""The generator base class: one template for every synthetic-data generator.

Public methods validate, log and enforce order; subclasses implement the underscored hooks:

* :meth:`Generator.privacy_event` declares the DP event from the parameters alone, *before* any data is read;
* :meth:`Generator.fit` validates the data against the schema, then calls ``spend(event)`` (the ledger
  commit) and only then :meth:`Generator._fit`, the part that reads the private data;
* :meth:`Generator.sample` refuses to run before ``fit`` and checks the output against the schema.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Literal

import pandas as pd
from dp_accounting import dp_event

from privsynth.agents.options import GeneratorOptions, validate_options
from privsynth.errors import ConfigError, InputDataError, NotFittedError
from privsynth.logs import get_logger
from privsynth.tools.data.schema import TableSchema, default_decimals

Modality = Literal["tabular", "text"]
SpendHook = Callable[[dp_event.DpEvent], None]

log = get_logger(__name__)


class Generator(ABC):
    """Base class of all generators.

    Args:
        epsilon: Privacy target epsilon for this run (``inf`` only for non-private generators).
        delta: Privacy target delta.
        seed: Random seed; the same seed and data give the same output. A library-level knob for tests and
            benchmarks only: the graph, the API and the CLI never pass one, so every run draws fresh noise.
        **options: Generator-specific options, validated against :attr:`Options` when the class declares it.
    """

    name: ClassVar[str] = ""
    modality: ClassVar[Modality] = "tabular"
    is_private: ClassVar[bool] = True
    conditional: ClassVar[bool] = False
    """Whether ``sample(conditions=...)`` fixes the given categorical columns exactly (by conditioning the model)."""
    Options: ClassVar[type[GeneratorOptions] | None] = None
    """The generator's declared options (a :class:`GeneratorOptions` model); None accepts any keyword."""

    def __init__(self, epsilon: float, delta: float, seed: int | None = None, **options: Any) -> None:
        if self.is_private and not (epsilon > 0 and epsilon != float("inf")):
            raise ConfigError(f"epsilon must be a positive finite number, got {epsilon}.",
                              "Pass --epsilon greater than 0 (for example 1.0).")
        if self.is_private and not 0 < delta < 1:
            raise ConfigError(f"delta must be in (0, 1), got {delta}.", "Pass a small delta such as 1e-6.")
        self.epsilon = float(epsilon)
        self.delta = float(delta)
        self.seed = seed
        self.params = validate_options(self.name, self.Options, options) if self.Options is not None else None
        self.options = options
        self.schema: TableSchema | None = None
        self._fitted = False

    # -- declared privacy -------------------------------------------------------------------------
    @abstractmethod
    def privacy_event(self) -> dp_event.DpEvent:
        """The DP event this generator's fit will cause, computed from its parameters only."""

    # -- template methods -------------------------------------------------------------------------
    def fit(self, data: pd.DataFrame, schema: TableSchema, spend: SpendHook | None = None) -> Generator:
        """Fit on private data.

        Args:
            data: The (PII-scrubbed) private table.
            schema: Public metadata declaring each column's domain.
            spend: Called with :meth:`privacy_event` right before the data is read (the ledger commit).

        Returns:
            ``self``.

        Raises:
            InputDataError: The table is empty or lacks a schema column.
        """
        if len(data) == 0:
            raise InputDataError("The table has no rows.", "Give a table with at least one data row.")
        missing = [c for c in schema.names if c not in data.columns]
        if missing:
            raise InputDataError(f"Columns declared in the schema are missing from the data: {missing}.",
                                 "Fix the schema or the input file.")
        self._validate(data, schema)
        self.schema = schema
        event = self.privacy_event()
        if spend is not None:
            spend(event)
        log.info("generator.fit", generator=self.name, rows=len(data), columns=len(schema.columns))
        self.schema = schema
        self._fit(data, schema)
        self._fitted = True
        return self

    def sample(self, n: int | None = None, conditions: dict[str, Any] | None = None,
               seed: int | None = None) -> pd.DataFrame:
        """Draw synthetic rows.

        Args:
            n: Number of rows; ``None`` lets the generator use its (privately estimated) source size.
            conditions: Fixed values for some columns, where the generator supports it.
            seed: Overrides the constructor seed for this call.

        Returns:
            A table with the schema's modelled columns.

        Raises:
            NotFittedError: ``fit`` has not been called.
        """
        if not self._fitted or self.schema is None:
            raise NotFittedError(f"Generator '{self.name}' must be fitted before sampling.", "Call fit() first.")
        if n is not None and n <= 0:
            raise ConfigError(f"Number of rows must be positive, got {n}.", "Pass --rows 1 or more.")
        out = self._sample(n, conditions or {}, self.seed if seed is None else seed)
        expected = self.output_columns()
        if list(out.columns) != expected:
            raise RuntimeError(f"{self.name} returned columns {list(out.columns)}, expected {expected}")
        return integers_as_integers(out, self.schema)

    def choices(self) -> dict[str, Any]:
        """What the generator decided from public facts (a workload, say), for the report; none by default."""
        return {}

    def estimated_rows(self) -> int | None:
        """The source's row count as the fitted model knows it (a DP estimate), or None if unknown."""
        return None

    def output_columns(self) -> list[str]:
        """Columns :meth:`sample` returns (the schema's modelled columns by default)."""
        assert self.schema is not None
        return [c.name for c in self.schema.modelled_columns]

    # -- hooks ------------------------------------------------------------------------------------
    def _validate(self, data: pd.DataFrame, schema: TableSchema) -> None:
        """Check the data against the schema before anything is spent (override to add checks)."""

    @abstractmethod
    def _fit(self, data: pd.DataFrame, schema: TableSchema) -> None:
        """Read the private data and build the model."""

    @abstractmethod
    def _sample(self, n: int | None, conditions: dict[str, Any], seed: int | None) -> pd.DataFrame:
        """Generate rows."""


def integers_as_integers(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Numbers at their schema's precision: integer columns as integers, others at their ``decimals``.

    A numeric column with missing values comes back from numpy as float; written as such, every value of an
    integer column gets a decimal point (``32.0``), and a float column 14 decimals. Integer columns become
    pandas ``Int64`` (missing values stay missing), other numeric columns are rounded to the schema's
    ``decimals`` or :func:`~privsynth.tools.data.schema.default_decimals`. Post-processing: no privacy cost.
    """
    for spec in schema.columns:
        if spec.kind != "numeric" or spec.name not in frame.columns:
            continue
        values = frame[spec.name]
        if not pd.api.types.is_float_dtype(values) or spec.time:  # a time of day is written to the second
            continue
        decimals = default_decimals(spec)
        if spec.integer:
            whole = values.dropna()
            if (whole == whole.round()).all():
                frame[spec.name] = values.round().astype("Int64")
        elif decimals == 0:
            frame[spec.name] = values.round().astype("Int64")
        elif decimals is not None:
            frame[spec.name] = values.round(decimals)
    return frame
