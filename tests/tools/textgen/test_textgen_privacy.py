"""DP-SGD accounting of the text generator: calibration, the declared event, Poisson sampling, label noise.

No model is loaded here: these are the data-independent parts, checked against the accountant.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dp_accounting import dp_event
from hypothesis import given, settings
from hypothesis import strategies as st

from privsynth.errors import AccountingError, ConfigError, InputDataError, SchemaError
from privsynth.policies.accountant import epsilon_of
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.textgen.dp_sgd import (
    DPSGDSchedule,
    noisy_label_counts,
    plan_privacy,
    poisson_batch,
    sgd_event,
)
from privsynth.tools.textgen.generator import DPTextLM, largest_remainder, training_units


def _schema(labels: list[str] | None = None) -> TableSchema:
    columns = [ColumnSpec(name="text", kind="text")]
    if labels is not None:
        columns.append(ColumnSpec(name="label", kind="categorical", categories=labels))
    return TableSchema(columns=columns)


@settings(max_examples=6, deadline=None)
@given(records=st.integers(50, 5000), batch=st.integers(4, 256), epochs=st.floats(0.2, 4.0),
       epsilon=st.floats(0.5, 10.0), delta_exp=st.integers(5, 8), labels=st.booleans())
def test_calibrated_noise_never_overshoots_the_target(records, batch, epochs, epsilon, delta_exp, labels):
    delta = 10.0 ** -delta_exp
    schedule = DPSGDSchedule(records=records, expected_batch=min(batch, records), epochs=epochs)
    plan = plan_privacy(schedule, epsilon, delta, measure_labels=labels)
    # Re-account the declared event independently: it must meet the target.
    assert epsilon_of([plan.event], delta) <= epsilon + 1e-9
    assert plan.epsilon <= epsilon + 1e-9
    # And the calibration is not wasteful: 5% less DP-SGD noise would overshoot.
    tighter = sgd_event(schedule, plan.sgd_sigma * 0.95)
    parts = [tighter] if plan.label_sigma is None else [dp_event.GaussianDpEvent(plan.label_sigma), tighter]
    assert epsilon_of([dp_event.ComposedDpEvent(parts)], delta) > epsilon


def test_declared_event_is_the_poisson_sampled_gaussian_over_all_steps():
    schedule = DPSGDSchedule(records=1000, expected_batch=50, epochs=2)
    plan = plan_privacy(schedule, 3.0, 1e-6, measure_labels=True)
    label, sgd = plan.event.events
    assert isinstance(label, dp_event.GaussianDpEvent) and label.noise_multiplier == plan.label_sigma
    assert isinstance(sgd, dp_event.SelfComposedDpEvent) and sgd.count == schedule.steps == 40
    assert isinstance(sgd.event, dp_event.PoissonSampledDpEvent)
    assert sgd.event.sampling_probability == pytest.approx(0.05)
    assert sgd.event.event.noise_multiplier == plan.sgd_sigma
    # The label histogram alone costs about a tenth of epsilon (calibrated on its own).
    assert epsilon_of([label], 1e-6) == pytest.approx(0.3, rel=0.01)


def test_epsilon_too_small_for_the_data_size_is_a_clear_error():
    schedule = DPSGDSchedule(records=20, expected_batch=20, epochs=50)
    with pytest.raises(AccountingError, match="too small for DP-SGD on 20 records"):
        plan_privacy(schedule, 1e-4, 1e-5, measure_labels=False)


def test_poisson_batches_have_binomial_sizes_and_independent_inclusion():
    rng = np.random.default_rng(0)
    n, q, draws = 200, 0.1, 3000
    batches = [poisson_batch(n, q, rng) for _ in range(draws)]
    sizes = np.array([len(b) for b in batches])
    # Binomial(n, q): mean nq = 20, variance nq(1-q) = 18 (a fixed-size sampler would have variance 0).
    assert abs(sizes.mean() - n * q) < 4 * np.sqrt(n * q * (1 - q) / draws)
    assert 15 < sizes.var() < 21
    inclusion = np.zeros(n)
    for b in batches:
        inclusion[b] += 1
    assert np.abs(inclusion / draws - q).max() < 0.035
    # Inclusion of two records is independent: joint frequency ~ q^2.
    both = np.mean([(0 in b) and (1 in b) for b in batches])
    assert abs(both - q * q) < 0.01
    # Small rates give empty batches, as the accountant assumes.
    assert any(len(poisson_batch(10, 0.05, rng)) == 0 for _ in range(200))
    with pytest.raises(ConfigError):
        poisson_batch(10, 0.0, rng)


def test_label_histogram_noise_has_the_declared_scale():
    rng = np.random.default_rng(1)
    sigma = 3.0
    draws = [noisy_label_counts(["a", "a", "b"], ["a", "b", "c"], [1.0, 1.0, 1.0], sigma, rng) for _ in range(4000)]
    noise_c = np.array([d["c"] for d in draws])
    noise_a = np.array([d["a"] for d in draws]) - 2.0
    for noise in (noise_a, noise_c):
        assert abs(noise.mean()) < 4 * sigma / np.sqrt(len(noise))
        assert noise.std() == pytest.approx(sigma, rel=0.05)


def test_largest_remainder_splits_exactly_and_proportionally():
    counts = largest_remainder({"a": 30.0, "b": 10.0, "c": -5.0}, 9)
    assert counts == {"a": 7, "b": 2, "c": 0}
    assert sum(largest_remainder({"a": 0.0, "b": 0.0, "c": 0.0}, 10).values()) == 10


def test_training_units_count_non_empty_texts_or_users():
    df = pd.DataFrame({"text": ["hi", "", None, "yo", "  "], "user": [1, 1, 2, 3, 4]})
    assert training_units(df, "text") == 2
    assert training_units(df, "text", "user") == 2


def test_label_list_must_be_public_and_have_two_classes():
    with pytest.raises(SchemaError, match="no public list of labels"):
        DPTextLM(3.0, 1e-5, schema=_schema(), text_field="text", label_field="label", records=10)
    with pytest.raises(ConfigError, match="single class"):
        DPTextLM(3.0, 1e-5, schema=_schema(["only"]), text_field="text", label_field="label", records=10)
    with pytest.raises(ConfigError, match="text column"):
        DPTextLM(3.0, 1e-5, schema=_schema())


def test_clipping_engine_is_an_option_checked_before_any_spend():
    gen = DPTextLM(3.0, 1e-5, schema=_schema(), text_field="text", records=10, clipping="ghost")
    assert gen.config["clipping"] == "ghost"
    assert DPTextLM(3.0, 1e-5, schema=_schema(), text_field="text", records=10).config["clipping"] == "hooks"
    with pytest.raises(ConfigError, match="clipping engine 'fast'"):
        DPTextLM(3.0, 1e-5, schema=_schema(), text_field="text", records=10, clipping="fast")


def _never(event: object) -> None:
    raise AssertionError("nothing may be spent for a run that never read the data")


def test_bad_corpora_fail_before_any_spend():
    schema = _schema(["a", "b"])
    empty = pd.DataFrame({"text": ["", " ", None], "label": ["a", "b", "a"]})
    gen = DPTextLM(3.0, 1e-5, schema=schema, text_field="text", label_field="label", records=3)
    with pytest.raises(InputDataError, match="Every text"):
        gen.fit(empty, schema, spend=_never)
    unknown = pd.DataFrame({"text": ["x", "y"], "label": ["a", "zzz"]})
    gen = DPTextLM(3.0, 1e-5, schema=schema, text_field="text", label_field="label", records=2)
    with pytest.raises(InputDataError, match="outside the schema"):
        gen.fit(unknown, schema, spend=_never)
    gen = DPTextLM(3.0, 1e-5, schema=schema, text_field="text", label_field="label")
    with pytest.raises(ConfigError, match="number of training records"):
        gen.privacy_event()


def test_user_level_privacy_packs_each_users_records_into_one_unit():
    from privsynth.tools.textgen.corpus import pack_by_user

    texts = ["a1", "b1", "a2", "a3", "c1", "a4"]
    users = ["ann", "bob", "ann", "ann", "cy", "ann"]
    packed, first = pack_by_user(texts, users, max_records=3)
    assert packed == ["a1\na2\na3", "b1", "c1"] and first == [0, 1, 4]
    data = pd.DataFrame({"text": texts, "user": users, "label": ["x", "y", "x", "x", "y", "x"]})
    schema = _schema(["x", "y"])
    gen = DPTextLM(3.0, 1e-5, schema=schema, text_field="text", label_field="label", user_field="user", records=3)
    units, labels, weights = gen._corpus(data)
    assert len(units) == 3 and labels == ["x", "y", "y"] and sum(weights) == 3
    # Declaring the record count instead of the user count is refused before any spend.
    wrong = DPTextLM(3.0, 1e-5, schema=schema, text_field="text", label_field="label", user_field="user", records=6)
    with pytest.raises(ConfigError, match="3 training units but 6"):
        wrong.fit(data, schema, spend=_never)
