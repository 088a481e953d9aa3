"""A reusable pytest contract that every generator, built-in or plug-in, should pass.

A plug-in author subclasses :class:`GeneratorContract` in a test module, under a name that starts with
``Test`` so pytest collects it::

    from privsynth.agents.testing import GeneratorContract

    class TestMyGenerator(GeneratorContract):
        generator_class = MyGenerator

        def make_data(self):
            return my_frame, my_schema

        def make_generator(self):
            return {"epsilon": 1.0, "delta": 1e-6, "seed": 0, "my_option": 3}

The contract checks the template the :class:`~privsynth.agents.generator.Generator` base promises:
sampling before fitting fails; the declared privacy event is one the accountant can compose and meets
the generator's own ``(epsilon, delta)``; the ledger hook is called exactly once, with the declared
event, before the private data is read (and a refused spend reads nothing); output has the declared
columns and stays in the declared domains; the same seed gives the same output.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from dp_accounting import dp_event

from privsynth.agents.generator import Generator
from privsynth.errors import BudgetExceededError, NotFittedError
from privsynth.policies.accountant import epsilon_of, supports
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.encoding.discretize import normalize_value

EPSILON_SLACK = 1e-6


def check_in_domain(frame: pd.DataFrame, schema: TableSchema) -> None:
    """Assert that every categorical/numeric column of ``frame`` stays within its declared domain.

    Args:
        frame: Generated rows.
        schema: The public schema.

    Raises:
        AssertionError: A value is outside the declared categories, bounds or special values, or a
            non-nullable column has a missing value.
    """
    for name in frame.columns:
        if name not in schema.names:
            continue
        spec = schema.column(name)
        if spec.kind not in ("categorical", "numeric"):
            continue
        column = frame[name]
        missing = column.isna()
        assert spec.nullable is not False or not missing.any(), f"non-nullable column '{name}' has missing values"
        present = column[~missing]
        if spec.kind == "categorical":
            bad = sorted({normalize_value(v) for v in present} - set(spec.categories or []))
            assert not bad, f"column '{name}' has undeclared categories {bad[:5]}"
        else:
            _check_numeric(present, spec)


def _check_numeric(present: pd.Series, spec: ColumnSpec) -> None:
    specials = set(spec.special_values)
    is_special = present.map(lambda v: normalize_value(v) in specials).to_numpy(dtype=bool)
    numbers = pd.to_numeric(present[~is_special], errors="coerce")
    assert not numbers.isna().any(), f"numeric column '{spec.name}' has non-numeric values"
    assert spec.min is not None and spec.max is not None
    outside = numbers[(numbers < spec.min) | (numbers > spec.max)]
    assert outside.empty, (f"column '{spec.name}' has values outside [{spec.min}, {spec.max}]: "
                           f"{outside.head(3).tolist()}")
    if spec.integer:
        assert np.all(np.equal(np.mod(numbers.to_numpy(dtype=float), 1), 0)), f"column '{spec.name}' is not integer"


class GeneratorContract:
    """Contract tests for a :class:`Generator` subclass (subclass me as ``TestSomething``).

    Attributes:
        generator_class: The generator under test.
        sample_rows: Rows drawn by the output checks.
    """

    generator_class: ClassVar[type[Generator]]
    sample_rows: ClassVar[int] = 200

    # -- to override ----------------------------------------------------------------------------
    def make_data(self) -> tuple[pd.DataFrame, TableSchema]:
        """Return a small private table and its public schema."""
        raise NotImplementedError("Override make_data() to return (DataFrame, TableSchema).")

    def make_generator(self) -> dict[str, Any]:
        """Keyword arguments for the generator's constructor (epsilon, delta, seed and options)."""
        return {"epsilon": 1.0, "delta": 1e-6, "seed": 0}

    # -- helpers --------------------------------------------------------------------------------
    def build(self, **overrides: Any) -> Generator:
        """A fresh generator from :meth:`make_generator`, with some keyword arguments replaced."""
        return self.generator_class(**{**self.make_generator(), **overrides})

    def fitted(self, **overrides: Any) -> Generator:
        """A fresh generator fitted on :meth:`make_data`."""
        data, schema = self.make_data()
        return self.build(**overrides).fit(data, schema)

    # -- the contract ---------------------------------------------------------------------------
    def test_identity(self) -> None:
        """The class has a name and a known modality."""
        assert isinstance(self.generator_class.name, str) and self.generator_class.name
        assert self.generator_class.modality in ("tabular", "text")

    def test_sample_before_fit_raises(self) -> None:
        """``sample`` on an unfitted generator raises NotFittedError."""
        with pytest.raises(NotFittedError):
            self.build().sample(5)

    def test_declared_event_is_accountable(self) -> None:
        """The declared event is supported and, for private generators, within (epsilon, delta)."""
        gen = self.fitted()
        event = gen.privacy_event()
        assert isinstance(event, dp_event.DpEvent)
        assert supports(event), f"the accountant cannot compose {event!r}"
        spent = epsilon_of([event], gen.delta)
        if self.generator_class.is_private:
            assert math.isfinite(spent)
            assert spent <= gen.epsilon * (1 + EPSILON_SLACK), f"declared event costs {spent} > {gen.epsilon}"
        else:
            assert spent == math.inf

    def test_spend_once_with_declared_event_before_data_is_read(self) -> None:
        """``fit`` calls the hook once, with the declared event, before ``_fit`` reads any data."""
        data, schema = self.make_data()
        gen = self.build()
        calls: list[tuple[str, Any]] = []
        real_fit = gen._fit

        def spy_fit(d: pd.DataFrame, s: TableSchema) -> None:
            calls.append(("_fit", None))
            real_fit(d, s)

        def spend(event: dp_event.DpEvent) -> None:
            assert not gen._fitted, "spend was called after the generator was fitted"
            calls.append(("spend", event))

        gen._fit = spy_fit  # type: ignore[method-assign]
        gen.fit(data, schema, spend=spend)
        assert [c[0] for c in calls] == ["spend", "_fit"]
        assert calls[0][1] == gen.privacy_event()

    def test_refused_spend_reads_no_data(self) -> None:
        """A spend hook that refuses (budget exceeded) stops the fit before ``_fit`` runs."""
        data, schema = self.make_data()
        gen = self.build()
        fitted: list[bool] = []

        def spy_fit(d: pd.DataFrame, s: TableSchema) -> None:
            fitted.append(True)

        def refuse(event: dp_event.DpEvent) -> None:
            raise BudgetExceededError("over budget")

        gen._fit = spy_fit  # type: ignore[method-assign]
        with pytest.raises(BudgetExceededError):
            gen.fit(data, schema, spend=refuse)
        assert fitted == []
        with pytest.raises(NotFittedError):
            gen.sample(5)

    def test_output_columns_and_domains(self) -> None:
        """Output has ``output_columns()``, the requested row count, and values in the declared domains."""
        data, schema = self.make_data()
        gen = self.build().fit(data, schema)
        out = gen.sample(self.sample_rows)
        assert list(out.columns) == gen.output_columns()
        assert len(out) == self.sample_rows
        check_in_domain(out, schema)
        default = gen.sample()
        assert len(default) >= 1
        assert list(default.columns) == gen.output_columns()

    def test_same_seed_same_output(self) -> None:
        """Two fits and samples with the same seed give identical tables."""
        first = self.fitted(seed=1234).sample(self.sample_rows)
        second = self.fitted(seed=1234).sample(self.sample_rows)
        pd.testing.assert_frame_equal(first, second)
