"""How many rows (or texts) a request asks for.

Read forms (number words are digits by now): ``2000 synthetic rows``, ``10k records``, ``2.5k patients``,
``1e6 rows``, ``1,000 support tickets``, ``rows=500``, ``rows 500``, ``n: 500``, ``number of rows 500``,
``a sample size of 500``, ``generate 300``. ``same size`` / ``as many rows as the original`` is the default (as
many as the source: a noisy count). ``twice as many rows`` is a question: the planner never reads the private row count,
so it asks for a number instead of scaling one it cannot see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from privsynth.agents.planner.numbers import COUNT, count_value
from privsynth.agents.planner.paths import Blankable

_I = re.IGNORECASE
_ADJ = (r"(?:synthetic|fake|new|private|dp|more|extra|additional|artificial|simulated|generated|realistic|anonymous|"
        r"anonymi[sz]ed|made-up|differentially[- ]private|sample|example|clinical|support|customer|similar)")
ROW_NOUNS = (r"rows?|records?|samples?|examples?|entries|lines|texts?|sentences|documents|docs|messages|tickets|people|"
             r"persons|patients|customers|individuals|users|employees|members|accounts|transactions|claims|orders|"
             r"visits|respondents|households|observations|instances|reviews|notes|emails|posts|comments|"
             r"utterances|conversations|items|cases|profiles|applicants|students|loans")
_BEFORE = re.compile(rf"(?<![\w.,]){COUNT}[\s-]*(?:(?:{_ADJ})[\s-]+){{0,3}}(?:{ROW_NOUNS})(?!\w)", _I)
_WITH_ADJ = re.compile(rf"(?<![\w.,]){COUNT}\s+(?:(?:{_ADJ})\s+)+[A-Za-z][\w-]*", _I)
_AFTER = re.compile(rf"(?<!\w)(?:(?:rows|n_rows|num_rows|row_count|n|records|samples|size|count)\s*[=:]|"
                    rf"(?:rows|records|samples|n_rows|num_rows)\s+(?=\d)|"
                    rf"(?:(?:the\s+)?number\s+of\s+(?:rows|records|samples|texts)|row\s+count|sample\s+size|"
                    rf"output\s+size)\s*(?:of|is|=|:|to|should\s+be)?)\s*{COUNT}", _I)
_VERB = re.compile(rf"(?<!\w)(?:generate|create|make|produce|synthesi[sz]e|sample|draw|output|give\s+me|i\s+need|"
                   rf"i\s+want)\s+(?:me\s+)?(?:about\s+|around\s+|roughly\s+|exactly\s+)?{COUNT}"
                   r"(?!\s*(?:%|percent|times|x\b|epsilon|eps|ε|delta|units?\b|-?dp\b))", _I)
_SAME = re.compile(r"(?<!\w)(?:(?:the\s+)?same\s+(?:size|number\s+of\s+(?:rows|records)|row\s+count|length)|"
                   r"as\s+many\s+(?:rows|records|texts|entries)?\s*as\s+(?:the\s+|in\s+the\s+)?"
                   r"(?:original|source|input|real|file|data))", _I)
_SCALED = re.compile(r"(?<!\w)(?:twice|double|triple|thrice|half|\d+(?:\.\d+)?\s*(?:x|times))\s+(?:as\s+many|the\s+"
                     r"(?:size|number|rows|row\s+count|records)|as\s+(?:big|large|much))|(?<!\w)(?:double|triple)\s+"
                     r"(?:it|the\s+data)|(?<!\w)x\s?\d+\s+(?:the\s+)?(?:rows|size)|(?<![\w.])\d+(?:\.\d+)?\s+as\s+(?:many|big|large)|"
                     r"(?<![\w.])0?\.\d+\s+(?:of\s+)?the\s+(?:rows|size|records|row\s+count|number\s+of\s+rows)",
                     _I)


_REPEAT = re.compile(r"(?<!\w)(?:twice|thrice|(?:\d+|two|three)\s+times|(?:\d+|two|three)\s+runs)(?!\w)"
                     r"(?!\s+(?:as|the|more|bigger|larger))", _I)


@dataclass
class Rows:
    """What the request says about the number of rows."""

    rows: int | None = None
    same_size: bool = False
    questions: list[str] = field(default_factory=list)


def read_rows(state: Blankable) -> Rows:
    """Read the row count (privacy numbers already blanked); blank what was read.

    Args:
        state: The request.

    Returns:
        The count, whether the request asked for the source's size, and the questions to ask.
    """
    result = Rows()
    if _REPEAT.search(state.text) and not _SCALED.search(state.text):
        result.questions.append("The request asks for more than one run, and each run is a new spend of the budget: "
                                "should I run it once? Send each run as its own request.")
        return result
    if _SCALED.search(state.text):
        result.questions.append("The request scales the source's row count, which privsynth does not read to plan "
                                "(it is private). How many rows should I generate (e.g. 'rows 2000')? Leave the number "
                                "out to get as many as the source (a noisy count).")
        return result
    result.same_size = bool(_SAME.search(state.text))
    values = []
    for pattern in (_BEFORE, _AFTER, _VERB, _WITH_ADJ):
        for match in pattern.finditer(state.text):
            values.append(count_value(match))
            state.blank(match.start(), match.end())
    if not values:
        return result
    if len(set(values)) > 1:
        result.questions.append(f"The request gives several row counts ({', '.join(f'{v:g}' for v in values)}); "
                                "how many synthetic rows should I generate?")
    elif values[0] < 1 or values[0] != int(values[0]):
        result.questions.append(f"The number of rows must be a positive whole number, not {values[0]:g}; "
                                "how many rows?")
    else:
        result.rows = int(values[0])
    return result
