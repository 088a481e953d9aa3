"""The schema draft: each column's type and domain decided from DP outputs (or exactly, marked as private).

Per column (``name`` from the header), with one :class:`~.histogram.Measurer` (noise ``sigma``, or exact):

1. the noisy kinds of its cells (:mod:`.profile`): missing, integer, fraction (by its decimals: 1, 2, 3+), date,
   text, one histogram;
2. the stability-based histogram of its values (:func:`~.histogram.stability_histogram`): the frequent values;
3. for numbers and dates, the DP bounds (:func:`~.quantile.dp_bounds`).

Decisions (post-processing of those outputs and of the name; documented in the README and in each column's
``review_note``):

* a name that says identifier (:func:`~.header.looks_like_id`) -> ``id``, not modelled; a name that says free
  text -> ``text`` (the text path, or not released by a table run);
* almost no value present (the noisy count of non-missing cells is not significant) -> ``dropped``;
* at least :data:`NUMERIC_SHARE` of the present cells are numbers (allowing for the noise, :func:`mostly`) ->
  ``numeric`` with DP bounds and, for fractions, the decimals most cells have (:func:`decimals_of`), unless
  its released values are few (at most :data:`MAX_CODES`) and cover nearly all cells, when it is a
  ``categorical`` code list (0/1 flags, ratings); text values that are frequent become ``special_values``, rare
  ones count as missing (``unlisted: "missing"``);
* at least :data:`NUMERIC_SHARE` dates (the same allowance) -> ``numeric`` in days since 1970-01-01 with DP
  bounds, ``"date": true``;
* otherwise (text, or a mix of numbers and text) -> ``categorical`` with the released values, and the rest folded
  into :data:`OTHER` (or into missing when no significant mass is left); when nothing is released (nearly every
  value distinct) -> ``dropped`` as identifier-like or free text. A mixed column says so in its note, with how to
  change it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from privsynth.tools.data.discovery import profile
from privsynth.tools.data.discovery.header import looks_like_id, looks_like_text
from privsynth.tools.data.discovery.histogram import Measurer, relative, stability_histogram
from privsynth.tools.data.discovery.mark import PRIVATE_MARK
from privsynth.tools.data.discovery.quantile import DATE_GRID, LOG_GRID, dp_bounds
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.tabular.encoding.discretize import normalize_value

NUMERIC_SHARE = 0.95
KIND_Z = 3.0
"""Standard deviations of the other kinds' summed noise a column's share may fall short by (:func:`mostly`): at 2,
1 draw in about 400 turned 3,000 clean dates into a dropped column (the noise of five empty bins)."""
DECIMALS_Z = 2.0
COVERAGE_Z = 2.0
"""Standard deviations of noise the released values may fall short of :data:`CODE_COVERAGE` by (at most
:data:`COVERAGE_SLACK` of the cells): a 0/1 flag of 6,000 rows, fully covered, was read as a number in 46 draws of 200
at epsilon 1 with a plain ratio of noisy sums (2 of 200 with this allowance)."""
COVERAGE_SLACK = 0.05
MAX_CODES = 32
CODE_COVERAGE = 0.98
PRESENT_Z = 5.0
LEFTOVER_Z = 2.0
PRESENT_KINDS = len(profile.BINS) - 1  # the noisy counts summed into a column's present cells (all but missing)
MAX_EXACT_CATEGORIES = 1000
OTHER = "(other)"


def _sorted_values(values: list[str]) -> list[str]:
    def key(v: str) -> tuple[int, float, str]:
        try:
            return (0, float(v), v)
        except ValueError:
            return (1, 0.0, v)

    return sorted(values, key=key)


def _numeric_spec(name: str, numbers: np.ndarray, integer: bool, m: Measurer, released: dict[str, float],
                  note: str, date: bool = False, decimals: int | None = None, time: bool = False
                  ) -> ColumnSpec | None:
    bounds = dp_bounds(numbers, m, DATE_GRID if date else LOG_GRID)
    if bounds is None:
        return None
    low, high = bounds
    if m.exact:  # the draft without DP: the exact range (it is marked as read from the private data)
        low, high = float(np.nanmin(numbers)), float(np.nanmax(numbers))
        high = high if low < high else low + 1.0
    if integer or date:  # whole days bound a date column, with a time or not
        low, high = math.floor(low), math.ceil(high)
        if not low < high:
            high = low + 1
    specials = [v for v in released if not _is_number(v)] if not date else []
    fields = (["kind", "min", "max", "integer"] + (["decimals"] if decimals is not None else [])
              + (["special_values"] if specials else []))
    return ColumnSpec(name=name, kind="numeric", min=low, max=high, integer=integer or (date and not time),
                      decimals=decimals, special_values=_sorted_values(specials), unlisted="missing",
                      estimated=fields + (["time"] if time else []), review_note=note, date=date or None,
                      time=time or None)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def decimals_of(fractions: list[float], m: Measurer) -> int | None:
    """The digits to write a fractional column with, from the noisy counts of its cells by decimals (1, 2, 3+).

    The fewest digits ``d`` such that the cells with more than ``d`` decimals are not significant
    (:data:`DECIMALS_Z` sd of their sum) or under 1% of the fractions; None (the schema's default from the range)
    when three or more digits are common. Post-processing of the kinds histogram: no extra measurement.
    """
    total = sum(fractions)
    for digits in profile.DECIMALS[:-1]:
        beyond = fractions[digits:]
        if sum(beyond) <= max(m.significant(DECIMALS_Z * math.sqrt(len(beyond))), 0.01 * total):
            return digits
    return None


def mostly(part: float, present: float, m: Measurer, others: int) -> bool:
    """Whether ``part`` of the ``present`` cells holds at least :data:`NUMERIC_SHARE` of them, allowing for noise.

    With noise, the other kinds' noisy count (``present - part``, a sum of ``others`` noisy counts) must exceed
    what that share allows by :data:`KIND_Z` standard deviations of that sum before the column counts as mixed: a plain
    ratio of noisy counts turned a column of 3,000 dates into a dropped column in about 1 draw of 700 (the
    other kinds' noise alone passed 5% of the cells).
    """
    if m.exact:
        return relative(part, present) >= NUMERIC_SHARE
    rest = present - part
    allowance = m.significant(KIND_Z * math.sqrt(others))
    return part > 0 and rest <= (1.0 - NUMERIC_SHARE) / NUMERIC_SHARE * part + allowance


def _categorical_spec(name: str, released: dict[str, float], present: float, m: Measurer, note: str) -> ColumnSpec:
    values = _sorted_values(list(released))
    leftover = present - sum(released.values())
    # the leftover is a difference of noisy counts: the bins of present cells and every released value
    significant = leftover > m.significant(LEFTOVER_Z * math.sqrt(PRESENT_KINDS + len(released)))
    other = OTHER if OTHER not in values else OTHER + "*"
    categories = values + ([other] if significant else [])
    return ColumnSpec(name=name, kind="categorical", categories=categories,
                      unlisted=other if significant else "missing", estimated=["kind", "categories"],
                      review_note=note)


def draft_column(name: str, values: pd.Series, m: Measurer, tau: float) -> ColumnSpec:
    """One column's drafted spec, from the noisy measurements of ``values`` (module docstring).

    Every measurement is made whatever the decision, so the release's shape does not depend on the data.
    """
    counts = dict(zip(profile.BINS, m.dense(profile.cell_bins(values), len(profile.BINS)), strict=True))
    fractions = [float(counts[f"fraction_{d}"]) for d in profile.DECIMALS]
    n = {"missing": counts["missing"], "integer": counts["integer"], "fraction": sum(fractions),
         "date": counts["date"] + counts["datetime"], "text": counts["text"]}
    mostly_timed = counts["datetime"] > counts["date"]  # most dates carry a time of day
    present = float(n["integer"] + n["fraction"] + n["date"] + n["text"])
    text_values = values.dropna().map(normalize_value).astype(str).str.strip()
    text_values = text_values[text_values != ""]
    if m.exact:
        counts = text_values.value_counts()
        released = ({str(v): float(c) for v, c in counts.items()} if len(counts) <= MAX_EXACT_CATEGORIES else {})
    else:
        released = stability_histogram(text_values, m, tau)
    numbers = profile.as_numbers(values).to_numpy()
    numbers_count = float(n["integer"] + n["fraction"])
    number_share = relative(numbers_count, present)
    date_share = relative(float(n["date"]), present)
    numeric_like = mostly(numbers_count, present, m, others=3)  # the two date bins and text
    date_like = mostly(float(n["date"]), present, m, others=len(profile.BINS) - 3)  # all but missing and dates
    timed = date_like and mostly_timed
    how = "exact" if m.exact else "DP"
    by = "read from the data" if m.exact else "by DP"
    if date_like:
        measured = profile.as_days(values).to_numpy()
    else:
        measured = numbers
    bounds_spec = None
    if numeric_like or date_like:
        integer = n["fraction"] < max(m.significant(3.0 * math.sqrt(len(fractions))), 0.02 * numbers_count)
        is_date = date_like
        note = (f"dates ({how} share {date_share:.0%}): modelled as days since 1970-01-01, bounds {by}, written back "
                f"as {'dates and times (most dates carry a time)' if timed else 'dates'}" if is_date
                else f"numbers ({how} share {number_share:.0%}), bounds {by}")
        decimals = None if integer or is_date else decimals_of(fractions, m)
        if decimals is not None:
            note += f"; written with {decimals} decimal{'s' if decimals > 1 else ''} ({how} count of decimals)"
        bounds_spec = _numeric_spec(name, measured, bool(integer) and not is_date, m, released, note, date=is_date,
                                    decimals=decimals, time=timed)
    else:
        dp_bounds(measured, m)  # the same measurements for every column: the release's shape is public
    if looks_like_id(name):
        return ColumnSpec(name=name, kind="id", estimated=["kind"],
                          review_note="the header's name says identifier: not modelled (set kind to categorical or "
                                      "numeric to model it)")
    if looks_like_text(name):
        return ColumnSpec(name=name, kind="text", estimated=["kind"],
                          review_note="the header's name says free text: the text path, not the table model")
    if not present > m.significant(PRESENT_Z):
        return ColumnSpec(name=name, kind="dropped", estimated=["kind"],
                          review_note=f"(almost) every cell is missing ({how} count): no domain to model")
    # the released values cover the present cells, allowing for the noise of both sums (as mostly() does)
    shortfall = CODE_COVERAGE * present - sum(released.values())
    noise = min(m.significant(COVERAGE_Z * math.sqrt(len(profile.BINS) - 1 + len(released))),
                COVERAGE_SLACK * present)
    codes = 0 < len(released) <= MAX_CODES and (shortfall <= noise if not m.exact else shortfall <= 0)
    if bounds_spec is not None and not (codes and numeric_like):
        return bounds_spec
    if not released:
        held = (f"no value is held by more than about {tau:.0f} rows (the DP threshold at this budget)"
                if not m.exact else f"more than {MAX_EXACT_CATEGORIES} distinct values")
        return ColumnSpec(name=name, kind="dropped", estimated=["kind"],
                          review_note=f"{held}: an identifier, free text, or categories too "
                                      "rare to release; proposed for dropping (declare its categories to model it, "
                                      "or set kind text for the text path)")
    if codes and numeric_like:
        note = f"a few number codes cover the column ({how} histogram): modelled as categories"
    elif 0.05 < number_share and not numeric_like:
        note = (f"mixes numbers and text ({how} share of numbers {number_share:.0%}): drafted as categorical with "
                "its frequent values; to model it as a number, set kind numeric with min/max, list its text codes "
                "as special_values and set unlisted to missing")
    else:
        note = (f"categories: the values frequent enough to release ({how} histogram)" if not m.exact
                else "categories: every value present (exact)")
    return _categorical_spec(name, released, present, m, note)


def draft_schema(data: pd.DataFrame, header: list[str], m: Measurer, tau: float, name: str | None = None,
                 draft: dict[str, Any] | None = None) -> TableSchema:
    """The drafted schema of a table (every header column, in order).

    Args:
        data: The table (read by the caller after the discovery's spend was committed).
        header: Its column names.
        m: The noise (exact for a draft without DP: the result then carries :data:`PRIVATE_MARK`).
        tau: The stability-based histogram's threshold.
        name: The schema's name.
        draft: How the draft was made (public), stored in the schema.
    """
    columns = [draft_column(column, data[column], m, tau) for column in header]
    return TableSchema(name=name, columns=columns, draft=draft, private_mark=PRIVATE_MARK if m.exact else None)
