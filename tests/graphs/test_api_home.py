"""The home folder travels in the settings and the state, never through the process environment (issue 15)."""

from __future__ import annotations

import os

import pandas as pd

import privsynth
from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for


def test_a_run_in_another_home_leaves_the_environment_alone(tmp_path, sample_csv, sample_schema, privsynth_home):
    data = tmp_path / "people.csv"
    pd.read_csv(sample_csv).head(400).to_csv(data, index=False)
    other = tmp_path / "other-home"
    result = privsynth.synthesize(data, epsilon=1.0, schema=sample_schema, rows=100, generator="dp_marginals",
                                  review=True, home=other)
    assert os.environ["PRIVSYNTH_HOME"] == str(privsynth_home)
    assert result.status == "waiting" and result.run_dir.parent.parent == other
    final = privsynth.resume(result.run_id, "reject", home=other)
    assert final.status == "rejected"
    assert os.environ["PRIVSYNTH_HOME"] == str(privsynth_home)
    assert (other / "checkpoints.sqlite").is_file() and not (privsynth_home / "checkpoints.sqlite").exists()
    assert ledger_for(load_settings(other)).datasets() == []  # rejected before any spend
