"""Tests of the within-group shapes of numeric columns (:mod:`privsynth.tools.tabular.encoding.group_shapes`)."""

from __future__ import annotations

import numpy as np
import pytest

from privsynth.tools.tabular.encoding.group_shapes import geometric_tail, interpolated_mass


@pytest.mark.parametrize("seed", range(6))
def test_interpolated_mass_keeps_every_group_mass(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 12, rng.integers(1, 8))
    of_fine = np.repeat(np.arange(len(sizes)), sizes)
    mass = rng.uniform(1.0, 500.0, len(sizes))
    for tails in (True, False):
        out = interpolated_mass(of_fine, mass, tails=tails)
        assert out.shape == of_fine.shape and (out > 0).all()
        assert np.allclose(np.bincount(of_fine, weights=out), mass, rtol=1e-6)


def test_end_groups_decay_away_from_the_data() -> None:
    """A top group spanning a long empty public range: its mass sits next to the data, not spread flat."""
    of_fine = np.repeat(np.arange(5), [4, 4, 4, 4, 40])
    out = interpolated_mass(of_fine, np.array([400.0, 400.0, 400.0, 400.0, 200.0]))
    top = out[16:]
    assert np.all(np.diff(top) < 0) and top[:10].sum() > 0.9 * 200.0
    flat = interpolated_mass(of_fine, np.array([400.0, 400.0, 400.0, 400.0, 200.0]), tails=False)[16:]
    assert flat[20:].sum() > top[20:].sum() * 10  # the plain interpolation spreads it over the empty range
    head = out[:4]
    assert np.allclose(head.sum(), 400.0) and head[-1] >= head[0]  # heavy first group: close to flat


@pytest.mark.parametrize("edge,mass,width", [(100.0, 300.0, 20), (50.0, 49.0, 30), (10.0, 500.0, 8), (0.0, 5.0, 6)])
def test_geometric_tail_sums_to_the_mass(edge: float, mass: float, width: int) -> None:
    out = geometric_tail(edge, mass, width)
    assert len(out) == width and np.isclose(out.sum(), mass) and (out >= 0).all()
    if edge * width > mass and edge > 0:
        assert np.all(np.diff(out) <= 1e-12) and out[0] <= edge  # decays from the neighbour's level
