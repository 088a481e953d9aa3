"""Building blocks of the text benchmark (:mod:`evals.text_bench`): data, canaries, peers, metrics.

Kept apart from the driver so that each piece stays small: Banking77 subsetting, planted canaries and their
exposure under a fine-tuned model, the non-private peer (same schedule, no clipping or noise), the
throughput runs of the clipping engines, and the two intent classifiers.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from privsynth.tools.metrics.text import Canary, Scorer, canary_exposure
from privsynth.tools.textgen.corpus import encode_corpus
from privsynth.tools.textgen.trainer import TrainConfig, add_lora, pick_device, sequence_losses, train_lora

TEXT, LABEL = "text", "category"
CANARY_TEMPLATES = (
    "my account number is {secret}, please tell me when my card arrives",
    "please transfer the money to account {secret} as soon as possible",
    "the pin for my new card is {secret}, why does it not work",
    "I need a refund to account {secret} for the wrong charge",
)


@dataclass
class BenchData:
    """The benchmark's slice of Banking77.

    Attributes:
        intents: The chosen intents (a public subset of the public label list).
        train: Training records, canaries included (what the generators see).
        real_train: Training records without canaries (the "real" classifier's data).
        test: The real test split of the chosen intents.
        canaries: Planted canaries with the intent they were planted under.
    """

    intents: list[str]
    train: pd.DataFrame
    real_train: pd.DataFrame
    test: pd.DataFrame
    canaries: list[tuple[Canary, str]] = field(default_factory=list)


def load_banking77(folder: Path, n_intents: int, per_intent: int, n_canaries: int, canary_repeats: int,
                   seed: int) -> BenchData:
    """Pick ``n_intents`` intents (seeded), up to ``per_intent`` training texts each (0: all), plant canaries.

    Each canary is a template holding a random 6-digit secret, planted ``canary_repeats`` times under a
    random chosen intent.
    """
    rng = np.random.default_rng(seed)
    public = json.loads((folder / "categories.json").read_text())
    intents = sorted(str(c) for c in rng.choice(public, size=min(n_intents, len(public)), replace=False))
    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "test.csv")
    train, test = train[train[LABEL].isin(intents)], test[test[LABEL].isin(intents)]
    if per_intent > 0:
        train = train.sample(frac=1.0, random_state=seed).groupby(LABEL).head(per_intent)
    real_train = train[[TEXT, LABEL]].reset_index(drop=True)
    canaries, rows = [], []
    for i in range(n_canaries):
        secret = "".join(str(d) for d in rng.integers(0, 10, size=6))
        text = CANARY_TEMPLATES[i % len(CANARY_TEMPLATES)].format(secret=secret)
        label = str(rng.choice(intents))
        canaries.append((Canary(text=text, secret=secret), label))
        rows += [{TEXT: text, LABEL: label}] * canary_repeats
    planted = pd.concat([real_train, pd.DataFrame(rows, columns=[TEXT, LABEL])], ignore_index=True)
    planted = planted.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return BenchData(intents, planted, real_train, test[[TEXT, LABEL]].reset_index(drop=True), canaries)


def model_device(model: Any) -> torch.device:
    """The device holding a model's parameters."""
    return next(model.parameters()).device


def loglik_scorer(model: Any, tokenizer: Any, label: str, max_tokens: int, batch: int = 64) -> Scorer:
    """Log-likelihood of texts under the model, conditioned on a label's prompt (sum over text tokens)."""
    from privsynth.tools.textgen.corpus import collate

    def score(texts: Any) -> list[float]:
        corpus = encode_corpus(list(texts), [label] * len(texts), tokenizer, max_tokens)
        device, out = model_device(model), []
        model.eval()
        with torch.no_grad():
            for start in range(0, len(corpus), batch):
                index = list(range(start, min(start + batch, len(corpus))))
                tensors = {k: v.to(device) for k, v in collate(corpus, index, tokenizer.pad_token_id).items()}
                logits = model(input_ids=tensors["input_ids"], attention_mask=tensors["attention_mask"]).logits
                valid = (tensors["labels"][:, 1:] != -100).sum(dim=1).clamp(min=1)
                out += (-sequence_losses(logits, tensors["labels"]) * valid).cpu().tolist()
        return out

    return score


def exposures(model: Any, tokenizer: Any, canaries: list[tuple[Canary, str]], n_candidates: int,
              max_tokens: int, seed: int) -> dict[str, Any]:
    """Exposure (bits) of each planted canary under the model, with the mean and max."""
    if not canaries:
        return {"per_canary": [], "mean": None, "max": None}
    per, start = [], time.perf_counter()
    for k, (canary, label) in enumerate(canaries):
        result = canary_exposure(canary, loglik_scorer(model, tokenizer, label, max_tokens), n_candidates,
                                 seed + k)
        per.append({"secret_rank": result["rank"], "exposure": result["exposure"],
                    "max_exposure": result["max_exposure"], "label": label})
    values = [p["exposure"] for p in per]
    return {"per_canary": per, "mean": float(np.mean(values)), "max": float(np.max(values)),
            "cap": per[0]["max_exposure"], "seconds": time.perf_counter() - start}


def classifier_accuracy(train_texts: list[str], train_labels: list[str], test_texts: list[str],
                        test_labels: list[str], test_vectors: np.ndarray | None) -> dict[str, float | None]:
    """Intent accuracy on the real test split: TF-IDF + logistic regression, and LR on MiniLM embeddings."""
    from sklearn.linear_model import LogisticRegression

    from privsynth.tools.metrics.text import tfidf_classification

    out: dict[str, float | None] = {"tfidf": tfidf_classification(train_texts, train_labels, test_texts,
                                                                   test_labels)["accuracy"], "minilm": None}
    if test_vectors is not None and len(set(train_labels)) > 1:
        from privsynth.tools.metrics.embeddings import encode

        model = LogisticRegression(C=10.0, max_iter=2000).fit(encode(train_texts), np.asarray(train_labels))
        out["minilm"] = float(np.mean(model.predict(test_vectors) == np.asarray(test_labels)))
    return out


def fresh_lora_model(base_name: str, cache_dir: Path, rank: int, seed: int) -> tuple[Any, Any]:
    """A freshly loaded base model carrying new LoRA adapters (on CUDA when present), and its tokenizer."""
    from privsynth.tools.textgen.base_model import load_base_model

    base = load_base_model(base_name, cache_dir)
    return add_lora(base.model, rank, seed).to(pick_device()), base.tokenizer


def train_peer(texts: list[str], labels: list[str], knobs: dict[str, Any], schedule: Any, base_name: str,
               cache_dir: Path, seed: int, noise: float | None = None, clipping: str = "hooks",
               steps: int | None = None) -> tuple[Any, Any, Any]:
    """Fine-tune on the same schedule as the DP generator (noise None: the non-private peer).

    Args:
        texts: Training texts.
        labels: Their intents.
        knobs: ``max_tokens``, ``lora_rank``, ``learning_rate``, ``physical_batch``, ``max_grad_norm``, ``progress``.
        schedule: The :class:`~privsynth.tools.textgen.dp_sgd.DPSGDSchedule` of the DP run.
        base_name: Base model setting.
        cache_dir: Model cache folder.
        seed: Seed of adapters and batches.
        noise: DP-SGD noise multiplier (None: non-private).
        clipping: Clipping engine under DP.
        steps: Stop after this many steps (throughput runs); default the schedule's.

    Returns:
        ``(model, tokenizer, stats)``.
    """
    model, tokenizer = fresh_lora_model(base_name, cache_dir, int(knobs["lora_rank"]), seed)
    corpus = encode_corpus(texts, labels, tokenizer, int(knobs["max_tokens"]))
    config = TrainConfig(sample_rate=schedule.sample_rate, steps=steps or schedule.steps,
                         expected_batch=schedule.expected_batch, noise_multiplier=noise,
                         max_grad_norm=float(knobs["max_grad_norm"]), learning_rate=float(knobs["learning_rate"]),
                         physical_batch=int(knobs["physical_batch"]), lora_rank=int(knobs["lora_rank"]), seed=seed,
                         progress=bool(knobs["progress"]), clipping=clipping)
    model, stats = train_lora(model, corpus, config, tokenizer.pad_token_id)
    return model, tokenizer, stats


def throughput(texts: list[str], labels: list[str], knobs: dict[str, Any], schedule: Any, sigma: float,
               base_name: str, cache_dir: Path, seed: int, steps: int) -> dict[str, Any]:
    """Tokens/s of hooks, ghost and non-private training on identical Poisson batches (same seed, same steps)."""
    out: dict[str, Any] = {}
    for mode, noise, clipping in (("non_private", None, "hooks"), ("dp_hooks", sigma, "hooks"),
                                  ("dp_ghost", sigma, "ghost")):
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        model, _, stats = train_peer(texts, labels, knobs, schedule, base_name, cache_dir, seed, noise, clipping,
                                     steps)
        out[mode] = {"tokens_per_second": stats.tokens_per_second, "seconds": stats.seconds, "steps": stats.steps,
                     "tokens": stats.tokens}
        if torch.cuda.is_available():
            out[mode]["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
        del model
        release()
    base = out["non_private"]["tokens_per_second"] or float("nan")
    for mode in ("dp_hooks", "dp_ghost"):
        out[mode]["vs_non_private"] = out[mode]["tokens_per_second"] / base
    return out


def release() -> None:
    """Collect dropped models and give their GPU memory back (callers ``del`` their references first)."""
    import gc

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


class Timer:
    """Wall-clock seconds of a block (``with Timer() as t: ...; t.seconds``)."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
