"""The ``privsynth`` command line.

Errors are one readable line on stderr and a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from privsynth.cli_scrub import add_scrub_parser, run_scrub
from privsynth.errors import ConfigError, PrivsynthError

EXIT_HELD = 4  # the release policy failed the release: it waits for a person (`privsynth review RUN_ID`)
EXIT_WAITING = 5  # a checkpoint waits for a person (no terminal to ask at): `privsynth review RUN_ID --approve`
NOISY_LOGGERS = ("absl", "presidio-analyzer")


def _version() -> str:
    """The installed package's version (``unknown`` when run from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("privsynth")
    except PackageNotFoundError:
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="privsynth", description="Private synthetic data with DP guarantees.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"privsynth {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a natural-language request")
    run.add_argument("sentence")
    run.add_argument("--yes", action="store_true", help="skip human checkpoints (scripted use)")
    run.add_argument("--llm", metavar="MODEL", help="litellm model string for planning (default: offline)")

    syn = sub.add_parser("synthesize", help="typed request: synthesize a table or a text corpus")
    syn.add_argument("input", help="the private table or text corpus (CSV, TSV, Parquet or JSON lines)")
    syn.add_argument("--epsilon", type=float, required=True,
                     help="privacy budget of this run (> 0; smaller is more private, e.g. 1)")
    syn.add_argument("--delta", type=float,
                     help="delta of this run (default min(1e-6, N^-1.1), N a public bound on the rows)")
    syn.add_argument("--schema", help="privsynth schema or NIST data dictionary (public domains, label lists)")
    syn.add_argument("--rows", type=int, help="rows (or texts) to generate")
    syn.add_argument("--generator", help="default: aim for tables, dp_text_lm for text")
    syn.add_argument("--text-field", help="text column: synthesize text with the DP language model")
    syn.add_argument("--label-field", help="label column to condition the text on (labels from the schema)")
    syn.add_argument("--user-field", help="user column: user-level privacy for text")
    syn.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                     help="generator option, e.g. epochs=1 or max_tokens=64 (repeatable; JSON values)")
    syn.add_argument("--validation", choices=["basic", "full"], default="full",
                     help="validation level (default full; basic skips the text embedding model and the table "
                          "attack simulations)")
    syn.add_argument("--dataset", help="ledger name of the data (default: file stem)")
    syn.add_argument("--pii", choices=["drop", "fake", "keep"], default="drop",
                     help="personal-data columns: drop them (default), replace them with fresh fake values, or "
                          "keep them out of the model (scrubbing is not differential privacy)")
    syn.add_argument("--target", help="column for utility checks (categorical: ROC AUC; numeric: R^2); a "
                     "categorical target is also the workload key unless the schema declares one")
    syn.add_argument("--encoding", help="text encoding of the input file (default utf-8), e.g. latin-1")
    syn.add_argument("--drop-column", action="append", default=[], metavar="NAME", dest="drop_columns",
                     help="leave this column out of the synthetic data (repeatable); needed for a column the schema "
                          "gives no domain")
    syn.add_argument("--seed", type=int, default=0,
                     help="seed of the non-private parts only (validators' subsamples, fake PII values); the DP "
                          "noise is fresh OS entropy in every run (for the same output again use `privsynth replay`)")
    syn.add_argument("--out", required=True, help="where to write the synthetic data (.csv, .jsonl or .parquet)")
    syn.add_argument("--yes", action="store_true", help="skip human checkpoints (scripted use)")

    budget = sub.add_parser("budget", help="show budgets, or `budget set NAME --epsilon E --delta D`")
    budget.add_argument("args", nargs="*", metavar="NAME | set NAME")
    budget.add_argument("--epsilon", type=float)
    budget.add_argument("--delta", type=float)

    review = sub.add_parser("review", help="show or answer a waiting checkpoint")
    review.add_argument("run_id")
    group = review.add_mutually_exclusive_group()
    group.add_argument("--approve", action="store_true")
    group.add_argument("--reject", action="store_true")
    review.add_argument("--not-pii", nargs="+", default=[], metavar="COLUMN", help="treat these columns as not PII")

    replay = sub.add_parser("replay", help="write a released run's synthetic data again (same bits, no new spend)")
    replay.add_argument("run_id")
    replay.add_argument("--out", required=True, help="where to write it (.csv, .jsonl or .parquet)")

    report = sub.add_parser("report", help="write a run's report; --shareable keeps only DP and public numbers")
    report.add_argument("run_id")
    report.add_argument("--shareable", action="store_true", required=True,
                        help="only the plan, the ledger's DP events and the synthetic data's own statistics")
    report.add_argument("--out", help="path of the shareable report (default: report.shareable.json/.html in the "
                                      "run folder)")

    gens = sub.add_parser("generators", help="list registered generators, or one generator's options")
    gens.add_argument("--options", metavar="NAME", help="list the options of generator NAME (type, default, what)")
    add_scrub_parser(sub)
    return parser


def _print_waiting(waiting: dict[str, Any]) -> None:
    print(json.dumps(waiting, indent=2, default=str))


def _ask(result: Any) -> Any:
    """Prompt at a checkpoint when a person is at the terminal; otherwise leave the run waiting."""
    from privsynth.graphs.api import resume

    while result.status in ("waiting", "held") and sys.stdin.isatty():
        _print_waiting(result.waiting or {})
        answer = input("approve? [y/N] ").strip().lower()
        result = resume(result.run_id, "approve" if answer in ("y", "yes") else "reject")
    return result


def _finish(result: Any) -> int:
    print(result.summary())
    if result.status in ("waiting", "held"):
        _print_waiting(result.waiting or {})
        return EXIT_HELD if result.status == "held" else EXIT_WAITING
    return 0 if result.status in ("released", "rejected") else EXIT_HELD


def parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """Turn ``KEY=VALUE`` strings into options; values are read as JSON when they parse (``1``, ``true``).

    Raises:
        ConfigError: A pair without ``=`` or with an empty key.
    """
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"Option '{pair}' is not KEY=VALUE.", "Write e.g. --option epochs=1.")
        try:
            options[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            options[key.strip()] = raw
    return options


def _budget(args: argparse.Namespace) -> int:
    from privsynth.config import load_settings
    from privsynth.graphs.context import ledger_for
    from privsynth.policies.accountant import epsilon_of

    ledger = ledger_for(load_settings())
    if args.args[:1] == ["set"]:
        if len(args.args) != 2 or args.epsilon is None or args.delta is None:
            raise ConfigError("`budget set` needs a dataset name, --epsilon and --delta.",
                              "Run e.g. `privsynth budget set patients --epsilon 3 --delta 1e-5`.")
        ds = ledger.set_cap(args.args[1], args.epsilon, args.delta)
        print(f"cap of '{ds.name}': epsilon {ds.cap_epsilon:g}, delta {ds.cap_delta:g}")
        return 0
    names = args.args or [d.name for d in ledger.datasets()]
    if not names:
        print("no datasets in the ledger yet "
              f"(new datasets get the default cap epsilon {ledger.default_cap[0]:g}, delta {ledger.default_cap[1]:g})")
    for name in names:
        history = ledger.history(name)
        status = ledger.status(name)
        print(f"{status.dataset}: spent epsilon {status.spent_epsilon:.3f} (RDP check {status.spent_epsilon_rdp:.3f}) "
              f"of cap {status.cap_epsilon:g} at delta {status.cap_delta:g}; remaining {status.remaining_epsilon:.3f}")
        outcomes = ledger.outcomes()
        for spend in history:
            at_cap = epsilon_of([spend.event], status.cap_delta)
            failed = f"  [{outcomes[spend.run_id]}]" if spend.run_id in outcomes else ""
            print(f"  {spend.created_at}  run {spend.run_id}  {spend.generator}  epsilon {at_cap:.3f} at the cap's "
                  f"delta (run's own target: epsilon {spend.epsilon:g}, delta {spend.delta:g}){failed}")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "generators" and args.options:
        from privsynth.agents.options import describe_options
        from privsynth.agents.registry import get_generator

        cls = get_generator(args.options)
        if cls.Options is None:
            print(f"{cls.name} declares no options model (it accepts any keyword option).")
            return 0
        for row in describe_options(cls.Options):
            print(f"{row['name']:22} {row['type']:18} default {row['default']:10}  {row['description']}")
        return 0
    if args.command == "generators":
        from privsynth.agents.registry import available_generators

        for name, cls in available_generators().items():
            private = "DP" if cls.is_private else "NOT private (epsilon = infinity)"
            print(f"{name}\t{cls.modality}\t{private}\t{cls.__module__}.{cls.__qualname__}")
        return 0
    if args.command == "budget":
        return _budget(args)
    if args.command == "scrub":
        return run_scrub(args)
    if args.command == "replay":
        from privsynth.graphs.shareable import replay

        table = replay(args.run_id, args.out)
        print(f"replayed run {args.run_id}: {len(table)} rows written to {args.out} (no budget spent)")
        return 0
    if args.command == "report":
        from privsynth.graphs.shareable import write_shareable_report

        json_path, html_path = write_shareable_report(args.run_id, out=args.out)
        print(f"shareable report (DP and public numbers only): {html_path} and {json_path}")
        return 0
    from privsynth.graphs import api

    if args.command == "run":
        result = api.run(args.sentence, review=not args.yes, llm_model=args.llm)
        return _finish(_ask(result))
    if args.command == "synthesize":
        result = api.synthesize(args.input, epsilon=args.epsilon, delta=args.delta, schema=args.schema,
                                rows=args.rows, generator=args.generator, dataset=args.dataset, pii=args.pii,
                                target=args.target, drop_columns=args.drop_columns, encoding=args.encoding,
                                out=args.out, seed=args.seed,
                                review=not args.yes,
                                text_field=args.text_field, label_field=args.label_field,
                                user_field=args.user_field, options=parse_options(args.option),
                                validation=args.validation)
        return _finish(_ask(result))
    if args.command == "review":
        if not (args.approve or args.reject):
            from privsynth.graphs.api import _config
            from privsynth.graphs.build import build_graph

            snapshot = build_graph().get_state(_config(args.run_id))
            waiting = [i.value for t in snapshot.tasks for i in t.interrupts]
            if not snapshot.values:
                from privsynth.errors import InputDataError

                raise InputDataError(f"No run with id '{args.run_id}' in this privsynth home.",
                                     "Copy the run id from the run's summary, or list the runs in "
                                     "$PRIVSYNTH_HOME/runs.")
            if not waiting:
                print(f"run {args.run_id} is not waiting (status: {snapshot.values.get('status', 'unknown')})")
                return 0
            _print_waiting(waiting[0])
            return 0
        decision: dict[str, Any] = {"action": "approve" if args.approve else "reject", "not_pii": args.not_pii}
        return _finish(api.resume(args.run_id, decision))
    raise AssertionError(args.command)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``privsynth`` command.

    Args:
        argv: Arguments (default ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    args = _parser().parse_args(argv)
    from privsynth.logs import configure_logging

    configure_logging("DEBUG" if args.debug else None)
    if not args.debug:  # third-party notes (RDP orders skipped, spaCy labels kept) would bury the run summary
        for name in NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
    try:
        return _dispatch(args)
    except PrivsynthError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
