"""One-run empirical privacy auditing (Steinke, Nasr & Jagielski, NeurIPS 2023, arXiv:2305.08846).

The audit. Plant ``m`` canary records, include each independently with probability 1/2 (the secret signs
``S_i``), run the mechanism once, score every canary by how strongly the output supports it, and guess
"included" for the ``k_plus`` highest scores and "excluded" for the ``k_minus`` lowest (abstain on the rest).
With ``r = k_plus + k_minus`` guesses of which ``v`` are correct, the number of guesses must be fixed before
the output is seen (it may not be tuned on the true signs).

The bound (the paper's Theorem 5.2 and its Algorithm for the p-value). If the mechanism is
``(epsilon, delta)``-DP with respect to each canary (add/remove), then for every ``v``::

    P[V >= v] <= beta + 2 m delta alpha,
    beta  = P[Binomial(r, q) >= v],              q = e^epsilon / (1 + e^epsilon),
    alpha = max_{i = 1..v} (1 / i) P[v - i <= Binomial(r, q) < v].

With ``delta = 0`` this is the pure-DP bound: the correct guesses are stochastically dominated by
``Binomial(r, q)``. :func:`p_value` is that right-hand side. At confidence ``1 - a`` (``a = 0.05`` by default)
every ``epsilon`` with ``p_value(epsilon) <= a`` is rejected; :func:`epsilon_lower_bound` returns such an
``epsilon`` (found by bisection with the invariant ``p_value(lo) <= a``), or 0 when even ``epsilon = 0`` is not
rejected.

Why the result is a valid lower bound at level ``a`` even if ``p_value`` were not monotone in ``epsilon``: let
``eps*`` be the true privacy parameter. An ``(eps*, delta)``-DP mechanism is ``(eps', delta)``-DP for every
``eps' >= eps*``, so ``f(v) = inf_{eps' >= eps*} p_value(eps', v) >= P[V >= v]`` for all ``v``. The reported bound
exceeds ``eps*`` only if some ``eps' > eps*`` has ``p_value(eps', V) <= a``, i.e. only if ``V`` lies in the set
``A = {v : f(v) <= a}``; with ``v0 = min A``, ``P[V in A] <= P[V >= v0] <= f(v0) <= a``.

Several independent runs, each with its own canaries, pool into one audit (``m``, ``r`` and ``v`` add up): a
canary affects only its own run, so the runs together are still ``(epsilon, delta)``-DP per canary. Trying
several guess counts on the same run needs a Bonferroni correction (:func:`audit_runs` does both).

The bound is a lower bound from one particular attack: a value far below the declared epsilon says nothing
against the accounting (one-run audits are loose for Gaussian noise), a value above it is evidence of a bug.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from scipy.stats import binom

DEFAULT_ALPHA = 0.05
_BISECTION_STEPS = 60


def _check_counts(m: int, r: int, v: int) -> None:
    if not 0 <= v <= r <= m:
        raise ValueError(f"need 0 <= correct <= guesses <= canaries, got v={v}, r={r}, m={m}")


def p_value(m: int, r: int, v: int, epsilon: float, delta: float = 0.0) -> float:
    """Upper bound on ``P[V >= v]`` for an ``(epsilon, delta)``-DP mechanism (the paper's Theorem 5.2).

    Args:
        m: Number of canaries, each included independently with probability 1/2.
        r: Number of guesses (canaries not abstained on).
        v: Number of correct guesses.
        epsilon: Epsilon of the null hypothesis (>= 0).
        delta: Delta of the null hypothesis, in [0, 1].

    Returns:
        ``min(1, beta + 2 m delta alpha)`` (module docstring); the probability, were the mechanism
        ``(epsilon, delta)``-DP, of at least ``v`` correct guesses out of ``r``.

    Raises:
        ValueError: Counts out of order, or a negative epsilon or delta outside [0, 1].
    """
    _check_counts(m, r, v)
    if not epsilon >= 0:
        raise ValueError(f"epsilon must be >= 0, got {epsilon}")
    if not 0 <= delta <= 1:
        raise ValueError(f"delta must be in [0, 1], got {delta}")
    q = 1.0 / (1.0 + math.exp(-epsilon)) if epsilon < 700 else 1.0
    beta = float(binom.sf(v - 1, r, q))  # P[Binomial(r, q) >= v]
    if delta == 0 or v == 0:
        return min(beta, 1.0)
    # alpha = max_i (1/i) * sum_{j=1..i} P[Binomial = v - j], i = 1..v
    below = binom.pmf(np.arange(v - 1, -1, -1), r, q)  # P[B = v-1], P[B = v-2], ..., P[B = 0]
    alpha = float(np.max(np.cumsum(below) / np.arange(1, v + 1)))
    return min(beta + 2.0 * m * delta * alpha, 1.0)


def max_epsilon_lower_bound(r: int, alpha: float = DEFAULT_ALPHA) -> float:
    """The largest bound ``r`` guesses can give (all correct, ``delta = 0``): ``q^r = alpha``.

    Args:
        r: Number of guesses.
        alpha: One minus the confidence.

    Returns:
        ``log(q / (1 - q))`` with ``q = alpha^(1/r)``, or 0 when that is negative (too few guesses to reject
        even ``epsilon = 0``) or ``r`` is 0.
    """
    if r <= 0:
        return 0.0
    log_q = math.log(alpha) / r
    return max(0.0, log_q - math.log(-math.expm1(log_q)))


def epsilon_lower_bound(m: int, r: int, v: int, delta: float = 0.0, alpha: float = DEFAULT_ALPHA) -> float:
    """Empirical lower bound on epsilon at confidence ``1 - alpha`` from ``v`` correct of ``r`` guesses.

    Args:
        m: Number of canaries.
        r: Number of guesses.
        v: Number of correct guesses.
        delta: The delta the mechanism claims (0 for the pure-DP bound).
        alpha: One minus the confidence (0.05: 95%).

    Returns:
        An epsilon rejected by :func:`p_value` (``p_value <= alpha``; within ``1e-9`` below the largest one
        when ``p_value`` is monotone), or 0.0 when ``epsilon = 0`` itself is not rejected. Never above
        :func:`max_epsilon_lower_bound`.

    Raises:
        ValueError: Counts out of order, or ``alpha`` outside (0, 1).
    """
    _check_counts(m, r, v)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if r == 0 or p_value(m, r, v, 0.0, delta) > alpha:
        return 0.0
    lo = 0.0  # invariant: p_value(lo) <= alpha
    hi = max_epsilon_lower_bound(r, alpha) + 1e-6  # p_value(hi) >= P[Bin(r, q) >= r] = q^r > alpha
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if p_value(m, r, v, mid, delta) <= alpha:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-9:
            break
    return lo


def top_bottom_guesses(scores: Sequence[float] | np.ndarray, k_plus: int, k_minus: int,
                       rng: np.random.Generator | None = None) -> np.ndarray:
    """Guess +1 (included) for the ``k_plus`` highest scores, -1 for the ``k_minus`` lowest, 0 otherwise.

    Args:
        scores: One score per canary (higher: more evidence it was included).
        k_plus: Number of "included" guesses.
        k_minus: Number of "excluded" guesses.
        rng: Breaks ties among equal scores at random (None: by canary index). Either way the order does not
            depend on the secret signs.

    Returns:
        An int array of -1, 0 and +1, one per canary.

    Raises:
        ValueError: ``k_plus + k_minus`` exceeds the number of canaries, or a negative count.
    """
    s = np.asarray(scores, dtype=float)
    m = len(s)
    if k_plus < 0 or k_minus < 0 or k_plus + k_minus > m:
        raise ValueError(f"need k_plus, k_minus >= 0 and k_plus + k_minus <= {m}, got {k_plus} and {k_minus}")
    ties = rng.random(m) if rng is not None else np.arange(m, dtype=float)
    order = np.lexsort((ties, s))  # ascending by score, then by tie-breaker
    guesses = np.zeros(m, dtype=np.int64)
    if k_minus:
        guesses[order[:k_minus]] = -1
    if k_plus:
        guesses[order[m - k_plus:]] = 1
    return guesses


@dataclass(frozen=True)
class AuditResult:
    """One audit's counts and bound.

    Attributes:
        canaries: ``m`` (over all pooled runs).
        guesses: ``r``.
        correct: ``v``.
        delta: The delta used in the bound.
        alpha: One minus the confidence the bound was computed at (after any Bonferroni correction).
        epsilon_lower_bound: The empirical lower bound on epsilon.
        runs: Number of independent runs pooled.
        k_plus: "Included" guesses per run (None when built from counts).
        k_minus: "Excluded" guesses per run (None when built from counts).
    """

    canaries: int
    guesses: int
    correct: int
    delta: float
    alpha: float
    epsilon_lower_bound: float
    runs: int = 1
    k_plus: int | None = None
    k_minus: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-able dict."""
        return asdict(self)


def audit_from_counts(m: int, r: int, v: int, delta: float = 0.0, alpha: float = DEFAULT_ALPHA) -> AuditResult:
    """Bundle counts (for instance pooled over independent runs) with their bound.

    Args:
        m: Number of canaries.
        r: Number of guesses.
        v: Number of correct guesses.
        delta: Delta for the bound.
        alpha: One minus the confidence.

    Returns:
        The :class:`AuditResult`.
    """
    return AuditResult(m, r, v, float(delta), float(alpha), epsilon_lower_bound(m, r, v, delta, alpha))


def count_correct(scores: Sequence[float] | np.ndarray, included: Sequence[bool] | np.ndarray, k_plus: int,
                  k_minus: int, rng: np.random.Generator | None = None) -> tuple[int, int]:
    """Guess from the scores (:func:`top_bottom_guesses`) and count the guesses and the correct ones.

    Args:
        scores: One score per canary.
        included: The secret inclusion of each canary.
        k_plus: Number of "included" guesses.
        k_minus: Number of "excluded" guesses.
        rng: Tie-breaking, see :func:`top_bottom_guesses`.

    Returns:
        ``(r, v)``: guesses made and correct guesses.

    Raises:
        ValueError: ``scores`` and ``included`` differ in length, or bad guess counts.
    """
    inc = np.asarray(included, dtype=bool)
    if len(inc) != len(scores):
        raise ValueError(f"{len(scores)} scores but {len(inc)} inclusion flags")
    guesses = top_bottom_guesses(scores, k_plus, k_minus, rng)
    truth = np.where(inc, 1, -1)
    return int(np.count_nonzero(guesses)), int(np.count_nonzero(guesses * truth > 0))


def audit(scores: Sequence[float] | np.ndarray, included: Sequence[bool] | np.ndarray, k_plus: int, k_minus: int,
          delta: float = 0.0, alpha: float = DEFAULT_ALPHA, rng: np.random.Generator | None = None) -> AuditResult:
    """One run, one guess count: guess, count the correct guesses, and bound epsilon.

    Args:
        scores: One score per canary.
        included: The secret inclusion of each canary (drawn independently with probability 1/2).
        k_plus: Number of "included" guesses (fixed before the output was seen).
        k_minus: Number of "excluded" guesses.
        delta: Delta for the bound.
        alpha: One minus the confidence.
        rng: Tie-breaking, see :func:`top_bottom_guesses`.

    Returns:
        The :class:`AuditResult`.

    Raises:
        ValueError: ``scores`` and ``included`` differ in length, or bad guess counts.
    """
    r, v = count_correct(scores, included, k_plus, k_minus, rng)
    return replace(audit_from_counts(len(scores), r, v, delta, alpha), k_plus=k_plus, k_minus=k_minus)


def audit_runs(runs: Sequence[tuple[Sequence[float] | np.ndarray, Sequence[bool] | np.ndarray]],
               guess_counts: Sequence[tuple[int, int]], delta: float = 0.0, alpha: float = DEFAULT_ALPHA,
               rng: np.random.Generator | None = None) -> AuditResult:
    """Pool independent runs and take the best of several guess counts, each at ``alpha / len(guess_counts)``.

    Every run has its own canaries; for each ``(k_plus, k_minus)`` candidate (the same in every run) the guesses
    and correct guesses of all runs are added up. The Bonferroni correction keeps the overall confidence at
    ``1 - alpha`` although the candidate is chosen after seeing which gives the highest bound.

    Args:
        runs: ``(scores, included)`` per run.
        guess_counts: The candidate ``(k_plus, k_minus)`` pairs, fixed in advance.
        delta: Delta for the bound.
        alpha: Overall one minus the confidence.
        rng: Tie-breaking (one order per run, shared by the candidates); None: by canary index.

    Returns:
        The :class:`AuditResult` with the highest bound (its ``alpha`` is the corrected level).

    Raises:
        ValueError: No run or no candidate given, or bad guess counts.
    """
    if not runs or not guess_counts:
        raise ValueError("give at least one run and one (k_plus, k_minus) pair")
    seeds = [None if rng is None else int(rng.integers(2**63)) for _ in runs]
    level = alpha / len(guess_counts)
    m = sum(len(scores) for scores, _ in runs)
    best: AuditResult | None = None
    for kp, km in guess_counts:
        r = v = 0
        for (scores, included), seed in zip(runs, seeds, strict=True):
            ri, vi = count_correct(scores, included, kp, km, None if seed is None else np.random.default_rng(seed))
            r, v = r + ri, v + vi
        result = replace(audit_from_counts(m, r, v, delta, level), runs=len(runs), k_plus=kp, k_minus=km)
        if best is None or result.epsilon_lower_bound > best.epsilon_lower_bound:
            best = result
    assert best is not None
    return best
