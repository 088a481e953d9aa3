"""AIM's selection step: the exponential mechanism over the workload's candidate cliques.

The quality of a candidate ``r`` is AIM's ``||M_r(D) - M_r(p)||_1 - sqrt(2/pi) sigma_r n_r`` (``p`` the current
model, ``n_r`` its cells), with weight 1 for every candidate (sensitivity 1); candidates that would grow the
junction tree past the round's size limit are rejected and redrawn, which samples the mechanism restricted to
the feasible set exactly.
"""

from __future__ import annotations

import math

import numpy as np

from privsynth.tools.junction_tree import LargeCliqueModel, add_clique, cells, is_clique, pair_marginals, triangulate


def select_clique(model: LargeCliqueModel, codes: np.ndarray, others: list[int], key: int | None,
                  graph: dict[int, set[int]], plan: dict[str, float], limit: float, rng: np.random.Generator
                  ) -> tuple[tuple[int, ...], dict[int, set[int]]]:
    """One exponential-mechanism draw over AIM's candidates (see :mod:`privsynth.tools.aim_synth`).

    Args:
        model: The current model.
        codes: The rows in model groups (private: the quality scores read them; sensitivity 1).
        others: The non-key columns.
        key: The key column, or None.
        graph: The current chordal graph.
        plan: The noise plan (``tree``: a round's noise; ``eps0``: the selection's epsilon).
        limit: The round's model-size limit in cells.
        rng: Random generator.

    Returns:
        The chosen clique and the chordal graph grown to hold it.
    """
    domain = model.domain
    probs = model.calibrate(model.theta)
    keyset = (key,) if key is not None else ()
    cands: list[tuple[int, ...]] = []
    errors: list[float] = []

    def true_counts(attrs: tuple[int, ...]) -> np.ndarray:
        dims = [domain[a] for a in attrs]
        flat = np.ravel_multi_index(tuple(codes[:, a] for a in attrs), dims)
        return np.bincount(flat, minlength=int(np.prod(dims))).reshape(dims).astype(float)

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
    logits = 0.5 * plan["eps0"] * (quality - quality.max())
    weight = np.exp(logits)
    while True:
        if weight.sum() <= 0:
            weight = np.where(np.isin(np.arange(len(cands)), [i for i, c in enumerate(cands)
                                                              if is_clique(graph, c)]), 1.0, 0.0)
        i = int(rng.choice(len(cands), p=weight / weight.sum()))
        attrs = cands[i]
        if is_clique(graph, attrs):
            return attrs, graph
        grown, cliques = triangulate(add_clique(graph, attrs + keyset), domain)
        if cells(cliques, domain) <= max(limit, current):
            return attrs, grown
        weight[i] = 0.0
