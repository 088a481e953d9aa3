"""The text generator's time estimate against its real time, on the README's text example (CPU preset).

Run::

    .venv/bin/python evals/text_estimate.py [--texts 300] [--epsilon 8] [--threads 2] [--validation full]

The README's example (``privsynth synthesize tickets.jsonl --text-field body --label-field intent --schema ...
--epsilon 8``) on a corpus of ``--texts`` support messages written from the templates of
``evals/make_text_sample.py`` (three labels, fake PII; seed 11), through the API as the CLI runs it without
``--yes``: the run stops at the generate checkpoint, whose payload carries the estimate of the probe
(:mod:`privsynth.tools.textgen.estimate`); the script approves, times DP-SGD training and sampling as the generator
records them, approves a held release, and compares. Goal: every ratio real / estimate within [1/1.5, 1.5], and the
whole run (probe excluded) under 20 minutes on 2 CPU cores. On a machine without CUDA the generator's CPU preset
applies (``CPU_PRESET`` in :mod:`privsynth.tools.textgen.generator`).

Output: one table line on stdout and ``--out`` (default ``evals/results/text_estimate.json``), written after each
phase so that a killed run keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "evals"))


def corpus(folder: Path, texts: int, seed: int = 11) -> tuple[Path, Path]:
    """Write ``texts`` support messages (three labels) and their public schema into ``folder``."""
    from faker import Faker
    from make_text_sample import CATEGORIES, TEMPLATES, _fill

    fake = Faker("en_US")
    Faker.seed(seed)
    rng = random.Random(seed)
    records = []
    for i in range(texts):
        label = CATEGORIES[i % len(CATEGORIES)]
        templates = TEMPLATES[label]
        records.append({"intent": label, "body": _fill(templates[rng.randrange(len(templates))], fake, rng)})
    rng.shuffle(records)
    source, schema = folder / "tickets.jsonl", folder / "tickets.schema.json"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    schema.write_text(json.dumps({"name": "tickets", "columns": [
        {"name": "intent", "kind": "categorical", "categories": CATEGORIES},
        {"name": "body", "kind": "text"}]}))
    return source, schema


def _ratio(real: float | None, estimate: float | None) -> float | None:
    return round(real / estimate, 2) if real is not None and estimate else None


def _save(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, default=str) + "\n")


def main() -> None:
    """Run the example, compare, print and save."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--texts", type=int, default=300)
    p.add_argument("--epsilon", type=float, default=8.0)
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (the 2-core target: 2)")
    p.add_argument("--validation", choices=["basic", "full"], default="full")
    p.add_argument("--no-preset", action="store_true",
                   help="the GPU defaults on a CPU (the CPU preset's knobs set to DEFAULTS), for comparison")
    p.add_argument("--out", type=Path, default=REPO / "evals" / "results" / "text_estimate.json")
    args = p.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    import privsynth
    from privsynth.tools.textgen.generator import CPU_PRESET, DEFAULTS

    options = {k: DEFAULTS[k] for k in CPU_PRESET} if args.no_preset else None

    folder = Path(tempfile.mkdtemp(prefix="text_estimate_"))
    home = folder / "home"
    home.mkdir()
    (home / "config.json").write_text(json.dumps({"default_cap_epsilon": max(10.0, args.epsilon)}))
    os.environ.setdefault("PRIVSYNTH_MODEL_CACHE", str(Path.home() / ".privsynth" / "models"))
    source, schema = corpus(folder, args.texts)
    record: dict[str, Any] = {"texts": args.texts, "epsilon": args.epsilon, "threads": args.threads,
                              "cuda": torch.cuda.is_available(), "validation": args.validation,
                              "cpus": os.cpu_count(), "load_average_start": os.getloadavg()}
    started = time.perf_counter()
    result = privsynth.synthesize(source, text_field="body", label_field="intent", schema=schema,
                                  epsilon=args.epsilon, out=folder / "synthetic.jsonl", review=True,
                                  validation=args.validation, options=options, home=home)
    to_checkpoint = time.perf_counter() - started
    estimate = (result.waiting or {}).get("estimate") or {}
    record.update(estimate=estimate, seconds_to_checkpoint=round(to_checkpoint, 1),
                  settings=result.plan.generator_options if result.plan else None)
    _save(args.out, record)
    print(f"estimate: {estimate.get('summary')}", flush=True)

    resumed = time.perf_counter()
    result = privsynth.resume(result.run_id, "approve", home=home)
    if result.status in ("waiting", "held"):
        result = privsynth.resume(result.run_id, "approve", home=home)
    after_checkpoint = time.perf_counter() - resumed
    training = result.state.get("generation", {}).get("training", {})
    real_train, real_sample = training.get("train_seconds"), training.get("sample_seconds")
    run_seconds = to_checkpoint - float(estimate.get("probe_seconds") or 0.0) + after_checkpoint
    record.update(status=result.status, train_seconds=real_train, sample_seconds=real_sample,
                  run_seconds_without_probe=round(run_seconds, 1), load_average_end=os.getloadavg(),
                  ratio_train=_ratio(real_train, estimate.get("train_seconds")),
                  ratio_sample=_ratio(real_sample, estimate.get("sample_seconds")),
                  ratio_total=_ratio((real_train or 0) + (real_sample or 0), estimate.get("total_seconds")),
                  rows=result.state.get("generation", {}).get("rows"))
    _save(args.out, record)
    print(f"{'texts':>6} {'est train':>10} {'real train':>11} {'est sample':>11} {'real sample':>12} "
          f"{'ratio':>6} {'whole run':>10}")
    print(f"{args.texts:>6} {estimate.get('train_seconds', 0):>9.0f}s {real_train or 0:>10.0f}s "
          f"{estimate.get('sample_seconds', 0):>10.0f}s {real_sample or 0:>11.0f}s {record['ratio_total']!s:>6} "
          f"{run_seconds / 60:>8.1f}min")


if __name__ == "__main__":
    main()
