"""``dp_text_lm``: synthetic text from a pretrained causal LM fine-tuned with DP-SGD on LoRA adapters.

Privacy (written down, and declared to the ledger before any text is read):

* the unit is a record (one text), or a user when ``user_field`` is set (all of a user's records, at most
  ``max_records_per_user``, packed into one training sequence);
* DP-SGD: Poisson sampling at ``q = expected_batch / units`` for ``ceil(epochs / q)`` steps, per-unit clipping,
  Gaussian noise calibrated with the PLD accountant (:mod:`privsynth.tools.textgen.dp_sgd`);
* with a label column whose proportions are not given publicly, a Gaussian histogram of the labels over the
  schema's public label list (a tenth of epsilon alone; the composition meets the target);
* the number of units is treated as public, as in standard DP-SGD;
* the DP-SGD noise, the Poisson batches and the label-histogram noise are drawn from generators seeded with
  256 bits of fresh OS entropy (:mod:`secrets`) in every run (:mod:`privsynth.tools.textgen.randomness`); the
  constructor's ``seed`` makes them reproducible and is for tests and benchmarks only (the graph never passes
  one). The LoRA initialisation and the sampling of the released model are data-independent or
  post-processing, and stay seeded (by ``seed`` when given).

``secure_mode=True`` (default False) draws those three from a cryptographic generator (SHAKE-256 keyed by the
run's entropy) and makes every Gaussian the sum of four divided by two, opacus' ``secure_mode`` defence against
floating-point attacks on the noise (opacus' own ``PrivacyEngine(secure_mode=True)`` needs ``torchcsprng``,
which is not used). Its cost is in the noise draw, which grows with the number of LoRA weights, not with the
batch (the secure Poisson draw is 8 bytes per unit and step). Measured on 2 CPU cores: for SmolLM2-135M's
921,600 rank-8 adapter weights, 0.15-0.2 s per DP step against 12 ms without, next to about 6 s for the whole
CPU step (batch 32, 64 tokens), so about 3%; on the 2-layer toy model of tests/test_textgen_randomness.py
(1,792 weights), 0.5 ms against 0.07 ms, invisible next to its 0.3 s step. On CUDA the noise is drawn on the
CPU in both modes and copied to the GPU, where the secure draw is a larger share of a much shorter step.

Sampling with labels draws ``label_filter`` candidates per wanted text and keeps those the fine-tuned model
itself reads most clearly as their label (:mod:`privsynth.tools.textgen.label_filter`): post-processing
of the released model's own samples, no budget (``label_filter=1`` turns it off).

The label list must come from public metadata (the schema), never from the data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from dp_accounting import dp_event
from pydantic import Field, StrictBool, field_validator, model_validator

from privsynth.agents.generator import Generator
from privsynth.agents.options import GeneratorOptions
from privsynth.agents.registry import register_generator
from privsynth.errors import ConfigError, InputDataError, NotFittedError, SchemaError
from privsynth.logs import get_logger
from privsynth.tools.data.schema import TableSchema
from privsynth.tools.textgen.dp_sgd import (
    CLIPPING_MODES,
    DPSGDSchedule,
    TextPrivacyPlan,
    noisy_label_counts,
    plan_privacy,
)

log = get_logger(__name__)

DEFAULTS: dict[str, Any] = {
    "epochs": 2.0, "expected_batch": 32, "max_tokens": 64, "learning_rate": 2e-3, "max_grad_norm": 1.0,
    "lora_rank": 8, "physical_batch": 8, "max_records_per_user": 8, "temperature": 1.0, "top_p": 0.95,
    "max_new_tokens": 48, "sample_batch": 32, "progress": True, "clipping": "hooks", "label_filter": 3,
    "secure_mode": False,
}


# The defaults on a machine without CUDA: one epoch, shorter sequences and no label filter (its scoring pass, every
# candidate under every label, costs more than the sampling itself). On 2 cores the README's example (300 messages,
# epsilon 8) takes 3.6 min on a quiet machine and 25.6 min while other processes load it (evals/notes/
# text_estimate.md). Options set by the user win.
CPU_PRESET: dict[str, Any] = {"epochs": 1.0, "max_tokens": 48, "max_new_tokens": 40, "label_filter": 1}


def device_defaults() -> dict[str, Any]:
    """The knobs that differ from :data:`DEFAULTS` on this machine: :data:`CPU_PRESET` without CUDA, else none."""
    import torch

    return {} if torch.cuda.is_available() else dict(CPU_PRESET)


class DPTextLMOptions(GeneratorOptions):
    """The text generator's options: the fields the graph sets, where the model lives, and the knobs."""

    text_field: str | None = Field(None, description="the text column (required)")
    label_field: str | None = Field(None, description="a label column to condition on (labels from the schema)")
    user_field: str | None = Field(None, description="a user column: all of a user's records are one unit")
    records: int | None = Field(None, ge=1, description="privacy units in the training part (public, as in DP-SGD)")
    public_schema: TableSchema | None = Field(None, alias="schema", description="the public schema (the label list)")
    target: str | None = Field(None, description="(not used by the text generator)")
    label_proportions: dict[str, float] | None = Field(None, description="public label proportions; else measured "
                                                                         "with DP")
    base_model: str | None = Field(None, description="a local transformers model folder (default: SmolLM2-135M)")
    cache_dir: str | None = Field(None, description="where the converted base model is cached")
    epochs: float = Field(DEFAULTS["epochs"], gt=0, description="expected passes over the data")
    expected_batch: int = Field(DEFAULTS["expected_batch"], ge=1, description="expected Poisson batch size")
    max_tokens: int = Field(DEFAULTS["max_tokens"], ge=1, description="tokens per training text (longer are cut)")
    learning_rate: float = Field(DEFAULTS["learning_rate"], gt=0, description="AdamW learning rate")
    max_grad_norm: float = Field(DEFAULTS["max_grad_norm"], gt=0, description="per-sample clipping norm C")
    lora_rank: int = Field(DEFAULTS["lora_rank"], ge=1, description="LoRA rank")
    physical_batch: int = Field(DEFAULTS["physical_batch"], ge=1, description="texts per forward pass")
    max_records_per_user: int = Field(DEFAULTS["max_records_per_user"], ge=1, description="records kept per user")
    temperature: float = Field(DEFAULTS["temperature"], gt=0, description="sampling temperature")
    top_p: float = Field(DEFAULTS["top_p"], gt=0, le=1, description="nucleus sampling mass")
    max_new_tokens: int = Field(DEFAULTS["max_new_tokens"], ge=1, description="tokens per sampled text")
    sample_batch: int = Field(DEFAULTS["sample_batch"], ge=1, description="texts sampled per batch")
    progress: StrictBool = Field(DEFAULTS["progress"], description="progress bars")
    clipping: str = Field(DEFAULTS["clipping"], description=f"per-sample clipping engine: {', '.join(CLIPPING_MODES)}")
    label_filter: int = Field(DEFAULTS["label_filter"], description="candidates per kept text (1: no filter)")
    secure_mode: bool = Field(DEFAULTS["secure_mode"], description="cryptographic noise and batches (slower draws)")

    @model_validator(mode="before")
    @classmethod
    def _none_means_default(cls, values: Any) -> Any:
        """A knob given as None keeps its default (the graph passes unset values as None)."""
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if not (k in DEFAULTS and v is None)}
        return values

    @field_validator("clipping")
    @classmethod
    def _clipping(cls, value: str) -> str:
        if value not in CLIPPING_MODES:
            raise ValueError(f"Unknown clipping engine {value!r}: use one of {', '.join(CLIPPING_MODES)} (hooks is the "
                             "faster on every machine measured; see evals/text_speed.py)")
        return value

    @field_validator("secure_mode", mode="before")
    @classmethod
    def _secure_mode(cls, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"secure_mode must be true or false, got {value!r} (--option secure_mode=true: "
                             "cryptographic DP noise, slower noise draws)")
        return value

    @field_validator("label_filter", mode="before")
    @classmethod
    def _label_filter(cls, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 1:
            raise ValueError(f"label_filter must be a whole number >= 1, got {value!r} (--option label_filter=3: "
                             "candidates per kept text; 1 turns the filter off)")
        return int(value)


def _texts(data: pd.DataFrame, text_field: str) -> pd.Series:
    return data[text_field].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))


def training_units(data: pd.DataFrame, text_field: str, user_field: str | None = None) -> int:
    """How many privacy units a corpus has: non-empty texts, or users with at least one non-empty text."""
    keep = _texts(data, text_field).str.strip() != ""
    if user_field is None:
        return int(keep.sum())
    return int(data.loc[keep, user_field].nunique(dropna=False))


def largest_remainder(weights: dict[str, float], total: int) -> dict[str, int]:
    """Split ``total`` in proportion to non-negative ``weights`` (uniform if they are all zero)."""
    clean = {k: max(0.0, float(v)) for k, v in weights.items()}
    mass = sum(clean.values()) or float(len(clean))
    shares = {k: (v if sum(clean.values()) else 1.0) * total / mass for k, v in clean.items()}
    counts = {k: int(np.floor(v)) for k, v in shares.items()}
    for k in sorted(shares, key=lambda k: shares[k] - counts[k], reverse=True)[:total - sum(counts.values())]:
        counts[k] += 1
    return counts


@register_generator
class DPTextLM(Generator):
    """DP fine-tuned causal LM for a text column, optionally conditioned on a label column.

    Options (keyword arguments): ``text_field`` (required), ``label_field``, ``user_field``, ``records`` (privacy
    units, required before fitting), ``label_proportions`` (public proportions; otherwise measured with DP),
    ``base_model``, ``cache_dir``, and the training / sampling knobs in :data:`DEFAULTS`, among them
    ``secure_mode`` (cryptographic noise and batches with opacus' floating-point defence; its cost is in the
    module docstring).

    ``seed`` (the constructor's) fixes the DP noise and batches as well as the LoRA initialisation and the
    sampling: for tests and benchmarks only. Left at None, as the graph always does, every fit draws its noise
    and batches from fresh OS entropy.
    """

    name = "dp_text_lm"
    modality = "text"
    Options = DPTextLMOptions

    def __init__(self, epsilon: float, delta: float, seed: int | None = None, **options: Any) -> None:
        super().__init__(epsilon, delta, seed, **options)
        assert isinstance(self.params, DPTextLMOptions)
        self.config = {k: getattr(self.params, k) for k in DEFAULTS}
        self.text_field: str | None = self.params.text_field
        self.label_field: str | None = self.params.label_field
        self.user_field: str | None = self.params.user_field
        if not self.text_field:
            raise ConfigError("The text generator needs the name of the text column.", "Pass --text-field NAME.")
        self.label_domain = self._label_domain(options.get("schema"))
        self.sample_info: dict[str, Any] = {}
        self.model: Any = None
        self.tokenizer: Any = None
        self.noisy_counts: dict[str, float] | None = None
        self.fit_info: dict[str, Any] = {}
        self._privacy: TextPrivacyPlan | None = None

    # -- public metadata ----------------------------------------------------------------------------
    def _label_domain(self, schema: TableSchema | None) -> list[str] | None:
        if not self.label_field:
            return None
        spec = None
        if schema is not None and self.label_field in schema.names:
            spec = schema.column(self.label_field)
        if spec is None or spec.kind != "categorical" or not spec.categories:
            raise SchemaError(f"The label column '{self.label_field}' has no public list of labels.",
                              f"Declare it in the schema: {{\"name\": \"{self.label_field}\", \"kind\": "
                              "\"categorical\", \"categories\": [...]}} (labels are never read from the data).")
        if len(spec.categories) < 2:
            raise ConfigError(f"The label column '{self.label_field}' has a single class ({spec.categories[0]!r}); "
                              "conditioning needs at least two.", "Leave out --label-field to train on the text "
                              "alone.")
        return list(spec.categories)

    def privacy_plan(self) -> TextPrivacyPlan:
        """The calibrated noise for this run (computed once, from parameters only)."""
        if self._privacy is None:
            records = self.options.get("records")
            if not records or records < 1:
                raise ConfigError("The text generator needs the number of training records before fitting.",
                                  "Pass records=<number of non-empty texts> (the graph does this).")
            schedule = DPSGDSchedule(records=int(records), expected_batch=int(self.config["expected_batch"]),
                                     epochs=float(self.config["epochs"]))
            measure = self.label_domain is not None and not self.options.get("label_proportions")
            self._privacy = plan_privacy(schedule, self.epsilon, self.delta, measure)
        return self._privacy

    def privacy_event(self) -> dp_event.DpEvent:
        """Label histogram (if measured) composed with the DP-SGD event; see the module docstring."""
        return self.privacy_plan().event

    def output_columns(self) -> list[str]:
        """The text column, then the label column when there is one."""
        assert self.text_field is not None
        return [self.text_field] + ([self.label_field] if self.label_field else [])

    # -- template hooks -----------------------------------------------------------------------------
    def _validate(self, data: pd.DataFrame, schema: TableSchema) -> None:
        for column in filter(None, (self.text_field, self.label_field, self.user_field)):
            if column not in data.columns:
                raise InputDataError(f"Column '{column}' is not in the data (columns: {list(data.columns)}).",
                                     "Check --text-field / --label-field / --user-field.")
        assert self.text_field is not None
        units = training_units(data, self.text_field, self.user_field)
        if units == 0:
            raise InputDataError(f"Every text in column '{self.text_field}' is empty.",
                                 "Point --text-field at the column that holds the texts.")
        if units != self.options.get("records"):
            raise ConfigError(f"The corpus has {units} training units but {self.options.get('records')} were "
                              "declared.", "Pass records equal to the number of non-empty texts (or users).")
        if self.label_domain is not None:
            assert self.label_field is not None
            labels = data[self.label_field].astype(str)
            unknown = sorted(set(labels) - set(self.label_domain))
            if unknown:
                raise InputDataError(f"Label column '{self.label_field}' has values outside the schema's list: "
                                     f"{unknown[:5]}.", "Add them to the schema's categories or fix the data.")
        self.privacy_plan()

    def _corpus(self, data: pd.DataFrame) -> tuple[list[str], list[str] | None, list[float]]:
        """Texts (packed per user under user-level privacy), their labels and label weights."""
        assert self.text_field is not None
        texts = _texts(data, self.text_field)
        keep = texts.str.strip() != ""
        data, texts = data.loc[keep].reset_index(drop=True), texts[keep].reset_index(drop=True)
        labels = None if self.label_field is None else data[self.label_field].astype(str).tolist()
        if self.user_field is None:
            return texts.tolist(), labels, [1.0] * len(texts)
        from privsynth.tools.textgen.corpus import pack_by_user

        packed, first = pack_by_user(texts.tolist(), data[self.user_field].tolist(),
                                     int(self.config["max_records_per_user"]))
        unit_labels = None if labels is None else [labels[i] for i in first]
        return packed, unit_labels, [1.0] * len(packed)

    def _fit(self, data: pd.DataFrame, schema: TableSchema) -> None:
        from privsynth.config import load_settings
        from privsynth.tools.textgen.base_model import load_base_model
        from privsynth.tools.textgen.corpus import encode_corpus
        from privsynth.tools.textgen.randomness import RunRandomness
        from privsynth.tools.textgen.trainer import TrainConfig, add_lora, train_lora

        privacy = self.privacy_plan()
        secure = bool(self.config["secure_mode"])
        randomness = RunRandomness(self.seed, secure)  # fresh 256-bit OS entropy unless a seed was given
        derived = np.random.default_rng(self.seed)
        lora_seed = int(derived.integers(2**31))  # data-independent: may be seeded
        train_seed = None if self.seed is None else int(derived.integers(2**31))  # None: fresh entropy
        texts, labels, weights = self._corpus(data)
        if privacy.label_sigma is not None and labels is not None and self.label_domain is not None:
            self.noisy_counts = noisy_label_counts(labels, self.label_domain, weights, privacy.label_sigma,
                                                   randomness.stream("label_noise"))
        settings = load_settings()
        base = load_base_model(self.options.get("base_model") or settings.text_base_model,
                               self.options.get("cache_dir") or settings.model_cache_dir)
        corpus = encode_corpus(texts, labels, base.tokenizer, int(self.config["max_tokens"]))
        if corpus.truncated:
            log.warning("text.truncated", texts=corpus.truncated, max_tokens=self.config["max_tokens"])
        model = add_lora(base.model, int(self.config["lora_rank"]), lora_seed)
        train = TrainConfig(sample_rate=privacy.schedule.sample_rate, steps=privacy.schedule.steps,
                            expected_batch=privacy.schedule.expected_batch, noise_multiplier=privacy.sgd_sigma,
                            max_grad_norm=float(self.config["max_grad_norm"]),
                            learning_rate=float(self.config["learning_rate"]),
                            physical_batch=int(self.config["physical_batch"]), lora_rank=int(self.config["lora_rank"]),
                            seed=train_seed, progress=bool(self.config["progress"]),
                            clipping=str(self.config["clipping"]), secure_mode=secure)
        self.model, stats = train_lora(model, corpus, train, base.tokenizer.pad_token_id)
        self.tokenizer = base.tokenizer
        self.fit_info = {"base_model": base.name, "model_from_cache": base.from_cache, "units": len(texts),
                         "truncated": corpus.truncated, "steps": stats.steps, "sample_rate": train.sample_rate,
                         "noise_multiplier": privacy.sgd_sigma, "label_noise": privacy.label_sigma,
                         "max_grad_norm": train.max_grad_norm, "epsilon_accounted": privacy.epsilon,
                         "tokens_per_second": stats.tokens_per_second, "train_seconds": stats.seconds,
                         "final_loss": stats.losses[-1] if stats.losses else None,
                         "user_level": self.user_field is not None, "secure_mode": secure,
                         "noise_seeded": randomness.seeded}

    def time_estimate(self, texts: int) -> Any:
        """Estimated training and sampling time on this machine, from a probe on dummy text (no private data).

        Loads the base model and times one DP-SGD chunk and one sampling batch
        (:func:`privsynth.tools.textgen.estimate.estimate_time`); spends nothing and reads no record.

        Args:
            texts: Texts the run will sample.

        Returns:
            A :class:`~privsynth.tools.textgen.estimate.TimeEstimate`.
        """
        from privsynth.config import load_settings
        from privsynth.tools.textgen.base_model import load_base_model
        from privsynth.tools.textgen.estimate import estimate_time
        from privsynth.tools.textgen.trainer import add_lora

        schedule = self.privacy_plan().schedule
        settings = load_settings()
        base = load_base_model(self.options.get("base_model") or settings.text_base_model,
                               self.options.get("cache_dir") or settings.model_cache_dir)
        model = add_lora(base.model, int(self.config["lora_rank"]), 0)
        batch = max(1, round(schedule.sample_rate * schedule.records))  # all units when q = 1 (a small corpus)
        return estimate_time(model, base.tokenizer, self.config, steps=schedule.steps, expected_batch=batch,
                             texts=texts, labels=self.label_domain)

    def scorer(self) -> Any:
        """Log-likelihood of texts under the fitted model (for canary exposure audits).

        Raises:
            NotFittedError: ``fit`` has not been called.
        """
        from privsynth.tools.textgen.scoring import make_scorer

        if self.model is None:
            raise NotFittedError(f"Generator '{self.name}' must be fitted before scoring.", "Call fit() first.")
        return make_scorer(self.model, self.tokenizer)

    def estimated_rows(self) -> int | None:
        """The DP label-count total when labels were measured, else the (public) number of units."""
        if self.noisy_counts is not None:
            return max(1, int(round(sum(self.noisy_counts.values()))))
        return int(self.options["records"]) if self.options.get("records") else None

    def quotas(self, n: int) -> dict[str | None, int]:
        """Texts to draw per label: public proportions, else the DP counts, else unconditional."""
        if self.label_domain is None:
            return {None: n}
        public = self.options.get("label_proportions")
        weights = {k: float(public.get(k, 0.0)) for k in self.label_domain} if public else (self.noisy_counts or {})
        return largest_remainder(weights or dict.fromkeys(self.label_domain, 1.0), n)  # type: ignore[return-value]

    def _sample(self, n: int | None, conditions: dict[str, Any], seed: int | None) -> pd.DataFrame:
        from privsynth.tools.textgen.sampling import SamplingConfig, sample_texts

        n = n or self.estimated_rows() or 1
        quotas = self.quotas(n)
        if self.label_field and self.label_field in conditions:
            wanted = str(conditions[self.label_field])
            if wanted not in (self.label_domain or []):
                raise ConfigError(f"Unknown label {wanted!r} for '{self.label_field}'.",
                                  f"Choose one of {self.label_domain}.")
            quotas = {wanted: n}
        config = SamplingConfig(temperature=float(self.config["temperature"]), top_p=float(self.config["top_p"]),
                                max_new_tokens=int(self.config["max_new_tokens"]),
                                batch_size=int(self.config["sample_batch"]), progress=bool(self.config["progress"]))
        factor = int(self.config["label_filter"]) if self.label_domain is not None else 1
        candidates = {label: quota * factor for label, quota in quotas.items()}
        pairs = sample_texts(self.model, self.tokenizer, candidates, config, seed=0 if seed is None else seed % 2**31)
        if factor > 1:
            pairs = self._keep_clearest(pairs, quotas)
        if len(pairs) < n:
            log.warning("text.sampled_fewer", wanted=n, got=len(pairs), reason="duplicates")
        assert self.text_field is not None
        frame = pd.DataFrame({self.text_field: [t for t, _ in pairs]})
        if self.label_field:
            frame[self.label_field] = [label for _, label in pairs]
        return frame

    def _keep_clearest(self, pairs: list[tuple[str, str | None]],
                       quotas: dict[str | None, int]) -> list[tuple[str, str | None]]:
        """The candidates the model reads most clearly as their own label (post-processing, no budget)."""
        from privsynth.tools.textgen.label_filter import keep_clearest

        assert self.label_domain is not None
        kept, self.sample_info = keep_clearest(
            self.model, self.tokenizer, pairs, quotas, self.label_domain, batch_size=int(self.config["sample_batch"]),
            max_tokens=int(self.config["max_tokens"]) + int(self.config["max_new_tokens"]),
            progress=bool(self.config["progress"]))
        log.info("text.label_filter", **self.sample_info)
        return list(kept)
