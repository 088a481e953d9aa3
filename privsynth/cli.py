"""The ``privsynth`` command line.

Errors are one readable line on stderr and a non-zero exit; ``--debug`` shows the traceback. Arguments and
paths are checked (:mod:`privsynth.cli_checks`) before any heavy library (torch, spaCy, presidio, langgraph,
pandas) is imported, so bad input is answered at once; the graph is imported only to run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from privsynth.cli_budget import add_budget_parser, normalise_argv, run_budget
from privsynth.cli_plan import add_plan_parser, run_plan
from privsynth.cli_schema import add_schema_parser, check_schema_args, run_schema
from privsynth.cli_scrub import add_scrub_parser, run_scrub
from privsynth.errors import ERROR_EXIT_CODES, ConfigError, PrivsynthError

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


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the example blocks (epilogs) as written; aligns option help a little further right."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=34)


def _exit_codes() -> str:
    """The exit statuses, for the top-level help (the run outcomes here, the errors from privsynth.errors)."""
    codes = [(0, "done: released, or rejected by a person"),
             (EXIT_HELD, "release held: the release check failed; a person decides (privsynth review RUN_ID)"),
             (EXIT_WAITING, "waiting at a checkpoint (no terminal to ask at): privsynth review RUN_ID --approve"),
             *ERROR_EXIT_CODES, (130, "interrupted (Ctrl-C)")]
    return "\n".join(f"  {code:<4} {what}" for code, what in sorted(codes))


MAIN_EPILOG = """\
examples:
  privsynth run "2000 rows like data.csv with schema data.schema.json, epsilon 1, drop names"
  privsynth synthesize data.csv --epsilon 1 --out synth.csv     no schema: a DP draft of one, from 10% of epsilon
  privsynth synthesize data.csv --schema data.schema.json --epsilon 1 --out synth.csv
  privsynth schema draft data.csv --out data.schema.json [--epsilon 0.3]
  privsynth budget                       what each dataset has spent and has left
  privsynth review RUN_ID --approve      answer a waiting checkpoint
  privsynth synthesize --help            every option of a command, with its default

environment:
  PRIVSYNTH_HOME        where the ledger, checkpoints and runs live (default ~/.privsynth)
  PRIVSYNTH_LLM_MODEL   a litellm model string to plan requests with (default: the offline planner)
  PRIVSYNTH_LOG_LEVEL   log level of the messages on stderr (default WARNING)

exit status:
{codes}

Errors are one line, "error: <problem> Fix: <what to do>"; --debug shows the traceback instead.
"""

RUN_EPILOG = """\
The sentence names the data, the schema, epsilon and what to do with PII; an unclear request gets a
question back and spends nothing. Without --yes the run stops twice for a person (before generation,
nothing spent yet; before release): at a terminal it asks, otherwise it waits (privsynth review).

examples:
  privsynth run "2000 rows like data/patients.csv with schema data/patients.schema.json, epsilon 1, drop names"
  privsynth run --yes "1000 rows like people.csv, epsilon 0.5, fake names, target income"
  privsynth run --llm gpt-4o-mini "rows like claims.csv at epsilon 2, dataset claims"
"""

SYNTHESIZE_EPILOG = """\
The input is checked (path, epsilon, delta, output folder, encoding) before anything is loaded, and the
plan, the schema and the budget before anything is spent. Each run draws fresh DP noise; the same file
again is `privsynth replay RUN_ID --out FILE` (no new spend).

Without --schema (and no <stem>.schema.json next to the data), a table's schema is drafted with DP domain
discovery from 10% of the budget (spent first, before the values are read; shown at the first checkpoint).

examples:
  privsynth synthesize data.csv --epsilon 1 --out synth.csv
  privsynth synthesize data.csv --schema data.schema.json --epsilon 1 --out synth.csv
  privsynth synthesize data.csv --schema dict.json --epsilon 1 --rows 10000 --target income --pii fake \\
      --drop-column notes --out synth.parquet --yes
  privsynth synthesize tickets.jsonl --text-field body --label-field intent --schema tickets.schema.json \\
      --epsilon 3 --out synthetic.jsonl
  privsynth synthesize legacy.csv --encoding latin-1 --schema legacy.schema.json --epsilon 1 --out s.csv
  privsynth synthesize claims.csv --schema claims.schema.json --epsilon 1 --rows 4000 --condition fraud=1 \\
      --out fraud_rows.csv
"""

REVIEW_EPILOG = """\
Without --approve or --reject, shows what the run is waiting for (the plan, the budget and the PII
findings before generation; the release verdict and the report before release). An unknown run id is
exit status 2.

examples:
  privsynth review 20261203-101500-3fa2c1                 show the waiting checkpoint
  privsynth review 20261203-101500-3fa2c1 --approve
  privsynth review 20261203-101500-3fa2c1 --approve --not-pii zip_code
  privsynth review 20261203-101500-3fa2c1 --reject        nothing more is spent; the remaining budget is shown
"""

REPLAY_EPILOG = """\
example:
  privsynth replay 20261203-101500-3fa2c1 --out synth.csv
"""

REPORT_EPILOG = """\
examples:
  privsynth report 20261203-101500-3fa2c1 --shareable
  privsynth report 20261203-101500-3fa2c1 --shareable --out shared/report.json
"""

GENERATORS_EPILOG = """\
examples:
  privsynth generators                   name, modality, DP or not, class
  privsynth generators --options aim     each option: type, default, what it does
"""


def _add_run(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run a natural-language request", epilog=RUN_EPILOG, formatter_class=HelpFormatter,
                         description="Plan a request written in words, then run it through the same graph as "
                                     "`synthesize`.")
    run.add_argument("sentence", help="the request, in quotes")
    run.add_argument("--yes", action="store_true",
                     help="skip the human checkpoints (scripted use); a failed release check is still held "
                          "(default: stop at both checkpoints)")
    run.add_argument("--llm", metavar="MODEL",
                     help="litellm model string to plan with (default: $PRIVSYNTH_LLM_MODEL, else the offline "
                          "planner)")


def _add_synthesize(sub: argparse._SubParsersAction) -> None:
    syn = sub.add_parser("synthesize", help="typed request: synthesize a table or a text corpus",
                         epilog=SYNTHESIZE_EPILOG, formatter_class=HelpFormatter,
                         description="Make differentially private synthetic data from a table or a text corpus.")
    syn.add_argument("input", help="the private table or text corpus (CSV, TSV, Parquet or JSON lines)")
    syn.add_argument("--epsilon", type=float, required=True,
                     help="privacy budget of this run (> 0; smaller is more private, e.g. 1; required)")
    syn.add_argument("--delta", type=float,
                     help="delta of this run (default min(1e-6, N^-1.1), N a public bound on the rows)")
    syn.add_argument("--schema", metavar="FILE",
                     help="privsynth schema or NIST data dictionary: public domains, label lists (default: "
                          "<input stem>.schema.json next to the input; for a table with neither, a DP draft from "
                          "10%% of the budget)")
    syn.add_argument("--rows", type=int, metavar="N",
                     help="rows (or texts) to generate (default: as many as the input, a noisy count)")
    syn.add_argument("--generator", metavar="NAME",
                     help="a registered generator, see `privsynth generators` (default: aim for tables, "
                          "dp_text_lm for text)")
    syn.add_argument("--text-field", metavar="COLUMN",
                     help="text column: synthesize text with the DP language model (default: found from the schema "
                          "or the header)")
    syn.add_argument("--label-field", metavar="COLUMN",
                     help="label column to condition the text on, labels from the schema (default: none)")
    syn.add_argument("--user-field", metavar="COLUMN",
                     help="user column: user-level privacy for text (default: record-level)")
    syn.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                     help="generator option, e.g. epochs=1 or max_tokens=64 (repeatable; JSON values; default: "
                          "the generator's, see `privsynth generators --options NAME`)")
    syn.add_argument("--validation", choices=["basic", "full"], default="full",
                     help="validation level (default full; basic skips the text embedding model and the table "
                          "attack simulations)")
    syn.add_argument("--dataset", metavar="NAME",
                     help="ledger name of the data (default: the input's stem; a file the ledger knows under "
                          "another name uses that name's budget; see `privsynth budget alias`)")
    syn.add_argument("--pii", choices=["drop", "fake", "keep"], default="drop",
                     help="personal-data columns: drop them (default), replace them with fresh fake values, or "
                          "keep them out of the model (scrubbing is not differential privacy)")
    syn.add_argument("--target", metavar="COLUMN",
                     help="column for utility checks (categorical: ROC AUC; numeric: R^2); a categorical target is "
                          "also the workload key unless the schema declares one (default: none)")
    syn.add_argument("--encoding", metavar="CODEC",
                     help="text encoding of the input file, e.g. latin-1 (default utf-8)")
    syn.add_argument("--drop-column", action="append", default=[], metavar="NAME", dest="drop_columns",
                     help="leave this column out of the synthetic data (repeatable; default: none); needed for a "
                          "column the schema gives no domain")
    syn.add_argument("--condition", action="append", default=[], metavar="COLUMN=VALUE", dest="conditions",
                     help="every synthetic row has this category (repeatable; default: none), e.g. fraud=1 with "
                          "--rows 4000 to rebalance; without --rows, the matching rows of a full-size sample. "
                          "Sampled from the fitted model: no extra budget")
    syn.add_argument("--seed", type=int, default=0,
                     help="seed of the non-private parts only (validators' subsamples, fake PII values; default 0); "
                          "the DP noise is fresh OS entropy in every run (the same output again: `privsynth replay`)")
    syn.add_argument("--out", required=True, metavar="FILE",
                     help="where to write the synthetic data: .csv, .jsonl or .parquet (required)")
    syn.add_argument("--yes", action="store_true",
                     help="skip the human checkpoints (scripted use); a failed release check is still held "
                          "(default: stop at both checkpoints)")


def _add_review(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="show or answer a waiting checkpoint", epilog=REVIEW_EPILOG,
                            formatter_class=HelpFormatter, description="Show or answer a run's waiting checkpoint "
                            "(from any process).")
    review.add_argument("run_id", metavar="RUN_ID", help="the run id from the run's summary")
    group = review.add_mutually_exclusive_group()
    group.add_argument("--approve", action="store_true",
                       help="continue: generate (this spends the budget shown), or release (default: only show)")
    group.add_argument("--reject", action="store_true",
                       help="stop the run; before generation nothing is spent (default: only show)")
    review.add_argument("--not-pii", nargs="+", default=[], metavar="COLUMN",
                        help="with --approve before generation: treat these columns as not PII (default: none)")


def _add_replay_report_generators(sub: argparse._SubParsersAction) -> None:
    replay = sub.add_parser("replay", help="write a released run's synthetic data again (same bits, no new spend)",
                            epilog=REPLAY_EPILOG, formatter_class=HelpFormatter,
                            description="Write the stored synthetic data of a released run again; spends nothing.")
    replay.add_argument("run_id", metavar="RUN_ID", help="a released run")
    replay.add_argument("--out", required=True, metavar="FILE",
                        help="where to write it: .csv, .jsonl or .parquet (required)")

    report = sub.add_parser("report", help="write a run's report; --shareable keeps only DP and public numbers",
                            epilog=REPORT_EPILOG, formatter_class=HelpFormatter,
                            description="Write a report of a released run that holds only DP and public numbers.")
    report.add_argument("run_id", metavar="RUN_ID", help="a released run")
    report.add_argument("--shareable", action="store_true", required=True,
                        help="only the plan, the ledger's DP events and the synthetic data's own statistics "
                             "(required: the full report, with non-DP numbers, stays in the run folder)")
    report.add_argument("--out", metavar="FILE",
                        help="path of the shareable report (default: report.shareable.json/.html in the run folder)")

    gens = sub.add_parser("generators", help="list registered generators, or one generator's options",
                          epilog=GENERATORS_EPILOG, formatter_class=HelpFormatter,
                          description="The registered generators (built in and plug-ins).")
    gens.add_argument("--options", metavar="NAME",
                      help="list the options of generator NAME: type, default, what (default: list the generators)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="privsynth", description="Private synthetic data with DP guarantees.",
                                     epilog=MAIN_EPILOG.format(codes=_exit_codes()), formatter_class=HelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs (default: off)")
    parser.add_argument("--version", action="version", version=f"privsynth {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(sub)
    _add_synthesize(sub)
    add_budget_parser(sub, HelpFormatter)
    _add_review(sub)
    _add_replay_report_generators(sub)
    add_scrub_parser(sub)
    add_plan_parser(sub)
    add_schema_parser(sub, HelpFormatter)
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
    return 0 if result.status in ("released", "rejected", "answered") else EXIT_HELD


def _split_pair(pair: str, what: str, form: str, example: str) -> tuple[str, str]:
    """``KEY=VALUE`` as ``(key, value)``, the key stripped of surrounding spaces.

    Raises:
        ConfigError: No ``=``, or an empty key (the message names ``form`` and an ``example``).
    """
    key, sep, value = pair.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"{what} '{pair}' is not {form}.", f"Write e.g. {example}.")
    return key.strip(), value


def parse_conditions(pairs: Sequence[str]) -> dict[str, str]:
    """Turn ``COLUMN=VALUE`` strings into conditions (values kept as text; the schema's spelling decides).

    Raises:
        ConfigError: A pair without ``=`` or with an empty column.
    """
    split = (_split_pair(pair, "Condition", "COLUMN=VALUE", "--condition fraud=1") for pair in pairs)
    return {column: value.strip() for column, value in split}


def parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """Turn ``KEY=VALUE`` strings into options; values are read as JSON when they parse (``1``, ``true``).

    Raises:
        ConfigError: A pair without ``=`` or with an empty key.
    """
    options: dict[str, Any] = {}
    for pair in pairs:
        key, raw = _split_pair(pair, "Option", "KEY=VALUE", "--option epochs=1")
        try:
            options[key] = json.loads(raw)
        except json.JSONDecodeError:
            options[key] = raw
    return options


def _check_early(args: argparse.Namespace) -> None:
    """The checks that need no heavy import (:mod:`privsynth.cli_checks`), before anything is loaded."""
    from privsynth import cli_checks

    if args.command == "synthesize":
        cli_checks.check_synthesize(args)
        parse_options(args.option)
    elif args.command == "replay":
        cli_checks.check_out_path(args.out)
    elif args.command == "report" and args.out:
        cli_checks.check_out_path(args.out, suffixes=())
    elif args.command == "scrub":
        cli_checks.check_input_file(str(args.input))
        cli_checks.check_out_path(str(args.out), suffixes=())
    elif args.command == "schema":
        check_schema_args(args)


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
        return run_budget(args)
    if args.command == "scrub":
        return run_scrub(args)
    if args.command == "plan":
        return run_plan(args)
    if args.command == "schema":
        return run_schema(args)
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
                                conditions=parse_conditions(args.conditions), out=args.out, seed=args.seed,
                                review=not args.yes,
                                text_field=args.text_field, label_field=args.label_field,
                                user_field=args.user_field, options=parse_options(args.option),
                                validation=args.validation)
        return _finish(_ask(result))
    if args.command == "review":
        if not (args.approve or args.reject):
            status, waiting = api.waiting_checkpoint(args.run_id)
            if waiting is None:
                print(f"run {args.run_id} is not waiting (status: {status})")
                return 0
            _print_waiting(waiting)
            print(f"answer with: privsynth review {args.run_id} --approve | --reject")
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
    args = _parser().parse_args(normalise_argv(sys.argv[1:] if argv is None else argv))
    try:
        _check_early(args)  # before logging and any heavy import: bad input is answered at once
        from privsynth.logs import configure_logging

        configure_logging("DEBUG" if args.debug else None)
        if not args.debug:  # third-party notes (RDP orders skipped, spaCy labels kept) would bury the run summary
            for name in NOISY_LOGGERS:
                logging.getLogger(name).setLevel(logging.ERROR)
        return _dispatch(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - every error is one line; --debug keeps the traceback
        if args.debug:
            raise
        from privsynth.cli_errors import explain_unexpected

        error = exc if isinstance(exc, PrivsynthError) else explain_unexpected(exc)
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
