"""All errors privsynth raises on purpose, in one place.

Every error carries one readable message that names the problem and the fix. The CLI prints
``str(error)`` on one line and exits non-zero; a traceback appears only with ``--debug``.
"""

from __future__ import annotations


class PrivsynthError(Exception):
    """Base class of every deliberate privsynth error.

    Args:
        problem: What went wrong, in one sentence.
        fix: What the user can do about it, in one sentence (optional).
    """

    exit_code = 2

    def __init__(self, problem: str, fix: str | None = None) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(problem if not fix else f"{problem} Fix: {fix}")


class InputDataError(PrivsynthError):
    """The input data is missing, unreadable, empty or of the wrong shape."""


class SchemaError(PrivsynthError):
    """A schema is missing, malformed, or does not describe the data."""


class ConfigError(PrivsynthError):
    """A setting or argument has an invalid value."""


class PlanningError(PrivsynthError):
    """A request could not be turned into a plan; ``question`` says what to clarify."""

    def __init__(self, problem: str, fix: str | None = None, question: str | None = None) -> None:
        super().__init__(problem, fix)
        self.question = question or fix or problem


class BudgetExceededError(PrivsynthError):
    """A plan would push a dataset past its privacy-budget cap."""

    exit_code = 3

    def __init__(self, problem: str, fix: str | None = None, overshoot: float = 0.0) -> None:
        super().__init__(problem, fix)
        self.overshoot = overshoot


class AccountingError(PrivsynthError):
    """A privacy event cannot be accounted for by the configured accountant."""


class GeneratorError(PrivsynthError):
    """A generator is unknown, misconfigured, or used out of order."""


class NotFittedError(GeneratorError):
    """``sample`` was called on a generator that has not been fitted."""


class RegistryError(PrivsynthError):
    """A generator registration is invalid (for example a duplicate name)."""


class RunNotFoundError(PrivsynthError):
    """A run id does not exist or has no waiting checkpoint."""


class StorageError(PrivsynthError):
    """privsynth's own state (the home folder, the ledger, the checkpoints) cannot be read or written.

    Raised before anything is spent: privsynth fails closed when it cannot account for a spend.
    """

    exit_code = 6


class LedgerDamagedError(StorageError):
    """The ledger file is not a readable SQLite database (truncated, overwritten or corrupted)."""


ERROR_EXIT_CODES: tuple[tuple[int, str], ...] = (
    (1, "unexpected internal error (a bug: rerun with --debug and report the traceback)"),
    (2, "bad input, option or request: the message names the problem and the fix; nothing was spent"),
    (3, "over budget: the run would pass the dataset's cap; nothing was spent"),
    (6, "privsynth's home folder or ledger cannot be used (permissions, damaged file); nothing was spent"),
    (7, "the run failed after its spend: the ledger and the run folder say 'spent, failed'; nothing was released"),
)
"""Exit statuses of errors, as documented in ``privsynth --help`` (the CLI adds its run outcomes)."""


class ResourceLimitError(PrivsynthError):
    """A run would need more memory or disk than this machine has (found before anything is spent)."""


class RunFailedError(PrivsynthError):
    """A run failed after its spend: the ledger entry and the run folder say ``spent, failed: ...``."""

    exit_code = 7
