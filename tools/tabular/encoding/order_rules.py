"""Rules between two columns (``greater_than``, ``max_by``, ``holds_when``): forbidden cells, and draws keeping them.

A schema rule ``"greater_than": "NOC"`` on a column ``B`` (:class:`~privsynth.tools.data.schema.ColumnSpec`)
says that ``B`` is greater than the count ``A`` = ``NOC`` wherever both hold numbers, and that ``B`` holds a
number wherever ``A`` is above zero. NIST's ACS excerpts state it for the family size and the own children
("NPF must be greater than NOC": a family holds its own children and at least one parent). A model fitted
to noisy marginals does not know it: at epsilon 1 about 1% of the sampled TX 2019 rows had a family no larger
than its number of children, or children and no family. A rule ``"max_by": {"column": "AGEP", "steps": [[5,
"2"], ...]}`` on an ordered categorical column caps it where the numeric column is below a step's value
(NIST's README: "a maximal possible value for educational attainment dependent on age"); the same TX run had
106 children under 5 past kindergarten and 67 under 14 with a high-school diploma or more. The
``holds_when`` rules join them at the level of single values (:func:`pair_rules`), so that a rule whose
threshold falls inside a model group (a one-sided rule forces no group cut: NIST's industry, "N/A (less than 16
years old ...)") holds in every row too; that run had 122 children under 16 with an industry.

All parts read the public schema only (no data, no budget):

* :func:`valid_pairs` (:func:`ceiling_pairs`): for every pair of fine codes ``(a, b)``, whether *every* value
  the two codes stand for keeps the rule (a fine bin of an integer column stands for the integers it spans, a
  special value for its number, the missing code and non-numeric specials for "no number"). A pair that keeps
  it only for some of its values counts as invalid, so what is drawn from valid pairs always keeps the rule.
* :func:`order_zero_tables`: the model cells (group of ``A``, group of ``B``) that hold no valid fine pair.
  They join the ``holds_when`` structural zeros of the model, which never puts mass there.
* :func:`draw_valid_pairs`: in a permitted cell, a sampled row whose fine pair is invalid gets the constrained
  column's code drawn again inside its group, from the codes valid with the row's first value (its
  within-group weights restricted to them: the law of redrawing that code until the pair is valid); where none
  is, both codes are drawn from the cell's valid pairs, in proportion to the product of the within-group
  weights. The first column moves only then, so a column that gates several others (NIST's age) keeps what
  its other rules already hold; sampling passes over the rules until none is broken.
"""

from __future__ import annotations

import numpy as np

from privsynth.tools.data.schema import category_keys
from privsynth.tools.tabular.encoding.codec import FineColumn, Groups
from privsynth.tools.tabular.encoding.structural_zeros import holds_when_pairs


def code_ranges(col: FineColumn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Smallest and largest number each fine code of a numeric column stands for, and whether it is a number.

    Returns:
        ``(low, high, numeric)``, one entry per fine code (``low``/``high`` are NaN where ``numeric`` is False).
    """
    low, high = np.full(col.size, np.nan), np.full(col.size, np.nan)
    if col.n_bins and col.spec.integer:  # bin k holds the integers from ceil(edge k) to ceil(edge k+1) - 1
        low[:col.n_bins] = np.ceil(col.edges[:-1])
        high[:col.n_bins] = np.ceil(col.edges[1:]) - 1
    elif col.n_bins:
        low[:col.n_bins], high[:col.n_bins] = col.edges[:-1], col.edges[1:]
    for offset, special in enumerate(col.base.specials):
        try:
            low[col.n_bins + offset] = high[col.n_bins + offset] = float(special)
        except ValueError:
            continue
    return low, high, ~np.isnan(low)


def valid_pairs(low_col: FineColumn, high_col: FineColumn) -> np.ndarray:
    """``(low_col.size, high_col.size)`` booleans: True where every value pair keeps ``high > low``.

    The rule binds where ``low`` is a number: ``high`` must then be a greater number, except that where
    ``low`` is at most zero ``high`` may also hold no number (no count at all).
    """
    a_lo, a_hi, a_num = code_ranges(low_col)
    b_lo, _, b_num = code_ranges(high_col)
    greater = b_num[None, :] & (b_lo[None, :] > a_hi[:, None])
    absent_ok = (~b_num)[None, :] & (a_hi <= 0)[:, None]
    return (~a_num)[:, None] | greater | absent_ok


def category_order(col: FineColumn) -> np.ndarray:
    """Sort keys of a categorical column's codes (:func:`~privsynth.tools.data.schema.category_keys`; NaN: missing)."""
    keys = np.full(col.size, np.nan)
    ordered = category_keys(col.spec)
    keys[:len(ordered)] = [ordered[c] for c in col.spec.categories or []]
    return keys


def ceiling_pairs(gate: FineColumn, col: FineColumn) -> np.ndarray:
    """``(gate.size, col.size)`` booleans of a ``max_by`` rule: True where every value pair keeps the ceilings.

    A fine bin of the numeric ``gate`` that reaches below a step's value caps ``col`` at the step's category; a
    code of ``gate`` that is no number, and ``col``'s missing code, are never capped.
    """
    rule = col.spec.max_by
    assert rule is not None
    lowest, _, numeric = code_ranges(gate)
    order = category_order(col)
    cats = list(col.spec.categories or [])
    valid = np.ones((gate.size, col.size), dtype=bool)
    for below, most in rule.steps:
        capped = numeric & (np.nan_to_num(lowest, nan=np.inf) < below)
        valid[np.ix_(capped, order > order[cats.index(most)])] = False
    return valid


def pair_rules(columns: list[FineColumn]) -> list[tuple[int, int, np.ndarray]]:
    """``(a, b, valid)`` for every rule between two modelled columns (``valid``: ``(a.size, b.size)``).

    The order rules, and the ``holds_when`` rules at the level of single values
    (:func:`~privsynth.tools.tabular.encoding.structural_zeros.holds_when_pairs`): where a rule's threshold
    falls inside a model group (a one-sided rule forces no group cut), the draw keeps it in every row.
    """
    index = {c.name: j for j, c in enumerate(columns)}
    merged: dict[tuple[int, int], np.ndarray] = {}

    def add(a: int, b: int, valid: np.ndarray | None) -> None:
        if valid is not None and not valid.all():  # two rules on one pair hold together (AGEP caps and gates EDU)
            merged[(a, b)] = merged[(a, b)] & valid if (a, b) in merged else valid

    for j, c in enumerate(columns):
        if c.spec.greater_than is not None and c.spec.greater_than in index:
            add(index[c.spec.greater_than], j, valid_pairs(columns[index[c.spec.greater_than]], c))
        if c.spec.max_by is not None and c.spec.max_by.column in index:
            add(index[c.spec.max_by.column], j, ceiling_pairs(columns[index[c.spec.max_by.column]], c))
        if c.spec.holds_when is not None and c.spec.holds_when.column in index:
            add(index[c.spec.holds_when.column], j, holds_when_pairs(columns[index[c.spec.holds_when.column]], c))
    return [(a, b, valid) for (a, b), valid in merged.items()]


def order_zero_tables(columns: list[FineColumn], groups: list[Groups]) -> list[tuple[tuple[int, int], np.ndarray]]:
    """The model cells of every order rule that hold no valid fine pair.

    Returns:
        ``((a, b), table)`` with ``a < b`` and ``table`` a boolean ``(groups of a, groups of b)`` array, True
        where the cell gets probability 0; rules that forbid nothing are left out.
    """
    out = []
    for low, high, valid_codes in pair_rules(columns):
        valid = valid_codes.astype(float)
        in_low = np.eye(groups[low].n_groups)[groups[low].of_fine]  # fine code -> one-hot group
        in_high = np.eye(groups[high].n_groups)[groups[high].of_fine]
        table = (in_low.T @ valid @ in_high) == 0
        if table.any():
            out.append(((low, high), table) if low < high else ((high, low), table.T))
    return out


def draw_valid_pairs(fine_low: np.ndarray, fine_high: np.ndarray, valid: np.ndarray, groups_low: Groups,
                     groups_high: Groups, weights_low: np.ndarray, weights_high: np.ndarray, shape_rows: np.ndarray,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Redraw the rows whose fine pair breaks the rule, inside their own model cell (module docstring).

    Where the second column's group holds a code that keeps the rule with the row's first value, only the second
    column is drawn again (from those codes); otherwise both, from the cell's valid pairs.

    Args:
        fine_low: Sampled fine codes of the rule's first column (the count compared with, or the gate), per row.
        fine_high: Sampled fine codes of the column the rule constrains.
        valid: The rule's valid fine pairs (:func:`pair_rules`).
        groups_low: The first column's model groups (a redrawn code stays in its row's group).
        groups_high: The second column's model groups.
        weights_low: The first column's within-group weights, ``(shapes, fine codes)``: one row per key group
            where the weights follow the key, else one row.
        weights_high: The second column's, alike.
        shape_rows: Each sampled row's row of the weights (its key group; zeros without a key).
        rng: Generator of the draw.

    Returns:
        The two fine-code arrays; a row whose cell holds no valid pair (impossible where the cell is a
        structural zero of the model) is left as it was.
    """
    fine_low, fine_high = fine_low.copy(), fine_high.copy()
    rows = np.flatnonzero(~valid[fine_low, fine_high])
    if not rows.size:
        return fine_low, fine_high
    # First the second column alone, inside its group, where a valid code is there: the first column (an age
    # that gates several columns) then keeps what its other rules already hold.
    shape_high = np.minimum(shape_rows[rows], weights_high.shape[0] - 1)
    cells = np.stack([fine_low[rows], groups_high.of_fine[fine_high[rows]], shape_high], axis=1)
    unique, which = np.unique(cells, axis=0, return_inverse=True)
    moved = np.zeros(rows.size, dtype=bool)
    for c, (code_low, g_high, s_high) in enumerate(unique):
        weights = (weights_high[s_high] + 1e-300) * (groups_high.of_fine == g_high) * valid[code_low]
        if weights.sum() <= 0:
            continue
        members = np.asarray(which).ravel() == c
        fine_high[rows[members]] = rng.choice(weights.size, size=int(members.sum()), p=weights / weights.sum())
        moved |= members
    rows = rows[~moved]
    if not rows.size:
        return fine_low, fine_high
    shape_low = np.minimum(shape_rows[rows], weights_low.shape[0] - 1)
    shape_high = np.minimum(shape_rows[rows], weights_high.shape[0] - 1)
    cells = np.stack([groups_low.of_fine[fine_low[rows]], groups_high.of_fine[fine_high[rows]], shape_low,
                      shape_high], axis=1)
    unique, which = np.unique(cells, axis=0, return_inverse=True)
    for c, (g_low, g_high, s_low, s_high) in enumerate(unique):
        same_low, same_high = groups_low.of_fine == g_low, groups_high.of_fine == g_high
        joint = (np.outer(weights_low[s_low] * same_low, weights_high[s_high] * same_high)
                 + 1e-300 * np.outer(same_low, same_high)) * valid
        total = joint.sum()
        if total <= 0:
            continue
        members = rows[np.asarray(which).ravel() == c]
        picks = rng.choice(joint.size, size=len(members), p=(joint / total).ravel())
        fine_low[members], fine_high[members] = np.divmod(picks, joint.shape[1])
    return fine_low, fine_high
