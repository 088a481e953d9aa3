"""Delta from public quantities only.

A default delta computed from the exact row count (``n ** -1.1``) would publish ``n`` in plan.json, the ledger
and the report. Here the row count enters only through a *public bound*: the schema's declared row count, or
else the power of ten at or above the number of rows (its order of magnitude, which privsynth treats as
public, as DP-SGD treats the number of records). The ``delta >= 1/n`` refusal uses the same bound, which is
never below ``n``'s order of magnitude, so a delta that passes it is also below ``1/n``.
"""

from __future__ import annotations

import math

from privsynth.errors import ConfigError

MAX_DEFAULT_DELTA = 1e-6


def public_row_bound(rows: int, declared: int | None = None) -> int:
    """The public bound on the number of records: the power of ten at or above the declared count or ``rows``.

    Args:
        rows: The number of records (or users) in the data.
        declared: A row count the public schema declares, when it does.

    Returns:
        ``10 ** ceil(log10(count))`` (at least 10).
    """
    count = max(1, int(declared if declared is not None else rows))
    return max(10, 10 ** math.ceil(math.log10(count) - 1e-12))


def default_delta(bound: int, configured: float | None = None) -> float:
    """The delta used when a request gives none: the setting, else ``min(1e-6, bound ** -1.1)``."""
    return configured if configured is not None else min(MAX_DEFAULT_DELTA, float(bound) ** -1.1)


def check_delta(delta: float, bound: int, what: str, fix: str) -> None:
    """Refuse a delta at or above ``1 / bound``: such a delta allows publishing a record outright.

    Args:
        delta: The delta to check (a run's or a cap's).
        bound: The public row bound (:func:`public_row_bound`).
        what: What the delta belongs to, for the message (``"this run's delta"``).
        fix: The fix to print.

    Raises:
        ConfigError: ``delta >= 1 / bound``.
    """
    if delta >= 1.0 / bound:
        raise ConfigError(f"{what} {delta:g} is not below 1/n for this data (n bounded publicly by {bound:g}); "
                          "such a delta allows publishing a record outright.", fix)
