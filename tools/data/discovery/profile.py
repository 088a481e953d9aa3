"""What each cell of a column is: missing, an integer, a fraction, a date or text.

Parsing a value reads the private data, so nothing here is released as it is: the draft sees these kinds only
through a noisy histogram (:func:`cell_kind_codes` feeds :func:`~.histogram.noisy_counts`), and decides a column's
type from that DP output (:mod:`.draft`). Dates are ISO 8601 (``2024-01-31``, optionally with a time).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MISSING, INTEGER, FRACTION, DATE, TEXT = range(5)
KINDS = ("missing", "integer", "fraction", "date", "text")
DECIMALS = (1, 2, 3)
"""The decimals a fraction cell is counted under: 1, 2, or 3 and more (the last bin)."""
BINS = ("missing", "integer", *(f"fraction_{d}" for d in DECIMALS), "date", "datetime", "text")
"""One histogram's bins: each cell counts once, in its kind, a fraction also by its decimals and a date by whether
it has a time of day (:func:`cell_bins`)."""
ISO_DATE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
ISO_TIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
EPOCH = pd.Timestamp("1970-01-01")


FORMATTED = r"^(?P<sign>[+-]?)[$€£¥]?\s?(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?%?$"
"""A number as spreadsheets write it: a currency sign, thousands commas (``$1,234.50``), or a percent (``12%``)."""


def as_numbers(values: pd.Series) -> pd.Series:
    """The column as floats: numbers parse, anything else is NaN (booleans are not numbers).

    Formatted numbers (:data:`FORMATTED`) read as their number: ``$1,234.50`` is 1234.5 and ``12%`` is 12 (the
    percent's own units), so that a price or a rate exported from a spreadsheet is a number, not text.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return pd.Series(np.nan, index=values.index)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float)
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    rest = numbers.isna() & text.notna()
    if rest.any():
        parts = text[rest].str.extract(FORMATTED)
        cleaned = (parts["sign"].fillna("") + parts["digits"].str.replace(",", "", regex=False)).where(
            parts["digits"].notna())
        numbers[rest] = pd.to_numeric(cleaned, errors="coerce").astype(float)
    return numbers


def as_days(values: pd.Series) -> pd.Series:
    """ISO dates as days since 1970-01-01 (floats; a time of day is a fraction); anything else is NaN."""
    text = values.astype("string").str.strip()
    iso = text.str.match(ISO_DATE).fillna(False).astype(bool)
    days = pd.Series(np.nan, index=values.index)
    if iso.any():
        parsed = pd.to_datetime(text[iso], errors="coerce", format="ISO8601")
        days[iso] = (parsed - EPOCH) / pd.Timedelta(days=1)
    return days


def cell_kind_codes(values: pd.Series) -> np.ndarray:
    """One code per cell (:data:`MISSING` .. :data:`TEXT`): each row counts once, in one kind."""
    codes = np.full(len(values), TEXT, dtype=np.int64)
    missing = values.isna().to_numpy()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        missing |= (values.astype("string").str.strip() == "").fillna(False).to_numpy(dtype=bool)
    numbers = as_numbers(values).to_numpy()
    finite = np.isfinite(numbers)
    whole = finite & (np.floor(np.where(finite, numbers, 0)) == np.where(finite, numbers, 0))
    codes[finite & ~whole] = FRACTION
    codes[whole] = INTEGER
    rest = ~finite & ~missing
    if rest.any() and not pd.api.types.is_numeric_dtype(values.dtype):
        dated = np.isfinite(as_days(values[rest]).to_numpy())
        idx = np.flatnonzero(rest)
        codes[idx[dated]] = DATE
    codes[missing] = MISSING
    return codes


def _decimals(numbers: np.ndarray) -> np.ndarray:
    """Digits after the point of each non-whole number: 1, 2, or 3 for three and more (vectorised)."""
    out = np.full(len(numbers), DECIMALS[-1], dtype=np.int64)
    for digits in DECIMALS[-2::-1]:  # 2, then 1: the fewest digits that hold the number win
        scaled = numbers * 10.0 ** digits
        out[np.isclose(scaled, np.rint(scaled), rtol=1e-12, atol=1e-9)] = digits
    return out


def cell_bins(values: pd.Series) -> np.ndarray:
    """One code per cell over :data:`BINS`: the kind of :func:`cell_kind_codes`, a fraction by its decimals.

    Still one count per cell, so the histogram has sensitivity 1 as the kinds alone had; the draft reads the
    column's precision from it (``decimals``, and whether dates carry a time) and adds the fraction bins, and
    the two date bins, up for the kinds.
    """
    kinds = cell_kind_codes(values)
    codes = np.where(kinds > FRACTION, kinds + len(DECIMALS) - 1, kinds)
    codes[kinds == TEXT] += 1  # after the datetime bin
    fraction = np.flatnonzero(kinds == FRACTION)
    if fraction.size:
        numbers = as_numbers(values).to_numpy()[fraction]
        codes[fraction] = FRACTION + _decimals(numbers) - 1
    dated = np.flatnonzero(kinds == DATE)
    if dated.size:
        timed = values.iloc[dated].astype("string").str.strip().str.match(ISO_TIME).fillna(False).to_numpy(bool)
        codes[dated[timed]] += 1
    return codes
