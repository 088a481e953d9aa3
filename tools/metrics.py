"""Backwards-compatible access to the metric functions, which live in smaller modules.

* :mod:`privsynth.tools.fidelity_metrics`: column shapes, pair trends, associations, shared encoders.
* :mod:`privsynth.tools.kmarginal`: NIST SDNist's k-marginal score.
* :mod:`privsynth.tools.utility_metrics`: train-on-synthetic / test-on-real.
* :mod:`privsynth.tools.privacy_metrics`: distance to closest record, exact copies, membership inference.
* :mod:`privsynth.tools.risk_metrics`: anonymeter's singling-out, linkability and inference risks.

None of these numbers is differentially private; they are for the data owner and never released.
"""

from __future__ import annotations

from privsynth.tools.fidelity_metrics import (
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
from privsynth.tools.kmarginal import kmarginal_score
from privsynth.tools.privacy_metrics import dcr, exact_match_rate, membership_inference
from privsynth.tools.utility_metrics import utility_tstr

__all__ = [
    "MISSING", "OTHER", "PAIR_BINS", "SHAPE_BINS", "Specs", "as_category_str", "as_specs", "association_matrices",
    "column_shape_similarity", "dcr", "discretize", "domain_labels", "exact_match_rate", "kmarginal_score",
    "marginal_frequencies", "membership_inference", "pair_trend_scores", "pair_trend_similarity", "utility_tstr",
]
