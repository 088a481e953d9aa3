"""Finer ``(key, X)`` tables for the numeric columns of AIM: measured in sub-groups, used in decoding.

At low epsilon AIM models a numeric column in about 10 DP-quantile groups, but SDNist's k-marginal bins it in
20 percentiles, and how the values fall *within* a group differs from one key value (PUMA) to the next: person
and household weights, for instance, are peaked at a different level in every PUMA. Interpolating the model's
group masses gives every PUMA the same smooth shape inside a group, which was the largest error left at
epsilon 1 (on TX 2019, quantile-mapping the five numeric columns to their true per-PUMA distributions, an
oracle, raises the score by 19 points; to their true overall distributions by 5).

So each ordered group is split into ``parts`` contiguous sub-groups of about equal noisy mass
(:func:`split_groups`, post-processing of the column's noisy fine one-way marginal), and the ``(key, X)``
table is measured on the sub-groups instead of the groups, with the same noise (a histogram has sensitivity 1
whatever its cells: the privacy event is unchanged). The model receives the table summed back to its groups
(:func:`coarse_measurement`, noise ``sigma sqrt(parts)`` per cell); decoding uses the sub-group counts for
the split within each group and key value (:func:`subgroup_masses`), shrunk towards the model's interpolated
shape by a James-Stein factor, so that noise-level departures are ignored and real ones kept.

Every ``(key, X)`` table is also shrunk towards independence before the model sees it
(:func:`shrink_to_independence`): at epsilon 1 most columns depend on the PUMA far less than the noise of a
60-cell table suggests, and the model otherwise fits that noise as PUMA effects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from privsynth.tools.tabular.model.graphical_model import Measurement


@dataclass
class SubGroups:
    """Sub-groups of one column's ordered bins, each inside one model group.

    Attributes:
        of_fine: Sub-group of each fine code (ordered bins first; every unordered code is its own group's
            only sub-group).
        group_of: Model group of each sub-group.
    """

    of_fine: np.ndarray
    group_of: np.ndarray

    @property
    def n_sub(self) -> int:
        """Number of sub-groups."""
        return len(self.group_of)


def split_groups(group_of_fine: np.ndarray, weights: np.ndarray, n_ordered: int, parts: int) -> SubGroups:
    """Split every ordered group into up to ``parts`` contiguous sub-groups of about equal weight.

    Args:
        group_of_fine: Model group of each fine code (ordered bins in contiguous runs, then unordered codes).
        weights: Non-negative weight of each fine code (the noisy one-way counts, smoothed; DP output).
        n_ordered: Number of ordered bins (the first codes).
        parts: Sub-groups per ordered group (a group with fewer bins gets one per bin).

    Returns:
        The sub-groups; an unordered code keeps its group (one sub-group per group).
    """
    of_fine = np.zeros(len(group_of_fine), dtype=np.int64)
    group_of: list[int] = []
    for g in range(int(group_of_fine.max()) + 1):
        members = np.flatnonzero(group_of_fine == g)
        ordered = members[members < n_ordered]
        if len(ordered) != len(members) or len(members) < 2 or parts < 2:
            of_fine[members] = len(group_of)
            group_of.append(g)
            continue
        k = min(parts, len(members))
        w = np.clip(weights[members], 0.0, None) + 1e-9
        mid = (np.cumsum(w) - w / 2) / w.sum()
        part = np.minimum((mid * k).astype(np.int64), k - 1)
        for p in np.unique(part):  # empty parts (a heavy bin) are skipped
            of_fine[members[part == p]] = len(group_of)
            group_of.append(g)
    return SubGroups(of_fine=of_fine, group_of=np.asarray(group_of, dtype=np.int64))


def coarse_measurement(fine: Measurement, axis: int, sub: SubGroups, n_groups: int) -> Measurement:
    """The model's view of a sub-group table: the counts summed back to groups along ``axis``.

    Args:
        fine: The measured table, with sub-groups on ``axis``.
        axis: The axis of the split column.
        sub: Its sub-groups.
        n_groups: Its model groups.

    Returns:
        A measurement on groups; each cell's noise is ``sigma sqrt(sub-groups summed)``.
    """
    values = np.moveaxis(np.asarray(fine.values, dtype=float), axis, 0)
    summed = np.zeros((n_groups,) + values.shape[1:])
    np.add.at(summed, sub.group_of, values)
    count = np.bincount(sub.group_of, minlength=n_groups).astype(float)
    sigma = np.broadcast_to(float(fine.sigma) * np.sqrt(count).reshape((-1,) + (1,) * (values.ndim - 1)),
                            summed.shape)
    return Measurement(fine.attrs, np.moveaxis(summed, 0, axis), np.moveaxis(np.array(sigma), 0, axis))


def subgroup_masses(pred: np.ndarray, noisy: np.ndarray, sigma: float, sub: SubGroups) -> np.ndarray:
    """Masses of the sub-groups per key value: the model's split within each group, corrected by the measurement.

    Within every (key value, group) the residual is the within-group contrast ``y_s - share_s * Y`` (``y`` the
    noisy sub-group counts, ``Y`` their sum, ``share`` the predicted shares; it is free of the noise of ``Y``). The
    predicted shares move by ``c * residual / M`` (``M`` the model's group mass, more precise than ``Y``), with
    the James-Stein factor ``c = max(0, 1 - sum noise^2 / sum residual^2)`` shared by the column: ``c = 0``
    keeps the prediction when the residuals are noise-sized, ``c`` near 1 follows the measurement when they
    are far larger (a column that is a function of the key, such as a PUMA's population density). The group's
    predicted total is kept. Post-processing.

    Args:
        pred: ``(K, S)`` predicted masses (the model's group masses spread by its interpolated shape).
        noisy: ``(K, S)`` noisy sub-group counts.
        sigma: Noise of each noisy count.
        sub: The sub-groups.

    Returns:
        ``(K, S)`` non-negative masses with the same group totals as ``pred``.
    """
    n_groups = int(sub.group_of.max()) + 1
    gsum = np.zeros((pred.shape[0], n_groups))
    np.add.at(gsum.T, sub.group_of, pred.T)
    ysum = np.zeros_like(gsum)
    np.add.at(ysum.T, sub.group_of, noisy.T)
    total, ytotal = gsum[:, sub.group_of], ysum[:, sub.group_of]
    size = np.bincount(sub.group_of, minlength=n_groups)[sub.group_of]
    usable = (size > 1)[None, :] & (ytotal > 0) & (total > 0)
    share_pred = np.where(total > 0, pred / np.where(total > 0, total, 1.0), 0.0)
    resid = np.where(usable, noisy - share_pred * ytotal, 0.0)  # within-group contrast, in counts
    noise = np.where(usable, sigma ** 2 * (1.0 - 1.0 / size), 0.0)
    c = max(0.0, 1.0 - float(noise.sum()) / max(float((resid ** 2).sum()), 1e-12))
    share = np.clip(share_pred + c * resid / np.where(total > 0, total, 1.0), 0.0, None)
    norm = np.zeros_like(gsum)
    np.add.at(norm.T, sub.group_of, share.T)
    norm = norm[:, sub.group_of]
    return np.where(norm > 0, share / np.where(norm > 0, norm, 1.0), share_pred) * total


def reweight_within_groups(weights: np.ndarray, joint: np.ndarray, group_of_fine: np.ndarray, sub: SubGroups,
                           noisy: np.ndarray, sigma: float) -> np.ndarray:
    """Decoding weights per key value with each sub-group's mass set by :func:`subgroup_masses`.

    Args:
        weights: ``(K, fine codes)`` decoding weights within groups, one row per key group.
        joint: ``(K, groups)`` the model's ``(key, X)`` masses.
        group_of_fine: Model group of each fine code.
        sub: The column's sub-groups.
        noisy: ``(K, sub-groups)`` noisy counts.
        sigma: Their noise.

    Returns:
        The reweighted ``(K, fine codes)`` weights (positive).
    """
    n_groups = joint.shape[1]
    per_group = np.zeros((weights.shape[0], n_groups))
    np.add.at(per_group.T, group_of_fine, weights.T)
    scaled = weights / np.maximum(per_group[:, group_of_fine], 1e-300) * joint[:, group_of_fine]
    pred = np.zeros((weights.shape[0], sub.n_sub))
    np.add.at(pred.T, sub.of_fine, scaled.T)
    est = subgroup_masses(pred, noisy, sigma, sub)
    ratio = np.where(pred > 0, est / np.where(pred > 0, pred, 1.0), 1.0)
    return weights * ratio[:, sub.of_fine] + 1e-12


def shrink_to_independence(values: np.ndarray, sigma: float | np.ndarray) -> tuple[np.ndarray, float]:
    """A noisy two-way table shrunk towards the independence table of its own margins (James-Stein).

    With ``E = row sums x column sums / total`` and the interaction ``R = y - E``, the result is ``E + c R``,
    ``c = max(0, 1 - (r - 1)(k - 1) mean(sigma^2) / sum R^2)``: the positive-part James-Stein factor for the
    ``(r - 1)(k - 1)`` degrees of freedom of the interaction. Interactions far above the noise are kept almost
    whole, noise-sized ones removed; the margins are unchanged. Post-processing of the noisy table.

    Args:
        values: ``(r, k)`` noisy counts.
        sigma: Their noise (a scalar or an array broadcastable to ``values``).

    Returns:
        The shrunk table and ``c``.
    """
    y = np.asarray(values, dtype=float)
    total = float(y.sum())
    if y.ndim != 2 or min(y.shape) < 2 or total <= 0:
        return y, 1.0
    resid = y - np.outer(y.sum(axis=1), y.sum(axis=0)) / total
    noise = float(np.mean(np.square(np.broadcast_to(np.asarray(sigma, dtype=float), y.shape))))
    dof = (y.shape[0] - 1) * (y.shape[1] - 1)
    c = max(0.0, 1.0 - dof * noise / max(float(np.square(resid).sum()), 1e-300))
    return y - (1.0 - c) * resid, c
