"""Structural zeros from public ``holds_when`` rules: group cuts and forbidden cells of a graphical model.

A schema rule ``holds_when`` (:class:`~privsynth.tools.data.schema.ValueRule`) says a column ``G`` holds a value
(or is missing) exactly when a column ``X`` meets a condition: a numeric ``X`` below a threshold ``t`` (NIST:
marital status, income and its decile are missing when ``AGEP < 15``; education when ``AGEP < 3``; the
difficulty questions when ``AGEP < 5``), or a categorical ``X`` among some categories (the number of own
children is missing, and the household weight is 0, exactly in group quarters). A model fitted to
noisy marginals does not know it: at epsilon 1 about 3% of the sampled rows break each rule (a 9-year-old
with an income, a 40-year-old with no marital status), and the model's age groups (about 10, from the
noisy one-way marginal) straddle the thresholds, so that even a perfect group-level model could not keep it.

Two parts, both from the public schema only (no data read, no budget):

* :func:`gate_cuts`: the fine bins of ``X`` where an exact rule's threshold starts, passed to
  :func:`~privsynth.tools.tabular.encoding.codec.compress` as forced group boundaries, so that each of ``X``'s
  groups lies
  entirely below or entirely at-or-above every such threshold. A one-sided rule (``exact`` false) forces no
  cut: it forbids the cells of the groups that happen to lie below its threshold (on NIST's ``INDP_CAT``, a
  forced cut at 16 next to the one at 15 cost more than it gave).
* :func:`zero_tables`: for each rule, a boolean table over (``X``'s groups, ``G``'s groups) of the cells the
  rule forbids: a group of ``X`` meeting the condition with a group of ``G`` that does not hold the value,
  and (for an exact rule) a group of ``X`` not meeting it with ``G``'s group that holds only the value. The
  model (:class:`~privsynth.tools.tabular.model.graphical_model.JunctionTreeModel`, ``zeros``) adds a large
  negative constant to
  their potentials in every inference, so fitting and sampling never put mass there; the synthesizer adds the
  edge ``(X, G)`` to the model's graph so that one clique holds both.

A rule whose threshold does not fall on a fine-bin edge of ``X``, or whose ``G`` shares a group between
the value and other values (or ``X`` between categories on both sides), forbids only the cells it can name
exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from privsynth.tools.data.schema import ValueRule
from privsynth.tools.tabular.encoding.codec import FineColumn, Groups


def _threshold_bin(col: FineColumn, below: float) -> int | None:
    """The fine bin of ``col`` that starts at ``below`` (None when no bin edge is there, or it is an end)."""
    if not col.n_bins:
        return None
    hits = np.flatnonzero(np.isclose(col.edges[1:-1], below))
    return int(hits[0]) + 1 if len(hits) else None


def gate_cuts(columns: list[FineColumn]) -> dict[int, list[int]]:
    """Forced group boundaries (fine-bin indices starting a group) of every numeric column an exact rule uses.

    Args:
        columns: The fine coding of the modelled columns (their specs carry the ``holds_when`` rules).

    Returns:
        Column index -> sorted fine-bin indices.
    """
    index = {c.name: j for j, c in enumerate(columns)}
    cuts: dict[int, set[int]] = {}
    for col in columns:
        rule = col.spec.holds_when
        if rule is None or rule.column not in index or not rule.exact or rule.below is None:
            continue
        x = index[rule.column]
        start = _threshold_bin(columns[x], rule.below)
        if start is not None:
            cuts.setdefault(x, set()).add(start)
    return {x: sorted(v) for x, v in cuts.items()}


def zero_tables(columns: list[FineColumn], groups: list[Groups]) -> list[tuple[tuple[int, int], np.ndarray]]:
    """The forbidden cells of every ``holds_when`` rule among the modelled columns.

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
        rule = col.spec.holds_when
        if rule is None or rule.column not in index:
            continue
        x = index[rule.column]
        masks = condition_masks(columns[x], rule)
        if masks is None:
            continue
        inside, outside = masks
        meets, fails = _group_masks(groups[x], inside), _group_masks(groups[x], outside)
        value = _codes(col, [rule.value])
        holds = np.isin(np.arange(col.size), value)
        has_value = ~_group_masks(groups[g], ~holds)
        only_value = _group_masks(groups[g], holds)
        table = np.zeros((groups[x].n_groups, groups[g].n_groups), dtype=bool)
        table[np.ix_(meets, ~has_value)] = True
        if rule.exact:
            table[np.ix_(fails, only_value)] = True
        if table.any():
            out.append(((x, g), table) if x < g else ((g, x), table.T))
    return out


def condition_masks(gate: FineColumn, rule: ValueRule) -> tuple[np.ndarray, np.ndarray] | None:
    """Fine codes of ``gate`` that meet a rule's condition for every value, and those that fail it for every value.

    Special and missing codes of a numeric gate do neither. None when a threshold falls on no fine-bin edge.
    """
    if rule.below is not None:
        start = _threshold_bin(gate, rule.below)
        if start is None:
            return None
        inside = np.arange(gate.size) < start
        inside[gate.n_bins:] = False  # special and missing codes meet no threshold
        outside = ~inside
        outside[gate.n_bins:] = False
        return inside, outside
    inside = np.isin(np.arange(gate.size), _codes(gate, rule.among or []))
    return inside, ~inside


def holds_when_pairs(gate: FineColumn, col: FineColumn) -> np.ndarray | None:
    """``(gate.size, col.size)`` booleans of ``col``'s ``holds_when`` rule: True where the fine pair keeps it.

    Where the gate meets the condition, ``col`` holds the rule's value (or is missing); with an exact rule,
    where it fails the condition, ``col`` does not. None when the rule names no fine-bin edge.
    """
    rule = col.spec.holds_when
    assert rule is not None
    masks = condition_masks(gate, rule)
    if masks is None:
        return None
    inside, outside = masks
    holds = np.isin(np.arange(col.size), _codes(col, [rule.value]))
    valid = np.ones((gate.size, col.size), dtype=bool)
    valid[np.ix_(inside, ~holds)] = False
    if rule.exact:
        valid[np.ix_(outside, holds)] = False
    return valid


def _codes(col: FineColumn, values: list[str | None]) -> np.ndarray:
    """Fine codes of some values of a column (None: its missing code)."""
    return col.encode(pd.Series([np.nan if v is None else v for v in values], dtype=object))


def _group_masks(groups: Groups, fine: np.ndarray) -> np.ndarray:
    """Boolean mask of the groups all of whose fine codes are in the boolean mask ``fine``."""
    return np.array([bool(np.all(fine[groups.of_fine == k])) for k in range(groups.n_groups)])
