"""The accountant: pinned values, monotone composition, safe calibration, event serialization."""

from __future__ import annotations

import math

import pytest
from dp_accounting import dp_event
from hypothesis import given, settings
from hypothesis import strategies as st

from privsynth.errors import AccountingError
from privsynth.policies.accountant import calibrate_noise, epsilon_of, supports
from privsynth.policies.events import event_from_json, event_to_json

DPSGD = dp_event.SelfComposedDpEvent(dp_event.PoissonSampledDpEvent(0.01, dp_event.GaussianDpEvent(1.0)), 1000)


def test_pinned_dpsgd_values_cross_checked():
    pld = epsilon_of([DPSGD], 1e-5)
    rdp = epsilon_of([DPSGD], 1e-5, accountant="rdp")
    assert pld == pytest.approx(1.83, abs=0.02)
    assert rdp == pytest.approx(2.10, abs=0.02)
    assert pld <= rdp  # PLD is tight, RDP an upper bound


def test_no_events_is_zero_and_non_private_is_infinite():
    assert epsilon_of([], 1e-5) == 0.0
    assert epsilon_of([dp_event.NoOpDpEvent()], 1e-5) == 0.0
    assert math.isinf(epsilon_of([dp_event.GaussianDpEvent(1.0), dp_event.NonPrivateDpEvent()], 1e-5))
    assert supports(dp_event.NonPrivateDpEvent())


def test_unsupported_event_and_bad_delta_are_clear_errors():
    with pytest.raises(AccountingError, match="cannot compose"):
        epsilon_of([dp_event.UnsupportedDpEvent()], 1e-5)
    with pytest.raises(AccountingError, match="delta"):
        epsilon_of([dp_event.GaussianDpEvent(1.0)], 1.5)
    assert not supports(dp_event.UnsupportedDpEvent())


gaussian = st.floats(0.5, 20).map(dp_event.GaussianDpEvent)
laplace = st.floats(0.5, 20).map(dp_event.LaplaceDpEvent)
subsampled = st.tuples(st.floats(0.001, 0.2), st.floats(0.5, 5), st.integers(1, 50)).map(
    lambda t: dp_event.SelfComposedDpEvent(dp_event.PoissonSampledDpEvent(t[0], dp_event.GaussianDpEvent(t[1])), t[2]))
events = st.one_of(gaussian, laplace, subsampled)


@settings(max_examples=12, deadline=None)
@given(st.lists(events, min_size=1, max_size=3), events)
def test_composing_more_never_lowers_epsilon(history, extra):
    before = epsilon_of(history, 1e-5)
    after = epsilon_of([*history, extra], 1e-5)
    assert after >= before - 1e-9


@settings(max_examples=6, deadline=None)
@given(st.floats(0.1, 10), st.sampled_from([1e-5, 1e-6, 1e-8]), st.integers(1, 40))
def test_calibrated_noise_never_overshoots_target(epsilon, delta, k):
    calib = calibrate_noise(lambda s: dp_event.SelfComposedDpEvent(dp_event.GaussianDpEvent(s), k), epsilon, delta)
    achieved = epsilon_of([dp_event.SelfComposedDpEvent(dp_event.GaussianDpEvent(calib.noise_multiplier), k)], delta)
    assert achieved <= epsilon
    # and it is not wastefully loose: 1% less noise would overshoot (or the search hit its floor)
    tighter = epsilon_of([dp_event.SelfComposedDpEvent(dp_event.GaussianDpEvent(calib.noise_multiplier * 0.99), k)],
                         delta)
    assert tighter > epsilon * 0.98 or calib.noise_multiplier <= 0.0101


def test_calibration_refuses_impossible_target():
    with pytest.raises(AccountingError, match="too small"):
        calibrate_noise(dp_event.GaussianDpEvent, 1e-3, 1e-12, hi=10.0)


@pytest.mark.parametrize("event", [
    DPSGD,
    dp_event.ComposedDpEvent([dp_event.GaussianDpEvent(2.0), dp_event.LaplaceDpEvent(1.5)]),
    dp_event.NonPrivateDpEvent(),
])
def test_event_json_round_trip(event):
    again = event_from_json(event_to_json(event))
    assert again == event


def test_unknown_event_type_is_rejected():
    with pytest.raises(AccountingError, match="Unknown privacy event"):
        event_from_json('{"type": "os.system"}')
