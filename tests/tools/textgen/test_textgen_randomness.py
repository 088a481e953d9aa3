"""Randomness of the text generator's DP mechanisms: fresh >= 128-bit entropy per run unless explicitly seeded.

The DP-SGD noise, the Poisson batches and the label-histogram noise must differ between two unseeded runs
(a fixed or low-entropy seed would let runs be combined, or the noise recomputed), be reproducible only
under an explicit seed, and keep their declared scale; ``secure_mode`` switches them to a cryptographic
generator. Tiny random Llama models, a few steps each, on CPU.
"""

from __future__ import annotations

import secrets
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch

from privsynth.errors import ConfigError
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.textgen.corpus import EncodedCorpus
from privsynth.tools.textgen.generator import DPTextLM
from privsynth.tools.textgen.randomness import SEED_BITS, RunRandomness
from privsynth.tools.textgen.trainer import TrainConfig, TrainStats, add_lora, clipped_gradient, train_lora

PAD = 0
CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def _two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def _tiny_llama() -> torch.nn.Module:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=48, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         pad_token_id=PAD)
    return LlamaForCausalLM(config)


def _tiny_lora_model() -> torch.nn.Module:
    return add_lora(_tiny_llama(), rank=4, seed=1)


def _corpus(sizes: list[int]) -> EncodedCorpus:
    rng = np.random.default_rng(3)
    out = EncodedCorpus()
    for n in sizes:
        ids = [int(t) for t in rng.integers(1, 48, size=n)]
        out.input_ids.append(ids)
        out.labels.append([-100, -100] + ids[2:])
    return out


def _adapters(**config) -> list[torch.Tensor]:
    """LoRA weights after a short DP run (the same initial model and corpus every time)."""
    settings = {"steps": 1, "expected_batch": 2, "noise_multiplier": 1.0, "physical_batch": 2, "progress": False,
                "sample_rate": 1.0, **config}
    model, _ = train_lora(_tiny_lora_model(), _corpus([5, 8, 6, 7]), TrainConfig(**settings), PAD, CPU)
    return [p.detach().clone() for p in model.parameters() if p.requires_grad]


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(("clipping", "sample_rate", "secure_mode"),
                         [("hooks", 1.0, False), ("ghost", 1.0, False), ("hooks", 1e-9, False),
                          ("hooks", 1.0, True), ("ghost", 1e-9, True)])
def test_unseeded_runs_draw_fresh_noise_and_seeded_runs_repeat(clipping, sample_rate, secure_mode):
    """Full batches (both engines) and empty batches (the noise-only step): fresh noise unless seeded."""
    knobs = {"clipping": clipping, "sample_rate": sample_rate, "secure_mode": secure_mode}
    assert TrainConfig(sample_rate=1.0, steps=1, expected_batch=1, noise_multiplier=1.0).seed is None
    assert not _same(_adapters(**knobs), _adapters(**knobs))  # default seed: fresh entropy each run
    seeded = _adapters(seed=7, **knobs)
    assert _same(seeded, _adapters(seed=7, **knobs))
    assert not _same(seeded, _adapters(seed=8, **knobs))


def test_poisson_batches_are_fresh_unless_seeded():
    corpus = _corpus([5] * 40)
    def batches(seed):
        config = TrainConfig(sample_rate=0.5, steps=3, expected_batch=20, noise_multiplier=None, physical_batch=40,
                             progress=False, seed=seed)
        return train_lora(_tiny_lora_model(), corpus, config, PAD, CPU)[1].sequences
    seen = {batches(None) for _ in range(4)}
    assert len(seen) > 1  # 3 Binomial(40, 1/2) batch sizes: four equal totals would be a ~1e-3 coincidence
    assert batches(4) == batches(4)


def test_noise_seed_material_is_at_least_128_fresh_bits(monkeypatch):
    drawn = []
    real = secrets.randbits

    def spy(k):
        value = real(k)
        drawn.append((k, value))
        return value

    monkeypatch.setattr(secrets, "randbits", spy)
    _adapters()
    assert drawn and all(k >= 128 for k, _ in drawn), drawn
    # The numpy seed keeps all of it: SeedSequence's pool is widened to SEED_BITS (its default keeps 128).
    randomness = RunRandomness()
    bits, entropy = drawn[-1]
    assert bits == SEED_BITS
    for name in ("sampling", "sgd_noise"):
        seq = randomness.stream(name).seed_sequence
        assert seq is not None and seq.entropy == entropy and seq.pool_size * 32 >= SEED_BITS
    assert randomness.stream("sampling").random(4).tolist() != randomness.stream("sgd_noise").random(4).tolist()
    assert "entropy" not in repr(randomness) and str(entropy) not in repr(randomness)


def test_opacus_torch_noise_is_never_used(monkeypatch):
    """The noise never comes from opacus' torch.normal path (a torch generator holds 64 bits at most)."""
    import opacus.optimizers.optimizer as opt
    import opacus.optimizers.optimizer_fast_gradient_clipping as fast

    def refuse(*args, **kwargs):
        raise AssertionError("opacus' _generate_noise was called")

    monkeypatch.setattr(opt, "_generate_noise", refuse)
    monkeypatch.setattr(fast, "_generate_noise", refuse)
    for clipping in ("hooks", "ghost"):
        _adapters(clipping=clipping)


@pytest.mark.parametrize("secure_mode", [False, True])
@pytest.mark.parametrize("clipping", ["hooks", "ghost"])
def test_dp_noise_keeps_its_declared_scale(clipping, secure_mode):
    """Privatised gradient minus the noise-free one is N(0, (sigma * C / expected batch)^2) per coordinate."""
    corpus, batch = _corpus([6, 9, 7]), np.arange(3)
    sigma, clip, expected = 2.0, 0.5, 4

    def gradient(noise):
        config = TrainConfig(sample_rate=1.0, steps=1, expected_batch=expected, noise_multiplier=noise,
                             max_grad_norm=clip, physical_batch=2, progress=False, clipping=clipping,
                             secure_mode=secure_mode)
        return torch.cat([g.flatten() for g in clipped_gradient(_tiny_lora_model(), corpus, batch, config, PAD, CPU)])

    noise = (gradient(sigma) - gradient(0.0)).double()
    assert noise.numel() > 1500
    assert float(noise.std()) == pytest.approx(sigma * clip / expected, rel=0.12)
    assert abs(float(noise.mean())) < 4 * sigma * clip / expected / noise.numel() ** 0.5


def test_secure_source_is_gaussian_and_reproducible_only_when_seeded():
    source = RunRandomness(secure=True).stream("sgd_noise")
    assert source.secure and source.seed_sequence is None  # not the numpy generator
    draws = source.standard_normal(100_000)
    assert abs(draws.mean()) < 0.02 and draws.std() == pytest.approx(1.0, abs=0.015)
    assert ((draws - draws.mean()) ** 4).mean() / draws.var() ** 2 == pytest.approx(3.0, abs=0.1)
    uniforms = source.random(100_000)
    assert 0 <= uniforms.min() and uniforms.max() < 1 and uniforms.mean() == pytest.approx(0.5, abs=0.01)
    assert RunRandomness(secure=True).stream("label_noise").normal(0, 1) != RunRandomness(
        secure=True).stream("label_noise").normal(0, 1)
    seeded = [RunRandomness(5, secure=True).stream("sampling").random(8) for _ in range(2)]
    assert np.array_equal(*seeded)
    with pytest.raises(ConfigError, match="non-negative integer"):
        RunRandomness(-1)


# -- the generator ---------------------------------------------------------------------------------------------

SCHEMA = TableSchema(columns=[ColumnSpec(name="text", kind="text"),
                              ColumnSpec(name="label", kind="categorical", categories=["a", "b"])])
DATA = pd.DataFrame({"text": [f"text {i}" for i in range(20)], "label": ["a", "b"] * 10})


@pytest.fixture
def recorded_training(monkeypatch):
    """DPTextLM._fit on a tiny model without loading the real one; records the TrainConfig it passes."""
    configs: list[TrainConfig] = []
    fake_base = SimpleNamespace(model=None, tokenizer=SimpleNamespace(pad_token_id=PAD), name="tiny",
                                from_cache=True)

    def load(*args, **kwargs):
        fake_base.model = _tiny_llama()
        return fake_base

    def train(model, corpus, config, pad_id, device=None):
        configs.append(config)
        return model, TrainStats()

    monkeypatch.setattr("privsynth.tools.textgen.base_model.load_base_model", load)
    monkeypatch.setattr("privsynth.tools.textgen.corpus.encode_corpus",
                        lambda texts, *args, **kwargs: _corpus([5] * len(texts)))
    monkeypatch.setattr("privsynth.tools.textgen.trainer.train_lora", train)
    return configs


def _fit(seed=None, **options) -> DPTextLM:
    gen = DPTextLM(3.0, 1e-5, seed=seed, schema=SCHEMA, text_field="text", label_field="label", records=len(DATA),
                   progress=False, **options)
    return gen.fit(DATA, SCHEMA, spend=lambda event: None)


def test_generator_draws_label_noise_and_training_randomness_fresh(recorded_training, monkeypatch):
    widths = []
    real = secrets.randbits
    monkeypatch.setattr(secrets, "randbits", lambda k: widths.append(k) or real(k))
    first, second = _fit(), _fit()
    assert widths and min(widths) >= 128  # the label noise's seed material
    assert first.noisy_counts != second.noisy_counts
    assert [c.seed for c in recorded_training] == [None, None]  # the trainer draws its own fresh entropy
    assert first.fit_info["noise_seeded"] is False
    recorded_training.clear()
    again = [_fit(seed=3).noisy_counts for _ in range(2)]
    assert again[0] == again[1] and again[0] != first.noisy_counts
    assert recorded_training[0].seed is not None and recorded_training[0].seed == recorded_training[1].seed


def test_secure_mode_is_an_option_that_reaches_the_trainer(recorded_training):
    from privsynth.graphs.nodes.shared import accepted_options

    assert "secure_mode" in accepted_options(DPTextLM)
    assert DPTextLM(3.0, 1e-5, schema=SCHEMA, text_field="text", records=20).config["secure_mode"] is False
    gen = _fit(secure_mode=True)
    assert gen.config["secure_mode"] is True and gen.fit_info["secure_mode"] is True
    assert recorded_training[-1].secure_mode is True and recorded_training[-1].seed is None
    assert len(gen.noisy_counts) == 2
    with pytest.raises(ConfigError, match="secure_mode must be true or false"):
        DPTextLM(3.0, 1e-5, schema=SCHEMA, text_field="text", records=20, secure_mode="yes")
