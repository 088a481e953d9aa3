"""The text part of a mixed run: scrubbing the text column, writing one text per row, consistency and verdict.

The scrubbed texts (still private) go to the run's private corpus with each row's composite label and its side
of the table's holdout split, the same owner-only file the text branch uses
(:func:`~privsynth.graphs.nodes.text_corpus.write_private_corpus`), removed at release, rejection or failure.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from privsynth.agents.planner.plan import Plan
from privsynth.config import local_secret
from privsynth.graphs.context import HOLDOUT_FRACTION, load_source, settings_for
from privsynth.graphs.nodes.mixed_parts import MixedParts
from privsynth.graphs.nodes.text_corpus import HOLDOUT_COLUMN, PII_NOTE, scrub_texts, write_private_corpus
from privsynth.logs import get_logger
from privsynth.policies.holdout import holdout_mask
from privsynth.policies.text_release import TEXT_THRESHOLDS, evaluate_text_release
from privsynth.tools.mixed.consistency import text_agreement
from privsynth.tools.mixed.labels import LABEL_COLUMN, split_label

log = get_logger(__name__)

CONSISTENCY_WARN = 0.8  # synthetic agreement below this share of the real agreement warns
_ORDER = {"pass": 0, "warn": 1, "fail": 2}


def _texts(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))


def scrub_mixed_text(state: dict[str, Any], plan: Plan, parts: MixedParts) -> dict[str, Any]:
    """Scan and scrub the text column of every row (holdout included), write the private corpus; counts only.

    Returns:
        The text column's PII summary (entity counts, texts with PII, the action), never a detected value.
    """
    assert parts.text.text_field is not None
    source = load_source(parts.table, state.get("fingerprint"))
    secret = local_secret(settings_for(state.get("home")).home)
    side = holdout_mask(source.data, secret, HOLDOUT_FRACTION, equal_rows="apart")  # the table's own split
    texts = _texts(source.data[parts.text.text_field])
    frame = pd.DataFrame({parts.text.text_field: texts.to_numpy()})
    if parts.conditions:
        frame[LABEL_COLUMN] = parts.label_of(source.data).to_numpy()
    frame[HOLDOUT_COLUMN] = side
    frame = frame.loc[texts.str.strip().to_numpy() != ""].reset_index(drop=True)
    scrubbed, summary = scrub_texts(frame[parts.text.text_field].tolist(), plan.pii_action, plan.seed or 0,
                                   plan.pii)
    frame[parts.text.text_field] = scrubbed
    write_private_corpus(state["run_dir"], frame)
    log.info("mixed.text_scrubbed", run_id=state.get("run_id"), texts=summary["texts_scanned"],
             entities=summary["entity_counts"])
    return {"text_field": parts.text.text_field, "action": plan.pii_action, "per_type": plan.pii,
            "scrubbed_with": plan.pii_action, **summary, "note": PII_NOTE}


def write_texts(generator: Any, parts: MixedParts, labels: pd.Series) -> tuple[list[str | None], dict[str, Any]]:
    """One text for each synthetic row, sampled under the row's own label (post-processing, no budget).

    Returns:
        The texts in row order (None where the model gave fewer distinct texts than rows of a label) and what
        was done (counts, seconds, warnings).
    """
    field = parts.text.text_field
    out: list[str | None] = [None] * len(labels)
    started = time.perf_counter()
    groups = {None: list(range(len(labels)))} if not parts.conditions else {
        label: [i for i, v in enumerate(labels.tolist()) if v == label] for label in dict.fromkeys(labels.tolist())}
    for label, rows in groups.items():
        conditions = {LABEL_COLUMN: label} if label is not None else None
        texts = generator.sample(len(rows), conditions=conditions)[field].tolist()
        for row, text in zip(rows, texts, strict=False):
            out[row] = text
    missing = sum(t is None for t in out)
    info: dict[str, Any] = {"texts_written": len(out) - missing, "rows_without_text": missing,
                            "labels_sampled": len(groups), "sample_seconds": round(time.perf_counter() - started, 1),
                            "warnings": []}
    if missing:
        info["warnings"].append(f"{missing} of {len(out)} synthetic rows have no text: the model kept repeating "
                                "itself under their label and duplicates were dropped.")
    return out, info


def consistency(parts: MixedParts, train: pd.DataFrame, holdout: pd.DataFrame | None,
                synthetic: pd.DataFrame) -> dict[str, Any]:
    """Per conditioning column: how often a reader trained on real texts agrees with real and synthetic rows."""
    note = ("A TF-IDF + logistic regression reader trained on the real training texts predicts each column from a "
            "text; agreement is the share of rows where it equals the row's own value (real: the holdout rows; "
            "synthetic: each synthetic row's text against that row). ratio = synthetic / real. Not DP.")
    if holdout is None or not parts.conditions:
        return {"available": False, "reason": "no holdout rows or no conditioning columns", "note": note}
    field = parts.text.text_field
    columns: dict[str, Any] = {}
    for i, column in enumerate(parts.conditions):
        def values(frame: pd.DataFrame, i: int = i) -> list[str]:
            return [split_label(v, parts.conditions)[i] for v in frame[LABEL_COLUMN].tolist()]

        columns[column] = text_agreement((train[field].tolist(), values(train)),
                                         (holdout[field].tolist(), values(holdout)),
                                         (synthetic[field].tolist(), parts.label_of(synthetic).map(
                                             lambda v, i=i: split_label(v, parts.conditions)[i]).tolist()))
    return {"available": True, "columns": columns, "note": note}


def release_of(table: dict[str, Any], text_validation: dict[str, Any], agreement: dict[str, Any],
               overrides: dict[str, dict[str, float]] | None) -> dict[str, Any]:
    """The run's verdict: the worse of the table's and the text's, each part's reasons and checks labelled."""
    text = evaluate_text_release(text_validation, {k: v for k, v in (overrides or {}).items() if k in TEXT_THRESHOLDS})
    reasons = [f"structured columns: {r}" for r in table.get("reasons", [])] + \
              [f"text: {r}" for r in text.get("reasons", [])]
    verdicts = [table.get("verdict", "pass"), text.get("verdict", "pass")]
    for column, result in (agreement.get("columns") or {}).items():
        ratio = result.get("ratio")
        if ratio is not None and ratio < CONSISTENCY_WARN:
            verdicts.append("warn")
            reasons.append(f"warn: consistency: the synthetic texts agree with their rows' '{column}' {ratio:.0%} as "
                           f"often as real texts do (below {CONSISTENCY_WARN:.0%})")
    checks = [{**c, "part": "table"} for c in table.get("checks", [])] + \
             [{**c, "part": "text"} for c in text.get("checks", [])]
    verdict = max(verdicts, key=lambda v: _ORDER.get(v, 0))
    return {"verdict": verdict, "reasons": reasons, "checks": checks,
            "parts": {"table": table.get("verdict"), "text": text.get("verdict")}}
