"""The DP text generator with the real SmolLM2-135M model, trained for a few steps on CPU.

Covers the model cache, label-conditioned generation (checked with a classifier) and a privacy audit:
canaries planted in a small training set are exposed by non-private fine-tuning (the control, which shows
the audit can detect leakage) and stay unexposed under DP-SGD at a small epsilon.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.errors import ConfigError
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.metrics import text as tm
from privsynth.tools.textgen.base_model import load_base_model, resolve_base_model
from privsynth.tools.textgen.corpus import encode_corpus
from privsynth.tools.textgen.dp_sgd import DPSGDSchedule, plan_privacy
from privsynth.tools.textgen.generator import DPTextLM
from privsynth.tools.textgen.scoring import make_scorer
from privsynth.tools.textgen.trainer import TrainConfig, add_lora, train_lora

CARD = ["My new card has not arrived yet", "When will my card arrive in the post", "I am still waiting for my card",
        "How long does card delivery take", "My card still has not come", "Where is the card you sent me",
        "The card I ordered has not been delivered", "Is my card on its way", "Card not received after two weeks",
        "Can you track the delivery of my card"]
RATE = ["What exchange rate do you use for euros", "How is the currency exchange rate calculated",
        "Why was the exchange rate so bad today", "Which rate applies when I exchange dollars",
        "Is the exchange rate fixed at weekends", "Tell me the exchange rate for pounds",
        "How often does the exchange rate change", "What is today's rate to exchange yen",
        "Do you add a fee to the exchange rate", "Where can I see the exchange rates"]


def _cache() -> Path:
    return Path(os.environ["PRIVSYNTH_MODEL_CACHE"])


def test_base_model_is_converted_once_then_read_from_the_cache():
    first, _ = resolve_base_model("smollm2-135m", _cache())
    weights = first / "model.safetensors"
    stamp = weights.stat().st_mtime_ns
    second, from_cache = resolve_base_model("smollm2-135m", _cache())
    assert from_cache and second == first
    assert weights.stat().st_mtime_ns == stamp
    assert [p.name for p in _cache().iterdir() if p.is_dir()] == [first.name]  # no second conversion, no temp left
    loaded = load_base_model("smollm2-135m", _cache())
    assert loaded.from_cache and loaded.tokenizer.pad_token is not None
    assert sum(p.numel() for p in loaded.model.parameters()) > 100_000_000


def test_an_unknown_base_model_setting_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="neither 'smollm2-135m' nor a model folder"):
        resolve_base_model(str(tmp_path / "nowhere"), _cache())


def test_label_conditioned_samples_read_as_their_label():
    rng = np.random.default_rng(0)
    texts = [t + s for t in CARD + RATE for s in ("", "?", ", please help", ".")]
    labels = ["card_arrival"] * (len(CARD) * 4) + ["exchange_rate"] * (len(RATE) * 4)
    order = rng.permutation(len(texts))
    data = pd.DataFrame({"text": [texts[i] for i in order], "intent": [labels[i] for i in order]})
    schema = TableSchema(columns=[ColumnSpec(name="text", kind="text"),
                                  ColumnSpec(name="intent", kind="categorical",
                                             categories=["card_arrival", "exchange_rate"])])
    gen = DPTextLM(epsilon=50.0, delta=1e-4, seed=3, schema=schema, text_field="text", label_field="intent",
                   records=len(data), epochs=3, expected_batch=16, physical_batch=16, max_tokens=24,
                   learning_rate=5e-3, max_new_tokens=14, sample_batch=8, temperature=0.7, progress=False,
                   label_proportions={"card_arrival": 0.5, "exchange_rate": 0.5})
    spent = []
    gen.fit(data, schema, spend=spent.append)
    assert spent == [gen.privacy_event()]
    assert gen.fit_info["noise_multiplier"] > 0 and gen.fit_info["steps"] == 15
    out = gen.sample(16)
    assert list(out.columns) == ["text", "intent"] and len(out) == 16
    assert out["intent"].value_counts().to_dict() == {"card_arrival": 8, "exchange_rate": 8}
    assert out["text"].str.lower().nunique() == len(out)  # de-duplicated
    assert gen.sample_info["candidates"] == 48 and gen.sample_info["kept"] == 16  # label filter: 3 per kept text
    result = tm.tfidf_classification(data["text"].tolist(), data["intent"].tolist(), out["text"].tolist(),
                                     out["intent"].tolist())
    assert result["accuracy"] >= 0.8, (result, out.to_dict("records"))


def _exposure(model, tokenizer, canaries: list[tm.Canary]) -> float:
    scorer = make_scorer(model, tokenizer, batch_size=64)
    return float(np.mean([tm.canary_exposure(c, scorer, n_candidates=200, seed=i)["exposure"]
                          for i, c in enumerate(canaries)]))


def test_canary_audit_detects_leakage_without_dp_and_none_with_dp():
    canaries = [tm.Canary(f"The vault code of account {name} is {code}.", code)
                for name, code in (("Ostrava", "582039"), ("Tilburg", "917264"))]
    filler = CARD + RATE
    texts = filler + [c.text for c in canaries for _ in range(3)]
    runs = {}
    for name, epsilon in (("control", None), ("dp", 1.0)):
        base = load_base_model("smollm2-135m", _cache())
        corpus = encode_corpus(texts, None, base.tokenizer, max_tokens=24)
        schedule = DPSGDSchedule(records=len(corpus), expected_batch=8, epochs=5)
        sigma = None if epsilon is None else plan_privacy(schedule, epsilon, 1e-4, False).sgd_sigma
        config = TrainConfig(sample_rate=schedule.sample_rate, steps=schedule.steps, expected_batch=8,
                             noise_multiplier=sigma, learning_rate=1e-2, physical_batch=8, seed=5, progress=False)
        model, stats = train_lora(add_lora(base.model, 8, 5), corpus, config, base.tokenizer.pad_token_id)
        runs[name] = _exposure(model, base.tokenizer, canaries)
    top = np.log2(201)
    assert runs["control"] > top - 1.5, runs  # the audit sees memorisation when there is no DP
    assert runs["dp"] < 4.0, runs  # ~1.4 bits is chance
    assert runs["control"] - runs["dp"] > 3.0, runs
