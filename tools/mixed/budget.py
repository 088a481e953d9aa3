"""One budget for a mixed table, split between its tabular part and its text part before any data is read.

The split is a public parameter of the plan (``text_share``, default :data:`DEFAULT_TEXT_SHARE`): the tabular
generator gets ``c * (1 - s) * epsilon`` and the text generator ``c * s * epsilon``, each with half the delta.
With ``c = 1`` basic composition makes the two together ``(epsilon, delta)``-DP, but the ledger composes the two
declared events with the PLD accountant, which is much tighter for Gaussian mechanisms: on the reviews table at
epsilon 8 the two parts at 4 + 4 compose to 5.2. :func:`fit_scale` therefore raises ``c`` (a few secant steps,
each re-declaring both events from parameters only) to the largest value tried whose composed epsilon is at most
the request; :func:`check_composed` checks the final composition. Both read no data: the scale is fixed in the
plan before the budget gate, like the share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from dp_accounting import dp_event

from privsynth.errors import AccountingError, ConfigError
from privsynth.policies.accountant import epsilon_of

# The text needs the larger share: at 0.7 the reviews' department consistency rose and the table's k-marginal fell
# from 889 to 861 (evals/notes/mixed_tables.md).
DEFAULT_TEXT_SHARE = 0.7
SCALE_TRIES = 3
SCALE_TOLERANCE = 0.02  # stop once the composition is within 2% of the request


@dataclass(frozen=True)
class BudgetSplit:
    """The two parts' targets.

    Attributes:
        epsilon: The request's epsilon.
        delta: The request's delta.
        text_share: The text part's share of epsilon.
        scale: ``c`` of the module docstring (1: basic composition).
        table_epsilon: The tabular generator's epsilon.
        table_delta: The tabular generator's delta.
        text_epsilon: The text generator's epsilon.
        text_delta: The text generator's delta.
    """

    epsilon: float
    delta: float
    text_share: float
    scale: float
    table_epsilon: float
    table_delta: float
    text_epsilon: float
    text_delta: float

    def to_dict(self) -> dict[str, Any]:
        """The split as a JSON-ready dict."""
        return asdict(self)


def split_budget(epsilon: float, delta: float, text_share: float | None = None, scale: float = 1.0) -> BudgetSplit:
    """Split a run's (epsilon, delta) between the tabular and the text generator (module docstring).

    Args:
        epsilon: The request's epsilon (> 0).
        delta: The request's delta, in (0, 1).
        text_share: The text part's share of epsilon, in (0, 1); None: :data:`DEFAULT_TEXT_SHARE`.
        scale: ``c`` (at least 1), from :func:`fit_scale`.

    Raises:
        ConfigError: A share outside (0, 1).
    """
    share = DEFAULT_TEXT_SHARE if text_share is None else float(text_share)
    if not 0.0 < share < 1.0:
        raise ConfigError(f"text_share must be between 0 and 1 (exclusive), got {text_share!r}.",
                          "Pass --option text_share=0.5 (the text part's share of epsilon).")
    if scale < 1.0:
        raise ConfigError(f"The budget scale must be at least 1, got {scale!r}.", "Leave it to the planner.")
    return BudgetSplit(epsilon=epsilon, delta=delta, text_share=share, scale=scale,
                       table_epsilon=scale * (1.0 - share) * epsilon, table_delta=delta / 2.0,
                       text_epsilon=scale * share * epsilon, text_delta=delta / 2.0)


def fit_scale(composed: Callable[[float], float], epsilon: float, tries: int = SCALE_TRIES,
              tolerance: float = SCALE_TOLERANCE) -> float:
    """The largest scale tried whose composed epsilon is at most ``epsilon`` (1 always is, by basic composition).

    Secant steps from ``c = 1`` towards a composition of ``epsilon * (1 - tolerance / 2)``; each step calls
    ``composed`` once (both parts declared at that scale, then composed with the PLD accountant).

    Args:
        composed: The two parts' composed epsilon at the run's delta, for a scale.
        epsilon: The request's epsilon.
        tries: Steps after ``c = 1``.
        tolerance: Stop once a fitting scale composes to at least ``epsilon * (1 - tolerance)``.
    """
    aim = epsilon * (1.0 - tolerance / 2.0)
    points = [(0.0, 0.0), (1.0, composed(1.0))]
    best, best_eps = 1.0, points[-1][1]
    for _ in range(tries):
        if best_eps >= epsilon * (1.0 - tolerance) or best_eps <= 0.0:
            break
        (c0, e0), (c1, e1) = points[-2], points[-1]
        step = c1 + (aim - e1) * (c1 - c0) / (e1 - e0) if e1 != e0 else c1 * aim / e1
        if not step > 1.0:
            break
        value = composed(step)
        points.append((step, value))
        if value <= epsilon and step > best:
            best, best_eps = step, value
    return best


def composed_event(table_event: dp_event.DpEvent, text_event: dp_event.DpEvent) -> dp_event.ComposedDpEvent:
    """The run's declared event: the two parts composed."""
    return dp_event.ComposedDpEvent([table_event, text_event])


def check_composed(event: dp_event.DpEvent, split: BudgetSplit) -> float:
    """The composed event's epsilon at the run's delta, refusing one above the request.

    Raises:
        AccountingError: The composition passes the request (a generator declared more than its part).
    """
    accounted = epsilon_of([event], split.delta)
    if accounted > split.epsilon * (1.0 + 1e-9):
        raise AccountingError(f"The two parts compose to epsilon {accounted:.4g}, above the requested "
                              f"{split.epsilon:g}.", "Fix the generators' declared events.")
    return accounted
