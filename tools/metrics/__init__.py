"""Metrics of synthetic data against real data, one concept per module; the common functions re-exported here.

* :mod:`privsynth.tools.metrics.fidelity`: column shapes, pair trends, associations, shared encoders.
* :mod:`privsynth.tools.metrics.kmarginal`: NIST SDNist's k-marginal score.
* :mod:`privsynth.tools.metrics.utility`: train-on-synthetic / test-on-real.
* :mod:`privsynth.tools.metrics.privacy`: distance to closest record, exact copies, membership inference.
* :mod:`privsynth.tools.metrics.risk`: anonymeter's singling-out, linkability and inference risks.

None of these numbers is differentially private; they are for the data owner and never released.
"""

from __future__ import annotations

from privsynth.tools.metrics.fidelity import (
    MISSING,
    OTHER,
    PAIR_BINS,
    SHAPE_BINS,
    Specs,
    as_category_str,
    as_specs,
    association_matrices,
    column_shape_similarity,
    discretize,
    domain_labels,
    marginal_frequencies,
    pair_trend_scores,
    pair_trend_similarity,
)
from privsynth.tools.metrics.kmarginal import kmarginal_score
from privsynth.tools.metrics.privacy import dcr, exact_match_rate, membership_inference
from privsynth.tools.metrics.utility import utility_tstr

__all__ = [
    "MISSING", "OTHER", "PAIR_BINS", "SHAPE_BINS", "Specs", "as_category_str", "as_specs", "association_matrices",
    "column_shape_similarity", "dcr", "discretize", "domain_labels", "exact_match_rate", "kmarginal_score",
    "marginal_frequencies", "membership_inference", "pair_trend_scores", "pair_trend_similarity", "utility_tstr",
]
