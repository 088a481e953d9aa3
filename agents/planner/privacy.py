"""Epsilon and delta in a request, and the questions to ask about them (never a guessed value).

Read forms: ``epsilon 1``, ``eps=0.5``, ``ε ≤ 2``, ``an epsilon of 1``, ``privacy budget 3``, ``2 epsilon``,
``0.5 units of privacy budget`` (number words are digits by now: "half a unit" became "0.5 unit"),
``(ε, δ) = (1, 1e-6)``, ``(1, 1e-6)-DP``, ``delta 10^-6``. Two different epsilons (or deltas) are a question.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from privsynth.agents.planner.numbers import NUMBER, POWER, VALUE, parse_number
from privsynth.agents.planner.paths import Blankable

_I = re.IGNORECASE
_CONNECT = (r"\s*(?:(?:=|:|≤|<=|\bis\b|\bof\b|\bat\b|\bto\b|\bequals?\b|\bset\s+to\b|\bbudget\b|\bvalue\b|"
            r"\b(?:should|must|will|would|can|shall)\s+be\b|\bneeds?\s+to\s+be\b|\bof\s+about\b|"
            r"\baround\b|\babout\b|\bjust\b|\bonly\b|\bmax(?:imum)?\b|\bat\s+most\b|\bup\s+to\b|\bno\s+more\s+than\b|"
            r"\ba\b|\bof\s+a\b|\bunits?\b)\s*)*")
EPS_KW = r"(?<!\w)(?:epsilon|eps|ε|ϵ|𝜀|privacy\s+(?:loss|parameter|level))(?!\w)"
_DELTA_KW = r"(?<!\w)(?:delta|δ)(?!\w)"
_BUDGET_KW = r"(?<!\w)(?:(?:privacy|dp|epsilon)\s+)?budget(?!\w)"
_AFTER_EPS = (rf"(?<![\w.])(?P<val>{POWER}|{NUMBER})\s*(?:(?:(?:of\s+)?(?:an?\s+)?(?:units?|points?)\s+(?:of\s+)?)?"
              r"(?:the\s+|my\s+|our\s+)?"
              r"(?:(?:privacy\s+|dp\s+)?budget|epsilon|eps|ε|ϵ)"
              r"|(?:of\s+)?(?:an?\s+)?units?\s+of\s+(?:the\s+|my\s+|our\s+)?privacy)(?!\w)")
"""``2 epsilon``, ``0.5 units of privacy budget``, ``0.25 unit of privacy`` (a unit of privacy is an epsilon)."""
_AFTER_DELTA = rf"(?<![\w.])(?P<val>{POWER}|{NUMBER})\s*(?:delta|δ)(?!\w)"
_ALTERNATIVE = rf"(?:\s*(?:\bor\b|\bto\b|–)\s*(?P<alt>{NUMBER})(?![\w.]))?"
"""A second value offered as an alternative or a range ("epsilon 2 or 3", "epsilon 1 to 2"): a question."""
_PAIR = re.compile(rf"\(\s*(?:epsilon|eps|ε)\s*,\s*(?:delta|δ)\s*\)\s*=\s*\(\s*(?P<eps>{NUMBER})\s*,\s*"
                   rf"(?P<delta>{POWER}|{NUMBER})\s*\)|\(\s*(?P<eps2>{NUMBER})\s*,\s*(?P<delta2>{POWER}|{NUMBER})"
                   r"\s*\)\s*-?\s*(?:dp|differential)", _I)


@dataclass
class Privacy:
    """What the request says about epsilon and delta."""

    epsilon: float | None = None
    delta: float | None = None
    questions: list[str] = field(default_factory=list)
    mentioned: bool = False


def _values(state: Blankable, keyword: str, after: str | None) -> tuple[list[float], bool, list[str]]:
    """Read ``keyword <connector> <number>`` (and ``<number> keyword``): values, presence, unreadable text."""
    values, bad = [], []
    present = bool(re.search(keyword, state.text, _I))
    for match in re.finditer(rf"{keyword}{_CONNECT}{VALUE}{_ALTERNATIVE}", state.text, _I):
        try:
            values += [parse_number(v) for v in (match.group("val"), match.group("alt")) if v is not None]
        except ValueError:
            bad.append(match.group("val"))
        state.blank(match.start(), match.end())
    for match in re.finditer(after, state.text, _I) if after else ():
        values.append(parse_number(match.group("val")))
        present = True
        state.blank(match.start(), match.end())
    if present and not values:
        for match in re.finditer(rf"{keyword}{_CONNECT}(?P<what>[^\s;]*)", state.text, _I):
            bad.append(match.group("what").rstrip(",.?") or "nothing")
    return values, present, bad


def _epsilon_question(values: list[float], present: bool, bad: list[str]) -> tuple[float | None, str | None]:
    if len(set(values)) > 1:
        return None, (f"The request gives several epsilons ({', '.join(f'{v:g}' for v in values)}). "
                      "Which single privacy budget (epsilon) should this run spend?")
    if values and not (values[0] > 0 and math.isfinite(values[0])):
        return None, (f"Epsilon must be a positive finite number, but the request says {values[0]:g}. "
                      "Which privacy budget (epsilon > 0, for example 1.0) should this run spend?")
    if values:
        return values[0], None
    if present:
        return None, (f"I could not read the epsilon value ({', '.join(bad) or 'nothing'}). Which privacy "
                      "budget (a positive number such as epsilon 1.0) should this run spend?")
    return None, ("privsynth never picks a privacy budget for you: what epsilon (for example 'epsilon 1') "
                  "should this run spend?")


def _delta_question(values: list[float], bad: list[str]) -> tuple[float | None, str | None]:
    if len(set(values)) > 1:
        return None, "The request gives several deltas; which single delta should this run use?"
    if values and not 0 < values[0] < 1:
        return None, (f"Delta must be between 0 and 1 (for example 1e-6), but the request says {values[0]:g}. "
                      "Which delta should this run use (or say nothing for the default)?")
    if values:
        return values[0], None
    if bad and not all(b.lower() in ("auto", "default", "nothing", "automatic") for b in bad):
        return None, (f"I could not read the delta value ({', '.join(bad)}). Which delta (for example 1e-6) "
                      "should this run use? Leave it out to use the default.")
    return None, None


def read_privacy(state: Blankable) -> Privacy:
    """Read epsilon and delta from a request whose number words are already digits; blank what was read.

    Args:
        state: The request (paths already blanked).

    Returns:
        The epsilon and delta, or the questions to ask; ``mentioned`` says whether an epsilon or budget word
        occurs at all.
    """
    eps_values, delta_values = [], []
    for match in _PAIR.finditer(state.text):
        eps_values.append(parse_number(match.group("eps") or match.group("eps2")))
        delta_values.append(parse_number(match.group("delta") or match.group("delta2")))
        state.blank(match.start(), match.end())
    delta_found, _, delta_bad = _values(state, _DELTA_KW, _AFTER_DELTA)
    delta_values += delta_found
    found, present, bad = _values(state, EPS_KW, _AFTER_EPS)
    eps_values += found
    if not eps_values:
        found, budget_present, budget_bad = _values(state, _BUDGET_KW, None)
        eps_values += found
        present = present or budget_present
        bad = bad or budget_bad
    privacy = Privacy(mentioned=present or bool(eps_values))
    privacy.epsilon, question = _epsilon_question(eps_values, present, bad)
    privacy.questions += [question] if question else []
    privacy.delta, question = _delta_question(delta_values, delta_bad)
    privacy.questions += [question] if question else []
    return privacy
