"""Structural zeros from public ``missing_below`` rules: group cuts and forbidden cells of a graphical model.

A schema rule ``missing_below`` (:class:`~privsynth.tools.schema.MissingRule`) says a column ``G`` is missing
exactly when a numeric column ``X`` is below a threshold ``t`` (NIST: marital status, income and its decile
when ``AGEP < 15``; education when ``AGEP < 3``; the difficulty questions when ``AGEP < 5``). A model fitted to
noisy marginals does not know it: at epsilon 1 about 3% of the sampled rows break each rule (a 9-year-old
with an income, a 40-year-old with no marital status), and the model's age groups (about 10, from the
noisy one-way marginal) straddle the thresholds, so that even a perfect group-level model could not keep it.

Two parts, both from the public schema only (no data read, no budget):

* :func:`gate_cuts`: the fine bins of ``X`` where an exact rule's threshold starts, passed to
  :func:`~privsynth.tools.mst_codec.compress` as forced group boundaries, so that each of ``X``'s groups lies
  entirely below or entirely at-or-above every such threshold. A one-sided rule (``exact`` false) forces no
  cut: it forbids the cells of the groups that happen to lie below its threshold (on NIST's ``INDP_CAT``, a
  forced cut at 16 next to the one at 15 cost more than it gave).
* :func:`zero_tables`: for each rule, a boolean table over (``X``'s groups, ``G``'s groups) of the cells the
  rule forbids: a group of ``X`` below ``t`` with a group of ``G`` that holds no missing code, and (for an
  exact rule) a group at or above ``t`` with ``G``'s group that holds only the missing code. The model
  (:class:`~privsynth.tools.graphical_model.JunctionTreeModel`, ``zeros``) adds a large negative constant to
  their potentials in every inference, so fitting and sampling never put mass there; the synthesizer adds the
  edge ``(X, G)`` to the model's graph so that one clique holds both.

A rule whose threshold does not fall on a fine-bin edge of ``X``, or whose ``G`` shares a group between
its missing code and other values, forbids only the cells it can name exactly.
"""

from __future__ import annotations

import numpy as np

from privsynth.tools.mst_codec import FineColumn, Groups


def _threshold_bin(col: FineColumn, below: float) -> int | None:
    """The fine bin of ``col`` that starts at ``below`` (None when no bin edge is there, or it is an end)."""
    if not col.n_bins:
        return None
    hits = np.flatnonzero(np.isclose(col.edges[1:-1], below))
    return int(hits[0]) + 1 if len(hits) else None


def gate_cuts(columns: list[FineColumn]) -> dict[int, list[int]]:
    """Forced group boundaries (fine-bin indices starting a group) of every column a rule depends on.

    Args:
        columns: The fine coding of the modelled columns (their specs carry the ``missing_below`` rules).

    Returns:
        Column index -> sorted fine-bin indices.
    """
    index = {c.name: j for j, c in enumerate(columns)}
    cuts: dict[int, set[int]] = {}
    for col in columns:
        rule = col.spec.missing_below
        if rule is None or rule.column not in index or not rule.exact:
            continue
        x = index[rule.column]
        start = _threshold_bin(columns[x], rule.below)
        if start is not None:
            cuts.setdefault(x, set()).add(start)
    return {x: sorted(v) for x, v in cuts.items()}


def zero_tables(columns: list[FineColumn], groups: list[Groups]) -> list[tuple[tuple[int, int], np.ndarray]]:
    """The forbidden cells of every ``missing_below`` rule among the modelled columns.

    Args:
        columns: The fine coding of the modelled columns (their specs carry the rules).
        groups: Their compression into model groups.

    Returns:
        ``((a, b), table)`` with ``a < b`` the two columns' indices and ``table`` a boolean ``(groups of a,
        groups of b)`` array, True where the rule gives probability 0; rules that forbid nothing are left out.
    """
    index = {c.name: j for j, c in enumerate(columns)}
    out = []
    for g, col in enumerate(columns):
        rule = col.spec.missing_below
        if rule is None or rule.column not in index or not col.spec.nullable:
            continue
        x = index[rule.column]
        start = _threshold_bin(columns[x], rule.below)
        if start is None:
            continue
        below, above = _sides(columns[x], groups[x], start)
        has_missing, only_missing = _missing_groups(col, groups[g])
        table = np.zeros((groups[x].n_groups, groups[g].n_groups), dtype=bool)
        table[np.ix_(below, ~has_missing)] = True
        if rule.exact:
            table[np.ix_(above, only_missing)] = True
        if table.any():
            out.append(((x, g), table) if x < g else ((g, x), table.T))
    return out


def _sides(col: FineColumn, groups: Groups, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of ``X``'s groups made only of ordered bins below / at or above fine bin ``start``."""
    of_fine = groups.of_fine
    ordered = np.arange(len(of_fine)) < col.n_bins
    low = ordered & (np.arange(len(of_fine)) < start)
    high = ordered & ~low
    below = np.array([bool(np.all(low[of_fine == k])) for k in range(groups.n_groups)])
    above = np.array([bool(np.all(high[of_fine == k])) for k in range(groups.n_groups)])
    return below, above


def _missing_groups(col: FineColumn, groups: Groups) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of ``G``'s groups that hold its missing code / hold nothing else."""
    missing = col.size - 1  # the missing code is the last fine code of a nullable column
    is_missing = np.arange(len(groups.of_fine)) == missing
    has = np.array([bool(np.any(is_missing[groups.of_fine == k])) for k in range(groups.n_groups)])
    only = np.array([bool(np.all(is_missing[groups.of_fine == k])) for k in range(groups.n_groups)])
    return has, only
