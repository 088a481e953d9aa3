"""The k-marginal score with SDNist's binning (the benchmarks' figure) on hand-computed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from privsynth.tools.metrics.kmarginal import kmarginal_score as product_score
from privsynth.tools.metrics.kmarginal import puma_scores, subsample_score
from privsynth.tools.metrics.sdnist import binned


def kmarginal_score(target: pd.DataFrame, synth: pd.DataFrame) -> float:
    return product_score(target, synth, binning="sdnist")["score"]


def _table(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["PUMA", "a", "b"])


def test_identical_tables_score_1000() -> None:
    t = _table([("p1", 0, 0), ("p1", 1, 0), ("p2", 1, 1)])
    assert kmarginal_score(t, t.copy()) == pytest.approx(1000.0)
    assert subsample_score(t, 1.0) == pytest.approx(1000.0)


def test_densities_are_global_not_within_puma() -> None:
    # Same conditionals within each PUMA, different PUMA sizes: SDNist's headline score sees the difference
    # (densities over the whole table), a per-PUMA normalisation would not.
    target = _table([("p1", 0, 0)] * 3 + [("p2", 1, 1)])
    synth = _table([("p1", 0, 0), ("p2", 1, 1)])
    assert kmarginal_score(target, synth) == pytest.approx((2 - 0.5) * 500)


def test_disjoint_tables_score_0() -> None:
    target = _table([("p1", 0, 0), ("p1", 0, 0)])
    synth = _table([("p1", 1, 1), ("p1", 1, 1)])
    assert kmarginal_score(target, synth) == pytest.approx(0.0)


def test_indp_is_never_scored() -> None:
    target = _table([("p1", 0, 0), ("p2", 1, 1)]).assign(INDP=[100, 200])
    synth = target.assign(INDP=[999, 999])
    assert kmarginal_score(target, synth) == pytest.approx(1000.0)


def test_mean_over_pairs() -> None:
    target = pd.DataFrame({"PUMA": ["p"] * 4, "a": [0, 0, 1, 1], "b": [0, 1, 0, 1], "c": [0, 0, 0, 0]})
    synth = target.assign(c=[0, 0, 1, 1])  # pairs (a,c), (b,c) each off by 1.0 in L1; (a,b) exact
    assert kmarginal_score(target, synth) == pytest.approx((2 - 2.0 / 3) * 500)


def test_percentile_bins_follow_the_target() -> None:
    target = pd.DataFrame({"PUMA": ["p"] * 40, "AGEP": np.arange(40, dtype=float), "SEX": [1, 2] * 20})
    synth = pd.DataFrame({"PUMA": ["p"] * 3, "AGEP": [-5.0, 39.7, 500.0], "SEX": [1, 1, 1]})
    t, s = binned(target, synth)
    assert sorted(t["AGEP"].unique()) == list(range(20))  # 20 percentile bins of 2 values each
    assert list(s["AGEP"]) == [0, 19, 19]  # below -> first bin, truncated 39 -> last, above -> last


def test_povpip_501_is_its_own_bin_and_missing_is_minus_one() -> None:
    values = [float(v) for v in range(100, 120)] + [501.0, np.nan]
    target = pd.DataFrame({"PUMA": ["p"] * 22, "POVPIP": values, "SEX": [1] * 22})
    synth = pd.DataFrame({"PUMA": ["p"] * 3, "POVPIP": [501.0, 700.0, np.nan], "SEX": [1] * 3})
    t, s = binned(target, synth)
    assert t["POVPIP"].iloc[-2] == 501 and t["POVPIP"].iloc[-1] == -1
    assert list(s["POVPIP"]) == [501, 501, -1]


def test_puma_breakdown() -> None:
    target = _table([("p1", 0, 0)] * 3 + [("p2", 1, 1)])
    assert puma_scores(target, target).to_dict() == pytest.approx({"p1": 1000.0, "p2": 1000.0})
    synth = _table([("p1", 0, 0)] * 3 + [("p2", 0, 0)])  # p2 entirely wrong: its difference is capped
    assert puma_scores(target, synth).to_dict() == pytest.approx({"p1": 1000.0, "p2": 0.0})
