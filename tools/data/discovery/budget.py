"""The discovery's privacy event and the split of a run's (epsilon, delta) between discovery and generator.

Every count the discovery releases is a unit of L2 sensitivity 1 with the same Gaussian noise ``sigma``: per
column, the kinds of its cells (one histogram), the stability-based histogram of its values, and the three
histograms of :mod:`.quantile` (:data:`UNITS_PER_COLUMN` in all, a record counting once in each). With ``k``
columns the whole release is one Gaussian mechanism of sensitivity ``sqrt(5 k)``, ``GaussianDpEvent(sigma /
sqrt(5 k))``, composed with the thresholds' (0, delta) part (``ThresholdDpEvent``): one ``ComposedDpEvent``,
declared from public parameters only (epsilon, delta, the share, the number of columns in the header) and
committed to the ledger before the values are read.

The split. Of the run's delta, :data:`THRESHOLD_SHARE` goes to the thresholds; the rest, ``delta'``, is the
generator's and the Gaussian's. The share (default :data:`DEFAULT_SHARE`) is a share of the run's zCDP budget
``rho`` (the ``rho`` whose zCDP conversion gives ``(epsilon, delta')``): the discovery's noise multiplier is
``1 / sqrt(2 share rho)``. The generator gets the largest ``epsilon_g`` (a bisection) for which the PLD
composition of the discovery's Gaussian and the generator's own event is at most ``epsilon`` at ``delta'``; the
run's total, thresholds included, is then at most ``(epsilon, delta)``. A Gaussian composes like its ``rho``, so
a 10% share costs the generator about 5% more noise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

from dp_accounting import dp_event

from privsynth.errors import ConfigError
from privsynth.policies.accountant import epsilon_of
from privsynth.policies.events import ThresholdDpEvent
from privsynth.tools.data.discovery.quantile import UNITS

DEFAULT_SHARE = 0.1
THRESHOLD_SHARE = 0.1
UNITS_PER_COLUMN = 2 + UNITS
GENERATOR_STEPS = 3


def rho_of(epsilon: float, delta: float) -> float:
    """The zCDP ``rho`` whose conversion ``epsilon = rho + 2 sqrt(rho ln(1/delta))`` gives ``(epsilon, delta)``."""
    log_d = math.log(1.0 / delta)
    return (math.sqrt(log_d + epsilon) - math.sqrt(log_d)) ** 2


def epsilon_from_rho(rho: float, delta: float) -> float:
    """The epsilon at ``delta`` of a ``rho``-zCDP mechanism (the conversion of :func:`rho_of`)."""
    return rho + 2.0 * math.sqrt(rho * math.log(1.0 / delta))


@dataclass(frozen=True)
class DiscoveryBudget:
    """The discovery's public noise parameters and the generator's share (all public).

    Attributes:
        epsilon: The run's (or the draft's) target epsilon.
        delta: The run's target delta.
        share: The discovery's share of the run's zCDP budget (1: a draft on its own).
        columns: Columns in the header.
        noise_multiplier: The Gaussian event's multiplier (``sigma / sqrt(units)``).
        sigma: The noise standard deviation of every count.
        threshold_delta: The thresholds' delta (all columns together).
        threshold: The stability-based histogram's release threshold ``tau``.
        generator_epsilon: The generator's epsilon (None for a draft on its own).
        generator_delta: The generator's delta.
        epsilon_alone: The discovery's own epsilon at ``delta`` (PLD), for display.
    """

    epsilon: float
    delta: float
    share: float
    columns: int
    noise_multiplier: float
    sigma: float
    threshold_delta: float
    threshold: float
    generator_delta: float
    epsilon_alone: float
    generator_epsilon: float | None = None

    def gaussian(self) -> dp_event.DpEvent:
        """The counts' Gaussian part alone."""
        return dp_event.GaussianDpEvent(self.noise_multiplier)

    def event(self) -> dp_event.DpEvent:
        """The discovery's declared event: the Gaussian composed with the thresholds' (0, delta) part."""
        return dp_event.ComposedDpEvent([self.gaussian(), ThresholdDpEvent(self.threshold_delta)])

    def as_dict(self) -> dict[str, float | int | None]:
        """The parameters as a JSON-able dict."""
        return asdict(self)


def plan_discovery(epsilon: float, delta: float, columns: int, share: float = DEFAULT_SHARE) -> DiscoveryBudget:
    """The discovery's noise for a run (or a draft, ``share=1``), before the generator's share is fixed.

    Raises:
        ConfigError: A share outside (0, 1], or no columns.
    """
    from privsynth.tools.data.discovery.histogram import threshold_for

    if not 0 < share <= 1:
        raise ConfigError(f"The domain-discovery share must be in (0, 1] (got {share:g}).", "Use e.g. 0.1.")
    if columns < 1:
        raise ConfigError("A table without columns has no domain to discover.", "Give a table with a header.")
    threshold_delta = THRESHOLD_SHARE * delta
    rest = delta - threshold_delta
    z = 1.0 / math.sqrt(2.0 * share * rho_of(epsilon, rest))
    units = UNITS_PER_COLUMN * columns
    sigma = z * math.sqrt(units)
    tau = threshold_for(sigma, threshold_delta / columns)
    alone = epsilon_of([dp_event.ComposedDpEvent([dp_event.GaussianDpEvent(z), ThresholdDpEvent(threshold_delta)])],
                       delta)
    return DiscoveryBudget(epsilon=epsilon, delta=delta, share=share, columns=columns, noise_multiplier=z,
                           sigma=sigma, threshold_delta=threshold_delta, threshold=tau, generator_delta=rest,
                           epsilon_alone=alone)


def with_generator(budget: DiscoveryBudget, generator_event: Callable[[float, float], dp_event.DpEvent],
                   steps: int = GENERATOR_STEPS) -> DiscoveryBudget:
    """Give the generator the largest epsilon (of a short bisection) that keeps the run within its target.

    Args:
        budget: The discovery's plan (:func:`plan_discovery`).
        generator_event: The generator's declared event for ``(epsilon_g, delta_g)``.
        steps: Bisection steps above the zCDP split (each calibrates the generator once).

    Returns:
        The budget with ``generator_epsilon`` set.

    Raises:
        ConfigError: Not even the zCDP split fits (epsilon too small for discovery and a generator).
    """
    def fits(eps_g: float) -> bool:
        return epsilon_of([budget.gaussian(), generator_event(eps_g, budget.generator_delta)],
                          budget.generator_delta) <= budget.epsilon

    rho = rho_of(budget.epsilon, budget.generator_delta)
    low = epsilon_from_rho((1.0 - budget.share) * rho, budget.generator_delta)
    shrink = 0
    while not fits(low):
        low *= 0.97
        shrink += 1
        if shrink > 20:
            raise ConfigError(f"epsilon {budget.epsilon:g} is too small to share between domain discovery and the "
                              "generator.", "Raise --epsilon, or give a public schema with --schema.")
    high = budget.epsilon
    for _ in range(steps):
        mid = 0.5 * (low + high)
        if fits(mid):
            low = mid
        else:
            high = mid
    return DiscoveryBudget(**{**budget.as_dict(), "generator_epsilon": low})  # type: ignore[arg-type]
