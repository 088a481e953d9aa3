"""Fine-tuning LoRA adapters of a causal LM, with DP-SGD (opacus) or without (the non-private control).

Both modes share the Poisson batches and the loss, so their speed and quality compare like for like.
DP mode wraps the model in opacus' ``GradSampleModule`` (per-sample gradients by hooks; only the LoRA
matrices are trainable) and its ``DPOptimizer`` (per-sample clipping to ``max_grad_norm``, Gaussian noise
``sigma * max_grad_norm`` once per logical batch, division by the *expected* batch size). A logical batch is
processed in physical chunks of ``physical_batch`` sequences (gradient accumulation); an empty Poisson batch
still adds the noise, as the mechanism requires.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from privsynth.logs import get_logger
from privsynth.tools.textgen.corpus import IGNORE_INDEX, EncodedCorpus, collate
from privsynth.tools.textgen.dp_sgd import poisson_batch

log = get_logger(__name__)
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj")


@dataclass
class TrainConfig:
    """How to fine-tune.

    Attributes:
        sample_rate: Poisson inclusion probability per step.
        steps: Optimizer steps.
        expected_batch: ``sample_rate * records`` (DP noise is divided by it).
        noise_multiplier: DP-SGD sigma; None trains without DP (no clipping, no noise).
        max_grad_norm: Per-sample clipping bound ``C``.
        learning_rate: AdamW learning rate of the adapters.
        physical_batch: Sequences per forward/backward pass.
        lora_rank: Rank of the LoRA adapters.
        seed: Seed of the batches, the noise and the adapter initialisation.
        progress: Show a progress bar.
    """

    sample_rate: float
    steps: int
    expected_batch: int
    noise_multiplier: float | None
    max_grad_norm: float = 1.0
    learning_rate: float = 2e-3
    physical_batch: int = 8
    lora_rank: int = 8
    seed: int = 0
    progress: bool = True


@dataclass
class TrainStats:
    """What a training run measured."""

    steps: int = 0
    sequences: int = 0
    tokens: int = 0
    seconds: float = 0.0
    losses: list[float] = field(default_factory=list)
    empty_batches: int = 0

    @property
    def tokens_per_second(self) -> float:
        """Non-padding tokens processed per second of training."""
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


def pick_device() -> torch.device:
    """CUDA when available, else CPU (the default, and what the tests use)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def add_lora(model: Any, rank: int, seed: int) -> Any:
    """Freeze the model and add trainable LoRA adapters on the attention projections (peft)."""
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    config = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0, target_modules=list(LORA_TARGETS),
                        bias="none", task_type="CAUSAL_LM")
    return get_peft_model(model, config)


def sequence_losses(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token loss of each sequence (positions marked ``IGNORE_INDEX`` excluded)."""
    shifted = logits[:, :-1, :].float()
    target = labels[:, 1:]
    token = torch.nn.functional.cross_entropy(shifted.reshape(-1, shifted.size(-1)), target.reshape(-1),
                                              ignore_index=IGNORE_INDEX, reduction="none").view(target.shape)
    valid = (target != IGNORE_INDEX).sum(dim=1).clamp(min=1)
    return token.sum(dim=1) / valid


def _wrap_private(model: Any, config: TrainConfig, params: list[torch.nn.Parameter],
                  generator: torch.Generator | None) -> tuple[Any, Any]:
    from opacus import GradSampleModule
    from opacus.optimizers import DPOptimizer

    module = GradSampleModule(model, batch_first=True, loss_reduction="mean")
    base = torch.optim.AdamW(params, lr=config.learning_rate)
    optimizer = DPOptimizer(base, noise_multiplier=float(config.noise_multiplier or 0.0),
                            max_grad_norm=config.max_grad_norm, expected_batch_size=config.expected_batch,
                            loss_reduction="mean", generator=generator)
    return module, optimizer


def _noise_only_step(optimizer: Any, params: list[torch.nn.Parameter], config: TrainConfig,
                     generator: torch.Generator | None) -> None:
    """An empty Poisson batch: the update is pure noise, scaled like a normal step."""
    std = float(config.noise_multiplier or 0.0) * config.max_grad_norm
    for p in params:
        noise = torch.normal(0.0, std, size=p.shape, device=p.device, generator=generator)
        p.grad = noise / config.expected_batch
    optimizer.original_optimizer.step()
    optimizer.original_optimizer.zero_grad(set_to_none=True)


def train_lora(model: Any, corpus: EncodedCorpus, config: TrainConfig, pad_id: int,
               device: torch.device | None = None) -> tuple[Any, TrainStats]:
    """Fine-tune LoRA adapters on the corpus (DP-SGD when ``config.noise_multiplier`` is set).

    Args:
        model: A causal LM (already carrying LoRA adapters, see :func:`add_lora`).
        corpus: Encoded training sequences.
        config: Schedule and hyper-parameters.
        pad_id: Padding token id.
        device: Where to train (default: :func:`pick_device`).

    Returns:
        ``(model, stats)``: the trained model (unwrapped from opacus) and measurements.
    """
    device = device or pick_device()
    model.to(device).train()
    params = [p for p in model.parameters() if p.requires_grad]
    rng = np.random.default_rng(config.seed)
    private = config.noise_multiplier is not None
    noise_gen = None
    if private and device.type == "cpu":
        noise_gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
    if private:
        module, optimizer = _wrap_private(model, config, params, noise_gen)
    else:
        module, optimizer = model, torch.optim.AdamW(params, lr=config.learning_rate)
    stats = TrainStats()
    bar = tqdm(total=config.steps, desc="DP-SGD" if private else "fine-tuning", disable=not config.progress,
               unit="step")
    start = time.perf_counter()
    for _ in range(config.steps):
        batch = poisson_batch(len(corpus), config.sample_rate, rng)
        stats.steps += 1
        if len(batch) == 0:
            stats.empty_batches += 1
            if private:
                _noise_only_step(optimizer, params, config, noise_gen)
            bar.update(1)
            continue
        chunks = [batch[i:i + config.physical_batch] for i in range(0, len(batch), config.physical_batch)]
        step_loss = 0.0
        optimizer.zero_grad(set_to_none=True)
        for k, chunk in enumerate(chunks):
            tensors = {key: value.to(device) for key, value in collate(corpus, chunk, pad_id).items()}
            logits = module(input_ids=tensors["input_ids"], attention_mask=tensors["attention_mask"]).logits
            losses = sequence_losses(logits, tensors["labels"])
            weight = 1.0 if private else len(chunk) / len(batch)  # DP: opacus rescales each chunk's mean
            (losses.mean() * weight).backward()
            step_loss += float(losses.sum().detach())
            stats.tokens += int(tensors["attention_mask"].sum())
            if private and k < len(chunks) - 1:
                optimizer.signal_skip_step(do_skip=True)
                optimizer.step()
                optimizer.zero_grad(set_to_none=False)
        optimizer.step()
        stats.sequences += len(batch)
        stats.losses.append(step_loss / len(batch))
        bar.update(1)
        bar.set_postfix(loss=f"{stats.losses[-1]:.3f}")
    bar.close()
    stats.seconds = time.perf_counter() - start
    if private:
        module._close()
    model.eval()
    log.info("text_model.trained", private=private, steps=stats.steps, tokens_per_second=round(
        stats.tokens_per_second, 1), final_loss=stats.losses[-1] if stats.losses else None)
    return model, stats
