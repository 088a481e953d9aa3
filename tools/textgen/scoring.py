"""Log-likelihood of texts under a (fine-tuned) causal LM: the scorer behind canary exposure audits.

A text is scored exactly as it was trained: ``prompt_for(label) + " " + text + eos``, summing the
log-probabilities of the text and end-of-sequence tokens (the prompt is context only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from privsynth.tools.textgen.corpus import IGNORE_INDEX, collate, encode_corpus


def log_likelihoods(model: Any, tokenizer: Any, texts: Sequence[str], label: str | None = None,
                    batch_size: int = 32, max_tokens: int = 128) -> list[float]:
    """Sum of token log-probabilities of each text given the (label) prompt.

    Args:
        model: A causal LM.
        tokenizer: Its tokenizer.
        texts: Texts to score.
        label: Label whose prompt conditions the texts (None: unconditional prompt).
        batch_size: Texts per forward pass.
        max_tokens: Longest sequence scored (longer ones are cut, as in training).

    Returns:
        One log-likelihood per text (higher = more likely).
    """
    corpus = encode_corpus(list(texts), None if label is None else [label] * len(texts), tokenizer, max_tokens)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    scores: list[float] = []
    with torch.no_grad():
        for start in range(0, len(corpus), batch_size):
            index = list(range(start, min(start + batch_size, len(corpus))))
            batch = {k: v.to(device) for k, v in collate(corpus, index, tokenizer.pad_token_id).items()}
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            target = batch["labels"][:, 1:]
            nll = torch.nn.functional.cross_entropy(  # fused: no full log-softmax copy of the logits
                logits[:, :-1, :].float().reshape(-1, logits.shape[-1]), target.reshape(-1),
                ignore_index=IGNORE_INDEX, reduction="none").view(target.shape)
            scores.extend((-nll.sum(dim=1)).tolist())
    model.train(was_training)
    return scores


def make_scorer(model: Any, tokenizer: Any, label: str | None = None,
                batch_size: int = 32) -> Callable[[Sequence[str]], list[float]]:
    """A ``texts -> log-likelihoods`` function, as :func:`privsynth.tools.metrics.text.canary_exposure` wants."""

    def score(texts: Sequence[str]) -> list[float]:
        return log_likelihoods(model, tokenizer, texts, label=label, batch_size=batch_size)

    return score
