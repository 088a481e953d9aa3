"""``privsynth budget``: show the ledger, set a dataset's cap, alias a name, recover a damaged ledger.

::

    privsynth budget [NAME ...]                               history and remaining epsilon
    privsynth budget set NAME --epsilon E --delta D [--rows N] the dataset's cap
    privsynth budget alias NEW EXISTING                       another name for a dataset (one budget)
    privsynth budget recover                                  restore a damaged ledger from its backup

``budget`` and ``budget NAME`` keep working as before: a first word that is not a sub-command is a
dataset name (:func:`normalise_argv` inserts ``show``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from privsynth.errors import ConfigError

if TYPE_CHECKING:
    from privsynth.policies.ledger import Ledger

SUBCOMMANDS = ("show", "set", "alias", "recover")

EXAMPLES = """\
examples:
  privsynth budget                                      every dataset: spent, cap, remaining
  privsynth budget insurance                            one dataset and each of its spends
  privsynth budget set insurance --epsilon 8 --delta 1e-6
  privsynth budget alias claims insurance               'claims' is another name for 'insurance'
  privsynth budget recover                              after a 'ledger is damaged' error
"""

SET_EXAMPLES = """\
A cap below what the dataset has already spent is refused (spends are never refunded), and so is a delta
at or above 1/N when the ledger knows a public bound N on the rows (from --rows or an earlier run); without
one only 0 < delta < 1 is checked here, and every run refuses a cap delta >= 1/N before it spends.

examples:
  privsynth budget set insurance --epsilon 8 --delta 1e-6
  privsynth budget set patients --epsilon 3 --delta 1e-7 --rows 100000
"""

ALIAS_EXAMPLES = """\
A run whose file is registered under another dataset uses that dataset's budget. `--dataset NEW` on such
a file is refused before anything is spent, unless NEW is an alias of the registered dataset.

examples:
  privsynth budget alias claims insurance
  privsynth synthesize claims.csv --dataset claims --epsilon 1 --out synth.csv   # spends from 'insurance'
"""

RECOVER_EXAMPLES = """\
The ledger keeps a backup (ledger.sqlite.bak) written after every committed change. `recover` moves the
damaged file (and its -wal/-shm files) aside as ledger.sqlite.damaged-<time> and restores the backup; a
healthy ledger is left alone.

example:
  privsynth budget recover
"""


def add_budget_parser(sub: argparse._SubParsersAction, formatter: type[argparse.HelpFormatter]) -> None:
    """Add ``budget`` and its sub-commands (``show``, ``set``, ``alias``, ``recover``) to the CLI's parser."""
    budget = sub.add_parser("budget", help="show budgets; set a cap; alias a name; recover the ledger",
                            description="The privacy ledger: every dataset's cap and its spends.",
                            usage="privsynth budget [NAME ...] | set NAME --epsilon E --delta D | alias NEW EXISTING "
                                  "| recover", epilog=EXAMPLES, formatter_class=formatter)
    actions = budget.add_subparsers(dest="budget_command", required=True, metavar="{show,set,alias,recover}",
                                    prog="privsynth budget")
    show = actions.add_parser("show", help="history and remaining epsilon (the default: `privsynth budget NAME`)",
                              description="Each dataset's spent epsilon (PLD, with the RDP cross-check), cap and "
                                          "remaining budget, and each spend.", epilog=EXAMPLES,
                              formatter_class=formatter)
    show.add_argument("names", nargs="*", metavar="NAME", help="datasets (or aliases) to show (default: all)")
    cap = actions.add_parser("set", help="set a dataset's cap (epsilon, delta)", epilog=SET_EXAMPLES,
                             description="Set (or create) a dataset's privacy-budget cap.", formatter_class=formatter)
    cap.add_argument("name", metavar="NAME", help="the dataset (or one of its aliases)")
    cap.add_argument("--epsilon", type=float, required=True,
                     help="the cap's total epsilon over all runs (> 0, at least what is already spent; required)")
    cap.add_argument("--delta", type=float, required=True,
                     help="the cap's delta, at which every epsilon is reported (0 < delta < 1/N; required)")
    cap.add_argument("--rows", type=int, metavar="N",
                     help="a public bound on the dataset's rows, to check delta < 1/N (default: the bound an "
                          "earlier run recorded, if any)")
    alias = actions.add_parser("alias", help="make NEW another name for the dataset EXISTING", epilog=ALIAS_EXAMPLES,
                               description="Give a dataset a second name; both names share one budget.",
                               formatter_class=formatter)
    alias.add_argument("new", metavar="NEW", help="the new name (not a dataset with its own budget)")
    alias.add_argument("existing", metavar="EXISTING", help="the dataset already in the ledger")
    actions.add_parser("recover", help="restore a damaged ledger from its backup", epilog=RECOVER_EXAMPLES,
                       description="Restore $PRIVSYNTH_HOME/ledger.sqlite from ledger.sqlite.bak.",
                       formatter_class=formatter)


def normalise_argv(argv: Sequence[str]) -> list[str]:
    """Insert ``show`` after ``budget`` when the next word is a dataset name (or nothing), not a sub-command."""
    args = list(argv)
    command = next((i for i, word in enumerate(args) if not word.startswith("-")), None)
    if command is None or args[command] != "budget":
        return args
    rest = args[command + 1:]
    if rest and (rest[0] in SUBCOMMANDS or rest[0] in ("-h", "--help")):
        return args
    return [*args[:command + 1], "show", *rest]


def run_budget(args: argparse.Namespace) -> int:
    """Run a ``budget`` sub-command.

    Raises:
        PrivsynthError: A bad cap, an unknown dataset, an alias that would merge budgets, a damaged ledger.
    """
    from privsynth.config import load_settings

    settings = load_settings()
    if args.budget_command == "recover":
        from privsynth.policies.ledger_backup import recover

        print(recover(settings.ledger_path))
        return 0
    from privsynth.policies.ledger import Ledger

    ledger = Ledger(settings.ledger_path, (settings.default_cap_epsilon, settings.default_cap_delta))
    if args.budget_command == "set":
        if args.rows is not None and args.rows <= 0:
            raise ConfigError(f"--rows must be above 0 (got {args.rows}).", "Pass a public bound, e.g. --rows 100000.")
        ds = ledger.set_cap(args.name, args.epsilon, args.delta, row_bound=args.rows)
        print(f"cap of '{ds.name}': epsilon {ds.cap_epsilon:g}, delta {ds.cap_delta:g}")
        return 0
    if args.budget_command == "alias":
        ds = ledger.add_alias(args.new, args.existing)
        print(f"'{args.new}' is now another name for dataset '{ds.name}' (aliases: {', '.join(ds.aliases)}); "
              "runs under either name share its budget")
        return 0
    return _show(ledger, args.names)


def _show(ledger: Ledger, names: list[str]) -> int:
    from privsynth.policies.accountant import epsilon_of

    datasets = [ledger.find(n) for n in names] if names else ledger.datasets()
    if not names and not datasets:
        cap = ledger.default_cap
        print(f"no datasets in the ledger yet (new datasets get the default cap epsilon {cap[0]:g}, delta {cap[1]:g})")
    outcomes = ledger.outcomes()
    for name, ds in zip(names or [d.name for d in datasets], datasets, strict=True):
        history = ledger.history(name)  # an unknown name: one clear error
        status = ledger.status(name)
        aliases = f" (also: {', '.join(ds.aliases)})" if ds is not None and ds.aliases else ""
        print(f"{status.dataset}{aliases}: spent epsilon {status.spent_epsilon:.3f} (RDP check "
              f"{status.spent_epsilon_rdp:.3f}) of cap {status.cap_epsilon:g} at delta {status.cap_delta:g}; "
              f"remaining {status.remaining_epsilon:.3f}")
        for spend in history:
            at_cap = epsilon_of([spend.event], status.cap_delta)
            failed = f"  [{outcomes[spend.run_id]}]" if spend.run_id in outcomes else ""
            print(f"  {spend.created_at}  run {spend.run_id}  {spend.generator}  epsilon {at_cap:.3f} at the cap's "
                  f"delta (run's own target: epsilon {spend.epsilon:g}, delta {spend.delta:g}){failed}")
    return 0
