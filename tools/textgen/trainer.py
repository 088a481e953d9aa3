"""Fine-tuning LoRA adapters of a causal LM, with DP-SGD (opacus) or without (the non-private control).

Both modes share the Poisson batches and the loss, so their speed and quality compare like for like.
DP mode wraps the model for per-sample clipping to ``max_grad_norm``, adds Gaussian noise
``sigma * max_grad_norm`` once per logical batch and divides by the *expected* batch size. Two clipping
engines (``TrainConfig.clipping``), same mechanism:

* ``"hooks"`` (default): opacus' ``GradSampleModule`` materialises every sequence's gradient of the LoRA
  matrices (cheap: they are ``rank x width``) and ``DPOptimizer`` clips and sums them.
* ``"ghost"``: opacus' fast gradient clipping (``GradSampleModuleFastGradientClipping`` with ghost norms,
  ``DPOptimizerFastGradientClipping``, ``DPLossFastGradientClipping`` with ``shape=`` so that the privacy unit
  is the sequence): a first backward pass computes per-sequence gradient norms without materialising the
  gradients, a second one back-propagates the loss re-weighted by each sequence's clipping factor.

A logical batch is processed in physical chunks of ``physical_batch`` sequences (gradient accumulation);
an empty Poisson batch still adds the noise, as the mechanism requires.

Randomness (:mod:`privsynth.tools.textgen.randomness`): the Poisson batches and the noise come from two
streams of a :class:`~privsynth.tools.textgen.randomness.RunRandomness` seeded with 256 bits of fresh OS
entropy per run (``TrainConfig.seed=None``, the default); opacus' ``add_noise`` is overridden
(:mod:`privsynth.tools.textgen.dp_optimizers`) because a torch generator takes a 64-bit seed at most. The noise
is drawn on the CPU and copied to the parameters' device (CUDA included). ``TrainConfig.secure_mode`` switches
both streams to a cryptographic generator with opacus' floating-point defence. The LoRA initialisation
(:func:`add_lora`) is data-independent and stays seeded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from privsynth.errors import ConfigError
from privsynth.logs import get_logger
from privsynth.tools.textgen.corpus import IGNORE_INDEX, EncodedCorpus, collate
from privsynth.tools.textgen.dp_sgd import CLIPPING_MODES, poisson_batch
from privsynth.tools.textgen.randomness import NoiseSource, RunRandomness

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
        seed: Seed of the Poisson batches and the DP noise. None (the default, and what every production run
            uses) draws 256 bits of fresh OS entropy per run; an integer makes them reproducible, for tests and
            benchmarks only (a known seed lets the noise be recomputed and subtracted). The LoRA initialisation
            has its own seed (:func:`add_lora`).
        progress: Show a progress bar.
        clipping: Per-sample clipping engine under DP, ``"hooks"`` or ``"ghost"`` (see the module docstring).
        secure_mode: Draw the batches and the noise from a cryptographic generator (SHAKE-256), each Gaussian
            the sum of four divided by two against floating-point attacks, as opacus' ``secure_mode``
            (see :mod:`privsynth.tools.textgen.randomness`).
    """

    sample_rate: float
    steps: int
    expected_batch: int
    noise_multiplier: float | None
    max_grad_norm: float = 1.0
    learning_rate: float = 2e-3
    physical_batch: int = 8
    lora_rank: int = 8
    seed: int | None = None
    progress: bool = True
    clipping: str = "hooks"
    secure_mode: bool = False


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


@dataclass
class _Engine:
    """What one training mode runs: the (wrapped) module, its optimizer and, for ghost clipping, the DP loss."""

    module: Any
    optimizer: Any
    private: bool
    criterion: Any = None


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


def _engine(model: Any, config: TrainConfig, params: list[torch.nn.Parameter], noise: NoiseSource) -> _Engine:
    """Wrap the model and optimizer for the configured mode (non-private, hooks or ghost clipping)."""
    base = torch.optim.AdamW(params, lr=config.learning_rate)
    if config.noise_multiplier is None:
        return _Engine(model, base, private=False)
    if config.clipping not in CLIPPING_MODES:
        raise ConfigError(f"Unknown clipping mode {config.clipping!r}.", f"Choose one of {list(CLIPPING_MODES)}.")
    dp = {"noise_multiplier": float(config.noise_multiplier), "max_grad_norm": config.max_grad_norm,
          "expected_batch_size": config.expected_batch, "loss_reduction": "mean", "noise_source": noise}
    if config.clipping == "hooks":
        from opacus import GradSampleModule

        from privsynth.tools.textgen.dp_optimizers import SourcedDPOptimizer

        return _Engine(GradSampleModule(model, batch_first=True, loss_reduction="mean"),
                       SourcedDPOptimizer(base, **dp), private=True)
    from opacus.grad_sample import GradSampleModuleFastGradientClipping
    from opacus.utils.fast_gradient_clipping_utils import DPLossFastGradientClipping

    from privsynth.tools.textgen.dp_optimizers import SourcedDPOptimizerFastGradientClipping

    module = GradSampleModuleFastGradientClipping(model, batch_first=True, loss_reduction="mean",
                                                  max_grad_norm=config.max_grad_norm, use_ghost_clipping=True)
    optimizer = SourcedDPOptimizerFastGradientClipping(base, **dp)
    criterion = DPLossFastGradientClipping(module, optimizer, torch.nn.CrossEntropyLoss(
        ignore_index=IGNORE_INDEX, reduction="mean"), loss_reduction="mean")
    return _Engine(module, optimizer, private=True, criterion=criterion)


def _backward(engine: _Engine, tensors: dict[str, torch.Tensor], weight: float) -> torch.Tensor:
    """Forward and backward one physical chunk; returns its per-sequence losses (detached).

    Hooks and non-private modes back-propagate the chunk's mean loss (opacus rescales it to per-sample
    gradients); ghost mode lets ``DPLossFastGradientClipping`` run its two passes, after which ``p.grad`` holds
    the chunk's *sum* of clipped gradients.
    """
    logits = engine.module(input_ids=tensors["input_ids"], attention_mask=tensors["attention_mask"]).logits
    if engine.criterion is None:
        losses = sequence_losses(logits, tensors["labels"])
        (losses.mean() * weight).backward()
        return losses.detach()
    shifted = logits[:, :-1, :].float()
    loss = engine.criterion(shifted.reshape(-1, shifted.size(-1)), tensors["labels"][:, 1:].reshape(-1),
                            shape=shifted.shape)
    loss.backward()
    return loss.loss_per_sample.detach()


def _accumulate(engine: _Engine, corpus: EncodedCorpus, batch: np.ndarray, config: TrainConfig, pad_id: int,
                device: torch.device) -> tuple[float, int]:
    """Gradients of one non-empty logical batch, chunk by chunk; the caller then steps the optimizer.

    Returns:
        ``(sum of per-sequence losses, non-padding tokens)``.
    """
    chunks = [batch[i:i + config.physical_batch] for i in range(0, len(batch), config.physical_batch)]
    loss_sum, tokens = 0.0, 0
    engine.optimizer.zero_grad(set_to_none=True)
    for k, chunk in enumerate(chunks):
        tensors = {key: value.to(device) for key, value in collate(corpus, chunk, pad_id).items()}
        weight = 1.0 if engine.private else len(chunk) / len(batch)  # DP: each chunk's mean is rescaled
        loss_sum += float(_backward(engine, tensors, weight).sum())
        tokens += int(tensors["attention_mask"].sum())
        if engine.private and k < len(chunks) - 1:  # clip (and store) this chunk, no step yet
            engine.optimizer.signal_skip_step(do_skip=True)
            engine.optimizer.step()
            engine.optimizer.zero_grad(set_to_none=False)
    return loss_sum, tokens


def _noise_only_step(optimizer: Any, params: list[torch.nn.Parameter], config: TrainConfig,
                     noise: NoiseSource) -> None:
    """An empty Poisson batch: the update is pure noise, scaled like a normal step."""
    std = float(config.noise_multiplier or 0.0) * config.max_grad_norm
    for p in params:
        p.grad = noise.noise_like(std, p.detach()) / config.expected_batch
    optimizer.original_optimizer.step()
    optimizer.original_optimizer.zero_grad(set_to_none=True)


def clipped_gradient(model: Any, corpus: EncodedCorpus, batch: np.ndarray, config: TrainConfig, pad_id: int,
                     device: torch.device | None = None) -> list[torch.Tensor]:
    """The privatised gradient of one logical batch, as a DP step would apply it (no optimizer step).

    With ``noise_multiplier=0`` this is the sum of per-sequence clipped gradients divided by the expected
    batch size, which lets tests check that both clipping engines bound every sequence's contribution.

    Returns:
        One gradient per trainable parameter (in ``model.parameters()`` order).
    """
    device = device or pick_device()
    model.to(device).train()
    params = [p for p in model.parameters() if p.requires_grad]
    engine = _engine(model, config, params, RunRandomness(config.seed, config.secure_mode).stream("sgd_noise"))
    try:
        _accumulate(engine, corpus, np.asarray(batch), config, pad_id, device)
        engine.optimizer.pre_step()
        return [p.grad.detach().clone() for p in params]
    finally:
        engine.optimizer.zero_grad(set_to_none=True)
        if engine.private:
            engine.module._close()
        model.eval()


def train_lora(model: Any, corpus: EncodedCorpus, config: TrainConfig, pad_id: int,
               device: torch.device | None = None) -> tuple[Any, TrainStats]:
    """Fine-tune LoRA adapters on the corpus (DP-SGD when ``config.noise_multiplier`` is set).

    Args:
        model: A causal LM (already carrying LoRA adapters, see :func:`add_lora`).
        corpus: Encoded training sequences.
        config: Schedule and hyper-parameters (``config.clipping`` picks the per-sample clipping engine).
        pad_id: Padding token id.
        device: Where to train (default: :func:`pick_device`).

    Returns:
        ``(model, stats)``: the trained model (unwrapped from opacus) and measurements.
    """
    device = device or pick_device()
    model.to(device).train()
    params = [p for p in model.parameters() if p.requires_grad]
    randomness = RunRandomness(config.seed, config.secure_mode)  # fresh 256-bit entropy unless seeded
    sampling, noise = randomness.stream("sampling"), randomness.stream("sgd_noise")
    engine = _engine(model, config, params, noise)
    stats = TrainStats()
    label = f"DP-SGD ({config.clipping})" if engine.private else "fine-tuning"
    bar = tqdm(total=config.steps, desc=label, disable=not config.progress, unit="step")
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(config.steps):
        batch = poisson_batch(len(corpus), config.sample_rate, sampling)
        stats.steps += 1
        if len(batch) == 0:
            stats.empty_batches += 1
            if engine.private:
                _noise_only_step(engine.optimizer, params, config, noise)
            bar.update(1)
            continue
        loss_sum, tokens = _accumulate(engine, corpus, batch, config, pad_id, device)
        engine.optimizer.step()
        stats.tokens += tokens
        stats.sequences += len(batch)
        stats.losses.append(loss_sum / len(batch))
        bar.update(1)
        bar.set_postfix(loss=f"{stats.losses[-1]:.3f}")
    bar.close()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    stats.seconds = time.perf_counter() - start
    if engine.private:
        engine.module._close()
    model.eval()
    log.info("text_model.trained", private=engine.private, clipping=config.clipping if engine.private else None,
             seeded=randomness.seeded, secure_mode=randomness.secure,
             steps=stats.steps, tokens_per_second=round(stats.tokens_per_second, 1),
             final_loss=stats.losses[-1] if stats.losses else None)
    return model, stats
