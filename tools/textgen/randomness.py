"""Randomness of the text generator's DP mechanisms: fresh OS entropy in every run unless a seed is given.

Three draws carry the privacy guarantee and come from here: the Gaussian noise of DP-SGD, the Poisson
subsampling of the training units (amplification by sampling assumes nobody can predict the batches) and the
Gaussian noise of the label histogram. :class:`RunRandomness` seeds them with ``SEED_BITS`` (256) bits from
:mod:`secrets` per run; an explicit integer seed makes them reproducible and is meant for tests and benchmarks
only (a known seed lets anyone recompute, and subtract, the noise).

Two generators, picked by ``secure``:

* default: numpy's PCG64DXSM, seeded by a ``SeedSequence`` whose pool holds all 256 bits (numpy's default
  pool keeps 128); each purpose gets its own stream (``spawn_key``). torch generators take 64-bit seeds only,
  so the DP-SGD noise is drawn here, on the CPU, and copied to the parameters' device. Under an explicit seed
  the batches are ``np.random.default_rng(seed)``'s, as in earlier versions (seeded tests keep their batches).
* ``secure=True`` (the text generator's ``secure_mode``): a cryptographic generator, SHAKE-256 (stdlib
  :mod:`hashlib`) in counter mode keyed by the run's entropy, turned into Gaussians by Box-Muller on 53-bit
  uniforms; each Gaussian is the sum of four such draws divided by two, the defence against floating-point
  attacks on Gaussian samplers that opacus' ``secure_mode`` implements (``opacus.optimizers.optimizer.
  _generate_noise``; arXiv 2107.10138 section 5.1, attack of arXiv 2112.05307). Opacus' own secure mode needs
  ``torchcsprng`` for its generator (``PrivacyEngine``), which is not available here; this module replaces
  that generator, not the defence.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import numpy as np

from privsynth.errors import ConfigError

SEED_BITS = 256
STREAMS = ("sampling", "sgd_noise", "label_noise")
_DOMAIN = b"privsynth/textgen/"
_TWO_PI = 2.0 * np.pi


class _Shake256Bits:
    """Cryptographically strong random bytes: SHAKE-256 over ``key || counter``, one counter value per request."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._counter = 0

    def uint64(self, n: int) -> np.ndarray:
        block = hashlib.shake_256(self._key + self._counter.to_bytes(8, "little")).digest(8 * n)
        self._counter += 1
        return np.frombuffer(block, dtype="<u8")


class NoiseSource:
    """One independent stream of DP randomness, with the part of numpy's ``Generator`` interface in use.

    Attributes:
        secure: Drawn from the cryptographic generator, with four-sum Gaussians.
        seed_sequence: The numpy seed of the default generator (None when ``secure``).
    """

    def __init__(self, entropy: int, stream: str, secure: bool = False, legacy: bool = False) -> None:
        if stream not in STREAMS:
            raise ValueError(f"unknown randomness stream {stream!r}")
        self.secure = secure
        self.seed_sequence: np.random.SeedSequence | None = None
        self._rng: np.random.Generator | None = None
        self._bits: _Shake256Bits | None = None
        if secure:
            size = max(1, (entropy.bit_length() + 7) // 8)
            self._bits = _Shake256Bits(_DOMAIN + stream.encode() + b"/" + entropy.to_bytes(size, "little"))
        elif legacy:  # an explicit seed's batches, as earlier versions drew them (np.random.default_rng(seed))
            self._rng = np.random.default_rng(entropy)
            self.seed_sequence = self._rng.bit_generator.seed_seq  # type: ignore[assignment]
        else:
            self.seed_sequence = np.random.SeedSequence(entropy, spawn_key=(STREAMS.index(stream),),
                                                        pool_size=SEED_BITS // 32)
            self._rng = np.random.Generator(np.random.PCG64DXSM(self.seed_sequence))

    def random(self, size: int) -> np.ndarray:
        """``size`` uniforms in ``[0, 1)`` (float64, 53 random bits each)."""
        if self._rng is not None:
            return self._rng.random(size)
        assert self._bits is not None
        return (self._bits.uint64(size) >> np.uint64(11)) * 2.0 ** -53

    def _box_muller(self, n: int) -> np.ndarray:
        pairs = (n + 1) // 2
        assert self._bits is not None
        words = self._bits.uint64(2 * pairs) >> np.uint64(11)
        radius = np.sqrt(-2.0 * np.log((words[:pairs] + 1.0) * 2.0 ** -53))  # uniform in (0, 1]: finite log
        angle = _TWO_PI * (words[pairs:] * 2.0 ** -53)
        return np.concatenate([radius * np.cos(angle), radius * np.sin(angle)])[:n]

    def standard_normal(self, size: int, dtype: Any = np.float64) -> np.ndarray:
        """``size`` standard Gaussians (secure: ``(g1 + g2 + g3 + g4) / 2``, as opacus' secure mode)."""
        if self._rng is not None:
            return self._rng.standard_normal(size, dtype=dtype)
        return (self._box_muller(4 * size).reshape(4, size).sum(axis=0) / 2.0).astype(dtype, copy=False)

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: int | None = None) -> Any:
        """Gaussians ``N(loc, scale^2)`` (a float when ``size`` is None, like numpy)."""
        draws = loc + scale * self.standard_normal(1 if size is None else size)
        return float(draws[0]) if size is None else draws

    def noise_like(self, std: float, reference: Any) -> Any:
        """Gaussian noise ``N(0, std^2)`` shaped like a torch tensor, on its device and in its dtype.

        Drawn on the CPU (float32) and copied to the tensor's device, CUDA included; zeros when ``std`` is 0
        (as opacus).
        """
        import torch

        if std == 0:
            return torch.zeros_like(reference)
        draws = self.standard_normal(reference.numel(), dtype=np.float32) * np.float32(std)
        return torch.from_numpy(draws).reshape(reference.shape).to(device=reference.device, dtype=reference.dtype)


class RunRandomness:
    """The DP randomness of one run: fresh ``SEED_BITS`` bits of OS entropy, or an explicit seed.

    Args:
        seed: None (always, in production): draw fresh entropy with :func:`secrets.randbits`. An integer makes
            the noise and the batches reproducible; for tests and benchmarks only.
        secure: Use the cryptographic generator (see the module docstring).
    """

    def __init__(self, seed: int | None = None, secure: bool = False) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
            raise ConfigError(f"A seed must be a non-negative integer or None, got {seed!r}.",
                              "Leave the seed unset (fresh entropy); seeds are for tests and benchmarks.")
        self.seeded = seed is not None
        self.secure = secure
        self._entropy = secrets.randbits(SEED_BITS) if seed is None else int(seed)

    def stream(self, name: str) -> NoiseSource:
        """The independent stream for one purpose (``"sampling"``, ``"sgd_noise"`` or ``"label_noise"``).

        Under an explicit seed (and not ``secure``), the ``"sampling"`` stream is ``np.random.default_rng(seed)``,
        so seeded tests and benchmarks see the Poisson batches earlier versions drew.
        """
        legacy = self.seeded and not self.secure and name == "sampling"
        return NoiseSource(self._entropy, name, self.secure, legacy=legacy)

    def __repr__(self) -> str:  # never show the entropy
        return f"RunRandomness(seeded={self.seeded}, secure={self.secure})"
