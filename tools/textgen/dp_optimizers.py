"""Opacus' DP optimizers with the Gaussian noise drawn from a :class:`~privsynth.tools.textgen.randomness.NoiseSource`.

Opacus 1.6 draws the noise in ``DPOptimizer.add_noise`` with ``torch.normal(generator=...)``: a torch generator
takes a 64-bit seed at most, and without one it falls back to torch's global generator (seeded by any
``torch.manual_seed`` call). These subclasses override ``add_noise`` only, with opacus' own bookkeeping
(the processed-flag checks and ``_adjusted_noise_multiplier`` of the fast-clipping optimizer), so clipping,
accumulation, skipped steps and scaling stay opacus'.
"""

from __future__ import annotations

from typing import Any

from opacus.optimizers import DPOptimizer, DPOptimizerFastGradientClipping
from opacus.optimizers.optimizer import _check_processed_flag, _mark_as_processed

from privsynth.tools.textgen.randomness import NoiseSource


class _SourcedNoise:
    """Replaces opacus' ``add_noise``: same update, noise from ``self.noise_source``."""

    noise_source: NoiseSource
    params: list[Any]
    noise_multiplier: float
    max_grad_norm: float

    def add_noise(self) -> None:
        """``p.grad = summed clipped gradient + N(0, (sigma * C)^2)`` for every parameter."""
        multiplier = getattr(self, "_adjusted_noise_multiplier", self.noise_multiplier)
        std = float(multiplier) * float(self.max_grad_norm)
        for p in self.params:
            _check_processed_flag(p.summed_grad)
            p.grad = (p.summed_grad + self.noise_source.noise_like(std, p.summed_grad)).view_as(p)
            _mark_as_processed(p.summed_grad)


class SourcedDPOptimizer(_SourcedNoise, DPOptimizer):
    """``DPOptimizer`` (per-sample gradients from hooks) with noise from a :class:`NoiseSource`."""

    def __init__(self, optimizer: Any, *, noise_source: NoiseSource, **kwargs: Any) -> None:
        super().__init__(optimizer, generator=None, secure_mode=noise_source.secure, **kwargs)
        self.noise_source = noise_source


class SourcedDPOptimizerFastGradientClipping(_SourcedNoise, DPOptimizerFastGradientClipping):
    """``DPOptimizerFastGradientClipping`` (ghost clipping) with noise from a :class:`NoiseSource`."""

    def __init__(self, optimizer: Any, *, noise_source: NoiseSource, **kwargs: Any) -> None:
        super().__init__(optimizer, generator=None, secure_mode=noise_source.secure, **kwargs)
        self.noise_source = noise_source
