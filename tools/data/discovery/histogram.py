"""Noisy histograms: dense ones over public bins, and the stability-based histogram of the values present.

Both add Gaussian noise of one public standard deviation ``sigma`` to every count. A record adds 1 to one bin
of each histogram, so every histogram is a unit of L2 sensitivity 1 in the discovery's one Gaussian event
(:mod:`.budget`).

The **stability-based histogram** (Korolova et al. 2009; Bun, Nissim and Stemmer 2016) counts the values that
occur, adds noise, and releases only the values whose noisy count exceeds a threshold ``tau``. A value that
only one record holds appears in one table and not in its neighbour; it is released with probability
``P(1 + N(0, sigma^2) > tau)``, the ``delta`` of a (0, delta) part
(:class:`~privsynth.policies.events.ThresholdDpEvent`); values held by several records are a Gaussian
mechanism. :func:`threshold_for` sets ``tau`` from that delta. At the defaults a value must be held by hundreds
of rows to be released, so a value seen in one row is not released (probability below 1e-8 per column).

``sigma = 0`` gives exact counts (the draft read from the data without DP, which is marked as such).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm


class Measurer:
    """Adds ``N(0, sigma^2)`` noise to counts, from a generator seeded with fresh OS entropy by the caller.

    Args:
        sigma: The noise standard deviation of every count (0: exact counts, no privacy).
        rng: The noise generator.
    """

    def __init__(self, sigma: float, rng: np.random.Generator) -> None:
        self.sigma = float(sigma)
        self.rng = rng

    @property
    def exact(self) -> bool:
        """Whether counts are exact (no DP)."""
        return self.sigma == 0.0

    def noisy(self, counts: np.ndarray) -> np.ndarray:
        """The counts plus independent noise (as floats)."""
        counts = np.asarray(counts, dtype=float)
        return counts if self.exact else counts + self.rng.normal(0.0, self.sigma, size=counts.shape)

    def dense(self, codes: np.ndarray, size: int) -> np.ndarray:
        """A noisy histogram of integer codes ``0 .. size-1`` (codes outside are not counted)."""
        codes = np.asarray(codes)
        codes = codes[(codes >= 0) & (codes < size)]
        return self.noisy(np.bincount(codes.astype(np.int64), minlength=size)[:size])

    def significant(self, z: float) -> float:
        """The count a noisy value must exceed to be told from zero at ``z`` standard deviations (0.5 if exact)."""
        return 0.5 if self.exact else z * self.sigma


def threshold_for(sigma: float, delta_per_column: float) -> float:
    """The release threshold ``tau`` with ``P(1 + N(0, sigma^2) > tau) = delta_per_column`` (0.5 when exact)."""
    if sigma == 0.0:
        return 0.5
    return 1.0 + sigma * float(norm.isf(delta_per_column))


def stability_histogram(values: pd.Series, measurer: Measurer, tau: float) -> dict[str, float]:
    """The values present whose noisy count exceeds ``tau``, with their noisy counts (largest first).

    Args:
        values: The column's non-missing cells as strings.
        measurer: The noise.
        tau: The threshold (:func:`threshold_for`).

    Returns:
        ``{value: noisy count}``; a value under the threshold is absent (nothing about it is released).
    """
    counts = values.value_counts(sort=False)
    if counts.empty:
        return {}
    noisy = measurer.noisy(counts.to_numpy())
    keep = noisy > tau
    released = {str(v): float(c) for v, c in zip(counts.index[keep], noisy[keep], strict=True)}
    return dict(sorted(released.items(), key=lambda item: -item[1]))


def relative(part: float, whole: float) -> float:
    """``part / whole`` of two noisy counts, clipped to [0, 1] (0 when ``whole`` is not positive)."""
    if not whole > 0 or math.isnan(part):
        return 0.0
    return float(min(1.0, max(0.0, part / whole)))
