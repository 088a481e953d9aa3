"""DP bounds of a numeric column, inside a public clipping range (smartnoise-style approximate bounds).

The public clipping range is ``[-2**40, 2**40]`` (about 1.1e12); values beyond it count as its ends. The range
is cut into a public log-scale grid: one bin for zero (``|x| < 2**-10``), and one bin per octave on each side
(``[2**j, 2**(j+1))`` and its mirror). Two stages, each a noisy histogram (:class:`~.histogram.Measurer`):

1. the octave histogram: the lowest and the highest octave whose noisy count is significant (more than
   :data:`OCTAVE_Z` standard deviations, so a spurious far octave has probability about 1e-3 per column), or
   further out the run of octaves next to the fullest one that clear :data:`NEAR_Z` standard deviations (a tail
   that thins out octave by octave), fix the bounds to a factor of two;
2. each of those two octaves, cut into :data:`SUB_BINS` equal parts: the bound moves inwards to the first part
   where the noisy count accumulated from the outside becomes significant (:data:`SUB_Z` standard deviations of
   the sum) or reaches half the octave's noisy count, so that only a few rows lie beyond it and are clipped.

Every output is an edge of the public grid, so it always lies inside the public clipping range, whatever the
data and the noise. :func:`dp_bounds` returns None when no octave is significant (too few numbers for the noise).
Each stage is one histogram, so a record counts once per stage: three units of sensitivity 1 (:mod:`.budget`).
"""

from __future__ import annotations

import math

import numpy as np

from privsynth.tools.data.discovery.histogram import Measurer

MIN_EXP, MAX_EXP = -10, 40
CLIP = 2.0 ** MAX_EXP
OCTAVES = MAX_EXP - MIN_EXP
BINS = 2 * OCTAVES + 1  # negative octaves (most negative first), zero, positive octaves
SUB_BINS = 8
OCTAVE_Z = 4.5
NEAR_Z = 2.5
SUB_Z = 3.0
HALF = 0.5
UNITS = 3  # histograms a record counts in: the octaves and the two refinements


def octave_of(x: np.ndarray) -> np.ndarray:
    """The grid bin of each value (clipped to the public range)."""
    x = np.clip(np.asarray(x, dtype=float), -CLIP, CLIP)
    mag = np.abs(x)
    j = np.clip(np.floor(np.log2(np.where(mag > 0, mag, 1.0))) - MIN_EXP, 0, OCTAVES - 1).astype(np.int64)
    out = np.where(x > 0, OCTAVES + 1 + j, OCTAVES - 1 - j)
    return np.where(mag < 2.0 ** MIN_EXP, OCTAVES, out)


def bin_edges(b: int) -> tuple[float, float]:
    """The ``[low, high]`` edges of grid bin ``b``."""
    if b == OCTAVES:
        return -(2.0 ** MIN_EXP), 2.0 ** MIN_EXP
    if b > OCTAVES:
        j = b - OCTAVES - 1 + MIN_EXP
        return 2.0 ** j, 2.0 ** (j + 1)
    j = OCTAVES - 1 - b + MIN_EXP
    return -(2.0 ** (j + 1)), -(2.0 ** j)


def _refine(x: np.ndarray, b: int, measurer: Measurer, lower: bool, octave_count: float) -> float:
    low, high = bin_edges(b)
    if b == OCTAVES:
        return 0.0
    inside = x[octave_of(x) == b]
    edges = np.linspace(low, high, SUB_BINS + 1)
    codes = np.clip(np.searchsorted(edges, inside, side="right") - 1, 0, SUB_BINS - 1)
    counts = measurer.dense(codes, SUB_BINS)
    order = range(SUB_BINS) if lower else range(SUB_BINS - 1, -1, -1)
    total = 0.0
    for n, i in enumerate(order, start=1):
        total += counts[i]
        if total > min(measurer.significant(SUB_Z * math.sqrt(n)), HALF * octave_count):
            return float(edges[i] if lower else edges[i + 1])
    return float(low if lower else high)


def _contiguous(octaves: np.ndarray, hits: np.ndarray, measurer: Measurer) -> np.ndarray:
    """The significant octaves, widened by the run of octaves next to the fullest one that clear :data:`NEAR_Z`.

    A tail that thins out octave by octave (months of tenure: 1, 2-3, 4-7, ...) has no single significant octave,
    yet every octave of it is well above zero; a spurious far octave is isolated, so only neighbours of the bulk
    are taken at the lower threshold.
    """
    mode = int(np.argmax(octaves))
    low = high = mode
    while low > 0 and octaves[low - 1] > measurer.significant(NEAR_Z):
        low -= 1
    while high < BINS - 1 and octaves[high + 1] > measurer.significant(NEAR_Z):
        high += 1
    return np.array(sorted({int(hits[0]), int(hits[-1]), low, high}))


def dp_bounds(values: np.ndarray, measurer: Measurer) -> tuple[float, float] | None:
    """Bounds ``(low, high)`` of the numbers in ``values`` (NaN ignored), inside the public clipping range.

    Args:
        values: The column's numbers.
        measurer: The noise (every stage uses it once).

    Returns:
        The bounds, ``low < high``, both edges of the public grid; None when no octave is significant.
    """
    x = np.asarray(values, dtype=float)
    x = np.clip(x[np.isfinite(x)], -CLIP, CLIP)
    octaves = measurer.dense(octave_of(x), BINS)
    hits = np.flatnonzero(octaves > measurer.significant(OCTAVE_Z))
    if hits.size == 0:
        return None
    hits = _contiguous(octaves, hits, measurer)
    low = _refine(x, int(hits[0]), measurer, lower=True, octave_count=float(octaves[hits[0]]))
    high = _refine(x, int(hits[-1]), measurer, lower=False, octave_count=float(octaves[hits[-1]]))
    if not low < high:  # one bin, or a refinement that met in the middle: widen to the bins' own edges
        low, high = bin_edges(int(hits[0]))[0], bin_edges(int(hits[-1]))[1]
        if hits[0] == OCTAVES and hits[-1] == OCTAVES:
            low, high = 0.0, 1.0
    return max(-CLIP, low), min(CLIP, high)
