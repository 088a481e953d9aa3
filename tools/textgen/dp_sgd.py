"""DP-SGD for LoRA adapters: the declared event, noise calibration and Poisson sampling.

The mechanism is the Poisson-subsampled Gaussian, self-composed over the steps: every step includes each
training sequence independently with probability ``q = expected_batch / n`` (so the batch size varies, as
the accountant assumes), clips each sequence's gradient to L2 norm ``C``, sums, and adds
``N(0, (sigma * C)^2)`` before the optimizer step. ``n`` is treated as public, as in Opacus and the DP-SGD
literature. The event is built from these parameters alone, *before* any text is read, and
:func:`calibrate_sigma` picks the smallest ``sigma`` whose PLD-accounted epsilon stays at or under the target.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from dp_accounting import dp_event

from privsynth.errors import AccountingError, ConfigError
from privsynth.policies.accountant import calibrate_noise
from privsynth.tools.textgen.randomness import NoiseSource

CLIPPING_MODES = ("hooks", "ghost")  # per-sample clipping engines of the trainer (same mechanism, same event)

LABEL_SHARE_OF_EPSILON = 0.1
MAX_SIGMA = 200.0
MIN_SIGMA = 0.05
COARSE_DISCRETIZATION = 1e-3


@dataclass(frozen=True)
class DPSGDSchedule:
    """The data-independent part of a DP-SGD run.

    Attributes:
        records: Training units (sequences; users under user-level privacy), treated as public.
        expected_batch: Expected logical batch size ``q * records``.
        epochs: Expected passes over the data.
    """

    records: int
    expected_batch: int
    epochs: float

    @property
    def sample_rate(self) -> float:
        """Poisson inclusion probability ``q``."""
        return min(1.0, self.expected_batch / self.records)

    @property
    def steps(self) -> int:
        """Optimizer steps: ``ceil(epochs / q)``."""
        return max(1, math.ceil(self.epochs / self.sample_rate))


def sgd_event(schedule: DPSGDSchedule, sigma: float) -> dp_event.DpEvent:
    """The DP-SGD event: Poisson-sampled Gaussian (noise multiplier ``sigma``), self-composed over the steps."""
    step = dp_event.PoissonSampledDpEvent(schedule.sample_rate, dp_event.GaussianDpEvent(sigma))
    return dp_event.SelfComposedDpEvent(step, schedule.steps)


def label_event(sigma: float) -> dp_event.DpEvent:
    """The label-count histogram: Gaussian noise on counts where one unit moves one count by at most 1."""
    return dp_event.GaussianDpEvent(sigma)


@dataclass(frozen=True)
class TextPrivacyPlan:
    """Noise for every part of a text run, and the event that declares it.

    Attributes:
        schedule: Sampling schedule.
        sgd_sigma: DP-SGD noise multiplier.
        label_sigma: Noise of the label histogram (None when no proportions are measured).
        epsilon: The PLD-accounted epsilon of :attr:`event` at the run's delta (<= the target).
    """

    schedule: DPSGDSchedule
    sgd_sigma: float
    label_sigma: float | None
    epsilon: float

    @property
    def event(self) -> dp_event.DpEvent:
        """The composed event declared to the ledger."""
        parts = [sgd_event(self.schedule, self.sgd_sigma)]
        if self.label_sigma is not None:
            parts.insert(0, label_event(self.label_sigma))
        return parts[0] if len(parts) == 1 else dp_event.ComposedDpEvent(parts)


def calibrate_sigma(make: Callable[[float], dp_event.DpEvent], epsilon: float, delta: float,
                    rel_tol: float = 2e-3) -> tuple[float, float]:
    """Smallest noise multiplier whose event meets ``(epsilon, delta)``: the accountant's one calibration.

    The search runs on a coarser (pessimistic, so never lower) PLD discretization, about ten times faster for
    the many composed steps of DP-SGD; the accountant then checks the answer with the ledger's own PLD.

    Returns:
        ``(noise_multiplier, pld_epsilon)``.

    Raises:
        AccountingError: Not even noise :data:`MAX_SIGMA` meets the target.
    """
    try:
        cal = calibrate_noise(make, epsilon, delta, lo=MIN_SIGMA, hi=MAX_SIGMA, rel_tol=rel_tol,
                              search_discretization=COARSE_DISCRETIZATION)
    except AccountingError:
        raise AccountingError(f"epsilon {epsilon} cannot be met with noise multiplier {MAX_SIGMA}.",
                              "Raise epsilon.") from None
    return cal.noise_multiplier, cal.epsilon


@functools.lru_cache(maxsize=32)
def plan_privacy(schedule: DPSGDSchedule, epsilon: float, delta: float, measure_labels: bool) -> TextPrivacyPlan:
    """Calibrate the noise of a text run to ``(epsilon, delta)``.

    With ``measure_labels``, a Gaussian label histogram gets noise calibrated to a tenth of epsilon on its own;
    the DP-SGD noise is then calibrated so that the *composition* of both meets the full target under PLD.
    Results are cached per process (the budget gate and the training step ask for the same plan).

    Raises:
        AccountingError: The target is too small for this schedule (say which knob to turn).
    """
    label_sigma = None
    if measure_labels:
        label_sigma = calibrate_sigma(label_event, LABEL_SHARE_OF_EPSILON * epsilon, delta)[0]

    def make(sigma: float) -> dp_event.DpEvent:
        sgd = sgd_event(schedule, sigma)
        return sgd if label_sigma is None else dp_event.ComposedDpEvent([label_event(label_sigma), sgd])

    try:
        sigma, accounted = calibrate_sigma(make, epsilon, delta)
    except AccountingError as exc:
        raise AccountingError(
            f"epsilon {epsilon} is too small for DP-SGD on {schedule.records} records ({schedule.steps} steps at "
            f"sampling rate {schedule.sample_rate:.3g}): even noise multiplier {MAX_SIGMA:g} would exceed it.",
            "Raise epsilon, use more training records, or train fewer epochs.") from exc
    return TextPrivacyPlan(schedule=schedule, sgd_sigma=sigma, label_sigma=label_sigma, epsilon=accounted)


def poisson_batch(records: int, sample_rate: float, rng: np.random.Generator | NoiseSource) -> np.ndarray:
    """Indices of one step's batch: every record is included independently with probability ``sample_rate``.

    Batches vary in size (and may be empty), exactly as the Poisson-subsampled Gaussian accountant assumes.
    The amplification by sampling also assumes the batches are secret: in training, ``rng`` is the
    ``"sampling"`` stream of a freshly seeded :class:`~privsynth.tools.textgen.randomness.RunRandomness`.

    Raises:
        ConfigError: The rate is outside ``(0, 1]``.
    """
    if not 0 < sample_rate <= 1:
        raise ConfigError(f"sample rate must be in (0, 1], got {sample_rate}.", "Check the batch size.")
    return np.flatnonzero(rng.random(records) < sample_rate)


def noisy_label_counts(labels: list[str], domain: list[str], weights: list[float], sigma: float,
                       rng: np.random.Generator | NoiseSource) -> dict[str, float]:
    """Gaussian-noised label counts over a public label domain (post-processed to proportions by the caller).

    Args:
        labels: One label per contribution.
        domain: The public list of labels.
        weights: Weight of each contribution; a unit's weights sum to at most 1 (L2 sensitivity <= 1).
        sigma: Noise standard deviation (sensitivity 1).
        rng: Noise source (the generator passes the ``"label_noise"`` stream of a freshly seeded
            :class:`~privsynth.tools.textgen.randomness.RunRandomness`).
    """
    counts = dict.fromkeys(domain, 0.0)
    for label, weight in zip(labels, weights, strict=True):
        counts[label] += weight
    return {k: v + float(rng.normal(0.0, sigma)) for k, v in counts.items()}
