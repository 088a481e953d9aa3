"""``privsynth schema draft DATA --out FILE [--epsilon E]``: a schema draft a person reviews, edits and reuses.

With ``--epsilon`` the draft is made with DP domain discovery (:mod:`privsynth.tools.data.discovery`): the whole
epsilon goes to it, as one event committed to the dataset's ledger before the values are read, and the draft is
as public as any DP release (reuse it with ``--schema`` at no further cost). Without ``--epsilon`` the draft is read
from the private data as it is (exact categories and bounds, no privacy: as SDV's ``detect_from_dataframe``) and
is marked ``"private_mark": "read from the private data: replace with public knowledge"``; ``synthesize`` refuses
it until a person has replaced the estimated fields with public knowledge and deleted the mark. Each estimated
field is listed under its column's ``"estimated"``, and each decision's reason is its ``"review_note"``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from privsynth.errors import ConfigError

DESCRIPTION = """\
Write a schema draft of a table for a person to review, edit and reuse with --schema.
With --epsilon it is made with DP domain discovery: the whole epsilon is spent on the dataset's ledger before the
values are read, and the draft is a DP release (reusing it costs nothing more). Without --epsilon it is read from
the data as it is (no privacy) and marked "private_mark": "read from the private data: replace with public
knowledge"; synthesize refuses it until you replace the fields listed under "estimated" and delete the mark.
"""

EPILOG = """\
examples:
  privsynth schema draft data.csv --out data.schema.json --epsilon 0.3     DP draft (spends 0.3 on 'data')
  privsynth schema draft data.csv --out data.schema.json                   exact draft, marked: edit it first
  privsynth synthesize data.csv --schema data.schema.json --epsilon 1 --out synth.csv
"""


def add_schema_parser(subparsers: argparse._SubParsersAction, formatter: type) -> None:
    """Add ``schema draft`` to a parser's sub-parsers."""
    schema = subparsers.add_parser("schema", help="draft a schema from a table (with DP, or marked as private)",
                                   formatter_class=formatter, epilog=EPILOG,
                                   description="Write a schema draft for a person to review, edit and reuse.")
    actions = schema.add_subparsers(dest="schema_command", required=True, metavar="ACTION")
    draft = actions.add_parser("draft", help="write a schema draft of a table", formatter_class=formatter,
                               epilog=EPILOG, description=DESCRIPTION)
    draft.add_argument("input", help="the private table (CSV, TSV, Parquet or JSON lines)")
    draft.add_argument("--out", required=True, metavar="FILE", help="where to write the draft (.json; required)")
    draft.add_argument("--epsilon", type=float,
                       help="draft with DP domain discovery at this epsilon, spent on the dataset's ledger (default: "
                            "none: an exact draft read from the data, marked until a person replaces it)")
    draft.add_argument("--delta", type=float,
                       help="delta of the DP draft (default min(1e-6, N^-1.1), N a public bound on the rows)")
    draft.add_argument("--dataset", metavar="NAME", help="ledger name of the data (default: the input's stem)")
    draft.add_argument("--encoding", metavar="CODEC", help="text encoding of the input (default utf-8)")


def check_schema_args(args: argparse.Namespace) -> None:
    """The checks of ``schema draft`` that need no heavy import (raises on the first problem)."""
    from privsynth import cli_checks
    from privsynth.tools.data.discovery.header import read_header

    if args.epsilon is not None:
        cli_checks.check_epsilon(args.epsilon)
    cli_checks.check_delta(args.delta)
    cli_checks.check_encoding(args.encoding)
    cli_checks.check_input_file(args.input)
    cli_checks.check_out_path(args.out, suffixes=(".json",), what="schema")
    if Path(args.input).suffix.lower() in (".csv", ".tsv"):
        read_header(args.input, args.encoding)


def run_schema(args: argparse.Namespace) -> int:
    """Write the draft and print what it decided, column by column."""
    import numpy as np

    from privsynth.atomic import atomic_write_text
    from privsynth.config import load_settings
    from privsynth.policies.delta import check_delta, default_delta, public_row_bound
    from privsynth.policies.ledger import Ledger, over_budget_error
    from privsynth.tools.data.columns import origin
    from privsynth.tools.data.discovery.budget import plan_discovery
    from privsynth.tools.data.discovery.draft import draft_schema
    from privsynth.tools.data.discovery.header import read_header
    from privsynth.tools.data.discovery.histogram import Measurer
    from privsynth.tools.data.io import fingerprint_file, read_table

    if args.schema_command != "draft":
        raise ConfigError(f"Unknown schema action '{args.schema_command}'.", "Use `privsynth schema draft`.")
    source = Path(args.input)
    header = read_header(source, args.encoding)
    data = read_table(source, args.encoding)
    name = args.dataset or source.stem
    if args.epsilon is None:
        schema = draft_schema(data, header, Measurer(0.0, np.random.default_rng()), 0.5, name=name,
                              draft={"made_with": "privsynth schema draft, without DP (exact)"})
        cost = "no budget spent; the draft is NOT private: it carries the private mark until you edit it"
    else:
        settings = load_settings()
        bound = public_row_bound(len(data))
        delta = args.delta if args.delta is not None else default_delta(bound, settings.default_delta)
        check_delta(delta, bound, "--delta", f"Use a delta below {1.0 / bound:.1g}.")
        budget = plan_discovery(args.epsilon, delta, len(header), share=1.0)
        cap = (settings.default_cap_epsilon, min(settings.default_cap_delta, float(bound) ** -1.1))
        ledger = Ledger(settings.ledger_path, cap, row_bound=bound)  # a new dataset's cap, as a run gives it
        fingerprint = fingerprint_file(source)
        name = ledger.resolve(name, fingerprint, explicit=args.dataset is not None).dataset
        status = ledger.status(name, fingerprint, budget.event())
        if not status.fits:
            raise over_budget_error(status)
        ledger.commit_spend(name, fingerprint, budget.event(), epsilon=args.epsilon, delta=delta,
                            generator="schema_draft")
        rng = np.random.default_rng(np.random.SeedSequence())  # fresh OS entropy
        schema = draft_schema(data, header, Measurer(budget.sigma, rng), budget.threshold, name=name,
                              draft={"made_with": "privsynth schema draft (DP domain discovery)",
                                     "epsilon": args.epsilon, "delta": delta, "dataset": name})
        cost = (f"spent epsilon {args.epsilon:g}, delta {delta:.1g} on dataset '{name}' (values held by fewer than "
                f"about {budget.threshold:.0f} rows are not released)")
    atomic_write_text(Path(args.out), schema.to_json() + "\n")  # 0600: derived from the private data
    print(f"schema draft written to {args.out}: {cost}")
    for spec in schema.columns:
        why = f"; {spec.review_note}" if spec.review_note and spec.kind not in ("id", "text", "dropped") else ""
        print(f"  {spec.name:24} {spec.kind:12} {origin(spec, schema.private_mark is not None)}{why}")
    print("review it: each estimated field is listed under \"estimated\"; the reason under \"review_note\".")
    return 0
