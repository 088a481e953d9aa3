"""AIM's selection step: the exponential mechanism over the workload's candidate cliques.

The quality of a candidate ``r`` is AIM's ``||M_r(D) - M_r(p)||_1 - sqrt(2/pi) sigma_r n_r`` (``p`` the current
model, ``n_r`` its cells), with weight 1 for every candidate (sensitivity 1); candidates that would grow the
junction tree past the round's size limit are skipped: with the Gumbel-max trick (:func:`gumbel_order`) the
first feasible candidate is an exact draw of the mechanism restricted to the feasible set, with no
floating-point underflow.
"""

from __future__ import annotations

import math

import numpy as np

from privsynth.tools.tabular.model.junction_tree import (
    LargeCliqueModel,
    add_clique,
    cells,
    is_clique,
    pair_marginals,
    triangulate,
)


def select_clique(model: LargeCliqueModel, codes: np.ndarray, others: list[int], key: int | None,
                  graph: dict[int, set[int]], plan: dict[str, float], limit: float, rng: np.random.Generator,
                  counts: dict[tuple[int, ...], np.ndarray] | None = None
                  ) -> tuple[tuple[int, ...], dict[int, set[int]]]:
    """One exponential-mechanism draw over AIM's candidates (see :mod:`privsynth.tools.tabular.mechanisms.aim`).

    Args:
        model: The current model.
        codes: The rows in model groups (private: the quality scores read them; sensitivity 1).
        others: The non-key columns.
        key: The key column, or None.
        graph: The current chordal graph.
        plan: The noise plan (``tree``: a round's noise; ``eps0``: the selection's epsilon).
        limit: The round's model-size limit in cells.
        rng: Random generator.
        counts: The true marginals already computed in earlier rounds (filled here): the data does not change
            between rounds, so each candidate is counted once per fit, not once per round (23 times fewer
            passes over a million rows). Private: the caller drops it after the fit.

    Returns:
        The chosen clique and the chordal graph grown to hold it.
    """
    domain = model.domain
    probs = model.calibrate(model.theta)
    keyset = (key,) if key is not None else ()
    cands: list[tuple[int, ...]] = []
    errors: list[float] = []

    cache = counts if counts is not None else {}

    def true_counts(attrs: tuple[int, ...]) -> np.ndarray:
        if attrs not in cache:
            dims = [domain[a] for a in attrs]
            flat = np.ravel_multi_index(tuple(codes[:, a] for a in attrs), dims)
            cache[attrs] = np.bincount(flat, minlength=int(np.prod(dims))).reshape(dims).astype(float)
        return cache[attrs]

    for a, x in enumerate(others[:-1]):
        ys = others[a + 1:]
        est = pair_marginals(model, probs, x, key, ys)
        for y in ys:
            attrs = tuple(sorted(keyset + (x, y)))
            true = true_counts(attrs)
            cands.append(attrs)
            errors.append(float(np.abs(true - est[y]).sum()))
            if key is not None:
                axis = attrs.index(key)
                cands.append(tuple(sorted((x, y))))
                errors.append(float(np.abs(true.sum(axis=axis) - est[y].sum(axis=axis)).sum()))
    if key is not None:
        for x in others:
            attrs = tuple(sorted((key, x)))
            cands.append(attrs)
            errors.append(float(np.abs(true_counts(attrs) - model.marginal(attrs)).sum()))
    n_cells = np.array([np.prod([domain[a] for a in c], dtype=float) for c in cands])
    quality = np.array(errors) - math.sqrt(2.0 / math.pi) * plan["tree"] * n_cells
    current = cells(model.cliques, domain)
    fallback: tuple[int, tuple[int, ...], dict[int, set[int]]] | None = None
    for i in gumbel_order(quality, plan["eps0"], rng):
        attrs = cands[i]
        if is_clique(graph, attrs):
            return attrs, graph
        grown, cliques = triangulate(add_clique(graph, attrs + keyset), domain)
        size = cells(cliques, domain)
        if size <= max(limit, current):
            return attrs, grown
        if fallback is None or size < fallback[0]:
            fallback = (size, attrs, grown)
    assert fallback is not None, "AIM has at least one candidate"
    return fallback[1], fallback[2]  # nothing feasible: the smallest growth, a choice that reads no data


def gumbel_order(quality: np.ndarray, eps0: float, rng: np.random.Generator) -> np.ndarray:
    """Candidates in decreasing order of their Gumbel-perturbed scores ``eps0 / 2 * q + G``.

    The first feasible index in this order is an exact draw of the exponential mechanism (sensitivity 1,
    parameter ``eps0``) restricted to the feasible set, whatever that set is: the Gumbel-max trick never
    exponentiates, so no weight underflows, and no data-dependent switch (such as a uniform fallback when
    every feasible weight is 0 in floating point) can take the draw outside the mechanism.

    Args:
        quality: Each candidate's quality score (sensitivity 1).
        eps0: The selection's epsilon.
        rng: Random generator (the run's fresh noise).

    Returns:
        Candidate indices, best perturbed score first.
    """
    scores = 0.5 * eps0 * np.asarray(quality, dtype=float) + rng.gumbel(size=len(quality))
    return np.argsort(-scores, kind="stable")
