"""One-run privacy audit (Steinke, Nasr & Jagielski 2023) of the dp_marginals tabular generator.

Canaries are worst-case records: every value of a canary belongs to it alone (its own category in each
column of a schema written here), so every cell of every measured marginal that it touches is touched by it
alone. Each canary is included with probability 1/2; the output is scored per canary, the top / bottom
``K`` scores are guessed included / excluded, and the correct guesses give a 95% lower bound on epsilon
(:mod:`privsynth.tools.metrics.privacy_audit`). A noise-free copy of the generator must leak (bound well above 0),
the DP generator must not leak more than it declares, and an under-noised copy must be caught.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.metrics.privacy_audit import (
    AuditResult,
    audit,
    audit_from_counts,
    audit_runs,
    epsilon_lower_bound,
    max_epsilon_lower_bound,
    p_value,
    top_bottom_guesses,
)
from privsynth.tools.tabular.mechanisms.dp_marginals import DPMarginalSynthesizer

COLUMNS = ("region", "job", "plan")
COMMON = 4  # common categories per column
CANARIES = 300
BACKGROUND = 500
K = 40  # guesses of each kind, fixed before any output is seen
DELTA = 1e-6
DECLARED_EPSILON = 2.0


def canary_value(i: int) -> str:
    return f"canary{i:03d}"


def audit_schema(m: int = CANARIES) -> TableSchema:
    cats = [f"v{j}" for j in range(COMMON)] + [canary_value(i) for i in range(m)]
    return TableSchema(name="audit", columns=[ColumnSpec(name=c, kind="categorical", categories=cats, nullable=False)
                                              for c in COLUMNS])


def audit_table(rng: np.random.Generator, m: int = CANARIES, n: int = BACKGROUND) -> tuple[pd.DataFrame, np.ndarray]:
    """Background rows on the common categories (correlated along the columns) plus the included canaries."""
    first = rng.integers(0, COMMON, n)
    cols = [first]
    for _ in COLUMNS[1:]:
        cols.append(np.where(rng.random(n) < 0.7, cols[-1], rng.integers(0, COMMON, n)))
    background = pd.DataFrame({c: [f"v{x}" for x in col] for c, col in zip(COLUMNS, cols, strict=True)})
    included = rng.random(m) < 0.5
    canaries = pd.DataFrame({c: [canary_value(i) for i in np.flatnonzero(included)] for c in COLUMNS})
    table = pd.concat([background, canaries], ignore_index=True)
    return table.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True), included


def marginal_scores(gen: DPMarginalSynthesizer, m: int = CANARIES) -> np.ndarray:
    """White-box score: the sum of every noisy measured cell the canary touches (2 * columns - 1 cells)."""
    scores = np.zeros(m)
    for i in range(m):
        codes = [d.code_of(canary_value(i)) for d in gen._disc]
        scores[i] = sum(table[codes[j]] for j, table in enumerate(gen.noisy_one_way))
        scores[i] += sum(table[codes[p], codes[c]] for (p, c), table in zip(gen._edges, gen.noisy_two_way, strict=True))
    return scores


def row_scores(synthetic: pd.DataFrame, m: int = CANARIES) -> np.ndarray:
    """Black-box score: how often the canary's values occur in the synthetic rows (summed over the columns)."""
    scores = np.zeros(m)
    for column in COLUMNS:
        counts = synthetic[column].value_counts()
        scores += np.array([float(counts.get(canary_value(i), 0)) for i in range(m)])
    return scores


class NoiseOff(DPMarginalSynthesizer):
    """The same generator with its calibrated noise switched off: the non-DP control."""

    def noise_scale(self, schema: TableSchema | None = None) -> float:
        return 0.0


class UnderNoised(DPMarginalSynthesizer):
    """A deliberately broken copy: a tenth of the calibrated noise, still declaring the same epsilon."""

    def noise_scale(self, schema: TableSchema | None = None) -> float:
        return super().noise_scale(schema) / 10.0


def run_audit(cls: type[DPMarginalSynthesizer], seed: int, white_box: bool) -> AuditResult:
    rng = np.random.default_rng(seed)
    table, included = audit_table(rng)
    gen = cls(DECLARED_EPSILON, DELTA, seed=seed).fit(table, audit_schema())
    if white_box:
        scores = marginal_scores(gen)
    else:
        scores = row_scores(gen.sample(20 * len(table)))
    return audit(scores, included, K, K, delta=DELTA, rng=rng)


# -- the audit ----------------------------------------------------------------------------------
@pytest.mark.parametrize("white_box", [True, False], ids=["noisy-marginals", "synthetic-rows"])
def test_noise_free_control_leaks(white_box: bool) -> None:
    result = run_audit(NoiseOff, seed=11, white_box=white_box)
    assert result.correct == result.guesses == 2 * K
    assert result.epsilon_lower_bound > 1.0
    assert result.epsilon_lower_bound == pytest.approx(max_epsilon_lower_bound(2 * K), abs=0.01)


@pytest.mark.parametrize("white_box", [True, False], ids=["noisy-marginals", "synthetic-rows"])
def test_dp_marginals_within_declared_epsilon(white_box: bool) -> None:
    result = run_audit(DPMarginalSynthesizer, seed=12, white_box=white_box)
    assert result.guesses == 2 * K
    assert result.epsilon_lower_bound < DECLARED_EPSILON


def test_audit_catches_under_noising() -> None:
    """The audit has power: a tenth of the noise (true epsilon far above 2) shows a bound above 2."""
    result = run_audit(UnderNoised, seed=13, white_box=True)
    assert result.epsilon_lower_bound > DECLARED_EPSILON


# -- the bound ----------------------------------------------------------------------------------
counts = st.integers(1, 400).flatmap(lambda r: st.tuples(st.integers(r, 2000), st.just(r), st.integers(0, r)))
deltas = st.sampled_from([0.0, 1e-8, 1e-6, 1e-4])


@settings(max_examples=60, deadline=None)
@given(counts, deltas)
def test_bound_is_zero_at_chance_level(mrv: tuple[int, int, int], delta: float) -> None:
    m, r, v = mrv
    v = min(v, r // 2)  # at most half right: no better than coin flips
    assert epsilon_lower_bound(m, r, v, delta) == 0.0


@settings(max_examples=60, deadline=None)
@given(counts, deltas)
def test_bound_is_capped_and_rejects_what_it_reports(mrv: tuple[int, int, int], delta: float) -> None:
    m, r, v = mrv
    eps = epsilon_lower_bound(m, r, v, delta)
    assert 0.0 <= eps <= max_epsilon_lower_bound(r)
    assert eps <= epsilon_lower_bound(m, r, v, 0.0) + 1e-7  # a positive delta only weakens the bound
    if eps > 0:
        assert p_value(m, r, v, eps, delta) <= 0.05


@settings(max_examples=60, deadline=None)
@given(counts)
def test_bound_grows_with_correct_guesses(mrv: tuple[int, int, int]) -> None:
    m, r, v = mrv
    if v < r:
        assert epsilon_lower_bound(m, r, v) <= epsilon_lower_bound(m, r, v + 1) + 1e-7
    assert epsilon_lower_bound(m, r, r) == pytest.approx(max_epsilon_lower_bound(r), abs=1e-6)


def test_all_correct_bound_closed_form() -> None:
    # q^r = 0.05 with q = e^eps / (1 + e^eps)
    for r in (10, 80, 1000):
        eps = max_epsilon_lower_bound(r)
        assert (1.0 / (1.0 + math.exp(-eps))) ** r == pytest.approx(0.05, rel=1e-9)
        assert p_value(r, r, r, eps) == pytest.approx(0.05, rel=1e-6)
    assert max_epsilon_lower_bound(0) == 0.0


@pytest.mark.parametrize("eps0", [0.5, 1.0, 3.0])
def test_bound_has_its_confidence_against_randomized_response(eps0: float) -> None:
    """Guesses right with probability e^eps0 / (1 + e^eps0) (exactly eps0-DP): P[bound > eps0] <= 5%."""
    r = 60
    q = 1.0 / (1.0 + math.exp(-eps0))
    wrong = sum(binom.pmf(v, r, q) for v in range(r + 1) if epsilon_lower_bound(r, r, v) > eps0)
    assert wrong <= 0.05


def test_p_value_delta_term_matches_definition() -> None:
    m, r, v, eps, delta = 500, 100, 70, 0.5, 1e-3
    q = 1.0 / (1.0 + math.exp(-eps))
    alpha = max(sum(binom.pmf(v - j, r, q) for j in range(1, i + 1)) / i for i in range(1, v + 1))
    expected = binom.sf(v - 1, r, q) + 2 * m * delta * alpha
    assert p_value(m, r, v, eps, delta) == pytest.approx(expected, rel=1e-9)
    assert p_value(m, r, v, eps, 0.0) == pytest.approx(binom.sf(v - 1, r, q), rel=1e-12)


def test_guesses_and_counting() -> None:
    scores = np.array([5.0, 0.0, 3.0, 1.0, 4.0, 2.0])
    guesses = top_bottom_guesses(scores, 2, 1)
    assert guesses.tolist() == [1, -1, 0, 0, 1, 0]
    result = audit(scores, [True, False, True, False, False, False], 2, 1)
    assert (result.canaries, result.guesses, result.correct) == (6, 3, 2)
    assert (result.k_plus, result.k_minus) == (2, 1)
    assert audit_from_counts(6, 3, 2).epsilon_lower_bound == result.epsilon_lower_bound
    run = (scores, [True, False, True, False, True, False])
    best = audit_runs([run, run], [(1, 1), (3, 3)])
    assert best.alpha == pytest.approx(0.025)
    assert (best.runs, best.canaries, best.guesses, best.correct, best.k_plus) == (2, 12, 12, 12, 3)
    with pytest.raises(ValueError):
        top_bottom_guesses(scores, 4, 3)
    with pytest.raises(ValueError):
        epsilon_lower_bound(5, 6, 3)
