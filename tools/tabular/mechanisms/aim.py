"""AIM: an adaptive, workload-aware select-measure-generate DP synthesizer (McKenna et al., VLDB 2022).

Pipeline (all domains from the public schema; coding and DP compression as MST,
:mod:`privsynth.tools.tabular.encoding.codec`):

1. **Measure** every column's fine one-way marginal with Gaussian noise ``sigma_1`` (the noisy row count
   and the compression into model groups are post-processing of these).
2. **Key workload** (option ``key``, e.g. ``PUMA``; defaults to ``target``): measure every ``(key, X)``
   with noise ``sigma_X`` (``key_noise="cells"``: ``sigma_X ∝ c_X^(-1/3)`` from the column's public cell count,
   which minimises the tables' summed L1 error for the budget; ``"equal"``: one ``sigma_k``). Numeric columns
   with many fine bins are measured on groups and on sub-groups (``key_parts``, ``split_share``; same total
   precision), and every table is shrunk towards independence (``key_shrink``, James-Stein; post-processing).
3. **T rounds**, ``T`` fixed before any data is read (``rounds``; default: the number of non-key columns).
   Each round *selects* a candidate clique with the exponential mechanism (parameter ``eps0``; quality as AIM,
   ``||M_r(D) - M_r(p)||_1 - sqrt(2/pi) sigma_r n_r``, weight 1 for every candidate so the sensitivity is 1;
   candidates that would grow the junction tree past the round's size limit are skipped, which samples the
   mechanism restricted to the feasible set exactly, :mod:`privsynth.tools.tabular.mechanisms.aim_select`),
   *measures* it with noise ``sigma_r`` and refits the model warm-started. AIM's budget annealing makes the
   number of rounds data-dependent; here ``T`` and ``sigma_r`` are fixed so that the event is declared first.
4. **Generate**: a final longer fit, then sampling with rounded, herded counts (``herding``). A numeric group
   becomes a fine value by a refined within-group shape (``shape="refined"``: a monotone interpolation of the
   model's group masses, noisy spikes kept, tilted by the key), with round values (0, thousands) as often as
   the data's (``heaping``: one more noisy histogram per wide integer column, at ``sigma_1``). The schema's
   relations hold in every row: ``rank_of`` couples a rank column to the column it ranks, ``holds_when`` rules
   become structural zeros of the model (``structural_zeros``). With ``drop_empty_key``, a key group whose
   noisy total is indistinguishable from empty gets probability 0. Up to 15,000 rows, ``sample_pool`` times
   the rows are drawn and the ``n`` that follow the draw best on the workload's tables are kept
   (:mod:`~privsynth.tools.tabular.model.thinning`). All post-processing.

Defaults that follow epsilon (public rules): below epsilon 4, 10 numeric groups and a key share of 0.65; from 4,
20 groups (the k-marginal's percentile bins) and 0.3. Which option gained what, on which data and seeds, is in
``evals/notes/aim.md``; ``privsynth generators --options aim`` lists every option.

Privacy accounting (add/remove of one record). It is the MST event with ``r = T``. The ``w`` roundness
histograms (one per wide integer column, public schema; sensitivity 1 each) share the one-way budget with the
``m`` fine marginals at the same ``sigma_1`` (``m`` becomes ``m + w`` below), and a split column's ``(key, X)``
table is two histograms (groups, sub-groups) with noise ``sigma_X / sqrt(1 - split_share)`` and
``sigma_X / sqrt(split_share)``, whose precisions add up to its ``1 / sigma_X^2``; the declared event is unchanged
(:func:`privsynth.tools.tabular.mechanisms.mst.mst_event`): with ``rho = 1 / (2 z^2)`` and ``s`` = ``select_share``,
the measurements (L2 sensitivity 1 each) compose exactly and adaptively into one Gaussian mechanism,
``1 / z_meas^2 = (m + w) / sigma_1^2 + sum_X 1 / sigma_X^2 + T / sigma_r^2 = (1 - s) / z^2``, the shares
``one_way_share`` / ``key_share`` / rest split ``(1 - s) rho``; each selection is ``eps0``-DP and is
declared as ``LaplaceDpEvent(1/u)``, ``u = sqrt(2 s rho / T)``, ``eps0 = log(2 e^(u/2) - 1)``, which
dominates every ``eps0``-DP mechanism (argument in :mod:`privsynth.tools.tabular.mechanisms.mst`). Declared:
``ComposedDpEvent([GaussianDpEvent(z / sqrt(1 - s)), SelfComposedDpEvent(LaplaceDpEvent(1/u), T)])``,
``z`` the smallest multiplier meeting ``(epsilon, delta)`` under the PLD accountant; it depends on
``(epsilon, delta)``, the options and the number of modelled columns (public) only.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, StrictBool
from tqdm.auto import tqdm

from privsynth.agents.registry import register_generator
from privsynth.tools.data.schema import TableSchema
from privsynth.tools.tabular.encoding.codec import FineColumn, fit_heaping
from privsynth.tools.tabular.encoding.group_shapes import interpolated_mass, refined_shape
from privsynth.tools.tabular.encoding.order_rules import order_zero_tables
from privsynth.tools.tabular.encoding.structural_zeros import zero_tables
from privsynth.tools.tabular.mechanisms.aim_select import select_clique
from privsynth.tools.tabular.mechanisms.key_subgroups import (
    SubGroups,
    coarse_measurement,
    reweight_within_groups,
    shrink_to_independence,
    split_groups,
)
from privsynth.tools.tabular.mechanisms.mst import MSTSynthesizer, Share, TabularOptions
from privsynth.tools.tabular.model.graphical_model import Measurement
from privsynth.tools.tabular.model.junction_tree import (
    LargeCliqueModel,
    add_clique,
    junction_tree,
    transfer_theta,
    triangulate,
)
from privsynth.tools.tabular.model.sampling import herded_choice, rounded_choice


class AIMOptions(TabularOptions):
    """AIM's options: the shared tabular ones, and the adaptive-selection and decoding knobs."""

    numeric_groups: int | None = Field(None, ge=2, description="model groups of a numeric column; None: 10 below "
                                                               "epsilon 4, else 20")
    select_share: Share = Field(0.05, description="share of the budget for the T exponential-mechanism selections")
    one_way_share: float = Field(0.1, gt=0.0, lt=1.0, description="share of the budget for the one-way marginals")
    key_share: Share | None = Field(None, description="share for the (key, X) tables; None: 0.65 below epsilon 4, "
                                                      "else 0.3")
    rounds: int | None = Field(None, ge=0, description="selection rounds T; None: the number of non-key columns")
    max_cells: float = Field(4e5, gt=0, description="model-size limit in cells (AIM's growing limit)")
    round_iters: int = Field(60, ge=1, description="mirror-descent steps after each measurement")
    iters: int = Field(400, ge=1, description="mirror-descent iterations of the final model fit")
    key_noise: Literal["cells", "equal"] = Field("cells", description="noise of the (key, X) tables by public cell "
                                                                      "count, or equal")
    drop_empty_key: StrictBool = Field(True, description="drop a key group whose noisy count is empty")
    heaping: StrictBool = Field(True, description="measure round-value heaping of wide integer columns")
    shape: Literal["refined", "smooth"] = Field("refined", description="within-group decoding of numeric groups")
    key_parts: int = Field(2, ge=1, description="sub-groups per group in the (key, X) tables of numeric columns")
    split_share: float = Field(0.5, gt=0.0, le=1.0, description="precision share of the sub-group tables")
    key_shrink: StrictBool = Field(True, description="shrink (key, X) tables towards independence (James-Stein)")
    herding: StrictBool = Field(True, description="herded rounded counts in sampling")
    structural_zeros: StrictBool = Field(True, description="forbid the cells the schema's holds_when rules exclude")


LOW_EPSILON = 4.0


def _key_group_totals(meas: list[Measurement], key: int, n_key: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Inverse-variance combination of the key-group totals that the ``(key, X)`` tables measure (row sums).

    Returns:
        ``(totals, sigmas)`` per key group, or None without any table. Post-processing of the measurements.
    """
    num, precision = np.zeros(n_key), np.zeros(n_key)
    for m in meas:
        if key not in m.attrs or len(m.attrs) != 2:
            continue
        axis = 1 - m.attrs.index(key)
        values = np.asarray(m.values, dtype=float)
        variance = np.broadcast_to(np.asarray(m.sigma, dtype=float) ** 2, values.shape)
        rows, var = values.sum(axis=axis), variance.sum(axis=axis)
        if rows.shape != (n_key,):
            continue
        num += rows / var
        precision += 1.0 / var
    if not precision.any():
        return None
    return num / np.maximum(precision, 1e-300), 1.0 / np.sqrt(np.maximum(precision, 1e-300))


@register_generator
class AIMSynthesizer(MSTSynthesizer):
    """AIM with a key-column workload, DP compression and a general junction-tree model (module docstring).

    Args:
        epsilon: Privacy target epsilon.
        delta: Privacy target delta.
        seed: Library-level noise seed, for tests and benchmarks only (the graph never passes one: fresh noise).
        **options: As MST (``key``, ``target``, ``schema``, ``fine_bins``, ``numeric_groups``,
            ``select_share``, ``one_way_share``, ``key_share``, ``iters``, ``rounded_sampling``, ``progress``;
            ``numeric_groups`` None: 10 below epsilon 4, else 20, measured on MA and TX 2019) plus ``rounds``
            (T; None: the number of non-key columns), ``max_cells`` (model size limit),
            ``round_iters`` (mirror-descent steps after each measurement), ``key_noise`` (``"cells"`` or
            ``"equal"``), ``drop_empty_key`` (bool), ``shape`` (``"refined"`` or ``"smooth"``), ``heaping``
            (bool), ``key_parts`` (int), ``split_share`` (in (0, 1]), ``key_shrink``, ``herding`` and
            ``structural_zeros`` (bool), all in the module docstring.

    Raises:
        ConfigError: An unknown option or an invalid value.
    """

    name = "aim"
    modality = "tabular"
    Options = AIMOptions

    def __init__(self, epsilon: float, delta: float, seed: int | None = None, **options: Any) -> None:
        super().__init__(epsilon, delta, seed, **options)
        self.selected: list[tuple[str, ...]] = []

    def epsilon_defaults(self) -> dict[str, Any]:
        """Defaults that follow the requested epsilon (public rules, measured on MA and TX 2019).

        Below epsilon 4: coarser numeric groups and more budget on the (key, X) tables.
        """
        low = self.epsilon < LOW_EPSILON
        return {"numeric_groups": 10 if low else 20, "key_share": 0.65 if low else 0.3}

    def rounds(self) -> int:
        """T, fixed from the options and the public schema (0 when there are fewer than two non-key columns)."""
        schema = self._schema()
        m = len(schema.modelled_columns) - (self.key_index(schema) is not None)
        if m < 2:
            return 0
        return int(self.opts["rounds"]) if self.opts["rounds"] is not None else m

    def heaping_columns(self, schema: TableSchema | None = None) -> list[int]:
        """Indices of the columns whose roundness histogram is measured (``heaping``; public schema only)."""
        schema = schema or self._schema()
        if not self.opts["heaping"]:
            return []
        fine = int(self.opts["fine_bins"])
        return [j for j, s in enumerate(schema.modelled_columns) if FineColumn(s, fine).heaping_levels]

    def split_columns(self) -> list[int]:
        """Columns whose ``(key, X)`` table is measured in sub-groups (``key_parts``; public schema only).

        The numeric columns with more than ``2 * numeric_groups`` fine bins (ages, incomes, ratios, weights).
        """
        schema, key = self._schema(), self.key_index()
        if key is None or int(self.opts["key_parts"]) < 2:
            return []
        fine, groups = int(self.opts["fine_bins"]), int(self.opts["numeric_groups"])
        return [j for j, spec in enumerate(schema.modelled_columns)
                if j != key and FineColumn(spec, fine).n_bins > 2 * groups]

    def one_way_tables(self, schema: TableSchema) -> int:
        """One fine marginal per modelled column plus one roundness histogram per heaping column."""
        return len(schema.modelled_columns) + len(self.heaping_columns(schema))

    def key_sigmas(self) -> dict[int, float]:
        """Noise of each ``(key, X)`` table, by column index (public: options and schema only).

        ``key_noise="equal"``: ``sigma_k`` for all. ``"cells"``: ``sigma_X ∝ c_X^(-1/3)``, with ``c_X`` the
        column's public cell count (categories, or ``numeric_groups`` bins, plus special and missing codes),
        which minimises the summed expected L1 error ``sum_X c_X sigma_X`` of the tables for the same
        budget; the total precision is unchanged, ``sum_X 1 / sigma_X^2 = (m - 1) / sigma_k^2``.
        """
        schema, key = self._schema(), self.key_index()
        if key is None:
            return {}
        sigma = self.noise_plan()["key"]
        fine = int(self.opts["fine_bins"])
        cols = {j: FineColumn(spec, fine) for j, spec in enumerate(schema.modelled_columns) if j != key}
        if self.opts["key_noise"] == "equal":
            return {j: sigma for j in cols}
        groups = int(self.opts["numeric_groups"])
        split = self.split_columns()
        parts = {j: int(self.opts["key_parts"]) if j in split else 1 for j in cols}
        c = {j: float(min(col.n_bins, groups * parts[j]) + col.size - col.n_bins if col.n_bins else col.size)
             for j, col in cols.items()}
        scale = math.sqrt(sum(v ** (2.0 / 3.0) for v in c.values()) / len(c))
        return {j: sigma * scale * v ** (-1.0 / 3.0) for j, v in c.items()}

    # -- fit ------------------------------------------------------------------------------------
    def _fit(self, data: pd.DataFrame, schema: TableSchema) -> None:
        """The privacy path, top to bottom: noise plan -> measure -> model -> T x (select, measure) -> fit.

        The event was declared (and committed) before this runs; every step below reads the data only through
        the measurements the event covers, or is post-processing of them.
        """
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(0,)))
        self.sigmas = plan = self.noise_plan()
        self.columns = [FineColumn(s, int(self.opts["fine_bins"])) for s in schema.modelled_columns]
        key, rounds = self.key_index(schema), self.rounds()
        show = self.opts["progress"]
        bar = tqdm(total=2 + rounds, desc="aim fit", disable=None if show is None else not show, leave=False)
        codes, meas = self._measure_one_way(data, plan["one_way"], rng)
        self._measure_heaping(data, plan["one_way"])
        others = [j for j in range(len(self.columns)) if j != key]
        meas += self._measure_key_tables(data, codes, key, others, rng)
        graph = self._initial_model(meas)
        bar.update(1)
        self.selected = []
        self._true_counts: dict[tuple[int, ...], np.ndarray] = {}  # private, dropped after the rounds
        codes = np.asfortranarray(codes)  # each column contiguous: the rounds read columns
        for t in range(rounds):
            graph = self._select_and_measure(codes, others, key, graph, meas, plan,
                                             float(self.opts["max_cells"]) * (t + 1) / rounds, rng)
            bar.update(1)
        del self._true_counts
        self.model.fit(meas, self.noisy_rows, iters=int(self.opts["iters"]), progress=None)
        if key is not None and self.opts["drop_empty_key"]:
            self._drop_empty_key_group(key, plan["one_way"])
        self._refine_shapes(key, plan["one_way"])
        bar.update(1)
        bar.close()
        self.measurements = meas

    def _measure_key_tables(self, data: pd.DataFrame, codes: np.ndarray, key: int | None, others: list[int],
                            rng: np.random.Generator) -> list[Measurement]:
        """Measure every ``(key, X)`` (split columns also on sub-groups), then shrink them towards independence.

        Returns:
            The measurements, in column order (none without a key).
        """
        self.subgroups: dict[int, SubGroups] = {}
        self.key_noisy: dict[int, tuple[np.ndarray, float]] = {}
        self.key_spent: dict[int, list[float]] = {}  # noise of the histograms measured for each (key, X)
        self.key_shrink: dict[str, list[float]] = {}  # James-Stein factors of the (key, X) tables
        if key is None:
            return []
        key_sigma, split = self.key_sigmas(), set(self.split_columns())
        meas: list[Measurement] = []
        for j in others:
            share = float(self.opts["split_share"]) if j in split else 0.0
            spent = [key_sigma[j] / math.sqrt(1 - share)] if share < 1 else []  # groups: 1 - share of precision
            if share < 1:
                meas.append(self._measure(codes, tuple(sorted((key, j))), spent[0], rng))
            if share > 0:  # sub-groups: the rest
                spent.append(key_sigma[j] / math.sqrt(share))
                meas.append(self._measure_split(data, codes[:, key], key, j, spent[-1], rng))
            self.key_spent[j] = spent
        self.key_totals = _key_group_totals(meas, key, self.groups[key].n_groups)
        if not self.opts["key_shrink"]:
            return meas
        shrunk = []
        for m in meas:  # post-processing of each noisy table
            values, c = shrink_to_independence(m.values, m.sigma)
            shrunk.append(Measurement(m.attrs, values, m.sigma))
            other = m.attrs[1] if m.attrs[0] == key else m.attrs[0]
            self.key_shrink.setdefault(self.columns[other].name, []).append(c)
        return shrunk

    def _initial_model(self, meas: list[Measurement]) -> dict[int, set[int]]:
        """The junction-tree model of the first measurements and the schema's structural zeros, fitted.

        Returns:
            The chordal graph the selection rounds grow.
        """
        domain = [g.n_groups for g in self.groups]
        graph: dict[int, set[int]] = {j: set() for j in range(len(domain))}
        zeros = (zero_tables(self.columns, self.groups) + order_zero_tables(self.columns, self.groups)
                 if self.opts["structural_zeros"] else [])
        zeros += self.unreleased_zeros()
        for attrs in [m.attrs for m in meas] + [a for a, _ in zeros]:
            graph = add_clique(graph, attrs)
        graph, cliques = triangulate(graph, domain)
        self.model = LargeCliqueModel(domain, *junction_tree(cliques, domain))
        self.model.set_zeros(zeros)
        self.model.fit(meas, self.noisy_rows, iters=int(self.opts["round_iters"]))
        return graph

    def _select_and_measure(self, codes: np.ndarray, others: list[int], key: int | None, graph: dict[int, set[int]],
                            meas: list[Measurement], plan: dict[str, float], limit: float,
                            rng: np.random.Generator) -> dict[int, set[int]]:
        """One AIM round: select a clique (exponential mechanism), measure it, refit the grown model (warm start).

        Returns:
            The grown chordal graph (``meas`` and :attr:`selected` gain the round's measurement and choice).
        """
        domain = [g.n_groups for g in self.groups]
        attrs, graph = select_clique(self.model, codes, others, key, graph, plan, limit, rng, self._true_counts)
        meas.append(self._measure(codes, attrs, plan["tree"], rng))
        new = LargeCliqueModel(domain, *junction_tree(triangulate(graph, domain)[1], domain))
        transfer_theta(self.model, new)
        self.model = new
        self.model.fit(meas, self.noisy_rows, iters=int(self.opts["round_iters"]))
        self.selected.append(tuple(self.columns[a].name for a in attrs))
        return graph

    def _measure_split(self, data: pd.DataFrame, key_codes: np.ndarray, key: int, j: int, sigma: float,
                       rng: np.random.Generator) -> Measurement:
        """Measure ``(key, X)`` on X's sub-groups (kept for decoding); return it summed back to X's groups."""
        col, groups = self.columns[j], self.groups[j]
        sub = split_groups(groups.of_fine, groups.weights, col.n_bins, int(self.opts["key_parts"]))
        rows = sub.of_fine[col.encode(data[col.name])]
        n_key = self.groups[key].n_groups
        counts = np.bincount(key_codes * sub.n_sub + rows, minlength=n_key * sub.n_sub).astype(float)
        noisy = (counts + rng.normal(0.0, sigma, counts.shape)).reshape(n_key, sub.n_sub)
        self.subgroups[j], self.key_noisy[j] = sub, (noisy, sigma)
        attrs = tuple(sorted((key, j)))
        fine = Measurement(attrs, noisy if key < j else noisy.T, sigma)
        return coarse_measurement(fine, attrs.index(j), sub, groups.n_groups)

    def _refine_shapes(self, key: int | None, sigma: float) -> None:
        """Fine weights within the groups of every ordered column, per key group (``shape="refined"``).

        Post-processing of the fitted model and the noisy fine marginals: :func:`refined_shape` of the model's
        group masses and the noisy fine counts; with a key, the smooth part is tilted within each key group by
        the ratio of the interpolated masses of the model's ``P(X | key)`` and ``P(X)`` (the spikes are not).
        """
        self.shapes: dict[int, np.ndarray] = {}
        if self.opts["shape"] != "refined":
            return
        k_groups = self.groups[key].n_groups if key is not None else 1
        for j, (col, groups) in enumerate(zip(self.columns, self.groups, strict=True)):
            nb = col.n_bins
            if j == key or nb < 2:
                continue
            of_fine = groups.of_fine[:nb]
            mass = self.model.marginal((j,))
            smooth, spikes = refined_shape(of_fine, mass, self.noisy_fine[j][:nb], sigma)
            weights = np.repeat(groups.weights[None, :], k_groups, axis=0)
            if key is None:
                weights[0, :nb] = smooth + spikes + 1e-12
            else:
                joint = self.model.marginal(tuple(sorted((key, j))))
                joint = joint if key < j else joint.T
                base = interpolated_mass(of_fine, mass)
                for p in range(k_groups):
                    weights[p, :nb] = smooth * interpolated_mass(of_fine, joint[p]) / base + spikes + 1e-12
                if j in self.subgroups:
                    weights = reweight_within_groups(weights, joint, groups.of_fine, self.subgroups[j],
                                                     *self.key_noisy[j])
            self.shapes[j] = weights

    def _within_weights(self, j: int) -> np.ndarray:
        """The refined within-group weights of column ``j`` per key group where there are any (else MST's)."""
        shapes = getattr(self, "shapes", {})
        return shapes[j] if j in shapes else super()._within_weights(j)

    def _decode_groups(self, j: int, codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        shapes = getattr(self, "shapes", {})
        if j not in shapes:
            return super()._decode_groups(j, codes, rng)
        key = self.key_index()
        weights, groups = shapes[j], self.groups[j]
        cond = np.zeros((weights.shape[0], groups.n_groups, len(groups.of_fine)))
        cond[:, groups.of_fine, np.arange(len(groups.of_fine))] = weights
        cond /= np.maximum(cond.sum(axis=2, keepdims=True), 1e-300)
        cond = cond.reshape(-1, len(groups.of_fine))
        rows = (codes[:, key] if key is not None else 0) * groups.n_groups + codes[:, j]
        if self.opts["rounded_sampling"]:
            if self.opts["herding"]:
                use = [a for a in range(codes.shape[1]) if a not in (j, key)]
                return herded_choice(np.asarray(rows, dtype=np.int64), cond, rng, codes, use=use)
            return rounded_choice(np.asarray(rows, dtype=np.int64), cond, rng)
        cum = np.cumsum(cond[rows], axis=1)
        return np.minimum((cum < rng.random(len(rows))[:, None]).sum(axis=1), len(groups.of_fine) - 1)

    def _measure_heaping(self, data: pd.DataFrame, sigma: float) -> None:
        """Measure each heaping column's roundness histogram (noise ``sigma``) and fit its heaping weights.

        Own random stream, so the other measurements' noise is the same with and without this option.
        """
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(2,)))
        self.noisy_roundness = {}
        for j in self.heaping_columns():
            col = self.columns[j]
            noisy = col.roundness_counts(data[col.name]) + rng.normal(0.0, sigma, col.heaping_levels + 1)
            self.noisy_roundness[j] = noisy
            col.heaping = fit_heaping(col.bin_classes(), self.groups[j].weights[:col.n_bins], noisy, sigma)

    def _drop_empty_key_group(self, key: int, sigma: float) -> None:
        """Give the key's rare group probability 0 when its noisy total is not significant.

        The rare group gathers the key values whose noisy counts are below ``3 sigma`` (for a geography
        key read from a national dictionary: mostly values absent from the data). Its total is estimated from the
        one-way counts (noise ``sigma sqrt(k)``, ``k`` values) together with the row sums of every ``(key, X)``
        table (inverse-variance weighted; each table is another noisy measurement of the same total, so the
        combined noise is several times smaller). When that estimate is below 3 of its standard deviations, the
        group is indistinguishable from empty, and records the model would put there (fitted noise) carry a
        wrong key into every workload marginal (an MA file with rows in a Georgia PUMA, which SDNist's scoring
        cannot handle); the group's potential is then set to a large negative value. A group of one code is never
        dropped: it is an ordinary category (a binary key such as a churn flag) whose one-way count happened to be
        noisy. Post-processing of the measurements only.
        """
        noisy, groups = self.noisy_fine[key], self.groups[key]
        rare = np.flatnonzero(noisy < 3.0 * sigma)
        if len(rare) < 2:  # one code: a real category
            return
        group = int(groups.of_fine[rare[0]])
        total, spread = noisy[rare].sum(), sigma * math.sqrt(len(rare))
        if getattr(self, "key_totals", None) is not None:  # with every (key, X) table's estimate of the total
            estimates, sigmas = self.key_totals
            precision = 1.0 / spread ** 2 + 1.0 / sigmas[group] ** 2
            total = (total / spread ** 2 + estimates[group] / sigmas[group] ** 2) / precision
            spread = 1.0 / math.sqrt(precision)
        if total >= 3.0 * spread:
            return
        if not np.array_equal(np.flatnonzero(groups.of_fine == group), rare):
            return  # not a group of rare values only
        mask = np.zeros(groups.n_groups)
        mask[group] = -1e4
        i = self.model.clique_of([key])
        self.model.theta[i] = self.model.theta[i] + self.model._expand(mask, (key,), self.model.cliques[i])
        self.model._probs = self.model.calibrate(self.model.theta)
