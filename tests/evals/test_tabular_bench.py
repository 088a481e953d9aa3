"""Helpers of the tabular benchmark (evals/tabular_bench.py): peer ratios and the non-DP reference."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evals.tabular_bench import _indep_puma_exact, _versus_peer_aim


def test_ratio_against_the_finished_peer_aim_only() -> None:
    rows = [{"data": "MA", "epsilon": 1.0, "method": "aim", "kmarginal": 880.0, "seconds": 20.0},
            {"data": "MA", "epsilon": 1.0, "method": "snsynth_aim", "kmarginal": 650.0, "seconds": 800.0,
             "status": "ok"},
            {"data": "TX", "epsilon": 1.0, "method": "aim", "kmarginal": 870.0, "seconds": 15.0},
            {"data": "TX", "epsilon": 1.0, "method": "snsynth_aim", "kmarginal": None, "seconds": 1200.0,
             "status": "timeout"}]
    _versus_peer_aim(rows)
    assert rows[0]["speedup_vs_snsynth_aim"] == 40.0 and rows[0]["kmarginal_vs_snsynth_aim"] == 230.0
    assert "speedup_vs_snsynth_aim" not in rows[1] and "speedup_vs_snsynth_aim" not in rows[2]


def test_indep_puma_reference_keeps_each_column_within_its_puma() -> None:
    rng = np.random.default_rng(0)
    x = np.r_[rng.integers(0, 3, 200), rng.integers(5, 8, 200)]
    data = pd.DataFrame({"PUMA": np.repeat(["a", "b"], 200), "x": x, "y": np.r_[np.zeros(200), np.ones(200)]})
    out = _indep_puma_exact(data, 0)
    assert len(out) == len(data) and list(out.columns) == ["PUMA", "x", "y"]
    assert out.loc[out.PUMA == "a", "x"].between(0, 2).all() and out.loc[out.PUMA == "b", "x"].between(5, 7).all()
    assert (out.loc[out.PUMA == "a", "y"] == 0).all() and (out.loc[out.PUMA == "b", "y"] == 1).all()
