"""How long the DP text generator will take on this machine, from a short timed probe on dummy text.

Before a text run spends its budget, the checkpoint shows the training and sampling time it should take. The
estimate reads **no private data**: it times the real base model (with the run's LoRA rank, clipping engine and
lengths) on a fixed public filler sentence, and scales with public parameters only (the DP-SGD schedule's steps
and expected batch, the number of texts to sample, the label list):

* training: one DP-SGD physical chunk (``physical_batch`` sequences of ``max_tokens`` tokens, forward, backward,
  per-sample clipping) is timed after a one-sequence warm-up; a step is ``ceil(expected_batch / physical_batch)``
  chunks plus the noise draw, and the run is ``steps`` of them;
* sampling: one batch of ``sample_batch`` prompts is decoded for one and for ``1 +`` :data:`PROBE_TOKENS` new
  tokens (forced, no early stop): the prompt's pass and the cost of a decoding step, scaled to
  ``max_new_tokens``; the run decodes ``texts * label_filter`` candidates in batches per label, and the label
  filter scores every candidate under every label (one forward pass each, timed too).

Each sequence is taken at its full ``max_tokens`` (the private lengths are not looked at), so the estimate is
an upper bound for corpora of short texts. ``evals/text_estimate.py`` compares it with the measured time.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import torch

from privsynth.tools.textgen.corpus import EncodedCorpus, prompt_for

FILLER = ("Hello, I am writing about my account and the order I placed last week, which has not arrived yet, and "
          "the payment that was taken twice from my card. ")
PROBE_TOKENS = 4


@dataclass(frozen=True)
class TimeEstimate:
    """Estimated seconds of a text run on this machine (training and sampling), and what they came from.

    Attributes:
        train_seconds: DP-SGD fine-tuning.
        sample_seconds: Sampling the candidates and (with labels) the label filter.
        chunk_seconds: One physical chunk of DP-SGD (measured).
        prefill_seconds: The prompt's pass of a sampling batch, with its first token (measured).
        token_seconds: One decoding step of a sampling batch (measured).
        score_seconds: One scoring forward pass of a sampling batch (measured with a label filter, else 0).
        steps: DP-SGD steps.
        chunks_per_step: Physical chunks per (expected) logical batch.
        sample_batches: Decoding batches (candidates over all labels).
        device: Where it ran (``cpu`` or ``cuda``), with the CPU threads.
        probe_seconds: What the probe itself took.
    """

    train_seconds: float
    sample_seconds: float
    chunk_seconds: float
    prefill_seconds: float
    token_seconds: float
    score_seconds: float
    steps: int
    chunks_per_step: int
    sample_batches: int
    device: str
    probe_seconds: float

    @property
    def total_seconds(self) -> float:
        """Training plus sampling."""
        return self.train_seconds + self.sample_seconds

    def summary(self) -> str:
        """One line for the checkpoint, e.g. ``about 6 min training + 4 min sampling on cpu (2 threads)``."""
        return (f"about {_minutes(self.train_seconds)} training ({self.steps} DP-SGD steps) + "
                f"{_minutes(self.sample_seconds)} sampling on this machine ({self.device}); measured by a "
                f"{self.probe_seconds:.0f} s probe on dummy text, an upper bound for short texts")

    def to_dict(self) -> dict[str, Any]:
        """The estimate as plain numbers (for the state and the report), with its summary line."""
        return {**asdict(self), "total_seconds": self.total_seconds, "summary": self.summary()}


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def dummy_corpus(tokenizer: Any, count: int, max_tokens: int, label: str | None) -> EncodedCorpus:
    """``count`` copies of a public filler record cut to ``max_tokens`` tokens (no private text)."""
    prefix = tokenizer(prompt_for(label), add_special_tokens=False)["input_ids"]
    body = tokenizer(" " + FILLER * (1 + max_tokens // 8), add_special_tokens=False)["input_ids"]
    ids = (list(prefix) + list(body))[:max_tokens]
    mask = ([-100] * len(prefix) + list(body))[:max_tokens]
    return EncodedCorpus(input_ids=[ids] * count, labels=[mask] * count, truncated=count, tokens=count * len(ids))


def _time_chunk(model: Any, corpus: EncodedCorpus, config: Any, pad_id: int, device: torch.device) -> float:
    """Seconds of one DP-SGD physical chunk (forward, backward, clipping), after a one-sequence warm-up."""
    import numpy as np

    from privsynth.tools.textgen.randomness import RunRandomness
    from privsynth.tools.textgen.trainer import _accumulate, _engine

    model.to(device).train()
    params = [p for p in model.parameters() if p.requires_grad]
    engine = _engine(model, config, params, RunRandomness(0, False).stream("sgd_noise"))
    batch = np.arange(len(corpus))
    try:
        _accumulate(engine, corpus, batch[:1], config, pad_id, device)  # warm-up (one sequence): hooks, allocations
        engine.optimizer.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        _accumulate(engine, corpus, batch, config, pad_id, device)
        engine.optimizer.pre_step()  # clip and sum: part of every step
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return time.perf_counter() - start
    finally:
        engine.optimizer.zero_grad(set_to_none=True)
        engine.module._close()
        model.eval()


def _time_sampling(model: Any, tokenizer: Any, batch: int, width: int, label: str | None,
                   device: torch.device, score: bool) -> tuple[float, float, float]:
    """Seconds of the prompt's pass, of one decoding step and (when ``score``) of one scoring pass, for a batch.

    The prompt's pass is a generation of one token; a decoding step is what ``PROBE_TOKENS`` more tokens add.
    """
    encoded = tokenizer([prompt_for(label)] * batch, return_tensors="pt", add_special_tokens=False).to(device)

    def generate(tokens: int) -> float:
        start = time.perf_counter()
        model.generate(**encoded, do_sample=True, max_new_tokens=tokens, min_new_tokens=tokens,
                       pad_token_id=tokenizer.pad_token_id)
        return time.perf_counter() - start

    with torch.no_grad():
        prefill = generate(1)
        longer = generate(1 + PROBE_TOKENS)
        token = max((longer - prefill) / PROBE_TOKENS, longer / (1 + PROBE_TOKENS) / 10)
        if not score:
            return prefill, token, 0.0
        ids = torch.full((batch, width), int(tokenizer.eos_token_id or 0), dtype=torch.long, device=device)
        start = time.perf_counter()
        model(input_ids=ids, attention_mask=torch.ones_like(ids))
        score = time.perf_counter() - start
    return prefill, token, score


def estimate_time(model: Any, tokenizer: Any, config: dict[str, Any], *, steps: int, expected_batch: int,
                  texts: int, labels: list[str] | None, device: torch.device | None = None) -> TimeEstimate:
    """Probe this machine and estimate a text run's training and sampling time (module docstring).

    Args:
        model: The base model with its LoRA adapters (:func:`~privsynth.tools.textgen.trainer.add_lora`); it is
            left in eval mode, its adapters untouched (the probe takes no optimizer step).
        tokenizer: Its tokenizer.
        config: The generator's knobs (``max_tokens``, ``physical_batch``, ``sample_batch``, ``max_new_tokens``,
            ``label_filter``, ``clipping``, ``max_grad_norm``, ``learning_rate``).
        steps: DP-SGD steps of the run.
        expected_batch: Expected logical batch size.
        texts: Texts the run will sample.
        labels: The public label list, or None for unlabelled text.
        device: Where to probe (default: where training runs).

    Returns:
        The estimate.
    """
    from privsynth.tools.textgen.trainer import TrainConfig, pick_device

    device = device or pick_device()
    started = time.perf_counter()
    label = labels[0] if labels else None
    physical = max(1, min(int(config["physical_batch"]), expected_batch))
    train = TrainConfig(sample_rate=1.0, steps=1, expected_batch=physical, noise_multiplier=1.0,
                        max_grad_norm=float(config["max_grad_norm"]), learning_rate=float(config["learning_rate"]),
                        physical_batch=physical, clipping=str(config["clipping"]), progress=False)
    corpus = dummy_corpus(tokenizer, physical, int(config["max_tokens"]), label)
    chunk = _time_chunk(model, corpus, train, int(tokenizer.pad_token_id), device)
    chunks_per_step = max(1, math.ceil(expected_batch / physical))
    batch = max(1, int(config["sample_batch"]))
    width = int(config["max_tokens"]) + int(config["max_new_tokens"])
    factor = int(config.get("label_filter", 1)) if labels else 1
    prefill, token, score = _time_sampling(model, tokenizer, batch, width, label, device, score=factor > 1)
    groups = len(labels) if labels else 1
    candidates = texts * factor
    batches = math.ceil(candidates / batch) + groups - 1  # each label's last batch is partial
    sample = batches * (prefill + (int(config["max_new_tokens"]) - 1) * token)
    if labels and factor > 1:
        sample += (math.ceil(candidates / batch) + groups - 1) * groups * score
    threads = torch.get_num_threads()
    where = f"{device.type}, {threads} CPU thread{'s' if threads != 1 else ''}" if device.type == "cpu" else "cuda"
    return TimeEstimate(train_seconds=steps * chunks_per_step * chunk, sample_seconds=sample, chunk_seconds=chunk,
                        prefill_seconds=prefill, token_seconds=token, score_seconds=score, steps=steps,
                        chunks_per_step=chunks_per_step, sample_batches=batches, device=where,
                        probe_seconds=time.perf_counter() - started)
