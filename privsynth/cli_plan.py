"""``privsynth plan "SENTENCE" [--json]``: show the plan a request would run, without running anything.

::

    privsynth plan "2000 rows like data/patients.csv, epsilon 1, mask SSNs" --json

Planning spends no budget and reads no private data: the input file is checked to exist and only its header
(the column names) is read, to match the names the request uses. The human-readable plan comes first; with
``--json`` the last line of stdout is one JSON object: the plan's public fields (:data:`PUBLIC_FIELDS
<privsynth.agents.planner.plan.PUBLIC_FIELDS>`; a field left out has its default), or ``{"question": "..."}``
when the request is unclear. A question is an answer, not a failure: the exit status is 0. A file that does
not exist is an error (exit status 2) naming it.
"""

from __future__ import annotations

import argparse
import json

from privsynth.errors import PlanningError


def add_plan_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``plan`` sub-command to a parser's sub-parsers.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.

    Returns:
        The ``plan`` parser.
    """
    parser = subparsers.add_parser(
        "plan", help="show the plan a natural-language request would run (runs nothing)",
        description="Show the plan a natural-language request would run. Nothing runs and nothing is spent; only "
                    "the input file's header (its column names) is read.",
        epilog='examples:\n  privsynth plan "2000 rows like data/patients.csv, epsilon 1, mask SSNs" --json\n'
               '  privsynth plan "how much budget is left on patients?"',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sentence", help="the request, as for `privsynth run`")
    parser.add_argument("--json", action="store_true", help="end with the plan as one JSON object on the last line")
    parser.add_argument("--llm", metavar="MODEL", help="litellm model string for planning (default: offline)")
    return parser


def _check_files(fields: dict) -> None:
    from privsynth.agents.planner.header import require_file

    if fields.get("intent") in ("synthesize", "scrub") and fields.get("source"):
        require_file(fields["source"])
    if fields.get("schema_path"):
        require_file(fields["schema_path"])


def run_plan(args: argparse.Namespace) -> int:
    """Run ``privsynth plan`` with parsed arguments.

    Args:
        args: Namespace with ``sentence``, ``json`` and ``llm``.

    Returns:
        0 when a plan or a question was printed.

    Raises:
        InputDataError: The request names an input or schema file that does not exist.
    """
    from privsynth.agents.planner.planner import plan_request
    from privsynth.config import load_settings

    try:
        plan = plan_request(args.sentence, load_settings(), llm_model=args.llm)
    except PlanningError as exc:
        print(f"question: {exc.question}")
        if args.json:
            print(json.dumps({"question": exc.question}))
        return 0
    fields = plan.public_fields()
    _check_files(fields)
    print(f"plan ({plan.intent}; nothing has run and nothing is spent): {plan.summary()}")
    for name, value in fields.items():
        print(f"  {name}: {json.dumps(value) if isinstance(value, dict | bool) else value}")
    if plan.why:
        print(f"  why this generator: {plan.why}")
    print(f'run it with: privsynth run "{args.sentence}"')
    if args.json:
        print(json.dumps(fields, sort_keys=False))
    return 0


__all__ = ["add_plan_parser", "run_plan"]
