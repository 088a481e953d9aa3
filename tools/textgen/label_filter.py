"""Keeping the synthetic texts that the fine-tuned model itself reads as their label (post-processing).

Sampling draws ``factor`` times more candidates per label than wanted. Each candidate ``x`` drawn for
label ``y`` is then scored under every label's prompt with the same fine-tuned model,
``log p(x | y')`` for all ``y'`` (:func:`privsynth.tools.textgen.scoring.log_likelihoods`), and ranked by
its *margin* ``log p(x | y) - max_{y' != y} log p(x | y')``: how much more likely the model finds it under
its own label than under the best other one (with a uniform prior, the model's own Bayes classifier).
The ``quota`` candidates with the largest margins are kept. Texts that read as another label, or as
nothing in particular, are dropped; a downstream classifier trained on the result sees cleaner classes.

Measured on CPU (``evals/text_bench.py --preset cpu``, epsilon 8, 10 Banking77 intents): on one fitted model (seed 0)
and one set of 120 candidates per label, keeping the best 40 rather than the first 40 raised the accuracy of
classifiers trained on the texts from 0.75 to 0.78 of real (TF-IDF) and from 0.85 to 0.89 (MiniLM); keeping 60 of
120 (the preset) reached 0.80 / 0.87.

Privacy: the filter uses only the released model and its own samples, never the training data, so it is
post-processing and costs no budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from privsynth.tools.textgen.scoring import log_likelihoods


def label_margins(model: Any, tokenizer: Any, texts: Sequence[str], labels: Sequence[str],
                  domain: Sequence[str], batch_size: int = 32, max_tokens: int = 128,
                  progress: bool = False) -> np.ndarray:
    """Each text's log-likelihood margin of its own label over the best other label.

    Args:
        model: The fine-tuned causal LM.
        tokenizer: Its tokenizer.
        texts: Candidate texts.
        labels: The label each text was sampled for (each one in ``domain``).
        domain: Every label the model was trained on (at least two).
        batch_size: Texts per forward pass.
        max_tokens: Longest sequence scored.
        progress: Show a progress bar (one step per label).

    Returns:
        One margin per text (positive: the model prefers the text's own label).

    Raises:
        ValueError: Fewer than two labels, or a text's label outside ``domain``.
    """
    domain = list(domain)
    if len(domain) < 2:
        raise ValueError("Label margins need at least two labels.")
    position = {label: i for i, label in enumerate(domain)}
    unknown = sorted({label for label in labels if label not in position})
    if unknown:
        raise ValueError(f"Labels outside the domain: {unknown[:5]}.")
    if not texts:
        return np.zeros(0)
    scores = np.array([log_likelihoods(model, tokenizer, texts, label=label, batch_size=batch_size,
                                       max_tokens=max_tokens)
                       for label in tqdm(domain, desc="label filter", unit="label", disable=not progress)]).T
    own = np.array([position[label] for label in labels])
    mine = scores[np.arange(len(texts)), own]
    others = scores.copy()
    others[np.arange(len(texts)), own] = -np.inf
    return mine - others.max(axis=1)


def keep_by_margin(pairs: Sequence[tuple[str, str]], margins: np.ndarray,
                   quotas: dict[str, int]) -> list[tuple[str, str]]:
    """The ``quotas[label]`` pairs with the largest margins for each label, in label order.

    Args:
        pairs: ``(text, label)`` candidates.
        margins: Their margins (:func:`label_margins`).
        quotas: Texts to keep per label.

    Returns:
        The kept pairs, label by label, best margin first.
    """
    if len(pairs) != len(margins):
        raise ValueError(f"{len(pairs)} candidates but {len(margins)} margins.")
    out: list[tuple[str, str]] = []
    for label, quota in quotas.items():
        mine = [i for i, (_, lab) in enumerate(pairs) if lab == label]
        mine.sort(key=lambda i: -float(margins[i]))
        out.extend(pairs[i] for i in mine[:quota])
    return out


def keep_clearest(model: Any, tokenizer: Any, pairs: Sequence[tuple[str, Any]], quotas: dict[Any, int],
                  domain: Sequence[str], batch_size: int = 32, max_tokens: int = 128,
                  progress: bool = False) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Score candidates (:func:`label_margins`) and keep the clearest per label (:func:`keep_by_margin`).

    Returns:
        The kept ``(text, label)`` pairs and a summary (candidates, kept, share read as their own label).
    """
    texts, labels = [t for t, _ in pairs], [str(lab) for _, lab in pairs]
    margins = label_margins(model, tokenizer, texts, labels, domain, batch_size=batch_size, max_tokens=max_tokens,
                            progress=progress)
    kept = keep_by_margin(list(zip(texts, labels, strict=True)), margins, {str(k): v for k, v in quotas.items()})
    info = {"candidates": len(pairs), "kept": len(kept),
            "share_read_as_own_label": float((margins > 0).mean()) if len(margins) else None}
    return kept, info
