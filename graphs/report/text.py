"""Report sections for synthetic text: PII scrub and re-scan, memorisation, similarity, utility and training.

:func:`text_sections` turns a text run's report dict (``validation`` from
:func:`~privsynth.agents.validators.text.validate_text`, ``pii`` from the text scrub, ``generation`` from the
text generate node) into ``(key, heading, html)`` triples that :func:`privsynth.graphs.report.report.render_html`
places in the page. Every value is escaped; a missing or malformed part shows a note instead.
"""

from __future__ import annotations

from typing import Any

from privsynth.graphs.report import plots
from privsynth.graphs.report.html import _e, _fmt, _metric_rows, _table, _value

HEADINGS = {
    "text_pii": "Synthetic text: personal data re-scan",
    "memorisation": "Memorisation: does the synthetic text copy the training text?",
    "similarity": "Similarity: does the synthetic text read like the real text?",
    "text_utility": "Utility: does a classifier trained on synthetic text work on real text?",
    "training": "Training of the DP language model",
    "examples": "Examples of the synthetic text",
}
MAX_EXAMPLES = 10


def is_text(report: dict) -> bool:
    """Whether a report describes a text run."""
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    run = report.get("run") if isinstance(report.get("run"), dict) else {}
    return validation.get("modality") == "text" or run.get("modality") == "text"


def _metrics(section: dict) -> list[dict]:
    return [m for m in section.get("metrics", []) if isinstance(m, dict)]


def _values(validation: dict) -> dict[str, Any]:
    return {m.get("name"): m.get("value") for key in ("pii", "memorisation", "similarity", "utility")
            for m in _metrics(validation.get(key) if isinstance(validation.get(key), dict) else {})}


def _notes(section: dict) -> str:
    parts = []
    if section.get("available") is False:
        parts.append(f"<p class='note'>Not computed: {_e(section.get('reason') or 'no reason given')}</p>")
    parts += [f"<p class='note'>{_e(n)}</p>" for n in section.get("notes", [])]
    return "".join(parts)


def scrub_pii(pii: dict) -> str:
    """The PII scrub of the training texts: counts per entity type, never a value."""
    counts = pii.get("entity_counts") or {}
    action = {"drop": "each entity was replaced by its tag (such as <PERSON>)",
              "fake": "each entity was replaced by a consistent fake value",
              "keep": "the texts were left as they are"}.get(str(pii.get("action")), "")
    parts = [f"<p>The text column <b>{_e(pii.get('text_field'))}</b> was scanned before training: "
             f"{_fmt(pii.get('texts_with_pii'))} of {_fmt(pii.get('texts_scanned'))} texts hold personal data; "
             f"action <b>{_e(pii.get('action'))}</b>: {_e(action)}.</p>"]
    if counts:
        parts.append(_table([{"entity type": k, "found": v} for k, v in counts.items()]))
    else:
        parts.append("<p>The scanner found no personal data.</p>")
    return "".join(parts)


def _rescan(section: dict) -> str:
    parts = [_notes(section), "<p>The synthetic texts are scanned with the same PII scanner; the training texts "
             "(after scrubbing) give the baseline of what the scanner flags anyway.</p>"]
    synth, train = section.get("entity_counts") or {}, section.get("train_entity_counts") or {}
    if synth or train:
        parts.append(_table([{"entity type": k, "in synthetic texts": synth.get(k, 0),
                              "in training texts": train.get(k, 0)} for k in sorted(set(synth) | set(train))]))
    return "".join(parts) + _metric_rows(_metrics(section))


def _memorisation(section: dict) -> str:
    return ("<p>A model that memorised its training texts would repeat them, or long runs of their words. Each "
            "rate is compared with real texts the model never saw (the holdout), which share some wording by "
            "chance.</p>" + _notes(section) + _metric_rows(_metrics(section)))


def _similarity(section: dict) -> str:
    return _notes(section) + (_metric_rows(_metrics(section)) if section.get("metrics") else "")


def _utility(section: dict) -> str:
    parts = [_notes(section)]
    metrics = {m.get("name"): m.get("value") for m in _metrics(section)}
    keys = [k for k in ("accuracy", "macro_f1") if metrics.get(f"tstr_{k}") is not None]
    if keys:
        parts.append("<p>A text classifier (TF-IDF + logistic regression) predicting the label was trained once on "
                     "the synthetic texts and once on the real training texts, then both were tested on real texts "
                     "neither had seen.</p>" + plots.utility_bars(metrics, keys))
    if section.get("metrics"):
        parts.append(_metric_rows(_metrics(section)))
    return "".join(parts)


def _training(generation: dict) -> str:
    training = generation.get("training") if isinstance(generation.get("training"), dict) else {}
    keep = ("base_model", "units", "user_level", "steps", "sample_rate", "noise_multiplier", "label_noise",
            "max_grad_norm", "epsilon_accounted", "truncated", "tokens_per_second", "train_seconds")
    rows = {k: training.get(k) for k in keep if k in training}
    rows.update({f"setting: {k}": v for k, v in (generation.get("settings") or {}).items() if k != "progress"})
    return ("<p>The model was fine-tuned with DP-SGD (Poisson sampling, per-example clipping, Gaussian noise) on "
            "LoRA adapters; the noise multiplier is calibrated so that this run spends at most its epsilon.</p>"
            + _value(rows))


def _examples(examples: list) -> str:
    rows = [r for r in examples if isinstance(r, dict)][:MAX_EXAMPLES]
    return ("<p class='muted'>The first texts of the released synthetic file.</p>" + _table(rows)) if rows else ""


def glance_lines(report: dict) -> list[str]:
    """Plain sentences for the "At a glance" section of a text run."""
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    values = _values(validation)
    lines = []
    if values.get("tstr_accuracy") is not None:
        reference = (f", against {_fmt(values['trtr_accuracy'])} when trained on the real texts"
                     if values.get("trtr_accuracy") is not None else "")
        lines.append(f"Use: a classifier trained on the synthetic texts labels real texts with accuracy "
                     f"{_fmt(values['tstr_accuracy'])}{reference}.")
    if values.get("verbatim_copy_rate") is not None:
        lines.append(f"Copies: {_fmt(100 * values['verbatim_copy_rate'])}% of synthetic texts equal a training text"
                     + (f"; {_fmt(100 * values['ngram_overlap_rate'])}% share a long word run with one."
                        if values.get("ngram_overlap_rate") is not None else "."))
    if values.get("pii_identifier_share") is not None:
        lines.append(f"Personal data: {_fmt(100 * values['pii_identifier_share'])}% of synthetic texts hold a direct "
                     "identifier by the PII scanner.")
    return lines


def text_sections(report: dict) -> list[tuple[str, str, str]]:
    """The text-specific sections of a report, as ``(key, heading, html)``, in page order."""
    validation = report.get("validation") if isinstance(report.get("validation"), dict) else {}
    generation = report.get("generation") if isinstance(report.get("generation"), dict) else {}
    out = []
    for key, vkey, render in (("text_pii", "pii", _rescan), ("memorisation", "memorisation", _memorisation),
                              ("similarity", "similarity", _similarity), ("text_utility", "utility", _utility)):
        if isinstance(validation.get(vkey), dict):
            out.append((key, HEADINGS[key], render(validation[vkey])))
    if generation.get("training") or generation.get("settings"):
        out.append(("training", HEADINGS["training"], _training(generation)))
    if isinstance(report.get("examples"), list) and report["examples"]:
        out.append(("examples", HEADINGS["examples"], _examples(report["examples"])))
    return out
