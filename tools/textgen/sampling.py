"""Sampling synthetic texts from a fine-tuned causal LM: per label, batched, with temperature / top-p.

Outputs are cleaned (prompt removed, cut at end-of-sequence or where the model begins another record's
``Category:`` / ``Text:`` prompt on a new line, whitespace trimmed) and de-duplicated (case- and
whitespace-insensitive, across labels too); sampling goes on in further rounds until each label has its
quota or ``max_rounds`` is reached, so the result can hold fewer texts than asked when the model keeps repeating
itself (the caller reports that).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from tqdm.auto import tqdm

from privsynth.tools.textgen.corpus import prompt_for


@dataclass(frozen=True)
class SamplingConfig:
    """Decoding settings.

    Attributes:
        temperature: Softmax temperature (> 0).
        top_p: Nucleus sampling mass in (0, 1].
        max_new_tokens: Longest generated text, in tokens.
        batch_size: Sequences generated per forward pass.
        max_rounds: Sampling rounds per label before giving up on duplicates.
        progress: Show a progress bar.
    """

    temperature: float = 1.0
    top_p: float = 0.95
    max_new_tokens: int = 48
    batch_size: int = 32
    max_rounds: int = 4
    progress: bool = True


def _key(text: str) -> str:
    return " ".join(text.lower().split())


RECORD_START = re.compile(r"\n\s*(?:Category|Text):")  # a line opening the next record's prompt


def clean_generated(text: str) -> str:
    """One synthetic text: cut where the model starts a new record's prompt, whitespace collapsed."""
    found = RECORD_START.search(text)
    return " ".join((text[:found.start()] if found else text).split())


def _generate(model: Any, tokenizer: Any, prompt: str, count: int, config: SamplingConfig) -> list[str]:
    device = next(model.parameters()).device
    encoded = tokenizer([prompt] * count, return_tensors="pt", add_special_tokens=False).to(device)
    with torch.no_grad():
        output = model.generate(**encoded, do_sample=True, temperature=config.temperature, top_p=config.top_p,
                                max_new_tokens=config.max_new_tokens, pad_token_id=tokenizer.pad_token_id,
                                eos_token_id=tokenizer.eos_token_id)
    new_tokens = output[:, encoded["input_ids"].shape[1]:]
    return [clean_generated(t) for t in tokenizer.batch_decode(new_tokens, skip_special_tokens=True)]


def sample_texts(model: Any, tokenizer: Any, quotas: Mapping[str | None, int], config: SamplingConfig,
                 seed: int = 0) -> list[tuple[str, str | None]]:
    """Generate ``quotas[label]`` distinct texts for each label (``None``: unconditional).

    Args:
        model: The fine-tuned causal LM (eval mode).
        tokenizer: Its tokenizer.
        quotas: Texts wanted per label.
        config: Decoding settings.
        seed: Seed of the sampling randomness.

    Returns:
        ``(text, label)`` pairs, label by label in the order of ``quotas``.
    """
    torch.manual_seed(seed)
    seen: set[str] = set()
    out: list[tuple[str, str | None]] = []
    bar = tqdm(total=sum(quotas.values()), desc="sampling", unit="text", disable=not config.progress)
    for label, quota in quotas.items():
        got = 0
        for _ in range(config.max_rounds):
            while got < quota:
                before = got
                batch = _generate(model, tokenizer, prompt_for(label), min(config.batch_size, quota - got), config)
                for text in batch:
                    key = _key(text)
                    if text and key not in seen and got < quota:
                        seen.add(key)
                        out.append((text, label))
                        got += 1
                bar.update(got - before)
                if got == before:
                    break  # a whole batch of repeats: next round
            if got >= quota:
                break
    bar.close()
    return out
