"""Text release policy on real text validator output: copies fail, an independent sample passes."""

from __future__ import annotations

import pandas as pd
import pytest

from privsynth.agents.validators.text import validate_text
from privsynth.errors import ConfigError
from privsynth.policies.text_release import evaluate_text_release


@pytest.fixture
def corpus(shared_data):
    frame = pd.read_csv(shared_data / "text" / "banking77" / "train.csv").sample(900, random_state=0)
    texts = frame.iloc[:, 0].astype(str).tolist()
    return texts[:300], texts[300:600], texts[600:]


def test_copy_fails_and_fresh_sample_passes_memorisation(corpus):
    train, holdout, fresh = corpus
    copied = evaluate_text_release(validate_text(train, holdout, train, level="basic").to_report())
    assert copied["verdict"] == "fail"
    assert any("verbatim_copy_excess" in r for r in copied["reasons"])
    clean = evaluate_text_release(validate_text(train, holdout, fresh, level="basic").to_report())
    outcomes = {c["metric"]: c["outcome"] for c in clean["checks"]}
    assert outcomes["verbatim_copy_excess"] == "pass" and outcomes["ngram_overlap_excess"] == "pass"
    assert clean["verdict"] != "fail"


def test_unknown_override_is_a_clear_error():
    with pytest.raises(ConfigError, match="Unknown release metric"):
        evaluate_text_release({}, {"nonsense": {"warn": 1}})
