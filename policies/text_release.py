"""Release policy for synthetic text: thresholds on the text validators' measurements.

Default thresholds (override per request; "excess" = synthetic rate minus what unseen real text gets):

======================  =========  =======  =======  ==============================================
metric                  direction  warn     fail     why
======================  =========  =======  =======  ==============================================
pii_identifier_excess   lower      > 0.01   > 0.05   direct identifiers in synthetic text
verbatim_copy_excess    lower      > 0.01   > 0.05   training texts copied verbatim
ngram_overlap_excess    lower      > 0.05   > 0.20   long word runs copied from training texts
canary_extraction_rate  lower      > 0      > 0      any planted secret that comes out fails
canary_exposure_max     lower      > 4      > 8      bits of exposure (Carlini et al.)
two_sample_auc          lower      > 0.80   > 0.98   a classifier tells synthetic from real
embedding_mean_cosine   higher     < 0.95   < 0.80   topic drift of the whole corpus
accuracy_gap            lower      > 0.10   > 0.30   train-on-synthetic loses accuracy
======================  =========  =======  =======  ==============================================
"""

from __future__ import annotations

from typing import Any

from privsynth.policies.release import Threshold, judge, thresholds_with

TEXT_THRESHOLDS: dict[str, Threshold] = {
    "pii_identifier_excess": Threshold(direction="lower", warn=0.01, fail=0.05),
    "verbatim_copy_excess": Threshold(direction="lower", warn=0.01, fail=0.05),
    "ngram_overlap_excess": Threshold(direction="lower", warn=0.05, fail=0.20),
    "canary_extraction_rate": Threshold(direction="lower", warn=0.0, fail=0.0),
    "canary_exposure_max": Threshold(direction="lower", warn=4.0, fail=8.0),
    "two_sample_auc": Threshold(direction="lower", warn=0.80, fail=0.98),
    "embedding_mean_cosine": Threshold(direction="higher", warn=0.95, fail=0.80),
    "accuracy_gap": Threshold(direction="lower", warn=0.10, fail=0.30),
}


def text_release_measurements(validation: dict[str, Any]) -> dict[str, float | None]:
    """Pick the judged numbers out of a text validation result dict (``None`` = not measured)."""
    values: dict[str, float | None] = dict.fromkeys(TEXT_THRESHOLDS)
    for section in ("pii", "memorisation", "similarity", "utility"):
        for entry in (validation.get(section) or {}).get("metrics", []):
            if entry.get("name") in values:
                values[entry["name"]] = entry.get("value")
    return values


def evaluate_text_release(validation: dict[str, Any], overrides: dict[str, dict[str, float]] | None = None
                          ) -> dict[str, Any]:
    """Judge a text validation result: ``{"verdict": "pass"|"warn"|"fail", "reasons", "checks"}``.

    Raises:
        ConfigError: The overrides name an unknown metric or key.
    """
    return judge(text_release_measurements(validation), thresholds_with(overrides, TEXT_THRESHOLDS))
