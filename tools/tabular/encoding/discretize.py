"""Discretization: map a column to integer codes on its *public* domain, and back.

Every domain size comes from the :class:`~privsynth.tools.data.schema.ColumnSpec` alone, never from the data,
so the shape of every marginal a DP synthesizer measures is public.

Code layout of one column (``size`` codes in all):

* categorical: ``0 .. C-1`` are the declared categories in schema order; then one code for a
  missing value when the column is nullable.
* numeric: ``0 .. B-1`` are equal-width bins between ``spec.min`` and ``spec.max``; then one code per
  declared special value (codes such as ``"501"`` in NIST data); then one code for a missing value when
  the column is nullable. Values outside ``[min, max]`` are **clipped** to the nearest bound (a
  documented choice: the bounds are public and the clipping is data-independent). For an integer column
  with fewer integers in ``[min, max]`` than bins, each integer gets its own bin.

Decoding a bin draws a value uniformly within it (a uniform integer of the bin when ``spec.integer``),
with a caller-supplied ``numpy.random.Generator``. Special values decode to their number when they are
numeric, else to their string; missing codes decode to NaN.

Data that does not fit the schema (a category not declared, text in a numeric column, a missing value in
a non-nullable column) raises :class:`~privsynth.errors.SchemaError` naming the column, an example value
and the fix.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from privsynth.errors import ConfigError, SchemaError
from privsynth.tools.data.schema import ColumnSpec, TableSchema

DEFAULT_BINS = 16


def normalize_value(value: Any) -> str:
    """The string form used to match a data value against declared categories and special values.

    Integral floats lose their ``.0`` (pandas reads an integer column with gaps as float), so ``3.0``
    matches the category ``"3"``.

    Args:
        value: One (non-missing) cell.

    Returns:
        Its canonical string.
    """
    if isinstance(value, float | np.floating) and math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class ColumnDiscretizer:
    """Integer coding of one categorical or numeric column on its public domain.

    Args:
        spec: The column's public description.
        bins: Number of equal-width bins for a numeric column (at least 2).

    Raises:
        SchemaError: The column is not categorical or numeric.
        ConfigError: ``bins`` is smaller than 2.
    """

    def __init__(self, spec: ColumnSpec, bins: int = DEFAULT_BINS) -> None:
        if spec.kind not in ("categorical", "numeric"):
            raise SchemaError(f"Column '{spec.name}' of kind '{spec.kind}' cannot be discretized.",
                              "Only categorical and numeric columns are modelled.")
        if not isinstance(bins, int | np.integer) or isinstance(bins, bool) or bins < 2:
            raise ConfigError(f"bins must be an integer >= 2, got {bins!r}.", "Pass bins=16 (for example).")
        self.spec = spec
        self.name = spec.name
        self.specials = list(spec.special_values)
        if spec.kind == "categorical":
            assert spec.categories is not None
            self.categories: list[str] = list(spec.categories)
            self.n_values = len(self.categories)
        else:
            assert spec.min is not None and spec.max is not None
            self.lo, self.hi = float(spec.min), float(spec.max)
            if spec.integer:
                self.int_lo, self.int_hi = math.ceil(self.lo), math.floor(self.hi)
                if self.int_lo > self.int_hi:
                    raise SchemaError(f"Integer column '{self.name}' has no integer in [{self.lo}, {self.hi}].",
                                      "Widen the column's min/max in the schema.")
                self.n_ints = self.int_hi - self.int_lo + 1
                self.n_values = min(int(bins), self.n_ints)
            else:
                self.n_values = int(bins)
                self.edges = np.linspace(self.lo, self.hi, self.n_values + 1)
            self.categories = []
        self.n_specials = len(self.specials) if spec.kind == "numeric" else 0
        self.missing_code: int | None = self.n_values + self.n_specials if spec.nullable is not False else None
        self.size = self.n_values + self.n_specials + (1 if spec.nullable is not False else 0)

    # -- encoding ---------------------------------------------------------------------------------
    def encode(self, values: pd.Series) -> np.ndarray:
        """Map a column of data to codes.

        Args:
            values: The column.

        Returns:
            An ``int64`` array of codes in ``[0, size)``.

        Raises:
            SchemaError: A value is outside the declared domain (categorical), is not a number
                (numeric), or is missing in a non-nullable column.
        """
        values = pd.Series(values).reset_index(drop=True)
        missing = values.isna().to_numpy()
        if missing.any() and self.missing_code is None:
            raise SchemaError(f"Column '{self.name}' is declared not nullable (\"nullable\": false, or no N in a NIST "
                              "dictionary) but has missing values.",
                              f"Set \"nullable\": true for '{self.name}' in the schema, or fill the gaps.")
        if self.spec.kind == "categorical":
            codes = self._encode_categorical(values)
        else:
            codes = self._encode_numeric(values, missing)
        if self.missing_code is not None:
            codes[missing] = self.missing_code
        return codes

    def _encode_categorical(self, values: pd.Series) -> np.ndarray:
        raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
        lookup = {c: i for i, c in enumerate(self.categories)}
        mapped = np.array([lookup.get(normalize_value(u), -1) for u in uniques], dtype=np.int64)
        bad = [u for u, m in zip(uniques, mapped, strict=True) if m < 0]
        if bad:
            rows = int(np.isin(raw_codes, [i for i, m in enumerate(mapped) if m < 0]).sum())
            raise SchemaError(f"Column '{self.name}' has {rows} row(s) with {len(bad)} distinct value(s) that are not "
                              "among its declared categories (values are not shown: they are private data).",
                              f"Add the missing categories to '{self.name}' in the schema, or clean the data.")
        codes = np.zeros(len(values), dtype=np.int64)
        present = raw_codes >= 0
        codes[present] = mapped[raw_codes[present]]
        return codes

    def _encode_numeric(self, values: pd.Series, missing: np.ndarray) -> np.ndarray:
        codes = np.zeros(len(values), dtype=np.int64)
        numbers = np.full(len(values), np.nan)
        special_code = np.full(len(values), -1, dtype=np.int64)
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
            for j, special in enumerate(self.specials):
                as_num = _as_number(special)
                if as_num is not None:
                    special_code[(numbers == as_num) & (special_code < 0)] = self.n_values + j
        else:
            raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
            u_numbers = np.full(len(uniques), np.nan)
            u_special = np.full(len(uniques), -1, dtype=np.int64)
            special_index = {s: j for j, s in enumerate(self.specials)}
            bad = []
            for i, u in enumerate(uniques):
                text = normalize_value(u)
                if text in special_index:
                    u_special[i] = self.n_values + special_index[text]
                    continue
                number = None if isinstance(u, bool | np.bool_) else _as_number(text)
                if number is None or math.isnan(number):
                    bad.append(text)
                else:
                    u_numbers[i] = number
            if bad:
                rows = int(np.isin(raw_codes, [i for i, u in enumerate(uniques) if normalize_value(u) in bad]).sum())
                raise SchemaError(f"Column '{self.name}' is declared numeric but {rows} row(s) with {len(bad)} "
                                  "distinct value(s) are not numbers (values are not shown: they are private data).",
                                  f"Clean '{self.name}', list such codes in its special_values, or declare it "
                                  "categorical in the schema.")
            present = raw_codes >= 0
            numbers[present] = u_numbers[raw_codes[present]]
            special_code[present] = u_special[raw_codes[present]]
        is_special = special_code >= 0
        is_number = ~missing & ~is_special
        codes[is_special] = special_code[is_special]
        codes[is_number] = self._bin(numbers[is_number])
        return codes

    def _bin(self, x: np.ndarray) -> np.ndarray:
        """Bin numbers, clipping them to the public bounds first."""
        x = np.clip(x, self.lo, self.hi)
        if self.spec.integer:
            ints = np.clip(np.rint(x), self.int_lo, self.int_hi) - self.int_lo
            return np.floor(ints * self.n_values / self.n_ints).astype(np.int64)
        pos = np.floor((x - self.lo) / (self.hi - self.lo) * self.n_values)
        return np.clip(pos, 0, self.n_values - 1).astype(np.int64)

    def code_of(self, value: Any) -> int:
        """The code of one declared category (used for conditional sampling).

        Args:
            value: A category of a categorical column.

        Returns:
            Its code.

        Raises:
            ConfigError: The column is not categorical or the value is not a declared category.
        """
        if self.spec.kind != "categorical":
            raise ConfigError(f"Conditions are supported on categorical columns only; '{self.name}' is "
                              f"{self.spec.kind}.", "Condition on a categorical column.")
        text = normalize_value(value)
        if text not in self.categories:
            raise ConfigError(f"{value!r} is not a declared category of '{self.name}'.",
                              f"Choose one of: {', '.join(self.categories)}.")
        return self.categories.index(text)

    # -- decoding ---------------------------------------------------------------------------------
    def decode(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """Map codes back to values.

        Args:
            codes: Codes in ``[0, size)``.
            rng: Source of randomness for the position within a numeric bin.

        Returns:
            A series named after the column: strings (NaN when missing) for a categorical column; int64
            for an integer column (float64 when a missing value is present, as pandas reads it), float64
            otherwise; object dtype when a special value is not a number.
        """
        codes = np.asarray(codes, dtype=np.int64)
        is_missing = codes == self.missing_code if self.missing_code is not None else np.zeros(len(codes), bool)
        if self.spec.kind == "categorical":
            labels = np.array(self.categories + [np.nan] * (self.size - self.n_values), dtype=object)
            return pd.Series(labels[codes], name=self.name, dtype=object)
        in_bin = codes < self.n_values
        values = np.full(len(codes), np.nan)
        values[in_bin] = self._unbin(codes[in_bin], rng)
        is_special = ~in_bin & ~is_missing
        special_values = [_as_number(s) for s in self.specials]
        textual = any(v is None for v in special_values)
        if not textual:
            for j, number in enumerate(special_values):
                values[codes == self.n_values + j] = number
        if textual and is_special.any():
            out = values.astype(object)
            if self.spec.integer:
                out[in_bin] = values[in_bin].astype(np.int64)
            for j, special in enumerate(self.specials):
                number = special_values[j]
                out[codes == self.n_values + j] = special if number is None else number
            out[is_missing] = np.nan
            return pd.Series(out, name=self.name, dtype=object)
        if self.spec.integer and not is_missing.any():
            return pd.Series(np.rint(values).astype(np.int64), name=self.name)
        return pd.Series(values, name=self.name, dtype=float)

    def _unbin(self, codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if self.spec.integer:
            first = np.ceil(codes * self.n_ints / self.n_values)
            stop = np.ceil((codes + 1) * self.n_ints / self.n_values)
            return self.int_lo + first + np.floor(rng.random(len(codes)) * (stop - first))
        left, right = self.edges[codes], self.edges[codes + 1]
        return left + rng.random(len(codes)) * (right - left)

    def labels(self) -> list[str]:
        """Human-readable label of every code (bins as ``[a, b)``), for reports and debugging."""
        if self.spec.kind == "categorical":
            out = list(self.categories)
        elif self.spec.integer:
            out = []
            for j in range(self.n_values):
                first = self.int_lo + math.ceil(j * self.n_ints / self.n_values)
                last = self.int_lo + math.ceil((j + 1) * self.n_ints / self.n_values) - 1
                out.append(str(first) if first == last else f"{first}-{last}")
            out += self.specials
        else:
            out = [f"[{self.edges[j]:g}, {self.edges[j + 1]:g})" for j in range(self.n_values)] + self.specials
        return out + (["<missing>"] if self.missing_code is not None else [])


def build_discretizers(schema: TableSchema, bins: int = DEFAULT_BINS) -> list[ColumnDiscretizer]:
    """One discretizer per modelled column, in schema order.

    Args:
        schema: The public schema.
        bins: Bins per numeric column.

    Returns:
        The discretizers.
    """
    return [ColumnDiscretizer(spec, bins) for spec in schema.modelled_columns]


def encode_table(data: pd.DataFrame, discretizers: list[ColumnDiscretizer]) -> np.ndarray:
    """Encode the modelled columns of a table.

    Args:
        data: The table (must contain every discretizer's column).
        discretizers: From :func:`build_discretizers`.

    Returns:
        An ``(n_rows, n_columns)`` int64 array of codes.

    Raises:
        SchemaError: A column does not fit its declared domain.
    """
    out = np.zeros((len(data), len(discretizers)), dtype=np.int64)
    for j, disc in enumerate(discretizers):
        out[:, j] = disc.encode(data[disc.name])
    return out
