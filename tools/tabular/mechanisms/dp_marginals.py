"""DP marginals: a simple, fast, correct differentially private tabular synthesizer.

Model. Every modelled column (categorical or numeric, see :mod:`privsynth.tools.tabular.encoding.discretize`)
is coded on
its public domain. The synthesizer measures, with Gaussian noise,

* the one-way marginal (histogram) of every modelled column, and
* the two-way marginal of every edge of a **data-independent** tree over the columns: a star centred on
  the ``target`` option when it is given (so every column is modelled conditionally on the target),
  otherwise a chain in schema order.

It then samples a tree-structured model: the root from its noisy one-way marginal, each child from the
noisy two-way table read as a conditional given its parent (negatives clipped to 0, rows normalised; a
row with no mass falls back to the child's noisy one-way marginal, and that to uniform).

Privacy accounting (add/remove of one record). A record adds 1 to exactly one cell of each marginal, so
each marginal, as a vector, has L2 sensitivity 1. With ``m`` modelled columns the release consists of
``k = m + (m - 1)`` marginals (``m`` one-way, ``m - 1`` tree edges). Concatenated, they form one vector
of L2 sensitivity ``sqrt(k)``; adding independent ``N(0, sigma^2)`` noise to every cell is therefore a
single Gaussian mechanism with noise multiplier ``z = sigma / sqrt(k)``. In zCDP terms each marginal
costs ``rho = 1 / (2 sigma^2)`` and the total is ``k / (2 sigma^2) = 1 / (2 z^2)``, the same thing.
:meth:`DPMarginalSynthesizer.privacy_event` declares ``GaussianDpEvent(z)``, with ``z`` the smallest
multiplier whose PLD-accounted epsilon at ``delta`` is at most ``epsilon``
(:func:`privsynth.policies.accountant.calibrate_noise`, seeded by the exact analytic Gaussian
calibration of Balle & Wang, 2018, so that only a handful of accountant calls are needed). The event
depends only on ``(epsilon, delta)``; the schema sets ``k`` and hence the per-marginal noise
``sigma = z * sqrt(k)``, which is public too. Everything after the measurement (the row count, which is
a weighted mean of the noisy one-way totals, the conditionals, sampling) is post-processing and costs
nothing more. Domain sizes come from the schema only, so the shape of the release is data-independent.

Seeds. The same seed gives the same noise and the same output. Whoever knows the seed can recompute the
noise, so a seed used for a release must be kept secret; with ``seed=None`` the noise comes from OS
entropy.

Conditions. ``sample(conditions={col: value})`` fixes categorical columns exactly and samples the others
from the model's exact conditional distribution: a backward pass over the tree computes, for every node,
the likelihood of the evidence below it, and forward sampling then draws each node given its parent,
weighted by that likelihood. Evidence that the model gives zero probability is handled by flooring every
probability at a tiny value for that call.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import pandas as pd
from dp_accounting import dp_event
from pydantic import Field
from scipy.optimize import brentq
from scipy.special import log_ndtr

from privsynth.agents.generator import Generator
from privsynth.agents.options import GeneratorOptions
from privsynth.agents.registry import register_generator
from privsynth.errors import AccountingError, ConfigError, GeneratorError, NotFittedError
from privsynth.policies.accountant import calibrate_noise
from privsynth.tools.data.schema import TableSchema
from privsynth.tools.tabular.encoding.discretize import (
    DEFAULT_BINS,
    ColumnDiscretizer,
    build_discretizers,
    encode_table,
)

STATE_VERSION = 1
MAX_NOISE_MULTIPLIER = 1e4
_FLOOR = 1e-9


class DPMarginalOptions(GeneratorOptions):
    """The baseline's options (all public)."""

    bins: int = Field(DEFAULT_BINS, ge=2, strict=True, description="bins per numeric column")
    target: str | None = Field(None, description="a modelled column to centre the star on (else a chain)")
    public_schema: TableSchema | None = Field(None, alias="schema",
                                              description="the public schema, to compute the noise before fit")


def _analytic_delta(sigma: float, epsilon: float) -> float:
    """Exact delta of the Gaussian mechanism (sensitivity 1, noise sigma) at epsilon (Balle & Wang 2018)."""
    return (math.exp(log_ndtr(0.5 / sigma - epsilon * sigma))
            - math.exp(epsilon + log_ndtr(-0.5 / sigma - epsilon * sigma)))


@functools.lru_cache(maxsize=256)
def calibrated_noise_multiplier(epsilon: float, delta: float) -> float:
    """Smallest Gaussian noise multiplier meeting ``(epsilon, delta)`` under the PLD accountant.

    The analytic Gaussian calibration gives a near-exact starting point; the accountant's
    :func:`~privsynth.policies.accountant.calibrate_noise` then confirms it within a tight bracket, so
    the result is always on the safe side of the project's accountant. Results are cached.

    Args:
        epsilon: Target epsilon (> 0).
        delta: Target delta, in (0, 1).

    Returns:
        The noise multiplier.

    Raises:
        AccountingError: The target is unreachable (epsilon far too small for any useful noise level).
    """
    def make_event(z: float) -> dp_event.DpEvent:
        return dp_event.GaussianDpEvent(z)

    if not 0 < delta < 1:
        raise AccountingError(f"delta must be in (0, 1), got {delta}.", "Pass a small positive delta.")
    if not epsilon > 0:
        raise AccountingError(f"epsilon must be positive, got {epsilon}.", "Pass --epsilon greater than 0.")
    if _analytic_delta(MAX_NOISE_MULTIPLIER, epsilon) > delta:
        # Even the largest multiplier is not private enough: let the accountant say so in its words.
        return calibrate_noise(make_event, epsilon, delta, hi=MAX_NOISE_MULTIPLIER).noise_multiplier
    exact = brentq(lambda z: _analytic_delta(z, epsilon) - delta, 1e-3, MAX_NOISE_MULTIPLIER, xtol=1e-12,
                   rtol=1e-12)
    try:
        return calibrate_noise(make_event, epsilon, delta, lo=exact, hi=exact * 1.0009).noise_multiplier
    except AccountingError:  # the accountant is more pessimistic than expected: widen the bracket
        return calibrate_noise(make_event, epsilon, delta, lo=exact,
                               hi=min(exact * 4, MAX_NOISE_MULTIPLIER)).noise_multiplier


def tree_edges(n_columns: int, root: int | None) -> list[tuple[int, int]]:
    """The data-independent tree: a star around ``root``, or a chain in column order when it is None.

    Args:
        n_columns: Number of modelled columns.
        root: Index of the star's centre, or None for a chain.

    Returns:
        ``(parent, child)`` index pairs, parents always sampled before their children in list order.
    """
    if root is None:
        return [(i - 1, i) for i in range(1, n_columns)]
    return [(root, j) for j in range(n_columns) if j != root]


def _normalise(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 0.0, None)
    total = p.sum()
    return p / total if total > 0 else np.full(len(p), 1.0 / len(p))


@register_generator
class DPMarginalSynthesizer(Generator):
    """Gaussian-noise one- and two-way marginals over a data-independent tree (see the module docstring).

    Args:
        epsilon: Privacy target epsilon.
        delta: Privacy target delta.
        seed: Library-level noise and sampling seed, for tests and benchmarks only (the graph never passes one).
        **options: ``bins`` (bins per numeric column, default 16), ``target`` (a modelled column to
            centre the star on), ``schema`` (a :class:`TableSchema`, to compute :meth:`noise_scale`
            before ``fit``).

    Raises:
        ConfigError: An unknown option or an invalid value.
    """

    name = "dp_marginals"
    modality = "tabular"
    Options = DPMarginalOptions

    def __init__(self, epsilon: float, delta: float, seed: int | None = None, **options: Any) -> None:
        super().__init__(epsilon, delta, seed, **options)
        assert isinstance(self.params, DPMarginalOptions)
        self.bins = int(self.params.bins)
        self.target: str | None = self.params.target
        self._option_schema: TableSchema | None = self.params.public_schema
        self._disc: list[ColumnDiscretizer] = []
        self._edges: list[tuple[int, int]] = []
        self._root = 0
        self.sigma = float("nan")
        self.noisy_one_way: list[np.ndarray] = []
        self.noisy_two_way: list[np.ndarray] = []
        self.noisy_rows = 0

    # -- privacy --------------------------------------------------------------------------------
    def privacy_event(self) -> dp_event.DpEvent:
        """``GaussianDpEvent(z)`` with ``z`` calibrated to ``(epsilon, delta)``; needs no data or schema."""
        return dp_event.GaussianDpEvent(calibrated_noise_multiplier(self.epsilon, self.delta))

    def marginal_count(self, schema: TableSchema | None = None) -> int:
        """Number ``k`` of marginals measured: one-way per modelled column plus one per tree edge.

        Args:
            schema: Schema to use; defaults to the fitted schema, then the ``schema`` option.

        Raises:
            GeneratorError: No schema is known, or it has no modelled column.
        """
        schema = self._known_schema(schema)
        m = len(schema.modelled_columns)
        if m == 0:
            raise GeneratorError("The schema has no categorical or numeric column to model.",
                                 "Declare at least one column as categorical or numeric.")
        return 2 * m - 1

    def noise_scale(self, schema: TableSchema | None = None) -> float:
        """Standard deviation of the Gaussian noise added to every cell: ``z * sqrt(k)``.

        Args:
            schema: Schema to use; defaults to the fitted schema, then the ``schema`` option.
        """
        return self.privacy_event().noise_multiplier * math.sqrt(self.marginal_count(schema))

    def _known_schema(self, schema: TableSchema | None) -> TableSchema:
        schema = schema or self.schema or self._option_schema
        if schema is None:
            raise GeneratorError("dp_marginals needs the table schema to size its marginals.",
                                 "Pass schema=<TableSchema> as an option, or call fit() first.")
        return schema

    def _root_index(self, schema: TableSchema) -> int | None:
        if self.target is None:
            return None
        names = [c.name for c in schema.modelled_columns]
        if self.target not in names:
            raise ConfigError(f"target '{self.target}' is not a modelled (categorical or numeric) column.",
                              f"Choose one of: {', '.join(names)}.")
        return names.index(self.target)

    # -- fit ------------------------------------------------------------------------------------
    def _validate(self, data: pd.DataFrame, schema: TableSchema) -> None:
        """Check options and encode the data before any budget is spent (raises SchemaError early)."""
        self.marginal_count(schema)
        self._root_index(schema)
        encode_table(data, build_discretizers(schema, self.bins))

    def _fit(self, data: pd.DataFrame, schema: TableSchema) -> None:
        self._disc = build_discretizers(schema, self.bins)
        root = self._root_index(schema)
        self._root = 0 if root is None else root
        self._edges = tree_edges(len(self._disc), root)
        codes = encode_table(data, self._disc)
        self.sigma = self.noise_scale(schema)
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(0,)))
        self.noisy_one_way = []
        for j, disc in enumerate(self._disc):
            counts = np.bincount(codes[:, j], minlength=disc.size).astype(float)
            self.noisy_one_way.append(counts + rng.normal(0.0, self.sigma, disc.size))
        self.noisy_two_way = []
        for p, c in self._edges:
            dp_, dc = self._disc[p].size, self._disc[c].size
            counts = np.bincount(codes[:, p] * dc + codes[:, c], minlength=dp_ * dc).astype(float)
            self.noisy_two_way.append((counts + rng.normal(0.0, self.sigma, dp_ * dc)).reshape(dp_, dc))
        self._derive()

    def _derive(self) -> None:
        """Post-process the noisy marginals into the sampling model (costs no budget)."""
        sizes = np.array([d.size for d in self._disc], dtype=float)
        totals = np.array([m.sum() for m in self.noisy_one_way])
        # Each total has variance size * sigma^2: inverse-variance weighted mean.
        self.noisy_rows = max(1, int(round(float(np.sum(totals / sizes) / np.sum(1.0 / sizes)))))
        self._one_way_p = [_normalise(m) for m in self.noisy_one_way]
        self._children: dict[int, list[int]] = {j: [] for j in range(len(self._disc))}
        self._cpt: dict[int, np.ndarray] = {}
        for (p, c), table in zip(self._edges, self.noisy_two_way, strict=True):
            table = np.clip(table, 0.0, None)
            mass = table.sum(axis=1, keepdims=True)
            cpt = np.where(mass > 0, table / np.where(mass > 0, mass, 1.0), self._one_way_p[c][None, :])
            self._cpt[c] = cpt
            self._children[p].append(c)
        self._parent = {c: p for p, c in self._edges}

    # -- sample ---------------------------------------------------------------------------------
    def estimated_rows(self) -> int | None:
        """The DP row count derived from the noisy one-way marginals (no extra budget)."""
        return self.noisy_rows if self._fitted else None

    def _sample(self, n: int | None, conditions: dict[str, Any], seed: int | None) -> pd.DataFrame:
        n = self.noisy_rows if n is None else int(n)
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
        evidence = self._evidence(conditions)
        root_p, cpts = self._posterior(evidence, floor=False)
        if root_p is None:
            root_p, cpts = self._posterior(evidence, floor=True)
        assert root_p is not None
        codes = np.zeros((n, len(self._disc)), dtype=np.int64)
        codes[:, self._root] = _draw(root_p, rng, n)
        for p, c in self._edges:
            cum = np.cumsum(cpts[c], axis=1)
            u = rng.random(n)
            out = np.zeros(n, dtype=np.int64)
            for v in np.unique(codes[:, p]):
                rows = codes[:, p] == v
                out[rows] = np.searchsorted(cum[v] / cum[v][-1], u[rows], side="right")
            codes[:, c] = np.minimum(out, cpts[c].shape[1] - 1)
        frame = {d.name: d.decode(codes[:, j], rng) for j, d in enumerate(self._disc)}
        return pd.DataFrame(frame, columns=[d.name for d in self._disc])

    def _evidence(self, conditions: dict[str, Any]) -> dict[int, int]:
        names = [d.name for d in self._disc]
        evidence = {}
        for column, value in conditions.items():
            if column not in names:
                raise ConfigError(f"Cannot condition on '{column}': it is not a modelled column.",
                                  f"Choose among: {', '.join(names)}.")
            j = names.index(column)
            evidence[j] = self._disc[j].code_of(value)
        return evidence

    def _posterior(self, evidence: dict[int, int], floor: bool) -> tuple[np.ndarray | None, dict[int, np.ndarray]]:
        """Root distribution and child tables conditioned on the evidence (None if it has no mass)."""
        def fl(p: np.ndarray) -> np.ndarray:
            if not floor:
                return p
            p = p + _FLOOR
            return p / p.sum(axis=-1, keepdims=True)

        root_p = fl(self._one_way_p[self._root])
        cpts = {c: fl(t) for c, t in self._cpt.items()}
        if not evidence:
            return root_p, cpts
        lam = {j: self._indicator(j, evidence) for j in range(len(self._disc))}
        for p, c in reversed(self._edges):  # an edge list in BFS order, reversed: children before parents
            message = cpts[c] @ lam[c]
            lam[p] = lam[p] * message / max(float(message.max()), 1e-300)
        post_root = root_p * lam[self._root]
        if post_root.sum() <= 0:
            return None, cpts
        post_cpts = {}
        for _p, c in self._edges:
            table = cpts[c] * lam[c][None, :]
            mass = table.sum(axis=1, keepdims=True)
            post_cpts[c] = np.where(mass > 0, table / np.where(mass > 0, mass, 1.0), 1.0 / table.shape[1])
        return post_root / post_root.sum(), post_cpts

    def _indicator(self, j: int, evidence: dict[int, int]) -> np.ndarray:
        if j not in evidence:
            return np.ones(self._disc[j].size)
        out = np.zeros(self._disc[j].size)
        out[evidence[j]] = 1.0
        return out

    # -- persistence ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to sample again, as JSON-able values (noisy marginals and parameters).

        Raises:
            NotFittedError: The generator has not been fitted.
        """
        if not self._fitted or self.schema is None:
            raise NotFittedError("dp_marginals must be fitted before its state can be saved.", "Call fit() first.")
        return {
            "version": STATE_VERSION, "generator": self.name, "epsilon": self.epsilon, "delta": self.delta,
            "seed": self.seed, "bins": self.bins, "target": self.target, "sigma": self.sigma,
            "schema": self.schema.model_dump(mode="json"),
            "one_way": [m.tolist() for m in self.noisy_one_way],
            "two_way": [t.tolist() for t in self.noisy_two_way],
        }

    def load_state_dict(self, state: dict[str, Any]) -> DPMarginalSynthesizer:
        """Restore a fitted generator from :meth:`state_dict` output (no data is read, no budget spent).

        Args:
            state: The saved state.

        Returns:
            ``self``.

        Raises:
            GeneratorError: The state is from another generator or version, or does not fit the schema.
        """
        if state.get("generator") != self.name or state.get("version") != STATE_VERSION:
            raise GeneratorError("The saved state is not a dp_marginals state of a supported version.",
                                 "Refit the generator.")
        schema = TableSchema.model_validate(state["schema"])
        self.epsilon, self.delta, self.seed = float(state["epsilon"]), float(state["delta"]), state["seed"]
        self.bins, self.target, self.sigma = int(state["bins"]), state["target"], float(state["sigma"])
        self._disc = build_discretizers(schema, self.bins)
        root = self._root_index(schema)
        self._root = 0 if root is None else root
        self._edges = tree_edges(len(self._disc), root)
        self.noisy_one_way = [np.asarray(m, dtype=float) for m in state["one_way"]]
        self.noisy_two_way = [np.asarray(t, dtype=float) for t in state["two_way"]]
        shapes_ok = (len(self.noisy_one_way) == len(self._disc) and len(self.noisy_two_way) == len(self._edges)
                     and all(m.shape == (d.size,) for m, d in zip(self.noisy_one_way, self._disc, strict=True))
                     and all(t.shape == (self._disc[p].size, self._disc[c].size)
                             for t, (p, c) in zip(self.noisy_two_way, self._edges, strict=True)))
        if not shapes_ok:
            raise GeneratorError("The saved marginals do not match the saved schema.", "Refit the generator.")
        self.schema = schema
        self._derive()
        self._fitted = True
        return self


def _draw(p: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    cum = np.cumsum(p)
    return np.minimum(np.searchsorted(cum / cum[-1], rng.random(n), side="right"), len(p) - 1)
