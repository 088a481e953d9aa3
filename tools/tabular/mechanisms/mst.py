"""MST: the select-measure-generate DP synthesizer (McKenna, Miklau & Sheldon, 2021), privsynth's tabular default.

Pipeline (all domains from the public schema; see :mod:`privsynth.tools.tabular.encoding.codec`):

1. **Measure** the fine one-way marginal of every modelled column with Gaussian noise ``sigma_1``; the
   noisy row count and the DP compression of every column into model groups (rare categories merged,
   numeric bins grouped into DP quantile bins) are post-processing of these.
2. **Key workload** (option ``key``, e.g. the geography column ``PUMA``; defaults to ``target``):
   measure the two-way marginal (key, X) of every other column with noise ``sigma_k``.
3. **Select** a maximum spanning tree over the non-key columns with ``r = m' - 1`` rounds of the
   exponential mechanism (private Kruskal). The weight of a pair is the L1 distance between its true
   marginal (with the key when there is one) and the estimate implied by the noisy measurements so far
   (independence, or conditional independence given the key). A record changes a true marginal by 1
   in one cell and the estimate not at all, so every weight has sensitivity 1.
4. **Measure** the selected pairs (with the key when ``key_triples``) with noise ``sigma_t``.
5. **Generate**: fit a junction-tree graphical model (:mod:`privsynth.tools.tabular.model.graphical_model`) to all the
   noisy measurements and sample it, mapping groups back to values.

Privacy accounting (add/remove of one record). Let ``rho = 1 / (2 z^2)`` be the total zCDP-style budget,
``s`` = ``select_share``. *Measurements*: each marginal has L2 sensitivity 1, so measuring marginal ``i``
with noise ``sigma_i`` is a Gaussian mechanism; the (adaptively chosen) measurements compose into one
Gaussian mechanism with noise multiplier ``z_meas``, ``1 / z_meas^2 = sum_i 1 / sigma_i^2`` (Gaussian DP
composes exactly and adaptively: ``mu = sqrt(sum mu_i^2)``). The ``sigma_i`` split ``rho_meas =
(1 - s) rho`` into the shares ``one_way_share`` / ``key_share`` / rest, equally within each kind, so
``z_meas = z / sqrt(1 - s)``. *Selection*: each round is the exponential mechanism with parameter
``eps0`` (probabilities ``∝ exp(eps0 w / 2)``, sensitivity 1), hence ``eps0``-DP. dp_accounting's PLD
accountant (add/remove) has no exponential-mechanism event, so each round is declared as a
``LaplaceDpEvent`` whose privacy-loss distribution *dominates* every ``eps0``-DP mechanism: every
``eps0``-DP mechanism has trade-off function at least ``f_eps0`` (Kairouz, Oh & Viswanath 2015; Dong, Roth &
Su 2022), the piecewise-linear function with its kink at ``(a, a)``, ``a = 1 / (1 + e^eps0)``; the Laplace
shift-``u`` trade-off function is convex, symmetric and passes through ``(b, b)``, ``b = e^(-u/2) / 2``, and
a convex trade-off function through a point on the diagonal at or left of the kink lies below ``f_eps0``
everywhere. So with ``u = 2 log((1 + e^eps0) / 2)`` (just above ``eps0``; ``b = a``) Laplace(scale
``1/u``) is less private than any ``eps0``-DP mechanism, and by the f-DP composition theorem (tensor
products are monotone) the declared composition upper-bounds the real one, rounds chosen adaptively
included. This gives up the exponential mechanism's bounded-range advantage (``eps0^2 / 8`` rather than
``eps0^2 / 2`` zCDP), a deliberately conservative choice. The split: ``u = sqrt(2 s rho / r)`` and
``eps0 = log(2 e^(u/2) - 1)``. The declared event is ``ComposedDpEvent([GaussianDpEvent(z_meas),
SelfComposedDpEvent(LaplaceDpEvent(1/u), r)])``, and ``z`` is the smallest value (PLD accountant, tight
bracket around the zCDP conversion) whose event meets ``(epsilon, delta)``. It depends on ``(epsilon,
delta)``, the options and the number of modelled columns (public schema) only, and is declared before
any data is read. Everything else is post-processing.

Seeds: the same seed gives the same noise, selection and samples (keep a release's seed secret).
Conditions: ``sample(conditions={"PUMA": "25-00503"})`` fixes categorical columns exactly (evidence in the
model). With ``n=None`` the generator returns the public ``schema.rows`` when given, else the noisy count.
"""

from __future__ import annotations

import functools
import math
from typing import Annotated, Any

import numpy as np
import pandas as pd
from dp_accounting import dp_event
from pydantic import Field, StrictBool
from tqdm.auto import tqdm

from privsynth.agents.generator import Generator
from privsynth.agents.options import GeneratorOptions
from privsynth.agents.registry import register_generator
from privsynth.errors import ConfigError, GeneratorError
from privsynth.policies.accountant import calibrate_noise
from privsynth.tools.data.schema import TableSchema
from privsynth.tools.tabular.encoding.codec import FineColumn, Groups, compress, group_counts, one_way_sigma
from privsynth.tools.tabular.encoding.functional import collapse_functions
from privsynth.tools.tabular.encoding.order_rules import draw_valid_pairs, pair_rules
from privsynth.tools.tabular.encoding.rank_coupling import couple_ranks
from privsynth.tools.tabular.encoding.structural_zeros import gate_cuts
from privsynth.tools.tabular.model.graphical_model import JunctionTreeModel, Measurement, clique_tree
from privsynth.tools.tabular.model.thinning import MAX_ROWS as THINNING_MAX_ROWS
from privsynth.tools.tabular.model.thinning import herded_subset
from privsynth.tools.tabular.workload import WorkloadChoice, choose_workload

MAX_Z = 1e4
LOW_EPSILON = 4.0
Share = Annotated[float, Field(ge=0.0, lt=1.0)]


class TabularOptions(GeneratorOptions):
    """The options MST and AIM share (all public: they never depend on the data)."""

    key: str | None = Field(None, description="categorical column joined to every measured pair (e.g. PUMA); "
                                              "None: chosen from the schema and the target (tools.tabular.workload)")
    target: str | None = Field(None, description="utility target (any modelled column); the key when it is "
                                                 "categorical and no key is given or declared")
    conditioned: list[str] = Field(default_factory=list, description="columns a conditional request fixes (set "
                                   "by the graph from the request); the key when it is one categorical column "
                                   "and no key, declared key or categorical target says otherwise")
    public_schema: TableSchema | None = Field(None, alias="schema",
                                              description="the public schema, to declare the event before fit")
    fine_bins: int = Field(128, ge=2, description="fine bins of a numeric column before DP compression")
    keep_categories: int = Field(8, ge=0, description="a categorical column with at most this many codes is never "
                                                      "merged into a rare group (0: merge by noisy count only)")
    rounded_sampling: StrictBool = Field(True, description="low-variance sampling with rounded counts")
    sample_pool: int = Field(4, ge=1, description="draw this many times the rows and keep the herded subset "
                                                  "closest to them on the workload's tables (1: draw n rows)")
    smooth_bins: StrictBool = Field(True, description="smooth within-bin weights of numeric columns")
    progress: StrictBool | None = Field(None, description="progress bar (None: only on a terminal)")


class MSTOptions(TabularOptions):
    """MST's options."""

    numeric_groups: int | None = Field(24, ge=2, description="model groups of a numeric column")
    select_share: Share = Field(0.1, description="share of the budget for the exponential-mechanism selection")
    one_way_share: float = Field(0.2, gt=0.0, lt=1.0, description="share of the budget for the one-way marginals")
    key_share: Share | None = Field(None, description="share for the (key, X) tables; None: 0.5 below epsilon 4, "
                                                      "else 0.3")
    key_triples: StrictBool = Field(False, description="measure (key, X, Y) rather than (X, Y)")
    iters: int = Field(500, ge=1, description="mirror-descent iterations of the final model fit")


def mst_event(z: float, rounds: int, select_share: float) -> dp_event.DpEvent:
    """The composed event for total multiplier ``z`` (see the module docstring)."""
    share = select_share if rounds > 0 else 0.0
    events: list[dp_event.DpEvent] = [dp_event.GaussianDpEvent(z / math.sqrt(1.0 - share))]
    if share > 0:
        events.append(dp_event.SelfComposedDpEvent(dp_event.LaplaceDpEvent(1.0 / laplace_shift(z, rounds, share)),
                                                   rounds))
    return dp_event.ComposedDpEvent(events)


def laplace_shift(z: float, rounds: int, select_share: float) -> float:
    """Per-round Laplace parameter ``u = sqrt(2 s rho / r)`` with ``rho = 1 / (2 z^2)``."""
    return math.sqrt(select_share / rounds) / z


def exp_mech_epsilon(u: float) -> float:
    """The exponential mechanism's ``eps0`` whose worst case is dominated by Laplace shift ``u``."""
    return math.log(2.0 * math.exp(u / 2.0) - 1.0)


@functools.lru_cache(maxsize=128)
def calibrated_z(epsilon: float, delta: float, rounds: int, select_share: float) -> float:
    """Smallest total multiplier ``z`` whose :func:`mst_event` meets ``(epsilon, delta)`` under PLD.

    Raises:
        ConfigError: ``epsilon`` is too small to measure anything useful.
    """
    log_d = math.log(1.0 / delta)
    rho = (math.sqrt(log_d + epsilon) - math.sqrt(log_d)) ** 2  # zCDP -> (eps, delta): a safe start
    z0 = 1.0 / math.sqrt(2.0 * rho)
    if z0 > MAX_Z:
        raise ConfigError(f"epsilon {epsilon:g} is too small for MST to measure anything at delta {delta:g}: "
                          f"the noise would exceed {MAX_Z:g} per count.", "Raise epsilon (for example to 1).")
    cal = calibrate_noise(lambda z: mst_event(z, rounds, select_share), epsilon, delta, lo=z0 / 4, hi=z0 * 1.05)
    return cal.noise_multiplier


def _draw_edge(weights: np.ndarray, eps0: float, rng: np.random.Generator) -> int:
    logits = 0.5 * eps0 * (weights - weights.max())
    p = np.exp(logits)
    return int(rng.choice(len(p), p=p / p.sum()))


def _private_kruskal(pairs: list[tuple[int, int]], weights: np.ndarray, nodes: list[int], eps0: float,
                     rng: np.random.Generator) -> list[tuple[int, int]]:
    """A spanning tree: each edge drawn by the exponential mechanism among the pairs joining two components."""
    component = {j: j for j in nodes}

    def find(x: int) -> int:
        while component[x] != x:
            x = component[x]
        return x

    chosen = []
    for _ in range(len(nodes) - 1):
        ok = [e for e, (i, j) in enumerate(pairs) if find(i) != find(j)]
        e = ok[_draw_edge(weights[ok], eps0, rng)]
        chosen.append(pairs[e])
        component[find(pairs[e][0])] = find(pairs[e][1])
    return chosen


def _bfs_edges(chosen: list[tuple[int, int]], nodes: list[int]) -> list[tuple[int, int]]:
    """The tree's edges as ``(parent, child)`` in breadth-first order from the first node."""
    adjacency: dict[int, list[int]] = {j: [] for j in nodes}
    for i, j in chosen:
        adjacency[i].append(j)
        adjacency[j].append(i)
    order, seen, edges = [nodes[0]], {nodes[0]}, []
    for node in order:
        for nxt in sorted(adjacency[node]):
            if nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
                edges.append((node, nxt))
    return edges


RULE_PASSES = 20
"""Most passes over the pair rules in sampling; one suffices unless two rules share a column (NIST: five on AGEP)."""


@register_generator
class MSTSynthesizer(Generator):
    """MST with a key-column workload, DP compression and a junction-tree model (module docstring).

    Args:
        epsilon: Privacy target epsilon.
        delta: Privacy target delta.
        seed: Library-level noise seed, for tests and benchmarks only (the graph never passes one: fresh noise).
        **options: ``key`` (a categorical column joined to every measured pair), ``target`` (the key when
            ``key`` is not given), ``schema``, ``fine_bins``, ``numeric_groups``, ``select_share``,
            ``one_way_share``, ``key_share`` (None: 0.5 below epsilon 4, else 0.3; measured in
            ``evals/notes/aim.md``), ``key_triples`` (measure (key, X, Y) rather than (X, Y)),
            ``iters`` (model-fit iterations), ``rounded_sampling`` (low-variance sampling,
            :mod:`privsynth.tools.tabular.model.sampling`; default True), ``progress`` (progress bar; None: only on
            a terminal).

    Raises:
        ConfigError: An unknown option or an invalid value.
    """

    name = "mst"
    modality = "tabular"
    conditional = True
    Options = MSTOptions

    def __init__(self, epsilon: float, delta: float, seed: int | None = None, **options: Any) -> None:
        super().__init__(epsilon, delta, seed, **options)
        assert self.params is not None
        self.opts = {**self.params.as_dict(), **{k: v for k, v in self.epsilon_defaults().items()
                                             if getattr(self.params, k) is None}}
        if self.opts["one_way_share"] + self.opts["key_share"] >= 1:
            raise ConfigError("one_way_share + key_share must be below 1.", "Use e.g. 0.2 and 0.3.")
        self.sigmas: dict[str, float] = {}
        self.noisy_rows = 0

    def epsilon_defaults(self) -> dict[str, Any]:
        """Defaults that follow the requested epsilon (a public rule): more budget on the (key, X) tables below 4."""
        return {"key_share": 0.5 if self.epsilon < LOW_EPSILON else 0.3}

    # -- privacy --------------------------------------------------------------------------------
    def _schema(self) -> TableSchema:
        schema = self.schema or self.opts["schema"]
        if schema is None:
            raise GeneratorError("mst needs the table schema to declare its privacy event.",
                                 "Pass schema=<TableSchema> as an option, or call fit().")
        if not schema.modelled_columns:
            raise GeneratorError("The schema has no categorical or numeric column to model.",
                                 "Declare at least one column as categorical or numeric.")
        return schema

    def workload(self, schema: TableSchema | None = None) -> WorkloadChoice:
        """The workload key and why (:func:`~privsynth.tools.tabular.workload.choose_workload`; public facts only).

        Raises:
            ConfigError: The ``key`` option is not a modelled categorical column, or the target is not modelled.
        """
        schema = schema or self._schema()
        names = [c.name for c in schema.modelled_columns]
        target = self.opts["target"]
        if target is not None and target not in names:
            raise ConfigError(f"The target '{target}' is not a modelled column of the schema.",
                              f"Choose one of: {', '.join(names)}.")
        key = self.opts["key"]
        categorical = [c.name for c in schema.modelled_columns if c.kind == "categorical"]
        if key is not None and key not in categorical:
            raise ConfigError(f"The key '{key}' is not a modelled categorical column.",
                              f"Choose one of: {', '.join(categorical) or '(none: leave the key out)'}.")
        return choose_workload(schema, key, target, self.opts.get("conditioned") or ())

    def key_index(self, schema: TableSchema | None = None) -> int | None:
        """Index of the workload key among the modelled columns, or None (:meth:`workload`)."""
        schema = schema or self._schema()
        names = [c.name for c in schema.modelled_columns]
        key = self.workload(schema).key
        if key is None or len(names) < 2:
            return None
        return names.index(key)

    def choices(self) -> dict[str, Any]:
        """What the generator chose from public facts, for the report: the workload key and its reason."""
        return {"workload": self.workload().as_dict()}

    def rounds(self) -> int:
        """Selection rounds: one per tree edge over the non-key columns."""
        schema = self._schema()
        m = len(schema.modelled_columns) - (self.key_index(schema) is not None)
        return max(m - 1, 0)

    def privacy_event(self) -> dp_event.DpEvent:
        """The composed Gaussian + dominated-exponential-mechanism event, calibrated to (epsilon, delta)."""
        r = self.rounds()
        return mst_event(calibrated_z(self.epsilon, self.delta, r, float(self.opts["select_share"])),
                         r, float(self.opts["select_share"]))

    def one_way_tables(self, schema: TableSchema) -> int:
        """How many tables share the one-way budget (noise ``sigma_1`` each): one per modelled column."""
        return len(schema.modelled_columns)

    def noise_plan(self) -> dict[str, float]:
        """Per-marginal noise of each kind and the exponential mechanism's ``eps0`` (all public)."""
        schema, r = self._schema(), self.rounds()
        m, key = len(schema.modelled_columns), self.key_index(schema)
        share = float(self.opts["select_share"]) if r > 0 else 0.0
        z = calibrated_z(self.epsilon, self.delta, r, float(self.opts["select_share"]))
        rho_meas = (1.0 - share) / (2.0 * z * z)
        a = float(self.opts["one_way_share"])
        b = float(self.opts["key_share"]) if key is not None else 0.0
        c = 1.0 - a - b if r > 0 else 0.0
        norm = a + b + c
        plan = {"one_way": math.sqrt(self.one_way_tables(schema) / (2.0 * rho_meas * a / norm))}
        if b:
            plan["key"] = math.sqrt((m - 1) / (2.0 * rho_meas * b / norm))
        if c:
            plan["tree"] = math.sqrt(r / (2.0 * rho_meas * c / norm))
            plan["eps0"] = exp_mech_epsilon(laplace_shift(z, r, share)) if share else 0.0
        return plan

    # -- fit ------------------------------------------------------------------------------------
    def _validate(self, data: pd.DataFrame, schema: TableSchema) -> None:
        """Check options and the data against the public domains before anything is spent."""
        self.schema = schema
        self.key_index(schema)
        for spec in schema.modelled_columns:
            FineColumn(spec, int(self.opts["fine_bins"])).encode(data[spec.name])
        self.privacy_event()

    def _measure(self, codes: np.ndarray, attrs: tuple[int, ...], sigma: float,
                 rng: np.random.Generator) -> Measurement:
        dims = [self.groups[a].n_groups for a in attrs]
        flat = np.ravel_multi_index(tuple(codes[:, a] for a in attrs), dims)
        counts = np.bincount(flat, minlength=int(np.prod(dims))).astype(float)
        return Measurement(attrs, (counts + rng.normal(0.0, sigma, counts.shape)).reshape(dims), sigma)

    def _measure_one_way(self, data: pd.DataFrame, sigma: float,
                         rng: np.random.Generator) -> tuple[np.ndarray, list[Measurement]]:
        """Measure every fine one-way marginal, derive the noisy row count, compress, and re-code the rows.

        Returns:
            The rows coded in compressed groups and the one-way measurements on those groups.
        """
        fine = np.stack([c.encode(data[c.name]) for c in self.columns], axis=1)
        self.noisy_fine = [np.bincount(fine[:, j], minlength=c.size) + rng.normal(0.0, sigma, c.size)
                           for j, c in enumerate(self.columns)]
        sizes = np.array([c.size for c in self.columns], dtype=float)
        totals = np.array([y.sum() for y in self.noisy_fine])
        self.noisy_rows = max(1, int(round(float(np.sum(totals / sizes) / np.sum(1.0 / sizes)))))
        smooth = sigma if self.opts["smooth_bins"] else None
        cuts = gate_cuts(self.columns)  # public thresholds of holds_when rules
        self.groups: list[Groups] = [compress(y, c.n_bins, 3.0 * sigma, int(self.opts["numeric_groups"]), smooth,
                                              cuts.get(j, ()), c.unreleased_codes(y, sigma),
                                              int(self.opts["keep_categories"]) if c.n_bins == 0 else 0)
                                     for j, (y, c) in enumerate(zip(self.noisy_fine, self.columns, strict=True))]
        codes = np.stack([g.of_fine[fine[:, j]] for j, g in enumerate(self.groups)], axis=1)
        one_way = [Measurement((j,), group_counts(y, g), one_way_sigma(g, sigma))
                   for j, (y, g) in enumerate(zip(self.noisy_fine, self.groups, strict=True))]
        return codes, one_way

    def unreleased_zeros(self) -> list[tuple[tuple[int, ...], np.ndarray]]:
        """One-way structural zeros of the groups the model must not emit (``Groups.forbidden``)."""
        return [((j,), table) for j, g in enumerate(self.groups) if (table := g.forbidden_table()) is not None]

    def _fit(self, data: pd.DataFrame, schema: TableSchema) -> None:
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(0,)))
        self.sigmas = plan = self.noise_plan()
        self.columns = [FineColumn(s, int(self.opts["fine_bins"])) for s in schema.modelled_columns]
        key = self.key_index(schema)
        iters = int(self.opts["iters"])
        show = self.opts["progress"]
        bar = tqdm(total=4 + iters, desc="mst fit", disable=None if show is None else not show, leave=False)
        codes, one_way = self._measure_one_way(data, plan["one_way"], rng)
        bar.update(1)
        others = [j for j in range(len(self.columns)) if j != key]
        key_pairs = [self._measure(codes, tuple(sorted((key, j))), plan["key"], rng) for j in others] \
            if key is not None else []
        bar.update(1)
        edges = self._select(codes, others, key, one_way + key_pairs, plan.get("eps0", 0.0), rng)
        bar.update(1)
        keyset = (key,) if key is not None else ()
        tree = [self._measure(codes, tuple(sorted(keyset + (p, c) if self.opts["key_triples"] else (p, c))),
                              plan["tree"], rng) for p, c in edges]
        cliques, parents = clique_tree(edges, keyset, single=others[0] if others else None)
        self.model = JunctionTreeModel([g.n_groups for g in self.groups], cliques, parents)
        self.model.set_zeros(self.unreleased_zeros())
        self.model.fit(one_way + key_pairs + tree, self.noisy_rows, iters=iters, progress=bar.update)
        bar.update(1)
        bar.close()
        self.edges = [(self.columns[p].name, self.columns[c].name) for p, c in edges]

    def _select(self, codes: np.ndarray, others: list[int], key: int | None, base: list[Measurement],
                eps0: float, rng: np.random.Generator) -> list[tuple[int, int]]:
        """Private Kruskal over the non-key columns: pair errors -> exponential-mechanism tree -> BFS edges.

        Returns:
            BFS-ordered ``(parent, child)`` edges.
        """
        if len(others) < 2:
            return []
        pairs, weights = self._pair_errors(codes, others, key, base)
        return _bfs_edges(_private_kruskal(pairs, weights, others, eps0, rng), others)

    def _pair_errors(self, codes: np.ndarray, others: list[int], key: int | None,
                     base: list[Measurement]) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Each candidate pair's L1 error of the independence estimate from the noisy tables (sensitivity 1).

        With a key, the estimate is ``P(key) P(X | key) P(Y | key)`` of a star model fitted to the noisy
        one-way and ``(key, X)`` tables; without, ``n P(X) P(Y)`` from the noisy one-way tables.
        """
        n_hat = float(self.noisy_rows)
        if key is not None:
            model = JunctionTreeModel([g.n_groups for g in self.groups], *clique_tree(
                [(others[0], j) for j in others[1:]], (key,)))
            model.fit([m for m in base if key in m.attrs or len(m.attrs) == 1], n_hat, iters=100)
            key_counts = np.maximum(model.marginal((key,)), 1e-12)[:, None]
            cond = {j: (t if key < j else t.T) / key_counts for j, t in
                    ((j, model.marginal((key, j))) for j in others)}
        else:
            probs = {j: np.clip(base[j].values, 0, None) / max(np.clip(base[j].values, 0, None).sum(), 1e-12)
                     for j in others}
        pairs = [(i, j) for a, i in enumerate(others) for j in others[a + 1:]]
        weights = np.zeros(len(pairs))
        for e, (i, j) in enumerate(pairs):
            attrs = (key, i, j) if key is not None else (i, j)
            dims = [self.groups[a].n_groups for a in attrs]
            true = np.bincount(np.ravel_multi_index(tuple(codes[:, a] for a in attrs), dims),
                               minlength=int(np.prod(dims))).reshape(dims)
            if key is not None:
                est = np.einsum("ki,kj->kij", cond[i], cond[j]) * model.marginal((key,))[:, None, None]
            else:
                est = n_hat * np.outer(probs[i], probs[j])
            weights[e] = np.abs(true - est).sum()
        return pairs, weights


    # -- sample ---------------------------------------------------------------------------------
    def estimated_rows(self) -> int | None:
        """The public row count of the schema when given, else the DP count (no extra budget)."""
        if not self._fitted or self.schema is None:
            return None
        return self.schema.rows or self.noisy_rows

    def _sample(self, n: int | None, conditions: dict[str, Any], seed: int | None) -> pd.DataFrame:
        n = self.estimated_rows() if n is None else int(n)
        assert n is not None
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
        names = [c.name for c in self.columns]
        evidence, fixed = {}, {}
        for column, value in conditions.items():
            if column not in names:
                raise ConfigError(f"Cannot condition on '{column}': it is not a modelled column.",
                                  f"Choose among: {', '.join(names)}.")
            j = names.index(column)
            code = self.columns[j].base.code_of(value)
            evidence[j] = int(self.groups[j].of_fine[code])
            fixed[j] = code
        pool = n * int(self.opts["sample_pool"]) if n <= THINNING_MAX_ROWS else n
        codes = self.model.sample(pool, rng, evidence, rounding=bool(self.opts["rounded_sampling"]),
                                  herding=bool(self.opts.get("herding", False)))
        fine = {j: np.full(pool, fixed[j]) if j in fixed else self._decode_groups(j, codes, rng)
                for j in range(len(self.columns))}
        fine = self._keep_order_rules(fine, codes, rng)  # conditions fix categorical columns, never these counts
        if pool > n:  # herded thinning: the n rows of the pool closest to it on the workload's tables
            keep = herded_subset(np.stack([fine[j] for j in range(len(self.columns))], axis=1), n,
                                 self.key_index(), rng)
            fine = {j: codes_j[keep] for j, codes_j in fine.items()}
        frame = {col.name: col.decode(fine[j], rng) for j, col in enumerate(self.columns)}
        return collapse_functions(couple_ranks(pd.DataFrame(frame, columns=names), self.schema, rng), self.schema)

    def _within_weights(self, j: int) -> np.ndarray:
        """Within-group fine weights of column ``j``, ``(shapes, fine codes)`` (one row: not keyed)."""
        return self.groups[j].weights[None, :]

    def _keep_order_rules(self, fine: dict[int, np.ndarray], codes: np.ndarray,
                          rng: np.random.Generator) -> dict[int, np.ndarray]:
        """Fine codes with every pair rule kept inside the sampled model cells (:mod:`order_rules`).

        The rules are ``greater_than``, ``max_by`` and ``holds_when`` at the level of single values (a rule
        whose threshold falls inside a model group, as a one-sided one does, is kept in every row too).
        """
        key = self.key_index()
        shape_rows = codes[:, key] if key is not None else np.zeros(len(codes), dtype=np.int64)
        rules = pair_rules(self.columns)
        for _ in range(RULE_PASSES):  # a redraw of a column two rules share may break the other one: pass again
            broken = [r for r in rules if not r[2][fine[r[0]], fine[r[1]]].all()]
            if not broken:
                break
            for low, high, valid in broken:
                fine[low], fine[high] = draw_valid_pairs(
                    fine[low], fine[high], valid, self.groups[low],
                    self.groups[high], self._within_weights(low), self._within_weights(high), shape_rows, rng)
        return fine

    def _decode_groups(self, j: int, codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Fine codes of column ``j`` for sampled group codes (all columns' codes given)."""
        return self.groups[j].decode_fine(codes[:, j], rng, rounding=bool(self.opts["rounded_sampling"]))
