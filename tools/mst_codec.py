"""Column coding for the MST synthesizer: fine public codes, and DP compression into model groups.

Two levels, both on the column's *public* domain (:class:`~privsynth.tools.schema.ColumnSpec`):

* **Fine codes** (:class:`FineColumn`), fixed by the schema alone. A categorical column keeps its
  declared categories (then a missing code), exactly as :class:`~privsynth.tools.discretize.ColumnDiscretizer`.
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
integer of the bin for integer columns). Output types follow the discretizer: strings for categories,
int64 for an integer column without missing values, float64 otherwise, object when a special value is not a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from privsynth.tools.discretize import ColumnDiscretizer
from privsynth.tools.rounded_sampling import rounded_choice
from privsynth.tools.schema import ColumnSpec

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
        if spec.kind == "numeric":
            lo, hi = float(spec.min), float(spec.max)  # type: ignore[arg-type]
            if spec.integer and self.base.n_ints <= fine_bins:
                edges = np.arange(self.base.int_lo, self.base.int_hi + 2, dtype=float)
            else:
                if hi - lo > WIDE_RANGE:
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
        if self.spec.integer:
            values = left + np.floor(rng.random(len(left)) * (right - left))
        else:
            values = np.minimum(left + rng.random(len(left)) * (right - left), float(self.spec.max))  # type: ignore[arg-type]
        out = series.to_numpy(copy=True)
        out[in_bin] = values.astype(out.dtype) if out.dtype != object else (
            values.astype(np.int64) if self.spec.integer else values)
        return pd.Series(out, name=self.name, dtype=series.dtype)


@dataclass
class Groups:
    """The DP compression of one column: fine code -> group, and fine weights within each group."""

    of_fine: np.ndarray
    weights: np.ndarray
    n_groups: int

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


def compress(noisy: np.ndarray, n_ordered: int, threshold: float, groups: int,
             sigma: float | None = None) -> Groups:
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
        start, acc = 0, 0.0
        for b in range(n_ordered):  # contiguous runs of the same target, each with enough mass
            acc += part[b]
            last = b == n_ordered - 1
            if last or (target[b + 1] != target[b] and acc >= threshold):
                of_fine[start:b + 1] = next_group
                next_group += 1
                start, acc = b + 1, 0.0
        last_run = of_fine[:n_ordered] == next_group - 1
        if next_group > 1 and part[last_run].sum() < threshold:
            of_fine[:n_ordered][last_run] = next_group - 2  # too-light last group
            next_group -= 1
    rare = []
    for code in range(n_ordered, len(noisy)):
        if noisy[code] >= threshold:
            of_fine[code] = next_group
            next_group += 1
        else:
            rare.append(code)
    if rare:
        of_fine[rare] = next_group
        next_group += 1
    weights = np.clip(mass, 0.0, None)
    if sigma is not None and n_ordered > 1 and not spiky(noisy[:n_ordered], sigma):
        weights[:n_ordered] = smoothed(noisy[:n_ordered], smoothing_window(noisy[:n_ordered], sigma))
    weights = weights + 1e-9 * max(float(np.clip(noisy, 0, None).max(initial=0.0)), 1.0)
    return Groups(of_fine=of_fine, weights=weights, n_groups=int(next_group))


def one_way_sigma(groups: Groups, sigma: float) -> np.ndarray:
    """Noise scale of each group's count when it is the sum of its fine noisy counts."""
    return sigma * np.sqrt(np.bincount(groups.of_fine, minlength=groups.n_groups).astype(float))


def group_counts(noisy: np.ndarray, groups: Groups) -> np.ndarray:
    """Noisy group counts: sums of the noisy fine counts."""
    return np.bincount(groups.of_fine, weights=noisy, minlength=groups.n_groups)

