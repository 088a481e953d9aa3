"""The release policy: turn validator measurements into pass / warn / fail.

A ``fail`` holds the release at the human checkpoint with the reasons listed; ``warn`` releases with the
warnings in the report. Default thresholds (override any of them per request with ``overrides``):

=========================  =========  ==========  ==========  =========================================
metric                     direction  warn        fail        why
=========================  =========  ==========  ==========  =========================================
column_shape_mean          higher     < 0.85      < 0.60      one-way distributions badly off
pair_trend_mean            higher     < 0.80      < 0.50      pairwise relations badly off
exact_copy_excess          lower      > 0.02      > 0.10      synthetic rows copying training rows more
                                                              often than unseen real rows match them
share_closer_to_train      lower      > 0.60      > 0.75      synthetic rows sit closer to training rows
                                                              than to unseen ones (memorisation)
utility_gap (AUC or R^2)   lower      > 0.05      never       train-on-synthetic loses accuracy
=========================  =========  ==========  ==========  =========================================

Poor utility only warns: it is a quality problem, not a privacy one.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

INF = float("inf")


class Threshold(BaseModel):
    """Warn / fail bounds for one metric."""

    direction: str  # "higher" (bigger is better) or "lower"
    warn: float
    fail: float


DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "column_shape_mean": Threshold(direction="higher", warn=0.85, fail=0.60),
    "pair_trend_mean": Threshold(direction="higher", warn=0.80, fail=0.50),
    "exact_copy_excess": Threshold(direction="lower", warn=0.02, fail=0.10),
    "share_closer_to_train": Threshold(direction="lower", warn=0.60, fail=0.75),
    "utility_gap": Threshold(direction="lower", warn=0.05, fail=INF),
}


def _metric(metrics: list[dict[str, Any]], name: str) -> float | None:
    for entry in metrics or []:
        if entry.get("name") == name:
            return entry.get("value")
    return None


def release_measurements(validation: dict[str, Any]) -> dict[str, float | None]:
    """Extract the numbers the policy judges from a validation result dict."""
    fidelity = validation.get("fidelity") or {}
    privacy = (validation.get("privacy") or {}).get("metrics", [])
    utility = (validation.get("utility") or {}).get("metrics", [])
    copy_rate = _metric(privacy, "exact_copy_rate")
    baseline = _metric(privacy, "holdout_exact_match_rate") or 0.0
    gap = None
    for real, synth in (("trtr_roc_auc", "tstr_roc_auc"), ("trtr_r2", "tstr_r2")):
        if _metric(utility, real) is not None and _metric(utility, synth) is not None:
            gap = float(_metric(utility, real)) - float(_metric(utility, synth))  # type: ignore[arg-type]
            break
    return {
        "column_shape_mean": (fidelity.get("column_shape_mean") or {}).get("value"),
        "pair_trend_mean": (fidelity.get("pair_trend_mean") or {}).get("value"),
        "exact_copy_excess": None if copy_rate is None else max(0.0, copy_rate - baseline),
        "share_closer_to_train": _metric(privacy, "share_closer_to_train"),
        "utility_gap": gap,
    }


def evaluate_release(validation: dict[str, Any], overrides: dict[str, dict[str, float]] | None = None
                     ) -> dict[str, Any]:
    """Judge a validation result.

    Args:
        validation: The validators' result as a dict.
        overrides: Per-metric replacements, e.g. ``{"pair_trend_mean": {"warn": 0.7}}``.

    Returns:
        ``{"verdict": "pass"|"warn"|"fail", "reasons": [...], "checks": [...]}``; schema problems in the
        synthetic table always fail.
    """
    thresholds = {k: v.model_copy(update=(overrides or {}).get(k, {})) for k, v in DEFAULT_THRESHOLDS.items()}
    checks, reasons, verdict = [], [], "pass"
    rank = {"pass": 0, "warn": 1, "fail": 2}
    for name, value in release_measurements(validation).items():
        rule = thresholds[name]
        if value is None:
            checks.append({"metric": name, "value": None, "outcome": "not measured"})
            continue
        worse = (lambda v, b: v < b) if rule.direction == "higher" else (lambda v, b: v > b)
        outcome = "fail" if worse(value, rule.fail) else "warn" if worse(value, rule.warn) else "pass"
        checks.append({"metric": name, "value": value, "outcome": outcome, "warn": rule.warn, "fail": rule.fail,
                       "direction": rule.direction})
        if outcome != "pass":
            bound = rule.fail if outcome == "fail" else rule.warn
            side = "below" if rule.direction == "higher" else "above"
            reasons.append(f"{outcome}: {name} = {value:.3f} is {side} {bound:g}")
        verdict = max(verdict, outcome, key=rank.__getitem__)
    diagnostics = validation.get("schema_diagnostics") or {}
    if diagnostics and not diagnostics.get("valid", True):
        verdict = "fail"
        reasons.append("fail: the synthetic table breaks the schema (see schema diagnostics)")
    return {"verdict": verdict, "reasons": reasons, "checks": checks}
