"""Print the PII scrubber's errors on the benchmark's dev split, per evaluated entity type.

A tuning aid for :mod:`evals.pii_bench` (same data, split, mapping and matching rule)::

    .venv/bin/python evals/pii_errors.py [--split dev] [--type LOCATION] [--kind fn|fp|both]

False negatives are gold spans no prediction of their type overlaps; false positives are predictions
that overlap no gold span of their type (and no ignored TITLE span). Each line shows the span in
brackets inside its sentence, and for false positives the gold spans it overlaps, if any.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pii_bench  # noqa: E402


def _show(text: str, start: int, end: int, width: int = 60) -> str:
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return f"...{left}[[{text[start:end]}]]{right}..."


def main(argv: list[str] | None = None) -> int:
    """Print the errors; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--type", default=None, help="only this evaluated entity type")
    parser.add_argument("--kind", choices=["fn", "fp", "both"], default="both")
    parser.add_argument("--data", type=Path, default=pii_bench.DEFAULT_DATA)
    args = parser.parse_args(argv)
    records = pii_bench.split(pii_bench.load(args.data), args.split)
    predictions = pii_bench.privsynth_scrubber()([r["full_text"] for r in records])
    overlap = pii_bench._overlap  # noqa: SLF001 - same matching rule as the benchmark
    for record, predicted in zip(records, predictions, strict=True):
        text = record["full_text"]
        gold, ignored = pii_bench.gold_spans(record)
        for g in gold:
            if args.type not in (None, g[2]) or args.kind == "fp":
                continue
            if not any(p[2] == g[2] and overlap(text, p, g) for p in predicted):
                others = [p[2] for p in predicted if overlap(text, p, g)]
                print(f"FN {g[2]:<14} {_show(text, g[0], g[1])}  got={others}")
        for p in predicted:
            if args.type not in (None, p[2]) or args.kind == "fn":
                continue
            if any(g[2] == p[2] and overlap(text, p, g) for g in gold):
                continue
            if any(overlap(text, p, g) for g in ignored):
                continue
            others = [g[2] for g in gold if overlap(text, p, g)]
            print(f"FP {p[2]:<14} {_show(text, p[0], p[1])}  gold={others}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
