"""Keeping the synthetic texts the model itself reads as their label (post-processing of its samples)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from privsynth.errors import ConfigError
from privsynth.tools.textgen.base_model import load_base_model
from privsynth.tools.textgen.generator import DPTextLM
from privsynth.tools.textgen.label_filter import keep_by_margin, label_margins

CARD = ["My new card has not arrived yet", "When will my card arrive in the post"]
RATE = ["What exchange rate do you use for euros", "Why was the exchange rate so bad today"]


def test_the_largest_margins_are_kept_per_label_in_label_order():
    pairs = [("a", "x"), ("b", "y"), ("c", "x"), ("d", "y"), ("e", "x")]
    margins = np.array([0.5, -1.0, 2.0, 3.0, -0.1])
    kept = keep_by_margin(pairs, margins, {"x": 2, "y": 1})
    assert kept == [("c", "x"), ("a", "x"), ("d", "y")]
    assert keep_by_margin(pairs, margins, {"y": 5}) == [("d", "y"), ("b", "y")]  # fewer candidates than asked


def test_candidates_and_margins_must_line_up():
    with pytest.raises(ValueError, match="2 candidates but 1 margins"):
        keep_by_margin([("a", "x"), ("b", "x")], np.array([1.0]), {"x": 1})


def test_margins_follow_the_label_the_text_is_about():
    base = load_base_model("smollm2-135m", Path(os.environ["PRIVSYNTH_MODEL_CACHE"]))
    texts = CARD + RATE
    domain = ["card_arrival", "exchange_rate"]
    right = label_margins(base.model, base.tokenizer, texts, ["card_arrival"] * 2 + ["exchange_rate"] * 2, domain)
    wrong = label_margins(base.model, base.tokenizer, texts, ["exchange_rate"] * 2 + ["card_arrival"] * 2, domain)
    assert (right > 0).all(), right
    np.testing.assert_allclose(wrong, -right, rtol=1e-4, atol=1e-4)  # two labels: the margin flips sign
    assert label_margins(base.model, base.tokenizer, [], [], domain).shape == (0,)


def test_a_single_label_or_an_unknown_label_is_refused():
    with pytest.raises(ValueError, match="at least two labels"):
        label_margins(None, None, ["t"], ["x"], ["x"])
    with pytest.raises(ValueError, match="outside the domain"):
        label_margins(None, None, ["t"], ["z"], ["x", "y"])


@pytest.mark.parametrize("bad", [0, 1.5, -2, "many", True])
def test_the_generator_refuses_a_filter_that_is_not_a_whole_number_of_candidates(bad):
    with pytest.raises(ConfigError, match="label_filter must be a whole number >= 1"):
        DPTextLM(epsilon=8.0, delta=1e-5, text_field="text", label_filter=bad)
