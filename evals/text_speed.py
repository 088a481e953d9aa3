"""Training throughput of the DP text trainer: non-private vs DP-SGD with opacus hooks vs ghost clipping.

Run::

    .venv/bin/python evals/text_speed.py [--random-init] [--steps 20] [--expected-batch 64] [--physical-batch 64]

Trains LoRA adapters for ``--steps`` steps in each mode on *identical* Poisson batches of a synthetic corpus
(random token sequences whose lengths are drawn uniformly from ``--min-len``..``--max-len``, like short
support messages), after a short warm-up, and reports non-padding tokens per second. ``--random-init``
builds the base model's architecture (SmolLM2-135M) with random weights, so the measurement needs no model
files (speed does not depend on the weight values). CUDA is used when present. Output: a table on stdout and
``--out`` (default ``evals/results/text_speed.json``).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from privsynth.tools.textgen.corpus import EncodedCorpus  # noqa: E402
from privsynth.tools.textgen.trainer import TrainConfig, add_lora, pick_device, train_lora  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SMOLLM2_135M = {"vocab_size": 49152, "hidden_size": 576, "intermediate_size": 1536, "num_hidden_layers": 30,
                "num_attention_heads": 9, "num_key_value_heads": 3, "max_position_embeddings": 2048,
                "tie_word_embeddings": True, "rms_norm_eps": 1e-5, "rope_theta": 10000.0}
MODES = {"non_private": (None, "hooks"), "dp_hooks": (1.0, "hooks"), "dp_ghost": (1.0, "ghost")}


def base_model(random_init: bool) -> tuple[Any, int]:
    """The base causal LM (random SmolLM2-135M architecture, or the configured base model) and its pad id."""
    if random_init:
        from transformers import LlamaConfig, LlamaForCausalLM

        torch.manual_seed(0)
        return LlamaForCausalLM(LlamaConfig(**SMOLLM2_135M)), 0
    from privsynth.config import load_settings
    from privsynth.tools.textgen.base_model import load_base_model

    settings = load_settings()
    loaded = load_base_model(settings.text_base_model, settings.model_cache_dir)
    return loaded.model, int(loaded.tokenizer.pad_token_id)


def synthetic_corpus(records: int, min_len: int, max_len: int, vocab: int, seed: int) -> EncodedCorpus:
    """Random token sequences; the first 6 tokens play the label prompt (no loss)."""
    rng = np.random.default_rng(seed)
    out = EncodedCorpus()
    for n in rng.integers(min_len, max_len + 1, size=records):
        ids = [int(t) for t in rng.integers(1, vocab, size=int(n))]
        out.input_ids.append(ids)
        out.labels.append([-100] * 6 + ids[6:])
    return out


def sampling_speed(model: Any, tokenizer: Any, texts: int, max_new_tokens: int, batch: int) -> dict[str, Any]:
    """Seconds to sample ``texts`` texts spread over 15 labels (the bench's sampler, deduplication included)."""
    import time

    from privsynth.tools.textgen.sampling import SamplingConfig, sample_texts

    quotas = {f"intent {k}": texts // 15 for k in range(15)}
    model.to(pick_device()).eval()
    start = time.perf_counter()
    pairs = sample_texts(model, tokenizer, quotas, SamplingConfig(max_new_tokens=max_new_tokens, batch_size=batch,
                                                                  progress=False))
    seconds = time.perf_counter() - start
    return {"texts": len(pairs), "seconds": seconds, "texts_per_second": len(pairs) / seconds}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Tokens/s of every mode on the same batches."""
    corpus = synthetic_corpus(args.records, args.min_len, args.max_len, 49152, args.seed)
    results: dict[str, Any] = {}
    for mode in ["warm-up", *args.modes.split(",")]:
        noise, clipping = MODES["non_private" if mode == "warm-up" else mode]
        model, pad = base_model(args.random_init)
        model = add_lora(model, 8, args.seed)
        config = TrainConfig(sample_rate=args.expected_batch / args.records, steps=2 if mode == "warm-up" else
                             args.steps, expected_batch=args.expected_batch, noise_multiplier=noise,
                             physical_batch=args.physical_batch, seed=args.seed, progress=False, clipping=clipping)
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        _, stats = train_lora(model, corpus, config, pad)
        if mode != "warm-up":
            results[mode] = {"tokens_per_second": stats.tokens_per_second, "seconds": stats.seconds,
                             "tokens": stats.tokens, "steps": stats.steps}
            if torch.cuda.is_available():
                results[mode]["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
        del model
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    base = results.get("non_private", {}).get("tokens_per_second")
    for r in results.values():
        r["vs_non_private"] = r["tokens_per_second"] / base if base else None
    if args.sample:
        from transformers import AutoTokenizer

        model, _ = base_model(args.random_init)
        tokenizer = AutoTokenizer.from_pretrained(args.tokenizer) if args.tokenizer else None
        if tokenizer is None:
            from privsynth.config import load_settings
            from privsynth.tools.textgen.base_model import load_base_model

            settings = load_settings()
            tokenizer = load_base_model(settings.text_base_model, settings.model_cache_dir).tokenizer
        tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token
        tokenizer.padding_side = "left"
        results["sampling"] = sampling_speed(add_lora(model, 8, args.seed), tokenizer, args.sample,
                                             args.max_new_tokens, args.sample_batch)
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Parse flags, measure, print and save."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--random-init", action="store_true")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--records", type=int, default=2000)
    p.add_argument("--expected-batch", type=int, default=64)
    p.add_argument("--physical-batch", type=int, default=64)
    p.add_argument("--min-len", type=int, default=12)
    p.add_argument("--max-len", type=int, default=40)
    p.add_argument("--modes", default="non_private,dp_hooks,dp_ghost")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sample", type=int, default=0, help="also time sampling this many texts")
    p.add_argument("--tokenizer", default=None, help="tokenizer folder (with --random-init --sample)")
    p.add_argument("--max-new-tokens", type=int, default=40)
    p.add_argument("--sample-batch", type=int, default=128)
    p.add_argument("--out", type=Path, default=REPO / "evals" / "results" / "text_speed.json")
    args = p.parse_args(argv)
    device = pick_device()
    results = measure(args)
    name = torch.cuda.get_device_name() if device.type == "cuda" else "cpu"
    print(f"device {name}, {args.steps} steps, expected batch {args.expected_batch}, physical {args.physical_batch}")
    for mode, r in results.items():
        if mode == "sampling":
            print(f"  sampling    {r['texts']} texts in {r['seconds']:.1f} s ({r['texts_per_second']:.1f} texts/s)")
            continue
        peak = f"   peak {r['peak_gpu_mib']:.0f} MiB" if "peak_gpu_mib" in r else ""
        print(f"  {mode:<12}{r['tokens_per_second']:>10.0f} tok/s   x{r['vs_non_private'] or 0:.2f}{peak}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"device": name, "config": {k: str(v) for k, v in vars(args).items()}, "results": results}
    args.out.write_text(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
