"""The release policy: turn validator measurements into pass / warn / fail.

A ``fail`` holds the release at the human checkpoint with the reasons listed; ``warn`` releases with the
warnings in the report. Default thresholds (override any of them per request with ``overrides``, e.g.
``{"mia_advantage": {"warn": 0.05}}``):

===========================  =========  ==========  ==========  =========================================
metric                       direction  warn        fail        why
===========================  =========  ==========  ==========  =========================================
column_shape_mean            higher     < 0.85      < 0.60      one-way distributions badly off
pair_trend_mean              higher     < 0.80      < 0.50      pairwise relations badly off
kmarginal                    higher     < 700       < 450       NIST k-marginal score (0-1000) badly off
exact_copy_excess            lower      > 0.02      > 0.10      synthetic rows copying training rows more
                                                                often than unseen real rows match them
share_closer_to_train        lower      > 0.60      > 0.75      synthetic rows sit closer to training rows
                                                                than to unseen ones (memorisation)
mia_advantage                lower      > 0.10      > 0.30      a density attack tells training members
                                                                from unseen people
singling_out_risk_ci_high    lower      > 0.50      > 0.85      upper end of the 95 % interval of
linkability_risk_ci_high     lower      > 0.50      > 0.85      anonymeter's risk: the risk cannot be
inference_risk_ci_high       lower      > 0.50      > 0.85      ruled out below this level
utility_gap (AUC or R^2)     lower      > 0.05      > 0.30      train-on-synthetic loses accuracy; above
                                                                0.30 the data is of little use
===========================  =========  ==========  ==========  =========================================

Anonymeter risks are judged by the upper bound of their confidence interval, because few attacks give
wide intervals (about +-0.2 for the inference risk when the secret is easy to guess anyway, e.g. a
common income class): a release passes only when a high risk can be ruled out. A metric that was not measured
(no holdout, no target, validation level ``basic``) is listed as "not measured" and does not change the
verdict. A synthetic table that breaks the schema always fails.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from privsynth.errors import ConfigError

INF = float("inf")
ANONYMETER = ("singling_out", "linkability", "inference")


class Threshold(BaseModel):
    """Warn / fail bounds for one metric."""

    direction: str  # "higher" (bigger is better) or "lower"
    warn: float
    fail: float


DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "column_shape_mean": Threshold(direction="higher", warn=0.85, fail=0.60),
    "pair_trend_mean": Threshold(direction="higher", warn=0.80, fail=0.50),
    "kmarginal": Threshold(direction="higher", warn=700.0, fail=450.0),
    "exact_copy_excess": Threshold(direction="lower", warn=0.02, fail=0.10),
    "share_closer_to_train": Threshold(direction="lower", warn=0.60, fail=0.75),
    "mia_advantage": Threshold(direction="lower", warn=0.10, fail=0.30),
    **{f"{name}_risk_ci_high": Threshold(direction="lower", warn=0.50, fail=0.85) for name in ANONYMETER},
    "utility_gap": Threshold(direction="lower", warn=0.05, fail=0.30),
}


def _entry(metrics: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next((e for e in metrics or [] if isinstance(e, dict) and e.get("name") == name), {})


def _metric(metrics: list[dict[str, Any]], name: str) -> float | None:
    return _entry(metrics, name).get("value")


def release_measurements(validation: dict[str, Any]) -> dict[str, float | None]:
    """Extract the numbers the policy judges from a validation result dict (``None`` = not measured)."""
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
    risks = {}
    for name in ANONYMETER:
        ci = _entry(privacy, f"{name}_risk").get("ci")
        risks[f"{name}_risk_ci_high"] = float(ci[1]) if isinstance(ci, list | tuple) and len(ci) == 2 else None
    return {
        "column_shape_mean": (fidelity.get("column_shape_mean") or {}).get("value"),
        "pair_trend_mean": (fidelity.get("pair_trend_mean") or {}).get("value"),
        "kmarginal": (fidelity.get("kmarginal") or {}).get("value"),
        "exact_copy_excess": None if copy_rate is None else max(0.0, copy_rate - baseline),
        "share_closer_to_train": _metric(privacy, "share_closer_to_train"),
        "mia_advantage": _metric(privacy, "mia_advantage"),
        **risks,
        "utility_gap": gap,
    }


def thresholds_with(overrides: dict[str, dict[str, float]] | None = None,
                    defaults: dict[str, Threshold] | None = None) -> dict[str, Threshold]:
    """Default thresholds with per-request ``overrides`` applied.

    Args:
        overrides: Per-metric replacements of ``warn`` / ``fail``.
        defaults: The policy's defaults (the table policy's when None).

    Raises:
        ConfigError: An override names an unknown metric or a key other than ``warn`` / ``fail``.
    """
    overrides = overrides or {}
    defaults = DEFAULT_THRESHOLDS if defaults is None else defaults
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise ConfigError(f"Unknown release metric(s) {unknown} in the threshold overrides.",
                          f"Use some of {sorted(defaults)}.")
    for name, change in overrides.items():
        bad = sorted(set(change) - {"warn", "fail"})
        if bad:
            raise ConfigError(f"Threshold override for '{name}' has unknown key(s) {bad}.", "Set 'warn' or 'fail'.")
    return {k: v.model_copy(update={f: float(x) for f, x in overrides.get(k, {}).items()})
            for k, v in defaults.items()}


def judge(measurements: dict[str, float | None], thresholds: dict[str, Threshold]) -> dict[str, Any]:
    """Compare measurements with thresholds.

    Returns:
        ``{"verdict", "reasons", "checks"}``; the verdict is the worst outcome over measured metrics.
    """
    checks, reasons, verdict = [], [], "pass"
    rank = {"pass": 0, "warn": 1, "fail": 2}
    for name, value in measurements.items():
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
    return {"verdict": verdict, "reasons": reasons, "checks": checks}


def evaluate_release(validation: dict[str, Any], overrides: dict[str, dict[str, float]] | None = None
                     ) -> dict[str, Any]:
    """Judge a validation result.

    Args:
        validation: The validators' result as a dict.
        overrides: Per-metric replacements, e.g. ``{"pair_trend_mean": {"warn": 0.7}}``.

    Returns:
        ``{"verdict": "pass"|"warn"|"fail", "reasons": [...], "checks": [...]}``; schema problems in the
        synthetic table always fail.

    Raises:
        ConfigError: The overrides name an unknown metric or key.
    """
    result = judge(release_measurements(validation), thresholds_with(overrides))
    diagnostics = validation.get("schema_diagnostics") or {}
    if diagnostics and not diagnostics.get("valid", True):
        result["verdict"] = "fail"
        result["reasons"].append("fail: the synthetic table breaks the schema (see schema diagnostics)")
    return result
