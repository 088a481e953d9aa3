"""Text on a CPU is honest about time: the estimate before the spend, the CPU preset, and no corpus left over."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import privsynth
from privsynth.config import load_settings
from privsynth.errors import RunNotFoundError
from privsynth.graphs.context import ledger_for
from privsynth.tools.textgen import generator as textgen
from privsynth.tools.textgen.estimate import TimeEstimate, estimate_time

REPO = Path(__file__).resolve().parents[2]
TICKETS = REPO / "privsynth" / "sample_data" / "support_tickets.jsonl"


class ToyTokenizer:
    """Characters as tokens (ids 2..41), enough for the probe's prompts and filler text."""

    pad_token_id = 0
    eos_token_id = 1

    def __call__(self, texts, return_tensors=None, add_special_tokens=False):
        from transformers import BatchEncoding

        if isinstance(texts, str):
            return {"input_ids": [2 + ord(c) % 40 for c in texts]}
        ids = torch.tensor([[2 + ord(c) % 40 for c in t] for t in texts])
        return BatchEncoding({"input_ids": ids, "attention_mask": torch.ones_like(ids)})


def _toy_model():
    from transformers import LlamaConfig, LlamaForCausalLM

    from privsynth.tools.textgen.trainer import add_lora

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=48, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256)
    return add_lora(LlamaForCausalLM(config), 4, 0)


def test_the_probe_times_one_chunk_and_one_batch_and_scales_by_public_parameters():
    model = _toy_model()
    before = [p.detach().clone() for p in model.parameters() if p.requires_grad]
    config = {**textgen.DEFAULTS, "max_tokens": 24, "max_new_tokens": 10, "sample_batch": 8, "label_filter": 3}
    estimate = estimate_time(model, ToyTokenizer(), config, steps=15, expected_batch=32, texts=100,
                             labels=["billing", "delivery", "login"], device=torch.device("cpu"))
    assert estimate.chunks_per_step == 4 and estimate.steps == 15
    assert estimate.train_seconds == pytest.approx(15 * 4 * estimate.chunk_seconds)
    assert estimate.sample_batches == math.ceil(300 / 8) + 2  # 3 candidates a text, each label's last batch
    decoding = estimate.sample_batches * (estimate.prefill_seconds + 9 * estimate.token_seconds)
    filtering = (math.ceil(300 / 8) + 2) * 3 * estimate.score_seconds  # every candidate under every label
    assert estimate.sample_seconds == pytest.approx(decoding + filtering) and estimate.score_seconds > 0
    assert 0 < estimate.chunk_seconds < estimate.probe_seconds
    assert "training (15 DP-SGD steps)" in estimate.summary() and "sampling" in estimate.summary()
    after = [p.detach() for p in model.parameters() if p.requires_grad]
    assert all(torch.equal(a, b) for a, b in zip(before, after, strict=True))  # the probe takes no step


def _fixed_estimate(self, texts):
    return TimeEstimate(train_seconds=600.0, sample_seconds=240.0, chunk_seconds=10.0, prefill_seconds=1.0,
                        token_seconds=0.5, score_seconds=0.0, steps=15, chunks_per_step=4,
                        sample_batches=texts // 32 + 1, device="cpu", probe_seconds=20.0)


@pytest.fixture
def tickets(tmp_path) -> Path:
    corpus = tmp_path / "tickets.jsonl"
    shutil.copy(TICKETS, corpus)
    shutil.copy(TICKETS.with_name("support_tickets.schema.json"), tmp_path / "tickets.schema.json")
    return corpus


def test_the_text_checkpoint_shows_the_estimate_before_any_spend(tickets, monkeypatch):
    monkeypatch.setattr(textgen.DPTextLM, "time_estimate", _fixed_estimate)
    result = privsynth.synthesize(tickets, text_field="text", label_field="category", epsilon=2.0, review=True,
                                  validation="basic")
    assert result.status == "waiting" and result.waiting["checkpoint"] == "before_generate"
    assert result.waiting["estimated_time"].startswith("about 10 min training (15 DP-SGD steps) + 4 min sampling")
    assert ledger_for(load_settings()).find("tickets") is None  # nothing spent
    assert f"estimated time: {result.waiting['estimated_time']}" in result.summary()
    options = result.plan.generator_options
    if not torch.cuda.is_available():  # the CPU preset, decided before the event was declared, kept in the plan
        assert {k: options[k] for k in textgen.CPU_PRESET} == textgen.CPU_PRESET
    assert result.state["text"]["device_preset"] == textgen.device_defaults()


def test_the_next_start_removes_a_killed_runs_corpus_but_keeps_a_waiting_ones(tickets, monkeypatch):
    monkeypatch.setattr(textgen.DPTextLM, "time_estimate", _fixed_estimate)
    waiting = privsynth.synthesize(tickets, text_field="text", label_field="category", epsilon=2.0, review=True,
                                   validation="basic", options={"label_filter": 3, "epochs": 2.0})
    assert waiting.plan.generator_options["label_filter"] == 3  # what the user sets wins over the CPU preset
    assert waiting.plan.generator_options["epochs"] == 2.0
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    private = waiting.run_dir / "private"
    assert (private / "corpus.jsonl").is_file()
    (private / "owner.pid").write_text(dead.stdout)  # its process is gone, but the run waits: the corpus stays
    killed = load_settings().runs_dir / "20261203-000000-dead01" / "private"
    killed.mkdir(parents=True)
    (killed / "corpus.jsonl").write_text('{"text": "a private message"}\n')
    (killed / "owner.pid").write_text(dead.stdout)
    with pytest.raises(RunNotFoundError):
        privsynth.resume("no-such-run", "approve")  # any start of privsynth sweeps
    assert not killed.exists()
    assert (private / "corpus.jsonl").is_file()
