"""Privacy accounting: compose DP events and calibrate noise.

The primary accountant is dp_accounting's privacy-loss-distribution (PLD) accountant, which is tight
for Gaussian and Poisson-subsampled Gaussian mechanisms; the RDP accountant is the cross-check (it is
looser, so its epsilon is an upper bound that must never be *below* the PLD one by more than numerical
slack). Non-private events (SDV for non-sensitive data) make epsilon infinite. A
:class:`~privsynth.policies.events.ThresholdDpEvent` (the (0, delta) part of a stability-based histogram) is
composed by spending its delta: the rest is accounted at ``delta - sum of thresholds``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dp_accounting import dp_event
from dp_accounting.pld import pld_privacy_accountant
from dp_accounting.rdp import rdp_privacy_accountant

from privsynth.errors import AccountingError
from privsynth.policies.events import ThresholdDpEvent

PLD_DISCRETIZATION = 1e-4


def _pld() -> pld_privacy_accountant.PLDAccountant:
    return pld_privacy_accountant.PLDAccountant(value_discretization_interval=PLD_DISCRETIZATION)


def _is_non_private(event: dp_event.DpEvent) -> bool:
    if isinstance(event, dp_event.NonPrivateDpEvent):
        return True
    if isinstance(event, dp_event.ComposedDpEvent):
        return any(_is_non_private(e) for e in event.events)
    if isinstance(event, dp_event.SelfComposedDpEvent | dp_event.PoissonSampledDpEvent):
        return _is_non_private(event.event)
    return False


def _split_thresholds(events: Sequence[dp_event.DpEvent]) -> tuple[list[dp_event.DpEvent], float]:
    """The events without their threshold parts (composed ones flattened), and the thresholds' total delta."""
    rest: list[dp_event.DpEvent] = []
    total = 0.0
    for event in events:
        if isinstance(event, ThresholdDpEvent):
            total += float(event.delta)
        elif isinstance(event, dp_event.SelfComposedDpEvent) and isinstance(event.event, ThresholdDpEvent):
            total += float(event.event.delta) * int(event.count)
        elif isinstance(event, dp_event.ComposedDpEvent) and _has_threshold(event):
            inner, delta = _split_thresholds(event.events)
            rest.extend(inner)
            total += delta
        else:
            rest.append(event)
    return rest, total


def _has_threshold(event: dp_event.DpEvent) -> bool:
    if isinstance(event, ThresholdDpEvent):
        return True
    if isinstance(event, dp_event.ComposedDpEvent):
        return any(_has_threshold(e) for e in event.events)
    return isinstance(event, dp_event.SelfComposedDpEvent) and _has_threshold(event.event)


def supports(event: dp_event.DpEvent) -> bool:
    """Dry run: can the PLD accountant compose this event?

    Args:
        event: The event a generator declares.

    Returns:
        True when :func:`epsilon_of` can account for it (non-private events count as supported: they
        give epsilon = infinity).
    """
    if _has_threshold(event):
        rest, _ = _split_thresholds([event])
        return all(supports(e) for e in rest)
    return _is_non_private(event) or _pld().supports(event)


def epsilon_of(events: Sequence[dp_event.DpEvent], delta: float, accountant: str = "pld") -> float:
    """Epsilon of the composition of events at a given delta.

    Args:
        events: Events to compose (order does not matter).
        delta: Target delta, in (0, 1).
        accountant: ``"pld"`` (tight, default) or ``"rdp"`` (cross-check).

    Returns:
        The epsilon; ``0.0`` for no events, ``inf`` if any event is non-private.

    Raises:
        AccountingError: An event is not supported, or delta is out of range.
    """
    if not 0 < delta < 1:
        raise AccountingError(f"delta must be in (0, 1), got {delta}.", "Pass a small positive delta.")
    events, thresholds = _split_thresholds(events)
    if thresholds > 0:
        if thresholds >= delta:
            return math.inf
        delta -= thresholds
    events = [e for e in events if not isinstance(e, dp_event.NoOpDpEvent)]
    if not events:
        return 0.0
    if any(_is_non_private(e) for e in events):
        return math.inf
    acct = _pld() if accountant == "pld" else rdp_privacy_accountant.RdpAccountant()
    for event in events:
        if not acct.supports(event):
            raise AccountingError(f"The {accountant.upper()} accountant cannot compose {type(event).__name__}.",
                                  "Declare the mechanism as a Gaussian, Laplace or Poisson-sampled event.")
        acct.compose(event)
    return float(acct.get_epsilon(delta))


@dataclass(frozen=True)
class Calibration:
    """Result of calibrating a noise parameter to a privacy target."""

    noise_multiplier: float
    epsilon: float
    delta: float


def smallest_fitting_noise(fits: Callable[[float], bool], lo: float, hi: float, rel_tol: float) -> float:
    """Smallest noise in ``[lo, hi]`` for which the monotone test ``fits`` holds, given that ``fits(hi)`` holds.

    Brackets from 1.0 outwards (accounting a very small noise multiplier is slow, so the search never starts
    there), then bisects geometrically until the bracket is ``rel_tol`` tight; the answer always fits.
    """
    upper = min(max(1.0, lo), hi)
    if fits(upper):
        lower = upper
        while lower > lo and fits(lower):
            upper, lower = lower, max(lo, lower / 2)
        if fits(lower):
            upper = lower
    else:
        lower = upper
        while not fits(upper):
            lower, upper = upper, min(hi, upper * 2)
    while upper - lower > rel_tol * lower:
        mid = math.sqrt(lower * upper)
        if fits(mid):
            upper = mid
        else:
            lower = mid
    return upper


def calibrate_noise(make_event: Callable[[float], dp_event.DpEvent], epsilon: float, delta: float,
                    lo: float = 1e-2, hi: float = 1e4, rel_tol: float = 1e-3,
                    search_discretization: float | None = None) -> Calibration:
    """Smallest noise multiplier whose event meets ``(epsilon, delta)`` under the PLD accountant.

    The one noise calibration of privsynth: every mechanism (tabular marginals, MST/AIM, DP-SGD) calls it with
    its event factory. The search is a bisection on a monotone function (more noise, less epsilon); the
    returned multiplier is always on the *safe* side: its epsilon under the ledger's own accountant is <= the
    target (checked, and nudged up if need be).

    Args:
        make_event: Builds the mechanism's event from a noise multiplier.
        epsilon: Target epsilon (> 0).
        delta: Target delta, in (0, 1).
        lo: Lower end of the search.
        hi: Upper end of the search.
        rel_tol: Stop when the bracket is this tight (relative).
        search_discretization: When given, the bisection runs on a PLD accountant with this (coarser,
            pessimistic) value discretization, which is much faster for long compositions such as DP-SGD;
            the answer is then checked with the ledger's accountant.

    Returns:
        The calibration (noise multiplier and its accounted epsilon).

    Raises:
        AccountingError: The target cannot be met within the search range.
    """
    if epsilon <= 0:
        raise AccountingError(f"epsilon must be positive, got {epsilon}.", "Pass --epsilon greater than 0.")
    def fits(noise: float) -> bool:
        event = make_event(noise)
        if search_discretization is None:
            return epsilon_of([event], delta) <= epsilon
        coarse = pld_privacy_accountant.PLDAccountant(value_discretization_interval=search_discretization)
        coarse.compose(event)
        return float(coarse.get_epsilon(delta)) <= epsilon

    if not fits(hi):
        raise AccountingError(f"epsilon {epsilon} is too small to measure anything at delta {delta}.",
                              "Raise epsilon or delta.")
    noise = smallest_fitting_noise(fits, lo, hi, rel_tol)
    accounted = epsilon_of([make_event(noise)], delta)
    while accounted > epsilon:  # only after a coarse search, which is pessimistic: not expected, never overshoot
        noise *= 1.005
        accounted = epsilon_of([make_event(noise)], delta)
    return Calibration(noise_multiplier=noise, epsilon=accounted, delta=delta)
