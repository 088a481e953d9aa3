"""The offline planner: a deterministic, keyword-based reader of one-sentence requests.

It understands sentences such as ``"2000 synthetic rows like data/adult.csv with schema data/adult.json,
epsilon 1, drop names, target income"``. It never guesses what spends privacy budget: a request without an
input file or an epsilon, with two different epsilons, or with a non-positive epsilon raises
:class:`~privsynth.errors.PlanningError` whose ``question`` says what to clarify.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from privsynth.agents.planner.plan import PIIAction, Plan
from privsynth.errors import PlanningError

DATA_EXTENSIONS = ("csv", "parquet", "jsonl", "json", "txt", "tsv")
DEFAULT_GENERATORS = {"tabular": "aim", "text": "dp_text_lm"}
EXAMPLE = "'2000 synthetic rows like data/patients.csv, epsilon 1, drop names'"

_I = re.IGNORECASE
_EXT = "|".join(DATA_EXTENSIONS)
_HAS_EXT = re.compile(rf"\.(?:{_EXT})$", _I)
_QUOTED = re.compile(r"\"([^\"]+)\"|(?<![\w])'([^']+)'(?![\w])|“([^”]+)”|‘([^’]+)’|`([^`]+)`")
_ROOT = re.compile(r"^(?:/|\./|\.\./|~|[A-Za-z]:[\\/])")
_SCHEMA_CTX = re.compile(r"(?:\bschema|\bdata\s+dictionary|\bdictionary|\bmetadata|\bcodebook)"
                         r"(?:\s+(?:file|path|from|at|in|is|of))*\s*[=:]?\s*$", _I)
_OUT_CTX = re.compile(r"(?:\b(?:save|write|export|store|put)\s+(?:(?:it|them|(?:the\s+)?(?:results?|output|"
                      r"synthetic\s+(?:data|rows)|data|rows))\s+)?(?:(?:to|as|into|in|at|under)\s*)?"
                      r"|\bout(?:put)?(?:\s+(?:path|file))?\s*(?:=|:|to)?\s*|\binto\s+)$", _I)

_NUMBER = r"[-+−]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+−]?\d+)?"
_POWER = r"10\s*(?:\^|\*\*)\s*\(?\s*[-+−]?\d+\s*\)?"
_WORDS = {"zero": 0.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
          "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "half": 0.5}
_VALUE = rf"(?<![\w.])(?P<val>{_POWER}|{_NUMBER}|(?:{'|'.join(_WORDS)})(?!\w))(?!\w)(?!\.\d)(?!,\d)"
_CONNECT = r"\s*(?:(?:=|:|≤|<=|\bis\b|\bof\b|\bat\b|\bto\b|\bequals?\b|\bset\s+to\b|\bbudget\b)\s*)*"
_EPS_KW = r"(?<!\w)(?:epsilon|eps|ε|ϵ|𝜀)(?!\w)"
_DELTA_KW = r"(?<!\w)(?:delta|δ)(?!\w)"
_BUDGET_KW = r"(?<!\w)(?:privacy\s+)?budget(?!\w)"
_PAIR = re.compile(rf"\(\s*(?:epsilon|eps|ε)\s*,\s*(?:delta|δ)\s*\)\s*=\s*\(\s*(?P<eps>{_NUMBER})\s*,\s*"
                   rf"(?P<delta>{_POWER}|{_NUMBER})\s*\)", _I)
_COUNT = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:e\d+)?)\s*(?P<mult>k|m|thousand|million)?(?!\w)"
_ROW_NOUNS = (r"rows?|records?|samples?|examples?|entries|lines|texts?|sentences|documents|messages|tickets|"
              r"people|persons|patients|customers|individuals")
_TEXT_NOUNS = r"texts|sentences|documents|messages|tickets|reviews|notes|utterances|emails|posts|comments"
_ROWS_BEFORE = re.compile(rf"(?<![\w.,]){_COUNT}\s*(?:(?:synthetic|fake|new|private|dp|more|extra)\s+)*"
                          rf"(?:(?:{_ROW_NOUNS})|[A-Za-z][\w-]*\s+(?:{_TEXT_NOUNS}))(?!\w)", _I)
_ROWS_AFTER = re.compile(rf"(?<!\w)(?:rows|n_rows|n)\s*[=:]\s*{_COUNT}", _I)
_NAME = r"(?:\"(?P<q1>[^\"]+)\"|'(?P<q2>[^']+)'|(?<!\w)(?P<bare>[A-Za-z_][\w.\-]*))"
_STOP = {"a", "an", "the", "and", "or", "of", "to", "with", "from", "like", "at", "for", "in", "on", "is", "as",
         "by", "using", "use", "via", "file", "name", "named", "called", "column", "field", "variable", "it",
         "epsilon", "eps", "delta", "rows", "generator", "synthesizer", "model", "please", "be", "that", "this",
         "default"}


def _nums(value: str) -> float:
    """Parse one number as written in a request (``1e-6``, ``10^-6``, ``0.5``, ``one``)."""
    text = value.strip().lower().replace("−", "-")
    if text in _WORDS:
        return _WORDS[text]
    power = re.fullmatch(r"10\s*(?:\^|\*\*)\s*\(?\s*([-+]?\d+)\s*\)?", text)
    if power:
        return 10.0 ** int(power.group(1))
    return float(text)


def numbers_in(sentence: str) -> list[float]:
    """All numbers written in a sentence (used to check that an LLM plan invented none).

    Args:
        sentence: The request.

    Returns:
        Every number, in order of appearance.
    """
    found = []
    for match in re.finditer(_VALUE, sentence, _I):
        try:
            found.append(_nums(match.group("val")))
        except ValueError:
            continue
    return found


class _Text:
    """The request with the parts already understood blanked out, so later rules cannot re-read them."""

    def __init__(self, sentence: str) -> None:
        self.original = sentence
        self.text = sentence

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


def _name(match: re.Match[str]) -> str | None:
    value = match.group("q1") or match.group("q2") or match.group("bare")
    if value is None:
        return None
    value = value.strip().rstrip(".-") if match.group("bare") else value.strip()
    if not value or value.lower() in _STOP or _HAS_EXT.search(value):
        return None
    return value


def _first_name(patterns: list[str], text: str) -> str | None:
    for pattern in patterns:
        for match in re.finditer(pattern, text, _I):
            value = _name(match)
            if value:
                return value
    return None


def _path_candidates(state: _Text) -> list[tuple[int, int, str]]:
    """Find quoted or bare paths ending with a data extension, as ``(start, end, path)``."""
    found: list[tuple[int, int, str]] = []
    for match in _QUOTED.finditer(state.text):
        inner = next(g for g in match.groups() if g is not None).strip()
        if _HAS_EXT.search(inner):
            found.append((match.start(), match.end(), inner))
            state.blank(match.start(), match.end())
    tokens = list(re.finditer(r"\S+", state.text))
    for i, token in enumerate(tokens):
        raw, start = token.group(), token.start()
        if "=" in raw:
            start += raw.rindex("=") + 1
            raw = raw[raw.rindex("=") + 1:]
        stripped = raw.lstrip("(<[")
        start += len(raw) - len(stripped)
        stripped = re.sub(r"[,;:!?)\]>]+$", "", stripped)
        if stripped.endswith(".") and _HAS_EXT.search(stripped[:-1]):
            stripped = stripped[:-1]
        if not _HAS_EXT.search(stripped):
            continue
        path, first = stripped, start
        j = i - 1  # an unquoted path with spaces ("./a b/data.csv"): extend left over path-like words
        while j >= 0 and not _ROOT.match(path):
            prev = tokens[j].group()
            if not re.search(r"[/\\]", prev) or re.search(r"[,;:]$", prev) or _HAS_EXT.search(prev):
                break
            path, first = f"{prev} {path}", tokens[j].start()
            j -= 1
        if path != stripped and not Path(path).expanduser().exists() and Path(stripped).expanduser().exists():
            path, first = stripped, start
        found.append((first, start + len(stripped), path))
    for start, end, _ in found:
        state.blank(start, end)
    return sorted(found)


def _paths(state: _Text) -> tuple[list[str], str | None, str | None]:
    """Split path candidates into data files, the schema and the output, by the words before each."""
    data: list[str] = []
    schema = out = None
    previous_end = 0
    for start, end, path in _path_candidates(state):
        context = state.original[previous_end:start][-60:]
        if _SCHEMA_CTX.search(context) and schema is None:
            schema = path
        elif _OUT_CTX.search(context) and out is None:
            out = path
        elif path not in data:
            data.append(path)
        previous_end = end
    return data, schema, out


def _values(state: _Text, keyword: str) -> tuple[list[float], bool, list[str]]:
    """Read ``keyword <connector> <number>``; returns values, whether the keyword occurs, and unreadable text."""
    values, bad = [], []
    present = bool(re.search(keyword, state.text, _I))
    for match in re.finditer(rf"{keyword}{_CONNECT}{_VALUE}", state.text, _I):
        try:
            values.append(_nums(match.group("val")))
        except ValueError:
            bad.append(match.group("val"))
        state.blank(match.start(), match.end())
    if present and not values:
        for match in re.finditer(rf"{keyword}{_CONNECT}(?P<what>[^\s;]*)", state.text, _I):
            bad.append(match.group("what").rstrip(",.") or "nothing")
    return values, present, bad


def _privacy(state: _Text) -> tuple[float | None, float | None, list[str]]:
    """Epsilon and delta, and the questions to ask about them (never a guessed value)."""
    eps_values, delta_values = [], []
    for match in _PAIR.finditer(state.text):
        eps_values.append(_nums(match.group("eps")))
        delta_values.append(_nums(match.group("delta")))
        state.blank(match.start(), match.end())
    found, eps_present, eps_bad = _values(state, _EPS_KW)
    eps_values += found
    if not eps_values:
        found, budget_present, budget_bad = _values(state, _BUDGET_KW)
        eps_values += found
        eps_present = eps_present or budget_present
        eps_bad = eps_bad if eps_bad else budget_bad
    found, _, delta_bad = _values(state, _DELTA_KW)
    delta_values += found
    questions = []
    epsilon = delta = None
    if len(set(eps_values)) > 1:
        questions.append(f"The request gives several epsilons ({', '.join(f'{v:g}' for v in eps_values)}). "
                         "Which single privacy budget (epsilon) should this run spend?")
    elif eps_values and not (eps_values[0] > 0 and math.isfinite(eps_values[0])):
        questions.append(f"Epsilon must be a positive finite number, but the request says {eps_values[0]:g}. "
                         "Which privacy budget (epsilon > 0, for example 1.0) should this run spend?")
    elif eps_values:
        epsilon = eps_values[0]
    elif eps_present:
        questions.append(f"I could not read the epsilon value ({', '.join(eps_bad) or 'nothing'}). Which privacy "
                         "budget (a positive number such as epsilon 1.0) should this run spend?")
    else:
        questions.append("privsynth never picks a privacy budget for you: what epsilon (for example 'epsilon 1') "
                         "should this run spend?")
    if len(set(delta_values)) > 1:
        questions.append("The request gives several deltas; which single delta should this run use?")
    elif delta_values and not 0 < delta_values[0] < 1:
        questions.append(f"Delta must be between 0 and 1 (for example 1e-6), but the request says "
                         f"{delta_values[0]:g}. Which delta should this run use (or say nothing for the default)?")
    elif delta_values:
        delta = delta_values[0]
    elif delta_bad and not all(b.lower() in ("auto", "default", "nothing") for b in delta_bad):
        questions.append(f"I could not read the delta value ({', '.join(delta_bad)}). Which delta (for example "
                         "1e-6) should this run use? Leave it out to use the default.")
    return epsilon, delta, questions


def _count(match: re.Match[str]) -> float:
    value = float(match.group("num").replace(",", ""))
    mult = (match.group("mult") or "").lower()
    return value * {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}.get(mult, 1)


def _rows(state: _Text) -> tuple[int | None, list[str]]:
    values = [_count(m) for m in _ROWS_BEFORE.finditer(state.text)]
    values += [_count(m) for m in _ROWS_AFTER.finditer(state.text)]
    if not values:
        return None, []
    if len(set(values)) > 1:
        return None, [f"The request gives several row counts ({', '.join(f'{v:g}' for v in values)}); "
                      "how many synthetic rows should I generate?"]
    if values[0] < 1 or values[0] != int(values[0]):
        return None, [f"The number of rows must be a positive whole number, not {values[0]:g}; how many rows?"]
    return int(values[0]), []


def read_pii_action(text: str) -> tuple[PIIAction, list[str]]:
    """Read what a request says about PII columns.

    Args:
        text: The request.

    Returns:
        The action (``drop`` unless the request asks to keep PII or replace it with fake values) and the
        questions to ask when the request asks for more than one action.
    """
    subject = r"(?:the\s+|all\s+|any\s+)?(?:pii|names?|personal(?:\s+data|\s+info\w*)?|identifiers|identifying)"
    negated = rf"(?:don'?t|do\s+not|never|no\s+need\s+to)\s+(?:drop|remove|delete|scrub|strip|redact)\s+{subject}"
    actions: set[str] = set()
    if re.search(rf"(?<!\w)keep\s+{subject}|{negated}|without\s+(?:pii\s+)?scrubbing|(?<!\w)pii\s*[=:]\s*keep",
                 text, _I):
        actions.add("keep")
    if re.search(rf"(?<!\w)replace\b[^,;.]*?{subject}|(?:fake|surrogate|synthetic|dummy|made-up|faker)\s+(?:pii|"
                 r"names?|values|identities|identifiers|emails?|personal)|surrogates?(?!\w)|pseudonymi[sz]|"
                 r"(?<!\w)pii\s*[=:]?\s*(?:->|→|with|to)?\s*fake", text, _I):
        actions.add("fake")
    stripped = re.sub(negated, " ", text, flags=_I)
    if re.search(rf"(?<!\w)(?:drop|remove|delete|strip|scrub|redact|exclude|omit)\s+{subject}|(?<!\w)pii\s*[=:]\s*drop",
                 stripped, _I):
        actions.add("drop")
    if len(actions) > 1:
        return "drop", ["The request asks for more than one PII action "
                        f"({', '.join(sorted(actions))}). Should PII columns be dropped, replaced with fake values, "
                        "or kept?"]
    return (actions.pop() if actions else "drop"), []  # type: ignore[return-value]


def known_generators() -> dict[str, str] | None:
    """Registered generators as ``{name: modality}``, or ``None`` when the registry cannot be loaded."""
    try:
        from privsynth.agents.registry import available_generators

        return {name: cls.modality for name, cls in available_generators().items()}
    except Exception:  # a broken registry must not stop planning; the graph reports it later
        return None


def default_generator(modality: str, generators: dict[str, str] | None = None) -> str:
    """The generator to use when the request names none.

    Args:
        modality: ``tabular`` or ``text``.
        generators: Registered generators (``{name: modality}``); looked up when not given.

    Returns:
        ``aim`` for tables; for text, a registered text generator (preferring a ``dp`` one), else
        :data:`DEFAULT_GENERATORS` ``["text"]``.
    """
    generators = known_generators() if generators is None else generators
    preferred = DEFAULT_GENERATORS.get(modality, DEFAULT_GENERATORS["tabular"])
    if not generators or generators.get(preferred) == modality:
        return preferred
    matching = sorted(name for name, kind in generators.items() if kind == modality)
    dp_first = [name for name in matching if "dp" in name.lower()] + matching
    return dp_first[0] if dp_first else preferred


def _generator(text: str, generators: dict[str, str] | None) -> str | None:
    gen = r"(?:generator|synthesi[sz]er|model|method|algorithm)"
    explicit = _first_name([
        rf"(?<!\w)(?:using|with|via|use)\s+(?:the\s+)?{gen}\s*(?:named|called|=|:)?\s*{_NAME}",
        rf"(?<!\w)(?:generator|synthesi[sz]er)\s*(?:named|called|is|=|:)?\s*{_NAME}",
        rf"(?<!\w)(?:using|with|via|use)\s+(?:the\s+|a\s+)?{_NAME}\s+{gen}",
    ], text)
    if explicit or not generators:
        return explicit
    for match in re.finditer(rf"(?<!\w)(?:using|with|via|use)\s+(?:the\s+)?{_NAME}", text, _I):
        if _name(match) in generators:
            return _name(match)
    return None


def _is_text(text: str, source: str | None) -> bool:
    nouns = r"texts?|sentences|documents|messages|queries|tickets|reviews|notes|utterances"
    return bool(re.search(rf"(?<!\w)(?:text\s+(?:field|column|corpus|data)|corpus|corpora|free[- ]text|language\s+"
                          rf"model|modality\s*[=:]?\s*text)(?!\w)|(?<!\w)(?:synthetic|generate|synthesi[sz]e|fake)\s+"
                          rf"(?:[\d,.]+k?\s+)?(?:{nouns})(?!\w)", text, _I)
                or (source or "").lower().endswith(".txt"))


def _out_folder(text: str) -> str | None:
    """An output path without a data extension (``save to results/``, ``out=runs/x``), if path-like."""
    for match in re.finditer(r"(?<!\w)(?:out(?:put)?(?:\s+(?:path|file|dir(?:ectory)?|folder))?\s*(?:=|:|to|in)?|"
                             r"(?:save|write|export|store)\s+(?:it\s+|them\s+)?(?:to|as|into|in|at))\s*"
                             r"(?:\"(?P<q1>[^\"]+)\"|'(?P<q2>[^']+)'|"
                             r"(?P<bare>(?=[^\s,;\"']*\w)[^\s,;\"']*[/\\.][^\s,;\"']*))", text, _I):
        value = match.group("q1") or match.group("q2") or match.group("bare")
        return value[:-1] if value.endswith(".") and not value.endswith("..") and "/" not in value[-2:] else value
    return None


def parse_offline(sentence: str) -> Plan:
    """Turn a one-sentence request into a :class:`Plan` without any LLM.

    Args:
        sentence: The request, e.g. ``"10,000 synthetic rows like data/patients.csv, epsilon 1, drop names"``.

    Returns:
        The validated plan.

    Raises:
        PlanningError: The request lacks the input file or epsilon, or is contradictory or unreadable;
            ``question`` says what to clarify. Nothing is ever spent by planning.
    """
    if not sentence or not sentence.strip():
        raise PlanningError("The request is empty.", f"Describe what to synthesize, e.g. {EXAMPLE}.",
                            question=f"What should I synthesize? Name the input file and the privacy budget, "
                                     f"e.g. {EXAMPLE}.")
    state = _Text(" ".join(sentence.split()))
    data, schema, out = _paths(state)
    epsilon, delta, questions = _privacy(state)
    rows, row_questions = _rows(state)
    text = state.text
    pii_action, pii_questions = read_pii_action(text)
    generators = known_generators()
    if not data:
        questions.insert(0, "Which file should I make synthetic data from (a .csv, .parquet or .jsonl path)?")
    elif len(data) > 1:
        questions.insert(0, f"The request names several input files ({', '.join(data)}). Which one should I make "
                            "synthetic data from?")
    questions += row_questions + pii_questions
    if questions:
        question = " ".join(questions)
        if not data and epsilon is None and not re.search(_EPS_KW, sentence, _I):
            problem = f"I could not understand the request: {question}"
        else:
            problem = f"The request is unclear and privsynth never guesses: {question}"
        raise PlanningError(problem, f"Rephrase it, e.g. {EXAMPLE}.", question=question)
    out = out or _out_folder(text)
    if schema is None:
        schema = _first_name([rf"(?<!\w)(?:schema|data\s+dictionary)(?:\s+file)?\s*[=:]?\s*{_NAME}"], text)
        schema = schema if schema and re.search(r"[/\\.]", schema) else None
    generator = _generator(text, generators)
    text_field = _first_name([rf"(?<!\w)text\s+(?:field|column)\s*(?:is|=|:|named|called)?\s*{_NAME}"], text)
    label_field = _first_name([rf"(?<!\w)label\s+(?:field|column)\s*(?:is|=|:|named|called)?\s*{_NAME}",
                               rf"(?<!\w)condition(?:ed|al)?\s+on\s+(?:the\s+)?(?:label\s+)?{_NAME}",
                               rf"(?<!\w)(?:labels?|labell?ed\s+by)\s*(?:is|=|:|named|called|in|from)?\s*{_NAME}"],
                              text)
    user_field = _first_name([rf"(?<!\w)user(?:\s+id)?\s+(?:field|column)\s*(?:is|=|:|named|called)?\s*{_NAME}",
                              rf"(?<!\w)(?:per|by)[- ]user(?:\s+(?:privacy|level))?\s+(?:on|by|from|with)\s+"
                              rf"(?:the\s+)?(?:column\s+)?{_NAME}"], text)
    modality = "text" if (_is_text(text, data[0]) or text_field or (generators or {}).get(generator or "") == "text"
                          ) else "tabular"
    target = _first_name([rf"(?<!\w)(?:target|outcome)(?:\s+(?:column|variable))?\s*(?:is|=|:)?\s*{_NAME}",
                          rf"(?<!\w)predict(?:ing)?\s+(?:the\s+)?(?:column\s+)?{_NAME}"], text)
    if modality == "tabular" and label_field:
        target, label_field = target or label_field, None
    dataset = _first_name([rf"(?<!\w)dataset(?:\s+name)?\s*(?:named|called|is|=|:|as)?\s*{_NAME}",
                           rf"(?<!\w)(?:name|call)\s+(?:the\s+|this\s+)?dataset\s+{_NAME}"], text)
    seed = re.search(r"(?<!\w)(?:random\s+)?seed\s*(?:=|:|of|is)?\s*(\d+)(?!\w)", text, _I)
    no_review = re.search(r"(?<!\w)(?:no|without|skip(?:ping)?|don'?t|do\s+not|never)\s+(?:the\s+|any\s+|a\s+)?"
                          r"(?:human\s+)?review", text, _I)
    review = not no_review and bool(re.search(
        r"(?<!\w)(?:review|let\s+me\s+(?:check|see|look|approve|confirm)|approval|human[- ]in[- ]the[- ]loop|"
        r"ask\s+me\s+(?:first|before))", text, _I))
    basic = re.search(r"(?<!\w)(?:basic|quick|fast|light)\s+(?:validation|validators|checks)(?!\w)", text, _I)
    return Plan(source=data[0], dataset=dataset, modality=modality, validation_level="basic" if basic else "full",
                generator=generator or default_generator(modality, generators), rows=rows, epsilon=epsilon,
                delta=delta, schema_path=schema, pii_action=pii_action, target=target, text_field=text_field,
                label_field=label_field if modality == "text" else None,
                user_field=user_field if modality == "text" else None, out=out,
                seed=int(seed.group(1)) if seed else 0, review=review)
