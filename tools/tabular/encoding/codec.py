"""Column coding for the MST synthesizer: fine public codes, and DP compression into model groups.

Two levels, both on the column's *public* domain (:class:`~privsynth.tools.data.schema.ColumnSpec`):

* **Fine codes** (:class:`FineColumn`), fixed by the schema alone. A categorical column keeps its
  declared categories (then a missing code), exactly as
  :class:`~privsynth.tools.tabular.encoding.discretize.ColumnDiscretizer`.
  A numeric column gets ``fine_bins`` ordered bins between its public ``min`` and ``max``, then one
  code per declared special value, then a missing code. An integer column with at most ``fine_bins``
  integers gets one bin per integer. Other ranges are split evenly, except *wide* ranges
  (``max - min > 1000``: incomes, densities, weights), which are split evenly on an ``asinh`` scale with
  scale ``(max - min) / 1000``, so that small values keep a fine resolution and the long tail a coarse
  one. Integer bins have integer edges. Values outside ``[min, max]`` are clipped to the bounds (a
  documented, data-independent choice shared with the discretizer); undeclared categories, text in a
  numeric column and missing values in a non-nullable column raise
  :class:`~privsynth.errors.SchemaError` (through the discretizer).
* **Groups** (:func:`compress`), the domain the graphical model uses, computed from the *noisy* fine
  one-way marginal only (DP post-processing: no further budget). Unordered codes (categories, special
  values, missing) whose noisy count is below ``threshold`` merge into one "rare" group (MST's
  compression). The ordered bins of a numeric column become about ``groups`` contiguous groups of
  roughly equal noisy mass (DP quantile bins), each with noisy mass of at least ``threshold``.

Decoding a group draws a fine code within it in proportion to the clipped noisy fine counts (uniformly
when they are all zero; for ordered bins, when the caller passes the noise scale, the noisy counts smoothed
over neighbouring bins, :func:`smoothing_window`), then a value within the fine bin uniformly (a uniform
integer of the bin for integer columns, or, when the column has heaping weights, :func:`fit_heaping`, an
integer drawn in proportion to the weight of its roundness class, :func:`roundness`). AIM can instead pass
its own within-group weights (:mod:`privsynth.tools.tabular.encoding.group_shapes`). Output types follow the
discretizer: strings for categories, int64 for an integer column without missing values, float64 otherwise,
object when a special value is not a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privsynth.tools.data.schema import SILENT_NULL_SIGMAS, ColumnSpec
from privsynth.tools.tabular.encoding.discretize import ColumnDiscretizer
from privsynth.tools.tabular.model.sampling import rounded_choice

WIDE_RANGE = 1000.0


class FineColumn:
    """Fine, schema-only coding of one categorical or numeric column (see the module docstring).

    Args:
        spec: The public column description.
        fine_bins: Ordered bins of a numeric column.
    """

    def __init__(self, spec: ColumnSpec, fine_bins: int = 128) -> None:
        self.spec = spec
        self.name = spec.name
        self.base = ColumnDiscretizer(spec, 2)
        self.n_bins = 0
        self.wide = False
        if spec.kind == "numeric":
            lo, hi = float(spec.min), float(spec.max)  # type: ignore[arg-type]
            if spec.integer and self.base.n_ints <= fine_bins:
                edges = np.arange(self.base.int_lo, self.base.int_hi + 2, dtype=float)
            else:
                if hi - lo > WIDE_RANGE:
                    self.wide = True
                    s = (hi - lo) / WIDE_RANGE
                    edges = s * np.sinh(np.linspace(np.arcsinh(lo / s), np.arcsinh(hi / s), fine_bins + 1))
                    edges[0], edges[-1] = lo, hi
                else:
                    edges = np.linspace(lo, hi, fine_bins + 1)
                if spec.integer:
                    inner = np.ceil(edges[1:-1])
                    edges = np.unique(np.concatenate([[self.base.int_lo], inner, [self.base.int_hi + 1]]))
                    edges = edges[(edges >= self.base.int_lo) & (edges <= self.base.int_hi + 1)]
            self.edges = edges
            self.n_bins = len(edges) - 1
        self.size = self.n_bins + (self.base.size - self.base.n_values if self.n_bins else self.base.size)
        self.heaping: np.ndarray | None = None  # per-roundness-class weights of integers (fit_heaping)

    @property
    def missing_code(self) -> int | None:
        """The fine code of a missing value (the last one), or None when the column is not nullable."""
        return self.size - 1 if self.base.missing_code is not None else None

    def unreleased_codes(self, noisy: np.ndarray, sigma: float) -> list[int]:
        """Fine codes the model must give probability 0, decided from the noisy one-way counts (post-processing).

        A column whose schema is silent on ``nullable`` keeps its missing code only when the code's noisy count
        is above ``SILENT_NULL_SIGMAS * sigma`` (:mod:`privsynth.tools.data.schema`), so a table with no missing
        cell does not come back with them.
        """
        code = self.missing_code
        if self.spec.nullable is None and code is not None and noisy[code] < SILENT_NULL_SIGMAS * sigma:
            return [code]
        return []

    @property
    def heaping_levels(self) -> int:
        """``K`` of the roundness classes of a wide integer column (0: none; public schema only).

        A wide (``max - min > 1000``) integer column gets classes ``0..K``, ``K = floor(log10 max(|min|,
        |max|))``: class ``k`` holds the integers whose largest power-of-ten divisor (up to ``10^K``) is
        ``10^k`` (0 is in class ``K``).
        """
        if not self.n_bins or not self.spec.integer:
            return 0
        lo, hi = float(self.spec.min), float(self.spec.max)  # type: ignore[arg-type]
        if hi - lo <= WIDE_RANGE:
            return 0
        return int(math.floor(math.log10(max(abs(lo), abs(hi)))))

    def roundness_counts(self, values: pd.Series) -> np.ndarray:
        """Histogram of the roundness classes of the in-range numeric values (true counts; sensitivity 1)."""
        k = self.heaping_levels
        base = self.base.encode(values)
        x = pd.to_numeric(pd.Series(values).reset_index(drop=True)[base < self.base.n_values], errors="coerce")
        x = np.clip(np.trunc(x.to_numpy(float)), float(self.spec.min), float(self.spec.max))  # type: ignore[arg-type]
        return np.bincount(roundness(x.astype(np.int64), k), minlength=k + 1).astype(float)

    def bin_classes(self) -> np.ndarray:
        """``(n_bins, K + 1)``: how many integers of each roundness class every fine bin holds."""
        k = self.heaping_levels
        lo, hi = self.edges[:-1].astype(np.int64), self.edges[1:].astype(np.int64) - 1  # integers lo..hi
        mult = np.stack([np.floor_divide(hi, 10 ** j) - (-np.floor_divide(-lo, 10 ** j)) + 1 for j in range(k + 1)],
                        axis=1).astype(float)
        out = mult.copy()
        out[:, :-1] -= mult[:, 1:]
        return np.clip(out, 0.0, None)

    def encode(self, values: pd.Series) -> np.ndarray:
        """Fine codes of a data column (raises SchemaError on values outside the declared domain)."""
        base = self.base.encode(values)
        if not self.n_bins:
            return base
        codes = base - self.base.n_values + self.n_bins
        is_num = base < self.base.n_values
        if is_num.any():
            x = pd.to_numeric(pd.Series(values).reset_index(drop=True)[is_num], errors="coerce").to_numpy(float)
            x = np.clip(x, float(self.spec.min), float(self.spec.max))  # type: ignore[arg-type]
            pos = np.searchsorted(self.edges, x, side="right") - 1
            codes[is_num] = np.clip(pos, 0, self.n_bins - 1)
        return codes

    def decode(self, fine: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """Values of fine codes (a uniform value within a numeric bin)."""
        fine = np.asarray(fine, dtype=np.int64)
        if not self.n_bins:
            return self.base.decode(fine, rng)
        in_bin = fine < self.n_bins
        series = self.base.decode(np.where(in_bin, 0, fine - self.n_bins + self.base.n_values), rng)
        left, right = self.edges[fine[in_bin]], self.edges[fine[in_bin] + 1]
        if self.spec.integer and self.heaping is not None:
            values = self._decode_heaped(fine[in_bin], rng)
        elif self.spec.integer:
            values = left + np.floor(rng.random(len(left)) * (right - left))
        else:
            values = np.minimum(left + rng.random(len(left)) * (right - left), float(self.spec.max))  # type: ignore[arg-type]
        out = series.to_numpy(copy=True)
        out[in_bin] = values.astype(out.dtype) if out.dtype != object else (
            values.astype(np.int64) if self.spec.integer else values)
        return pd.Series(out, name=self.name, dtype=series.dtype)


    def _decode_heaped(self, bins: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Integers within their fine bins, each with probability proportional to its class's heaping weight."""
        assert self.heaping is not None
        out = np.zeros(len(bins))
        for b in np.unique(bins):
            rows = np.flatnonzero(bins == b)
            ints = np.arange(int(self.edges[b]), int(self.edges[b + 1]), dtype=np.int64)
            w = self.heaping[roundness(ints, self.heaping_levels)]
            out[rows] = ints[rng.choice(len(ints), len(rows), p=w / w.sum())]
        return out


def roundness(values: np.ndarray, levels: int) -> np.ndarray:
    """Roundness class of integers: the largest ``k <= levels`` with ``10^k`` dividing the value (0: ``levels``)."""
    v = np.abs(np.asarray(values, dtype=np.int64))
    out = np.zeros(len(v), dtype=np.int64)
    for k in range(1, levels + 1):
        out[v % 10 ** k == 0] = k
    return out


def fit_heaping(counts: np.ndarray, mass: np.ndarray, noisy: np.ndarray, sigma: float, z: float = 3.0,
                z_free: float = 5.0, iters: int = 300) -> np.ndarray | None:
    """Heaping weights ``h_k`` of the roundness classes from their noisy histogram (post-processing).

    Model: within a fine bin, an integer of class ``k`` has probability proportional to ``h_k`` (no heaping:
    all 1), so the expected class-``k`` total is ``sum_b mass_b counts_bk h_k / sum_j counts_bj h_j``, with
    ``mass`` rescaled to the histogram's (clipped) total.
    A class whose noisy count is below ``z sigma`` joins the pool of the class below it (class 0 always starts
    a pool); a pool shares one weight. A pool whose noisy total is within
    ``z_free`` standard deviations (of its noise) of its no-heaping share of the noisy total keeps weight 1 (the
    no-heaping shares assume a flat density within each fine bin, only roughly true, hence a strict ``z_free``);
    the others are fit to their noisy
    totals by multiplicative updates (weights kept within ``[1e-12, 1e12]`` of the largest pool's).

    Args:
        counts: ``(bins, K + 1)`` integers of each class per fine bin (:meth:`FineColumn.bin_classes`).
        mass: The decoding mass of each fine bin.
        noisy: The noisy class histogram (noise ``sigma`` per class).
        sigma: Noise of each class count.
        z: Noisy count that starts a new pool, in noise standard deviations.
        z_free: Departure from no heaping that frees a pool's weight, in noise standard deviations.
        iters: Multiplicative updates.

    Returns:
        The weights, or None when no pool departs significantly from no heaping.
    """
    n = len(noisy)
    pool = np.cumsum(np.asarray(noisy) >= z * sigma) - 1  # a light class shares the weight of the class below
    pool = np.maximum(pool, 0)
    pools = int(pool.max()) + 1
    sizes = np.bincount(pool, minlength=pools)
    target = np.clip(np.bincount(pool, weights=noisy, minlength=pools), 0.0, None)
    mass = np.clip(np.asarray(mass, dtype=float), 0.0, None)
    mass = mass * target.sum() / max(float(mass.sum()), 1e-300)  # compare shares, not totals

    def expected(h: np.ndarray) -> np.ndarray:
        share = counts * h
        share /= np.maximum(share.sum(axis=1, keepdims=True), 1e-300)
        return np.bincount(pool, weights=(mass[:, None] * share).sum(axis=0), minlength=pools)

    share = expected(np.ones(n)) / max(float(target.sum()), 1e-300)  # no-heaping shares of the pools
    spread = sigma * np.sqrt((1.0 - share) ** 2 * sizes + share ** 2 * (n - sizes))  # sd of target - share * total
    free = np.abs(target - share * target.sum()) > z_free * spread
    if not free.any():
        return None
    ref = int(np.argmax(target))
    w = np.ones(pools)
    for _ in range(iters):
        e = expected(w[pool])
        ratio = np.where(free & (e > 0), target / np.maximum(e, 1e-300), 1.0)
        w = np.clip(w * ratio, 1e-300, None)
        if free.all():
            w = w / w[ref]
        w = np.clip(w, 1e-12, 1e12)
    h = w[pool]
    return h / h.max()


@dataclass
class Groups:
    """The DP compression of one column: fine code -> group, and fine weights within each group."""

    of_fine: np.ndarray
    weights: np.ndarray
    n_groups: int
    forbidden: int | None = None
    """A group of unreleased codes: the model gives it probability 0 (:meth:`FineColumn.unreleased_codes`)."""

    def forbidden_table(self) -> np.ndarray | None:
        """Boolean one-way table, True at the forbidden group (a structural zero of the model), or None."""
        if self.forbidden is None:
            return None
        table = np.zeros(self.n_groups, dtype=bool)
        table[self.forbidden] = True
        return table

    def decode_fine(self, groups: np.ndarray, rng: np.random.Generator, rounding: bool = False) -> np.ndarray:
        """Draw a fine code within each group, in proportion to the weights (rounded counts when ``rounding``)."""
        if rounding:
            cond = np.zeros((self.n_groups, len(self.of_fine)))
            cond[self.of_fine, np.arange(len(self.of_fine))] = self.weights
            cond /= np.maximum(cond.sum(axis=1, keepdims=True), 1e-300)
            return rounded_choice(np.asarray(groups, dtype=np.int64), cond, rng)
        fine = np.zeros(len(groups), dtype=np.int64)
        u = rng.random(len(groups))
        for g in np.unique(groups):
            members = np.flatnonzero(self.of_fine == g)
            cum = np.cumsum(self.weights[members])
            rows = groups == g
            fine[rows] = members[np.minimum(np.searchsorted(cum / cum[-1], u[rows], side="right"), len(members) - 1)]
        return fine


def smoothing_window(noisy_ordered: np.ndarray, sigma: float) -> int:
    """Width of the moving average over ordered bins: noise of a smoothed bin about a quarter of the mean count.

    ``w = (4 sigma / mean)^2`` rounded, between 1 and an eighth of the bins; ``mean`` is the noisy mean count
    per bin (post-processing only).
    """
    n = len(noisy_ordered)
    mean = max(float(np.clip(noisy_ordered, 0, None).sum()), 1.0) / max(n, 1)
    return int(np.clip(round((4.0 * sigma / mean) ** 2), 1, max(1, n // 8)))


def spiky(noisy_ordered: np.ndarray, sigma: float) -> bool:
    """Whether at least half the (clipped) noisy mass sits in bins above ``3 sigma``.

    Such a column has a few strong values (a density constant within each PUMA, say) that smoothing would blur.
    """
    clipped = np.clip(noisy_ordered, 0.0, None)
    return bool(clipped[noisy_ordered >= 3.0 * sigma].sum() >= 0.5 * max(clipped.sum(), 1e-12))


def smoothed(values: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average (shorter at the edges), clipped at 0."""
    if window <= 1:
        return np.clip(values, 0.0, None)
    kernel = np.ones(window)
    total = np.convolve(values, kernel, mode="same")
    count = np.convolve(np.ones(len(values)), kernel, mode="same")
    return np.clip(total / count, 0.0, None)


def shrunk_rare_weights(noisy: np.ndarray, sigma: float) -> np.ndarray:
    """Within-group weights of a group of rare codes: their noisy counts shrunk towards the group's mean.

    The counts of rare categories are mostly noise: taken as they are (thresholded), the group's whole mass goes
    to whichever member drew the highest noise, and a 5% category can vanish while another doubles. The
    empirical-Bayes (positive-part James-Stein) estimate keeps a share ``c = max(0, 1 - (k - 1) sigma^2 / S)`` of
    each member's departure from the mean, ``S`` the members' sum of squared departures: pure noise gives
    ``c`` near 0 (uniform within the group), a clear signal ``c`` near 1. Post-processing only.

    Args:
        noisy: The members' noisy counts.
        sigma: Noise of each count.

    Returns:
        Non-negative weights, one per member (uniform when all the estimates are at or below 0).
    """
    y = np.asarray(noisy, dtype=float)
    if len(y) < 2:
        return np.ones(len(y))
    mean = float(y.mean())
    spread = float(((y - mean) ** 2).sum())
    c = max(0.0, 1.0 - (len(y) - 1) * sigma * sigma / spread) if spread > 0 else 0.0
    w = np.clip(mean + c * (y - mean), 0.0, None)
    return w if w.sum() > 0 else np.ones(len(y))


def compress(noisy: np.ndarray, n_ordered: int, threshold: float, groups: int,
             sigma: float | None = None, cuts: Sequence[int] = (), forbidden: Sequence[int] = (),
             keep_codes: int = 0) -> Groups:
    """Group a column's fine codes using its noisy one-way marginal only (DP post-processing).

    Args:
        noisy: Noisy fine counts.
        n_ordered: The first ``n_ordered`` codes are ordered numeric bins; the rest are unordered.
        threshold: Noisy mass a group must reach (unordered codes below it merge into a rare group).
        groups: Target number of groups for the ordered bins.
        sigma: Noise of each fine count. When given, the within-group weights of the ordered bins are the
            noisy counts smoothed over :func:`smoothing_window` neighbouring bins rather than the counts
            thresholded at ``threshold / 3`` (which, at low epsilon, zeroes most bins of a column such as
            age and makes its decoded values lumpy), unless the column is :func:`spiky`.
        cuts: Ordered bins that must start a group (public thresholds,
            :func:`~privsynth.tools.tabular.encoding.structural_zeros.gate_cuts`), whatever their mass.
        forbidden: Unordered codes the model must not emit (:meth:`FineColumn.unreleased_codes`): they form the
            last group, :attr:`Groups.forbidden`.
        keep_codes: A column with at most this many unordered codes (not counting forbidden ones) keeps each in
            a group of its own: merging saves little model size there and loses what the pair tables say about
            each category.

    The rare group's within-group weights are :func:`shrunk_rare_weights` of its members' noisy counts (with
    ``sigma``; without it, ``threshold / 3``).

    Returns:
        The grouping.
    """
    noisy = np.asarray(noisy, dtype=float)
    of_fine = np.zeros(len(noisy), dtype=np.int64)
    mass = np.where(noisy >= threshold / 3.0, noisy, 0.0)  # drop bins that are mostly noise
    next_group = 0
    if n_ordered:
        part = mass[:n_ordered]
        total = part.sum()
        if total <= 0:
            target = np.minimum(np.arange(n_ordered) * groups // n_ordered, groups - 1)
        else:
            mid = (np.cumsum(part) - part / 2) / total
            target = np.minimum((mid * groups).astype(np.int64), groups - 1)
        forced = {int(c) for c in cuts if 0 < int(c) < n_ordered}
        start, acc = 0, 0.0
        for b in range(n_ordered):  # contiguous runs of the same target, each with enough mass
            acc += part[b]
            last = b == n_ordered - 1
            if last or b + 1 in forced or (target[b + 1] != target[b] and acc >= threshold):
                of_fine[start:b + 1] = next_group
                next_group += 1
                last_start, start, acc = start, b + 1, 0.0
        last_run = of_fine[:n_ordered] == next_group - 1
        if next_group > 1 and part[last_run].sum() < threshold and last_start not in forced:
            of_fine[:n_ordered][last_run] = next_group - 2  # too-light last group
            next_group -= 1
    rare = []
    banned = sorted({int(c) for c in forbidden if n_ordered <= int(c) < len(noisy)})
    keep_all = len(noisy) - n_ordered - len(banned) <= keep_codes
    for code in range(n_ordered, len(noisy)):
        if code in banned:
            continue
        if keep_all or noisy[code] >= threshold:
            of_fine[code] = next_group
            next_group += 1
        else:
            rare.append(code)
    weights = np.clip(mass, 0.0, None)
    if rare:
        of_fine[rare] = next_group
        next_group += 1
        weights[rare] = shrunk_rare_weights(noisy[rare], sigma if sigma is not None else threshold / 3.0)
    banned_group = None
    if banned:
        of_fine[banned] = banned_group = next_group
        next_group += 1
        weights[banned] = 0.0
    if sigma is not None and n_ordered > 1 and not spiky(noisy[:n_ordered], sigma):
        weights[:n_ordered] = smoothed(noisy[:n_ordered], smoothing_window(noisy[:n_ordered], sigma))
    weights = weights + 1e-9 * max(float(np.clip(noisy, 0, None).max(initial=0.0)), 1.0)
    return Groups(of_fine=of_fine, weights=weights, n_groups=int(next_group), forbidden=banned_group)


def one_way_sigma(groups: Groups, sigma: float) -> np.ndarray:
    """Noise scale of each group's count when it is the sum of its fine noisy counts."""
    return sigma * np.sqrt(np.bincount(groups.of_fine, minlength=groups.n_groups).astype(float))


def group_counts(noisy: np.ndarray, groups: Groups) -> np.ndarray:
    """Noisy group counts: sums of the noisy fine counts."""
    return np.bincount(groups.of_fine, weights=noisy, minlength=groups.n_groups)

