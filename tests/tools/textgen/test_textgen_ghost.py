"""Per-sample clipping of both DP-SGD engines (opacus hooks and ghost clipping) on a tiny causal LM.

With noise 0, the privatised gradient of a logical batch must equal the sum over sequences of each
sequence's own gradient clipped to ``max_grad_norm``, divided by the expected batch size, for both engines,
also when the batch is split into physical chunks.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from privsynth.tools.textgen.corpus import EncodedCorpus
from privsynth.tools.textgen.trainer import (
    TrainConfig,
    add_lora,
    clipped_gradient,
    sequence_losses,
    train_lora,
)

PAD = 0
CPU = torch.device("cpu")


def _tiny_lora_model() -> torch.nn.Module:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=48, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         pad_token_id=PAD)
    model = add_lora(LlamaForCausalLM(config), rank=4, seed=1)
    with torch.no_grad():  # LoRA's B starts at zero; make the adapters non-trivial
        for i, p in enumerate(p for p in model.parameters() if p.requires_grad):
            p.normal_(0.0, 0.1, generator=torch.Generator().manual_seed(i))
    return model


def _corpus(sizes: list[int]) -> EncodedCorpus:
    rng = np.random.default_rng(3)
    out = EncodedCorpus()
    for n in sizes:
        ids = [int(t) for t in rng.integers(1, 48, size=n)]
        out.input_ids.append(ids)
        out.labels.append([-100, -100] + ids[2:])  # a two-token "prompt" carries no loss
    return out


def _reference(model: torch.nn.Module, corpus: EncodedCorpus, clip: float, expected: int) -> list[torch.Tensor]:
    """Each sequence alone: plain autograd, clip to ``clip``, sum, divide by the expected batch size."""
    params = [p for p in model.parameters() if p.requires_grad]
    total = [torch.zeros_like(p) for p in params]
    model.train()
    for ids, labels in zip(corpus.input_ids, corpus.labels, strict=True):
        logits = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids))).logits
        grads = torch.autograd.grad(sequence_losses(logits, torch.tensor([labels])).sum(), params)
        norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
        scale = min(1.0, clip / (float(norm) + 1e-6))
        for t, g in zip(total, grads, strict=True):
            t += g * scale
    return [t / expected for t in total]


@pytest.mark.parametrize("clip", [1e-3, 1e3])
@pytest.mark.parametrize("clipping", ["hooks", "ghost"])
def test_both_engines_clip_each_sequence(clipping: str, clip: float) -> None:
    """Noise-free DP gradient = sum of per-sequence clipped gradients / expected batch (chunks of 2)."""
    model = _tiny_lora_model()
    corpus = _corpus([7, 12, 5, 9, 12])
    expected = 4
    reference = _reference(copy.deepcopy(model), corpus, clip, expected)
    config = TrainConfig(sample_rate=1.0, steps=1, expected_batch=expected, noise_multiplier=0.0,
                         max_grad_norm=clip, physical_batch=2, progress=False, clipping=clipping)
    got = clipped_gradient(model, corpus, np.arange(len(corpus)), config, PAD, CPU)
    assert len(got) == len(reference)
    for g, r in zip(got, reference, strict=True):
        torch.testing.assert_close(g, r, rtol=2e-3, atol=1e-7)
    if clip < 1:  # every sequence is clipped: the summed norm is at most (count * C) / expected
        norm = float(torch.sqrt(sum((g ** 2).sum() for g in got)))
        assert norm <= len(corpus) * clip / expected * (1 + 1e-4)


def test_engines_agree_with_each_other() -> None:
    """Hooks and ghost give the same clipped gradient on the same batch (moderate bound: some clipped)."""
    corpus = _corpus([6, 10, 8, 11])
    grads = {}
    for clipping in ("hooks", "ghost"):
        config = TrainConfig(sample_rate=1.0, steps=1, expected_batch=4, noise_multiplier=0.0, max_grad_norm=0.05,
                             physical_batch=3, progress=False, clipping=clipping)
        grads[clipping] = clipped_gradient(_tiny_lora_model(), corpus, np.arange(len(corpus)), config, PAD, CPU)
    for a, b in zip(grads["hooks"], grads["ghost"], strict=True):
        torch.testing.assert_close(a, b, rtol=2e-3, atol=1e-7)


@pytest.mark.parametrize("clipping", ["hooks", "ghost"])
def test_training_runs_with_empty_batches_and_chunks(clipping: str) -> None:
    """A short DP run in each mode: Poisson batches (some empty), chunked accumulation, adapters change."""
    model = _tiny_lora_model()
    before = [p.detach().clone() for p in model.parameters() if p.requires_grad]
    corpus = _corpus([5, 8, 6, 9, 7, 10])
    config = TrainConfig(sample_rate=0.3, steps=8, expected_batch=2, noise_multiplier=1.0, max_grad_norm=1.0,
                         physical_batch=1, progress=False, clipping=clipping, seed=5)
    model, stats = train_lora(model, corpus, config, PAD, CPU)
    assert stats.steps == 8 and stats.tokens > 0 and stats.tokens_per_second > 0
    after = [p.detach() for p in model.parameters() if p.requires_grad]
    assert any(not torch.equal(a, b) for a, b in zip(before, after, strict=True))
    assert not hasattr(model, "_module")  # unwrapped from opacus


def test_unknown_clipping_mode_is_refused() -> None:
    """A typo in the clipping mode is a configuration error, not a silent fallback."""
    from privsynth.errors import ConfigError

    config = TrainConfig(sample_rate=1.0, steps=1, expected_batch=1, noise_multiplier=1.0, progress=False,
                         clipping="ghosts")
    with pytest.raises(ConfigError):
        train_lora(_tiny_lora_model(), _corpus([5]), config, PAD, CPU)


def test_all_modes_see_the_same_poisson_batches() -> None:
    """Non-private, hooks and ghost runs with one seed draw identical batches (a like-for-like speed comparison)."""
    corpus = _corpus([5, 8, 6, 9, 7, 10, 4, 6])
    seen = set()
    for noise, clipping in ((None, "hooks"), (1.0, "hooks"), (1.0, "ghost")):
        config = TrainConfig(sample_rate=0.4, steps=6, expected_batch=3, noise_multiplier=noise, physical_batch=2,
                             progress=False, clipping=clipping, seed=11)
        _, stats = train_lora(_tiny_lora_model(), corpus, config, PAD, CPU)
        seen.add((stats.sequences, stats.tokens, stats.empty_batches))
    assert len(seen) == 1
