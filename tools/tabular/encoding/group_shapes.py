"""Shapes of numeric columns within their model groups (AIM's decoding; post-processing only).

The model knows a numeric column in about 10-20 DP-quantile groups; the data's values (and SDNist's 20 percentile
bins) are finer. Within a group, the fine bins get :func:`interpolated_mass` of the group masses (a monotone
interpolation of the CDF that borrows the shape from neighbouring groups; the end groups are decaying tails,
:func:`geometric_tail`, since a public range such as a weight's 0-9999 or a family size's 2-20 reaches far beyond
most of the data), and :func:`refined_shape` adds what the noisy fine counts show above the noise.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import PchipInterpolator


def interpolated_mass(of_fine: np.ndarray, group_mass: np.ndarray, tails: bool = True) -> np.ndarray:
    """Fine-bin masses of ordered bins from their groups' masses: a monotone (PCHIP) interpolation of the CDF.

    With ``tails`` (and at least three groups) the first and last groups are tails instead
    (:func:`geometric_tail`): the inner groups are interpolated on their own, and each end group continues the
    density of its neighbouring bin and decays away from it.

    Args:
        of_fine: Group of each ordered fine bin (contiguous runs ``0, 1, ...``).
        group_mass: Mass of each group (at least as many entries as groups).
        tails: Geometric tails in the end groups.

    Returns:
        Non-negative masses, one per ordered bin, summing within each group to its (positive) mass.
    """
    n = len(of_fine)
    k = int(of_fine.max()) + 1
    mass = np.clip(np.asarray(group_mass[:k], dtype=float), 1e-9, None)
    knots = np.concatenate([[0], np.flatnonzero(np.diff(of_fine)) + 1, [n]]).astype(float)
    if not tails or k < 3:
        return _pchip_mass(knots, mass, n)
    lo, hi = int(knots[1]), int(knots[-2])  # the inner groups hold bins lo .. hi - 1
    out = np.empty(n)
    out[lo:hi] = _pchip_mass(knots[1:-1] - lo, mass[1:-1], hi - lo)
    out[:lo] = geometric_tail(float(out[lo]), float(mass[0]), lo)[::-1]
    out[hi:] = geometric_tail(float(out[hi - 1]), float(mass[k - 1]), n - hi)
    return np.clip(out, 1e-12, None)


def _pchip_mass(knots: np.ndarray, mass: np.ndarray, n: int) -> np.ndarray:
    """Masses of ``n`` unit bins from a monotone (PCHIP) interpolation of the CDF through the group knots."""
    if len(mass) == 1:
        return np.full(n, float(mass[0]) / n)
    cdf = PchipInterpolator(knots, np.concatenate([[0.0], np.cumsum(mass)]))
    return np.clip(np.diff(cdf(np.arange(n + 1, dtype=float))), 1e-12, None)


def geometric_tail(edge_mass: float, mass: float, width: int, min_width: int = 3) -> np.ndarray:
    """Masses ``d r, d r^2, ...`` of ``width`` bins moving away from a neighbouring bin of mass ``d``.

    ``r`` (found by bisection) makes them sum to ``mass``. When even ``r = 1`` (a flat continuation) is too light
    for ``mass``, or the group has fewer than ``min_width`` bins, the mass is spread evenly instead.

    Args:
        edge_mass: Mass of the neighbouring bin (in the next inner group).
        mass: Mass of the end group.
        width: Its number of bins.
        min_width: Narrower groups are spread evenly.

    Returns:
        ``width`` non-negative masses summing to ``mass``, the first one next to the neighbour.
    """
    if width < min_width or edge_mass <= 0 or mass <= 0 or edge_mass * width <= mass:
        return np.full(width, mass / max(width, 1))
    steps = np.arange(1, width + 1, dtype=float)
    lo, hi = 0.0, 1.0
    for _ in range(60):
        r = 0.5 * (lo + hi)
        if edge_mass * float(np.sum(r ** steps)) > mass:
            hi = r
        else:
            lo = r
    w = lo ** steps
    return mass * w / max(float(w.sum()), 1e-300)


def refined_shape(of_fine: np.ndarray, group_mass: np.ndarray, noisy: np.ndarray, sigma: float,
                  z: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """Within-group shape of ordered bins from accurate group masses and noisy fine counts (post-processing).

    The smooth part is :func:`interpolated_mass` of the group masses; bins whose noisy count exceeds it by more
    than ``z`` noise standard deviations are spikes (their excess is kept, and the smooth part is interpolated
    again without it); the other bins' residuals are shrunk towards the smooth part by the James-Stein factor
    ``max(0, 1 - sum noise^2 / sum residual^2)`` (no shrinkage when the counts are precise, full shrinkage when
    they are mostly noise). The noisy counts are first rescaled, group by group, to the group masses.

    Args:
        of_fine: Group of each ordered fine bin.
        group_mass: Mass of each group (e.g. the fitted model's one-way marginal).
        noisy: Noisy counts of the ordered bins.
        sigma: Their noise standard deviation.
        z: Spike threshold in noise standard deviations.

    Returns:
        ``(smooth, spikes)``: the shrunk smooth masses and the spikes' excess, both per ordered bin.
    """
    k = int(of_fine.max()) + 1
    mass = np.clip(np.asarray(group_mass[:k], dtype=float), 1e-9, None)
    total = np.bincount(of_fine, weights=noisy, minlength=k)
    scale = np.where(total > 0, mass / np.where(total > 0, total, 1.0), 0.0)[of_fine]
    y, noise = noisy * scale, sigma * scale
    smooth = interpolated_mass(of_fine, mass)
    spike = y - smooth > z * noise
    excess = np.zeros(len(y))
    if spike.any():
        excess[spike] = (y - smooth)[spike]
        rest = np.clip(mass - np.bincount(of_fine, weights=excess, minlength=k), 0.05 * mass, None)
        smooth = interpolated_mass(of_fine, rest)
        excess[spike] = np.clip(y[spike] - smooth[spike], 0.0, None)
    resid = np.where(spike, 0.0, y - smooth)
    shrink = max(0.0, 1.0 - float((noise[~spike] ** 2).sum()) / max(float((resid ** 2).sum()), 1e-12))
    return np.clip(smooth + shrink * resid, 0.0, None), excess
