"""Text validators: PII re-scan, memorisation, canaries, embedding similarity and utility of synthetic text.

:func:`validate_text` compares synthetic texts with the real training texts (and a real holdout the
generator never saw) and returns a :class:`TextValidationResult` whose sections hold
:class:`~privsynth.agents.validators.tabular.Metric` entries, like the tabular :func:`validate_table`. Every number
reads the real texts: these are non-DP statistics for the data owner, never released with the synthetic text.

``level="full"`` (default) runs every check; ``level="basic"`` skips the embedding similarity (the MiniLM
model) and the canary exposure scoring. Missing optional inputs (holdout, labels, canaries, the embedding
model package) leave the matching metrics "not computed" with a note instead of failing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import Field

from privsynth.agents.validators.tabular import Metric, Section, ValidationReport
from privsynth.errors import ConfigError, InputDataError
from privsynth.logs import get_logger
from privsynth.tools.metrics import embeddings
from privsynth.tools.metrics import text as tm

log = get_logger(__name__)

STATEMENT = ("Text validators read the real texts: these numbers are non-DP statistics for the data owner, "
             "not part of the released synthetic data.")
Level = Literal["basic", "full"]
MIN_UTILITY_TEXTS = 10
EXPOSURE_CANDIDATES = 1000


class PIISection(Section):
    """PII re-scan of the synthetic texts, with the training texts as a baseline of the scanner's hits."""

    entity_counts: dict[str, int] = Field(default_factory=dict)
    train_entity_counts: dict[str, int] = Field(default_factory=dict)


class TextValidationResult(ValidationReport):
    """Everything :func:`validate_text` found."""

    statement: str = STATEMENT
    texts: dict[str, int]
    pii: PIISection
    memorisation: Section
    similarity: Section
    utility: Section


def _m(name: str, value: float | None, definition: str, direction: str, rng: tuple[float | None, float | None]
       = (0.0, 1.0), note: str | None = None) -> Metric:
    return Metric(name=name, value=value, definition=definition, direction=direction, range=rng, note=note)


def _excess(value: float | None, baseline: float | None) -> float | None:
    return None if value is None else max(0.0, value - (baseline or 0.0))


def _sample(texts: list[str], cap: int, seed: int) -> list[str]:
    if len(texts) <= cap:
        return texts
    keep = np.sort(np.random.default_rng(seed).choice(len(texts), cap, replace=False))
    return [texts[i] for i in keep]


def _pii(train: list[str], synth: list[str], max_texts: int, seed: int) -> PIISection:
    from privsynth.tools.pii.table_scan import WEAK_ENTITIES

    out = tm.pii_rescan(synth, weak=WEAK_ENTITIES)
    base_texts = _sample(train, max_texts, seed)
    base = tm.pii_rescan(base_texts, weak=WEAK_ENTITIES)
    sampled = None if len(base_texts) == len(train) else f"Baseline from {len(base_texts)} of {len(train)} texts."
    ident = ("direct identifiers (names, e-mail addresses, phone and card numbers...; not dates, places or "
             "organisations)")
    metrics = [
        _m("pii_share", out["share_with_pii"], "Share of synthetic texts in which the PII scanner finds any entity.",
           "lower_is_better"),
        _m("pii_identifier_share", out["share_with_identifiers"],
           f"Share of synthetic texts with {ident}.", "lower_is_better"),
        _m("train_pii_identifier_share", base["share_with_identifiers"],
           f"Share of training texts with {ident}: the scanner's baseline (false positives, text left unscrubbed).",
           "lower_is_better", note=sampled),
        _m("pii_identifier_excess", _excess(out["share_with_identifiers"], base["share_with_identifiers"]),
           "Synthetic identifier share minus the training baseline (0 when lower): identifiers the generator "
           "added or kept beyond what the scanner flags in the training text anyway.", "lower_is_better"),
    ]
    return PIISection(available=True, metrics=metrics, entity_counts=out["entity_counts"],
                      train_entity_counts=base["entity_counts"])


def _memorisation(train: list[str], holdout: list[str], synth: list[str], canaries: list[tm.Canary], n: int,
                  scorer: Callable[[Sequence[str]], Sequence[float]] | None, level: Level, seed: int) -> Section:
    notes: list[str] = []
    matcher = tm.LongestMatch(train)
    copy = tm.verbatim_copy_rate(train, synth)
    grams = tm.ngram_overlap(train, synth, n, matcher)
    hold_copy = tm.verbatim_copy_rate(holdout, synth) if holdout else None
    hold_grams = tm.ngram_overlap(train, holdout, n, matcher)["overlap_rate"] if holdout else None
    no_hold = None if holdout else "No holdout texts: no baseline, the excess equals the raw rate."
    words = f"word {n}-gram"
    short = None if grams["overlap_rate"] is not None else f"No synthetic text has {n} or more words."
    metrics = [
        _m("verbatim_copy_rate", copy, "Share of synthetic texts identical to a training text (case and "
           "whitespace ignored).", "lower_is_better"),
        _m("holdout_verbatim_match_rate", hold_copy, "Share of synthetic texts identical to a holdout text the "
           "generator never saw: how often short, common texts match by chance.", "lower_is_better", note=no_hold),
        _m("verbatim_copy_excess", _excess(copy, hold_copy), "Verbatim copy rate minus the holdout match rate "
           "(0 when lower).", "lower_is_better", note=no_hold),
        _m("ngram_overlap_rate", grams["overlap_rate"], f"Share of synthetic texts of at least {n} words that share "
           f"a {words} with a training text ({grams['eligible']} eligible).", "lower_is_better", note=short),
        _m("holdout_ngram_overlap_rate", hold_grams, f"Share of holdout texts of at least {n} words that share a "
           f"{words} with a training text: the overlap of unseen real text.", "lower_is_better", note=no_hold),
        _m("ngram_overlap_excess", _excess(grams["overlap_rate"], hold_grams), "n-gram overlap rate minus the "
           "holdout's (0 when lower).", "lower_is_better", note=short or no_hold),
        _m("longest_match_mean", grams.get("longest_mean"), "Mean length in words of the longest word sequence a "
           "synthetic text shares with any training text.", "lower_is_better", (0.0, None)),
        _m("longest_match_p95", grams.get("longest_p95"), "95th percentile of that longest shared run (words).",
           "lower_is_better", (0.0, None)),
        _m("longest_match_max", grams.get("longest_max"), "Longest shared run of any synthetic text (words).",
           "lower_is_better", (0.0, None)),
        _m("longest_match_fraction", grams.get("longest_fraction_mean"), "Mean share of a synthetic text's words "
           "covered by its longest run shared with a training text (1 = copies).", "lower_is_better"),
    ]
    if canaries:
        found = tm.canary_extraction(canaries, synth)
        planted = tm.canary_extraction(canaries, train)["extracted"]
        if planted < len(canaries):
            notes.append(f"{len(canaries) - planted} of {len(canaries)} canary secrets do not occur in the training "
                         "texts given here.")
        metrics.append(_m("canary_extraction_rate", found["rate"], f"Share of the {len(canaries)} planted canary "
                          "secrets that appear verbatim in the synthetic text.", "lower_is_better"))
        metrics.extend(_exposure(canaries, scorer, level, seed))
    else:
        notes.append("No canaries were planted: canary extraction and exposure not measured.")
    return Section(available=True, metrics=metrics, notes=notes)


def _exposure(canaries: list[tm.Canary], scorer: Any, level: Level, seed: int) -> list[Metric]:
    top = float(np.log2(EXPOSURE_CANDIDATES + 1))
    definition = ("Exposure (Carlini et al. 2019) of the planted canaries under the generator's log-likelihood: "
                  "log2(candidates + 1) - log2(rank of the canary among format-preserving random secrets). "
                  f"About 1 bit = not memorised; {top:.1f} = ranked first (the cap with {EXPOSURE_CANDIDATES} "
                  "candidates).")
    reason = ("no log-likelihood scorer was given" if scorer is None else "validation level 'basic'"
              if level == "basic" else None)
    if reason:
        return [_m("canary_exposure_max", None, definition, "lower_is_better", (0.0, None), f"Not measured: {reason}.")]
    values = [tm.canary_exposure(c, scorer, EXPOSURE_CANDIDATES, seed + i)["exposure"] for i, c in enumerate(canaries)]
    return [_m("canary_exposure_max", max(values), "Largest " + definition[0].lower() + definition[1:],
               "lower_is_better", (0.0, None)),
            _m("canary_exposure_mean", float(np.mean(values)), "Mean " + definition[0].lower() + definition[1:],
               "lower_is_better", (0.0, None))]


def _similarity(train: list[str], holdout: list[str], synth: list[str], max_texts: int, seed: int) -> Section:
    try:
        real = embeddings.encode(_sample(train, max_texts, seed))
        fake = embeddings.encode(_sample(synth, max_texts, seed + 1))
        held = embeddings.encode(_sample(holdout, max_texts, seed + 2)) if holdout else None
    except ConfigError as exc:
        return Section(available=False, reason=f"Embedding similarity not computed: {exc}")
    cos = "Cosine similarity of the mean MiniLM sentence embedding of the training texts and of "
    notes = [f"Embeddings of at most {max_texts} texts per side (all-MiniLM-L6-v2, offline)."]
    metrics = [
        _m("embedding_mean_cosine", tm.mean_embedding_cosine(real, fake), cos + "the synthetic texts.",
           "higher_is_better", (-1.0, 1.0)),
        _m("holdout_embedding_mean_cosine", None if held is None else tm.mean_embedding_cosine(real, held),
           cos + "the holdout texts: what unseen real text reaches.", "higher_is_better", (-1.0, 1.0),
           None if held is not None else "No holdout texts."),
    ]
    other, side = (held, "holdout") if held is not None and len(held) >= 10 else (real, "training")
    auc = tm.classifier_two_sample_auc(other, fake, seed=seed, max_per_side=max_texts)
    metrics.append(_m("two_sample_auc", auc, f"Cross-validated ROC AUC of a logistic regression on MiniLM embeddings "
                      f"telling real {side} texts from synthetic texts (balanced samples): 0.5 = indistinguishable, "
                      "1 = always told apart.", "closer_to_0.5",
                      note=None if auc is not None else "Fewer than 10 texts on a side."))
    return Section(available=True, metrics=metrics, notes=notes)


def _labels(labels: object, index: list[int], n_input: int, name: str) -> list[str] | None:
    if labels is None:
        return None
    if isinstance(labels, str | bytes) or not hasattr(labels, "__len__") or len(labels) != n_input:  # type: ignore[arg-type]
        raise InputDataError(f"{name} must be a list with one label per text ({n_input} texts).",
                             f"Pass {name} aligned with its texts, or leave it out.")
    values = list(labels)  # type: ignore[call-overload]
    return [None if values[i] is None or values[i] != values[i] else str(values[i]) for i in index]  # NaN != NaN


def _pairs(texts: list[str], labels: list[str | None] | None) -> tuple[list[str], list[str]]:
    kept = [(t, y) for t, y in zip(texts, labels or [], strict=False) if y is not None]
    return [t for t, _ in kept], [y for _, y in kept]  # type: ignore[misc]


def _utility(data: dict[str, tuple[list[str], list[str] | None]]) -> Section:
    (hx, hy), (sx, sy), (tx, ty) = (_pairs(*data[k]) for k in ("holdout", "synthetic", "train"))
    missing = [k for k, n in (("holdout", len(hx)), ("synthetic", len(sx))) if n < MIN_UTILITY_TEXTS]
    if missing:
        return Section(available=False, reason=f"Utility not computed: fewer than {MIN_UTILITY_TEXTS} labelled "
                       f"{' and '.join(missing)} texts (pass holdout_labels and synthetic_labels).")
    notes = []
    unseen = sorted(set(hy) - set(sy))
    if unseen:
        notes.append(f"{len(unseen)} holdout classes never occur in the synthetic labels.")
    tstr = tm.tfidf_classification(sx, sy, hx, hy)
    trtr = tm.tfidf_classification(tx, ty, hx, hy) if len(tx) >= MIN_UTILITY_TEXTS else {}
    no_trtr = None if trtr else "No (or too few) training labels: no reference."
    origin = {"tstr": "TF-IDF + logistic regression trained on the synthetic texts, tested on the real holdout: ",
              "trtr": "TF-IDF + logistic regression trained on the real training texts, tested on the real holdout "
                      "(the reference): "}
    what = {"accuracy": "share of holdout texts classified correctly.",
            "macro_f1": "F1 averaged over the holdout's classes."}
    metrics = [_m(f"{o}_{k}", res.get(k), origin[o] + what[k], "higher_is_better",
                  note=None if o == "tstr" else no_trtr) for o, res in (("tstr", tstr), ("trtr", trtr)) for k in what]
    gap = None if not trtr or tstr["accuracy"] is None else trtr["accuracy"] - tstr["accuracy"]
    metrics.append(_m("accuracy_gap", gap, "TRTR accuracy minus TSTR accuracy: what training on synthetic text "
                      "loses (<= 0: nothing).", "lower_is_better", (-1.0, 1.0), no_trtr))
    return Section(available=True, metrics=metrics, notes=notes)


def validate_text(train_texts: Sequence[str], holdout_texts: Sequence[str] | None, synthetic_texts: Sequence[str],
                  *, train_labels: Sequence[object] | None = None, holdout_labels: Sequence[object] | None = None,
                  synthetic_labels: Sequence[object] | None = None, canaries: Sequence[object] | None = None,
                  canary_scorer: Callable[[Sequence[str]], Sequence[float]] | None = None, level: Level = "full",
                  ngram: int = 8, max_texts: int = 1000, seed: int = 0) -> TextValidationResult:
    """Validate synthetic text against the real training texts and a real holdout.

    Args:
        train_texts: The real texts the generator was trained on.
        holdout_texts: Real texts split off before generation (``None``/empty: no baselines, no utility).
        synthetic_texts: The generated texts.
        train_labels: Class of each training text (for the TRTR utility reference).
        holdout_labels: Class of each holdout text (needed for utility).
        synthetic_labels: Class of each synthetic text (needed for utility).
        canaries: Planted canaries: strings, ``{"text", "secret"}`` dicts or :class:`~privsynth.tools.
            text_metrics.Canary`.
        canary_scorer: Log-likelihood of each given text under the generator; enables canary exposure.
        level: ``"full"`` or ``"basic"`` (skips embedding similarity and exposure).
        ngram: The n-gram length (words) of the overlap check.
        max_texts: Cap on texts per side for embeddings and for the PII baseline of the training texts.
        seed: Seed of every sample and split.

    Returns:
        The :class:`TextValidationResult`; ``None`` entries and blank texts are skipped (counted in
        ``warnings``).

    Raises:
        InputDataError: No usable training or synthetic text, a non-string text, misaligned labels or a
            malformed canary.
        ConfigError: An unknown ``level`` or a bad ``ngram`` / ``max_texts``.
    """
    if level not in ("basic", "full"):
        raise ConfigError(f"Unknown validation level {level!r}.", "Use 'basic' or 'full'.")
    if max_texts < 20:
        raise ConfigError(f"max_texts must be at least 20 (got {max_texts}).", "Pass a larger cap, e.g. 1000.")
    if ngram < 1:
        raise ConfigError(f"The n-gram length must be at least 1 (got {ngram}).", "Pass ngram >= 1, e.g. 8.")
    start, warnings, timings = time.perf_counter(), [], {}
    data: dict[str, tuple[list[str], list[str] | None]] = {}
    for name, texts, labels, required in (("train", train_texts, train_labels, True),
                                          ("holdout", holdout_texts, holdout_labels, False),
                                          ("synthetic", synthetic_texts, synthetic_labels, True)):
        if texts is not None and not isinstance(texts, str | bytes) and hasattr(texts, "__iter__"):
            texts = list(texts)
        kept, index = tm.check_texts(texts, f"{name}_texts", required=required)
        n_input = len(texts) if isinstance(texts, list) else 0
        if len(kept) < n_input:
            warnings.append(f"{n_input - len(kept)} of {n_input} {name} texts are missing or blank and were skipped.")
        data[name] = (kept, _labels(labels, index, n_input, f"{name}_labels"))
    planted = tm.as_canaries(canaries or [])
    (train, _), (holdout, _), (synth, _) = data["train"], data["holdout"], data["synthetic"]

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        timings[name] = round(time.perf_counter() - t0, 3)
        return out

    pii = timed("pii", lambda: _pii(train, synth, max_texts, seed))
    memo = timed("memorisation", lambda: _memorisation(train, holdout, synth, planted, ngram, canary_scorer,
                                                       level, seed))
    if level == "full":
        similarity = timed("similarity", lambda: _similarity(train, holdout, synth, max_texts, seed))
    else:
        similarity = Section(available=False, reason="Embedding similarity skipped at validation level 'basic'.")
    utility = timed("utility", lambda: _utility(data))
    for section in (similarity, utility):
        if not section.available and section.reason:
            warnings.append(section.reason)
    seconds = round(time.perf_counter() - start, 3)
    log.info("text_validation_done", seconds=seconds, level=level, **{k: len(v[0]) for k, v in data.items()})
    return TextValidationResult(texts={k: len(v[0]) for k, v in data.items()}, pii=pii, memorisation=memo,
                                similarity=similarity, utility=utility, warnings=warnings, seconds=seconds,
                                level=level, timings=timings)
