"""Validators: fidelity, schema validity, utility and privacy checks of a synthetic table.

:func:`validate_table` compares the synthetic table with the real training rows (and an optional real
holdout the generator never saw) and returns a :class:`ValidationResult`. Every number is a plain,
non-private statistic of the real data: it is shown to the data owner and never released with the
synthetic data.

``level="full"`` (the default, used by the graph) runs every check; ``level="basic"`` skips the slower
anonymeter attacks (singling out, linkability, inference). Text validators (PII re-scan, n-gram
memorisation, canaries) belong to the DP text generator and are not part of this module yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field
from threadpoolctl import threadpool_limits

from privsynth.errors import InputDataError
from privsynth.logs import get_logger
from privsynth.tools.data.schema import TableSchema
from privsynth.tools.metrics import fidelity as fm
from privsynth.tools.metrics.kmarginal import default_key, kmarginal_score
from privsynth.tools.metrics.privacy import MIA_DEFINITION, dcr, exact_match_rate, membership_inference
from privsynth.tools.metrics.risk import anonymeter_risks
from privsynth.tools.metrics.schema_checks import ColumnIssue, SchemaDiagnostics, check_schema  # noqa: F401 (re-export)
from privsynth.tools.metrics.sdmetrics_quality import sdmetrics_quality
from privsynth.tools.metrics.utility import ORIGINS, UTILITY_DEFS, utility_tstr

log = get_logger(__name__)

STATEMENT = ("Validators read the real data: these numbers are non-DP statistics for the data owner, "
             "not part of the released synthetic data.")
MIN_HOLDOUT_ROWS = 30
WORST_COLUMNS = 3
WORST_PAIRS = 5
Level = Literal["basic", "full"]
Direction = Literal["higher_is_better", "lower_is_better", "closer_to_0.5"]


class Metric(BaseModel):
    """One number with what it means.

    Attributes:
        name: Short identifier.
        value: The value; ``None`` when it could not be computed (see ``note``).
        definition: Plain-language definition.
        direction: Which way is better.
        range: ``(low, high)`` bounds; ``None`` means unbounded.
        columns: Columns the metric is about, if any.
        note: Caveat or reason for a missing value.
        ci: ``[low, high]`` 95 % confidence interval, for metrics estimated from a sample of attacks.
    """

    name: str
    value: float | None
    definition: str
    direction: Direction
    range: tuple[float | None, float | None] = (0.0, 1.0)
    columns: list[str] = Field(default_factory=list)
    note: str | None = None
    ci: list[float] | None = None


class Associations(BaseModel):
    """Cramer's V of every pair of columns in both tables and their absolute difference (square matrices)."""

    columns: list[str]
    real: list[list[float]]
    synthetic: list[list[float]]
    difference: list[list[float]]


class Marginal(BaseModel):
    """Shares of one column's categories / public bins in the real and synthetic tables."""

    column: str
    labels: list[str]
    real: list[float]
    synthetic: list[float]


class FidelityResult(BaseModel):
    """Per-column and per-pair similarity of the distributions."""

    column_shapes: list[Metric]
    column_shape_mean: Metric
    pair_trends: list[Metric]
    pair_trend_mean: Metric
    worst_columns: list[str]
    marginals: list[Marginal] = Field(default_factory=list)
    kmarginal: Metric | None = None
    kmarginal_per_key: dict[str, float] = Field(default_factory=dict)
    worst_pairs: list[str] = Field(default_factory=list)
    associations: Associations | None = None
    sdmetrics_quality: Metric | None = None


class Section(BaseModel):
    """A validator section that may be unavailable (``reason``) or degenerate (``notes`` say why)."""

    available: bool
    reason: str | None = None
    degenerate: bool = False
    metrics: list[Metric] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class UtilityResult(Section):
    """Train-on-synthetic / test-on-real against train-on-real / test-on-real."""

    task: Literal["classification", "regression"] | None = None
    target: str | None = None


class DCRHistogram(BaseModel):
    """Counts of distances to the closest training and holdout row over shared bin ``edges``."""

    edges: list[float]
    train: list[int]
    holdout: list[int]


class PrivacyResult(Section):
    """Distance-to-closest-record statistics, exact copies, membership inference and anonymeter risks."""

    histogram: DCRHistogram | None = None


class ValidationReport(BaseModel):
    """What every validator result carries: the non-DP statement, warnings and timings."""

    statement: str = STATEMENT
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    level: Level = "full"
    timings: dict[str, float] = Field(default_factory=dict)

    def to_report(self) -> dict:
        """JSON-ready dict for the run report (``report["validation"]``)."""
        return self.model_dump(mode="json")


class ValidationResult(ValidationReport):
    """Everything :func:`validate_table` found."""

    rows: dict[str, int]
    validated_rows: dict[str, int] | None = None
    schema_diagnostics: SchemaDiagnostics
    fidelity: FidelityResult
    utility: UtilityResult
    privacy: PrivacyResult


# -- fidelity -----------------------------------------------------------------------------------------------

SHAPE_TVD = ("1 - total variation distance between the real and synthetic shares of each declared "
             "category (plus <other> and <missing>); 1 means identical shares.")
SHAPE_KS = ("1 - Kolmogorov-Smirnov statistic: 1 minus the largest gap between the real and synthetic "
            "cumulative distributions (values clipped to the public bounds; missing counts as its own value).")
PAIR = ("1 - total variation distance between the real and synthetic two-way tables of the pair "
        f"(categories, or {fm.PAIR_BINS} public bins for numbers); 1 means identical joint shares.")


def _fidelity(train: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema,
              key: str | None = None) -> FidelityResult:
    specs = schema.modelled_columns
    present = [c for c in specs if c.name in synthetic.columns]
    gone = "column missing from the synthetic table: scored 0"
    shapes = [Metric(name=f"column_shape:{c.name}", columns=[c.name], direction="higher_is_better",
                     definition=SHAPE_KS if c.kind == "numeric" else SHAPE_TVD,
                     value=fm.column_shape_similarity(train, synthetic, c) if c in present else 0.0,
                     note=None if c in present else gone) for c in specs]
    pairs = fm.pair_trend_scores(train, synthetic, schema, [c.name for c in present])
    trends = [Metric(name=f"pair_trend:{a.name}|{b.name}", columns=[a.name, b.name], definition=PAIR,
                     direction="higher_is_better", value=pairs.get((a.name, b.name), 0.0),
                     note=None if (a.name, b.name) in pairs else gone)
              for i, a in enumerate(specs) for b in specs[i + 1:]]
    worst = [m.columns[0] for m in sorted(shapes, key=lambda m: m.value or 0.0)[:WORST_COLUMNS]]
    marginals = []
    for name in worst:
        if name in synthetic.columns:
            labels, real, synth = fm.marginal_frequencies(train, synthetic, schema.column(name))
            marginals.append(Marginal(column=name, labels=labels, real=real, synthetic=synth))

    def _mean(items: list[Metric], name: str, what: str) -> Metric:
        value = float(np.mean([m.value for m in items])) if items else None
        return Metric(name=name, value=value, direction="higher_is_better", definition=f"Mean of the {what}.")

    result = FidelityResult(column_shapes=shapes, pair_trends=trends, worst_columns=worst, marginals=marginals,
                            column_shape_mean=_mean(shapes, "column_shape_mean", "per-column shape scores"),
                            pair_trend_mean=_mean(trends, "pair_trend_mean", "pair trend scores (every pair)"))
    names = [c.name for c in present]
    if len(names) >= 2:
        result.associations = Associations(**fm.association_matrices(train, synthetic, schema, names))
    _add_kmarginal(result, train, synthetic, schema, names, key, len(present) < len(specs))
    if names:
        quality = sdmetrics_quality(train, synthetic, schema)
        result.sdmetrics_quality = Metric(
            name="sdmetrics_quality", value=quality["score"], direction="higher_is_better",
            definition=("SDMetrics QualityReport score (mean of Column Shapes and Column Pair Trends) with its "
                        "real-correlation and real-association thresholds set to 0, so every column pair counts."),
            note=(f"column shapes {quality['column_shapes']:.3f}, column pair trends "
                  f"{quality['column_pair_trends']:.3f} over {quality['pairs_scored']} pairs"))
    return result


KMARGINAL = ("NIST SDNist k-marginal score: 1000 minus 500 times the mean L1 distance between the real and "
             "synthetic shares of every {what}, numbers in 20 percentile bins of the real data; 1000 means "
             "every such table matches.")


def _add_kmarginal(result: FidelityResult, train: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema,
                   names: list[str], key: str | None, partial: bool) -> None:
    """Attach the k-marginal score (3-way with the key column, else 2-way) to ``result``."""
    key = key if key is not None else default_key(names)
    what = (f"three-way table of '{key}' with each pair of other columns" if key in names
            else "two-way table of a pair of columns")
    note = "Computed on the columns the synthetic table has." if partial else None
    try:
        raw = kmarginal_score(train, synthetic, names, key=key if key in names else None, specs=schema)
    except InputDataError as exc:
        result.kmarginal = Metric(name="kmarginal", value=None, direction="higher_is_better", range=(0.0, 1000.0),
                                  definition=KMARGINAL.format(what=what), note=exc.problem)
        return
    result.kmarginal = Metric(name="kmarginal", value=raw["score"], direction="higher_is_better", columns=names,
                              range=(0.0, 1000.0), definition=KMARGINAL.format(what=what), note=note)
    result.kmarginal_per_key = raw["per_key"] or {}
    result.worst_pairs = sorted(raw["pair_scores"], key=raw["pair_scores"].__getitem__)[:WORST_PAIRS]


# -- utility ------------------------------------------------------------------------------------------------

def _utility(train: pd.DataFrame, holdout: pd.DataFrame | None, synthetic: pd.DataFrame, schema: TableSchema,
             target: str | None, seed: int) -> UtilityResult:
    if target is None:
        return UtilityResult(available=False, reason="No target column was given, so no model was trained.")
    if target not in synthetic.columns:
        return UtilityResult(available=False, target=target, degenerate=True,
                             reason=f"The synthetic table lacks the target column '{target}'.")
    if holdout is None or len(holdout) < MIN_HOLDOUT_ROWS:
        size = "No real holdout was given" if holdout is None else f"The real holdout has only {len(holdout)} rows"
        return UtilityResult(available=False, target=target, degenerate=holdout is not None,
                             reason=f"{size}; the utility test needs at least {MIN_HOLDOUT_ROWS} unseen real rows.")
    features = [c.name for c in schema.modelled_columns if c.name != target and c.name in synthetic.columns]
    if not features:
        return UtilityResult(available=False, target=target, degenerate=True,
                             reason="No predictor column is shared by the real and synthetic tables.")
    try:  # a synthetic column of the wrong type can leave nothing to learn
        raw = utility_tstr(train, holdout, synthetic, target, features, schema, seed=seed)
    except (ValueError, TypeError) as exc:
        return UtilityResult(available=False, target=target, degenerate=True,
                             reason=f"No model could be trained on the synthetic table ({type(exc).__name__}: {exc}).")
    found = [Metric(name=f"{origin}_{key}", value=value, definition=ORIGINS[origin] + UTILITY_DEFS[key][0],
                    range=UTILITY_DEFS[key][1], direction="higher_is_better", columns=[target])
             for origin in ("tstr", "trtr") for key, value in raw[origin].items()]
    return UtilityResult(available=True, task=raw["task"], target=target, degenerate=raw["degenerate"],
                         metrics=found, notes=raw["notes"])


# -- privacy ------------------------------------------------------------------------------------------------

def _privacy(train: pd.DataFrame, holdout: pd.DataFrame | None, synthetic: pd.DataFrame, schema: TableSchema,
             seed: int, max_rows: int, attacks: bool = True, target: str | None = None) -> PrivacyResult:
    columns = [c.name for c in schema.modelled_columns if c.name in synthetic.columns]
    if not columns:
        return PrivacyResult(available=False, degenerate=True, reason="The synthetic table has no modelled column.")
    copy = Metric(name="exact_copy_rate", value=exact_match_rate(synthetic, train, columns),
                  direction="lower_is_better", columns=columns,
                  definition="Share of synthetic rows identical to some real training row on the modelled columns.")
    if holdout is None or len(holdout) < MIN_HOLDOUT_ROWS:
        size = "No real holdout was given" if holdout is None else f"The real holdout has only {len(holdout)} rows"
        return PrivacyResult(available=True, degenerate=holdout is not None, metrics=[copy],
                             notes=[f"{size}; distance-to-closest-record checks need at least "
                                    f"{MIN_HOLDOUT_ROWS} unseen real rows, so only exact copies were counted."])
    raw = dcr(train, holdout, synthetic, columns, schema, max_rows=max_rows, seed=seed)
    copy.note = (f"Baseline: {raw['holdout_exact_match_rate']:.1%} of unseen real holdout rows also equal some "
                 "training row, so a rate near that is expected for common rows.")
    share_note = (f"A generator copying its training rows would score about {raw['copy_benchmark']:.2f} with this "
                  "split; also read exact_copy_rate and dcr_p5_ratio.")
    ratio_note = None if raw["p5_ratio"] is not None else "5th percentile distance to holdout is 0: undefined."
    found = [
        copy,
        Metric(name="holdout_exact_match_rate", value=raw["holdout_exact_match_rate"], direction="lower_is_better",
               columns=columns, definition="Share of real holdout rows identical to some training row (the "
               "natural level of duplicates; a reference for exact_copy_rate)."),
        Metric(name="share_closer_to_train", value=raw["share_closer_to_train"], direction="closer_to_0.5",
               columns=columns, note=share_note,
               definition="Share of synthetic rows nearer to a training row than to any holdout row (Gower "
               "distance; equal-size samples; ties count half). 0.5 means the generator treats seen and "
               "unseen people alike; well above 0.5 suggests it memorised training rows."),
        Metric(name="dcr_p5_ratio", value=raw["p5_ratio"], direction="higher_is_better", range=(0.0, None),
               columns=columns, note=ratio_note,
               definition="5th percentile of the distance to the closest training row divided by that to the "
               "closest holdout row. About 1 or more is good; well below 1 means some synthetic rows sit "
               "unusually close to training rows."),
    ]
    edges = np.linspace(0.0, 1.0, 41)
    hist = DCRHistogram(edges=edges.tolist(), train=np.histogram(raw["distances_train"], edges)[0].tolist(),
                        holdout=np.histogram(raw["distances_holdout"], edges)[0].tolist())
    notes = [f"Distances use {raw['n_synthetic_sampled']} synthetic rows against "
             f"{raw['n_reference']} training and {raw['n_reference']} holdout rows."]
    found += _membership(train, holdout, synthetic, schema, columns, seed)
    if attacks:
        risks = _anonymeter(train, holdout, synthetic, schema, columns, target, seed)
        found += risks
        notes += [m.note for m in risks if m.value is None and m.note]
    else:
        notes.append("Anonymeter attacks were skipped (validation level 'basic').")
    return PrivacyResult(available=True, metrics=found, histogram=hist, notes=notes)


def _membership(train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema,
                columns: list[str], seed: int) -> list[Metric]:
    raw = membership_inference(train, holdout, synthetic, columns, schema, seed=seed)
    note = (f"{raw['n_candidates']} training and {raw['n_candidates']} holdout people attacked with "
            f"{raw['n_synthetic_sampled']} synthetic rows; values within about +-0.05 of 0 are noise.")
    return [Metric(name="mia_advantage", value=raw["advantage"], direction="lower_is_better", range=(-1.0, 1.0),
                   columns=columns, definition=MIA_DEFINITION, note=note),
            Metric(name="mia_auc", value=raw["auc"], direction="closer_to_0.5", columns=columns,
                   definition="ROC AUC of the membership inference attack above; 0.5 is guessing.")]


def _anonymeter(train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame, schema: TableSchema,
                columns: list[str], target: str | None, seed: int) -> list[Metric]:
    found = []
    for raw in anonymeter_risks(train, holdout, synthetic, columns, secret=target, specs=schema, seed=seed):
        note = raw["note"] or (f"{raw['n_attacks']} attacks; 95% interval {raw['ci'][0]:.3f} to {raw['ci'][1]:.3f}"
                               f" (attack success {raw['attack_rate']:.1%} on training rows, "
                               f"{raw['control_rate']:.1%} on unseen holdout rows).")
        if raw.get("secret"):
            note += f" Secret column: '{raw['secret']}'."
        found.append(Metric(name=f"{raw['name']}_risk", value=raw["value"], direction="lower_is_better",
                            columns=columns, definition=raw["definition"], note=note, ci=raw["ci"]))
    return found


# -- entry point --------------------------------------------------------------------------------------------

MAX_VALIDATION_ROWS = 50_000


def _at_most(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """The table, or a seeded uniform subsample of ``rows`` of its rows when it is longer."""
    return frame if len(frame) <= rows else frame.sample(n=rows, random_state=seed).reset_index(drop=True)


def validate_table(train: pd.DataFrame, holdout: pd.DataFrame | None, synthetic: pd.DataFrame,
                   schema: TableSchema, target: str | None, *, seed: int = 0,
                   max_dcr_rows: int = 2000, level: Level = "full", key: str | None = None,
                   max_rows: int = MAX_VALIDATION_ROWS) -> ValidationResult:
    """Run every validator on a synthetic table.

    Tables longer than ``max_rows`` are validated on a seeded uniform subsample of that many rows each (the
    figures of a million-row table are as precise as the checks need from 50,000 rows, and take a fraction of
    the time and memory); ``rows`` reports the full sizes and ``validated_rows`` what was used.

    Args:
        train: Real rows the generator was fitted on (after PII handling).
        holdout: Real rows it never saw, or ``None`` (utility and DCR then report why they are absent).
        synthetic: The synthetic table.
        schema: Public schema of the table.
        target: Column for the utility test, or ``None``.
        seed: Seed of the utility models and the DCR subsamples.
        max_dcr_rows: Rows sampled per table for the DCR nearest-neighbour search.
        level: ``"full"`` runs everything; ``"basic"`` skips the anonymeter attacks.
        key: Key column of the k-marginal score's 3-way marginals (default: ``PUMA`` when the schema has
            it, else 2-way marginals).
        max_rows: Rows of each table the validators read at most (a uniform subsample beyond).

    Returns:
        The result; problems of the synthetic table are reported in it, never raised.

    Raises:
        InputDataError: The real tables lack a modelled column, the synthetic table is empty, or the
            target is not a modelled schema column present in the real data.
    """
    start = time.perf_counter()
    modelled = [c.name for c in schema.modelled_columns]
    for name, frame in (("real training", train), ("real holdout", holdout)):
        if frame is None:
            continue
        absent = [c for c in modelled if c not in frame.columns]
        if absent:
            raise InputDataError(f"The {name} table lacks schema column(s) {absent}.",
                                 "Validate with the same columns the generator was fitted on.")
    if len(train) == 0 or len(synthetic) == 0:
        raise InputDataError("The real training table or the synthetic table has no rows.",
                             "Validate a non-empty synthetic table against the real rows.")
    if target is not None and target not in modelled:
        raise InputDataError(f"The target column '{target}' is not a categorical or numeric column of the schema.",
                             f"Choose one of {modelled}, or give no target.")
    diagnostics = check_schema(synthetic, schema)
    sizes = {"train": len(train), "holdout": 0 if holdout is None else len(holdout), "synthetic": len(synthetic)}
    train, synthetic = _at_most(train, max_rows, seed), _at_most(synthetic, max_rows, seed + 1)
    holdout = None if holdout is None else _at_most(holdout, max_rows, seed + 2)
    warnings = []
    if diagnostics.missing_columns:
        warnings.append(f"The synthetic table lacks column(s) {diagnostics.missing_columns}.")
    if diagnostics.issues:
        warnings.append(f"{sum(i.count for i in diagnostics.issues)} synthetic value(s) break the schema.")
    if holdout is not None and len(holdout) < MIN_HOLDOUT_ROWS:
        warnings.append(f"The real holdout has only {len(holdout)} rows (fewer than {MIN_HOLDOUT_ROWS}): "
                        "utility and distance checks were skipped.")
    if level not in ("basic", "full"):
        raise InputDataError(f"Unknown validation level '{level}'.", "Use 'basic' or 'full'.")
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        begin = time.perf_counter()
        out = fn()
        timings[name] = round(time.perf_counter() - begin, 3)
        return out

    import sklearn.ensemble  # noqa: F401 (load sklearn's OpenMP runtime first, so that the limit covers it)

    with threadpool_limits(limits=1, user_api="openmp"):  # two OpenMP runtimes (torch, sklearn) thrash otherwise
        result = ValidationResult(
            rows=sizes, validated_rows={"train": len(train), "holdout": 0 if holdout is None else len(holdout),
                                        "synthetic": len(synthetic)},
            schema_diagnostics=diagnostics,
            fidelity=timed("fidelity", lambda: _fidelity(train, synthetic, schema, key)),
            utility=timed("utility", lambda: _utility(train, holdout, synthetic, schema, target, seed)),
            privacy=timed("privacy", lambda: _privacy(train, holdout, synthetic, schema, seed, max_dcr_rows,
                                                      attacks=level == "full", target=target)),
            warnings=warnings, level=level, timings=timings)
    result.seconds = round(time.perf_counter() - start, 3)
    log.info("validated", seconds=result.seconds, shape_mean=result.fidelity.column_shape_mean.value)
    return result
