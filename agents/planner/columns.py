"""Column names in a request, by role: the target, the text field, the label, the user column, and conditions.

Each role has a few general forms: a role word and the name (``target income``, ``target column default``,
``predict column is fraud``, ``label field is intent``, ``text_field=body``), the name and the role (``use
churn as the target``, ``body column holds the text``), or a bare ``column X`` after the file (``from notes.csv
column note_text``), which names the text field of a text request. Names may be quoted (``"annual income"``).
With the file's header (public: column names only), each name is matched to a header column (case and
separators aside) and a name the header lacks is a question, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from privsynth.agents.planner.paths import Blankable

_I = re.IGNORECASE
NAME = (r"(?:\"(?P<q1>[^\"]+)\"|'(?P<q2>[^']+)'|`(?P<q3>[^`]+)`|“(?P<q4>[^”]+)”|‘(?P<q5>[^’]+)’|"
        r"(?<![\w.])(?P<bare>[A-Za-z_][\w.\-]*))")
STOP = {"a", "an", "the", "and", "or", "of", "to", "with", "from", "like", "at", "for", "in", "on", "is", "as", "by",
        "using", "use", "via", "file", "name", "named", "called", "column", "columns", "field", "variable", "it",
        "epsilon", "eps", "delta", "rows", "generator", "synthesizer", "model", "please", "be", "that", "this",
        "whether", "if", "how", "what", "which", "who", "when", "where", "will", "should", "would", "my", "our",
        "their", "its", "value", "values", "label", "labels", "target", "data", "set", "so", "then", "but",
        "are", "was", "each", "every", "all", "any", "some", "me", "us", "them", "one", "new", "synthetic",
        "records", "only", "also", "too", "here", "there", "not", "no", "do", "does", "save", "write", "out",
        "generate", "synthesize", "synthesise", "make", "create", "produce", "scrub", "train", "run", "keep",
        "mask", "hash", "drop", "remove", "replace", "fake"}
_IS = r"\s*(?:is|=|:|will\s+be|should\s+be|named|called|of|to|on)?\s*"
_KIND = r"(?:column|field|variable|attribute|feature|col|key)"
_TEXTISH = re.compile(r"text|note|body|comment|description|message|review|content|narrative|summary|transcript|"
                      r"utterance|sentence|document|story|feedback|complaint|abstract|report|essay|post|tweet", _I)

TARGET = (
    rf"(?<!\w)(?:target|outcome|label\s+to\s+predict|prediction\s+target|response\s+variable|dependent\s+variable|"
    rf"class\s+(?:label|column|variable))(?:[_\s-]+{_KIND})?{_IS}(?:the\s+)?(?:{_KIND}\s+)?{NAME}",
    rf"(?<!\w)y\s*[=:]\s*{NAME}",
    rf"(?<!\w)predict(?:s|ing|ion\s+of|ions\s+(?:of|for))?\s+(?:the\s+|a\s+)?(?:{_KIND}\s*|value\s+of\s+)?"
    rf"(?:is|=|:|named|called|of)?\s*(?:the\s+)?{NAME}",
    rf"(?<!\w)(?:the\s+)?(?:column|field|variable)\s+to\s+predict{_IS}{NAME}",
    rf"(?<!\w)(?:utility|tstr|ml\s+utility|downstream\s+(?:task|model|classifier))\s+(?:(?:is\s+|are\s+)?"
    rf"(?:measured|checked|evaluated|tested|computed|scored|judged)\s+)?(?:on|for|against|with|by|predicting)\s+"
    rf"(?:the\s+)?(?:{_KIND}\s+)?{NAME}",
)
TARGET_AFTER = (
    r"(?<!\w)(?:the\s+)?(?P<multi>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})\s+(?:is|are)\s+what\s+(?:we|i)\s+"
    r"(?:want|need|would\s+like|'d\s+like|are\s+trying|try)\s+to\s+predict",
    rf"{NAME}\s+(?:{_KIND}\s+)?(?:is|as)\s+(?:the|my|our|a)\s+(?:target|outcome|column\s+to\s+predict|"
    rf"prediction\s+target|class\s+to\s+predict)(?!\w)",
)
TEXT = (
    rf"(?<!\w)text\s*[=:]\s*{NAME}",
    rf"(?<!\w)text[_\s-]*(?:{_KIND}|corpus\s+column){_IS}(?:the\s+)?{NAME}",
    rf"(?<!\w)(?:the\s+)?(?:free[- ])?text\s+(?:is\s+|lives\s+|sits\s+|comes\s+)?(?:in|under|from)\s+(?:the\s+)?"
    rf"(?:{_KIND}\s+)?{NAME}",
    rf"(?<!\w)(?:synthesi[sz]e|generate|model|learn|fine-?tune\s+on|train\s+on)\s+(?:the\s+)?(?:{_KIND}\s+){NAME}",
)
TEXT_AFTER = (
    rf"{NAME}\s+(?:{_KIND}\s+)?(?:holds|has|contains|is|as)\s+(?:the\s+)?(?:free[- ])?text(?!\w)",
)
LABEL = (
    rf"(?<!\w)label[_\s-]*(?:{_KIND}){_IS}(?:the\s+)?{NAME}",
    rf"(?<!\w)condition(?:ed|al|ing)?\s+on\s+(?:the\s+)?(?:label\s+)?(?:{_KIND}\s+)?{NAME}",
    rf"(?<!\w)(?:labels?|labell?ed\s+by|categories|classes)\s*(?:is|are|=|:|named|called|in|from|come\s+from|"
    rf"taken\s+from)?\s*(?:the\s+)?(?:{_KIND}\s+)?{NAME}",
)
LABEL_AFTER = (
    rf"{NAME}\s+(?:{_KIND}\s+)?(?:is|as|are)\s+(?:the|my|our|a)\s+(?:labels?|class(?:es)?|categor(?:y|ies))(?!\w)",
)
USER = (
    rf"(?<!\w)user(?:_?id)?\s*[=:]\s*{NAME}",
    rf"(?<!\w)user(?:[_\s-]*id)?[_\s-]*(?:{_KIND}){_IS}(?:the\s+)?{NAME}",
    rf"(?<!\w)(?:per|by)[- ]user(?:\s+(?:privacy|level))?\s+(?:on|by|from|with|using)\s+(?:the\s+)?(?:{_KIND}\s+)?"
    rf"{NAME}",
    rf"(?<!\w)user[- ]level\s+(?:privacy\s+|dp\s+)?(?:on|by|from|with|using|over|keyed\s+by)\s+(?:the\s+)?"
    rf"(?:{_KIND}\s+)?{NAME}",
)
BARE_COLUMN = rf"(?<![\w-]){_KIND}\s*(?:=|:|named|called)?\s*{NAME}"


def name_of(match: re.Match[str]) -> str | None:
    """The column name a :data:`NAME` match captured, or None for a stop word or a file name."""
    groups = match.groupdict()
    quoted = next((groups[g] for g in ("q1", "q2", "q3", "q4", "q5", "multi") if groups.get(g)), None)
    if quoted:
        return quoted.strip() or None
    value = (groups.get("bare") or "").strip().rstrip(".-")
    if not value or value.lower() in STOP or re.search(r"\.(?:csv|parquet|jsonl|json|txt|tsv)$", value, _I):
        return None
    return value


def take(state: Blankable, patterns: Sequence[str]) -> str | None:
    """The first name any of ``patterns`` captures; the match is blanked so no other role reads it."""
    for pattern in patterns:
        for match in re.finditer(pattern, state.text, _I):
            value = name_of(match)
            if value:
                state.blank(match.start(), match.end())
                return value
    return None


def text_like(name: str) -> bool:
    """Whether a column name reads like free text (``note_text``, ``body``, ``review``)."""
    return bool(_TEXTISH.search(name))


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _tokens(name: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return {t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t}


def match_header(name: str, header: Sequence[str]) -> str | None:
    """The header column a name refers to.

    Exact, else ignoring case and separators, else singular/plural, else the one column whose words contain the
    name's words (``fraud`` -> ``Is_Fraud`` when no other column has the word ``fraud``).
    """
    if name in header:
        return name
    wanted = _norm(name)
    for candidate in (wanted, wanted.rstrip("s"), wanted + "s"):
        for column in header:
            if _norm(column) == candidate:
                return column
    words = _tokens(name)
    containing = [column for column in header if words and words <= _tokens(column)]
    return containing[0] if len(containing) == 1 else None


def ground(name: str | None, role: str, header: Sequence[str] | None, source: str | None,
           questions: list[str]) -> str | None:
    """Match a name to the header (if known); a missing column adds a question and returns None."""
    if name is None or header is None:
        return name
    found = match_header(name, header)
    if found is None:
        shown = ", ".join(list(header)[:30]) + (", ..." if len(header) > 30 else "")
        questions.append(f"The {role} '{name}' is not a column of {source} (its columns: {shown}). Which column "
                         f"is the {role}?")
    return found


_COND_WORDS = (r"(?:where|of|with|only|having|for|whose|filter(?:ed)?(?:\s+(?:to|on|by))?|restricted\s+to|"
               r"limited\s+to|conditioned\s+on|conditional\s+on|given|just|all)")
_VALUE = r"(?:\"(?P<v1>[^\"]*)\"|'(?P<v2>[^']*)'|(?P<v3>[\w.+\-]+))"
_EQ = rf"(?P<col>[A-Za-z_][\w.\-]*)\s*(?:==|=|\s+(?:is|equals?|equal\s+to)\s+)\s*{_VALUE}"
_GROUP_NOUNS = (r"region|state|country|city|county|department|segment|category|group|class|zone|area|district|"
                r"division|sector|market|tier|band|type|province|team|unit|branch|store|site|channel|plan|status")
_IN_GROUP = (rf"(?<!\w)(?:only|just|solely|exclusively|restricted\s+to|limited\s+to)\s+(?:[\w-]+\s+){{0,3}}?"
             rf"(?:in|from|of|on|with|under|having)\s+(?:the\s+|an?\s+)?(?P<val>[\w-]+)\s+"
             rf"(?P<col>{_GROUP_NOUNS}|[A-Za-z_][\w-]*)(?!\w)")


def _typed(value: str) -> str | int | float | bool:
    if re.fullmatch(r"[-+]?\d+", value):
        return int(value)
    if re.fullmatch(r"[-+]?\d*\.\d+(?:e[-+]?\d+)?", value, _I):
        return float(value)
    return {"true": True, "false": False}.get(value.lower(), value)


def read_conditions(state: Blankable, known_keys: set[str], header: Sequence[str] | None) -> dict:
    """Conditions: ``4000 rows of fraud=1``, ``where region is northeast``, ``only those in the X region``.

    A ``key=value`` counts when a condition word precedes it or the header has the key.

    Returns:
        ``{column: value}`` (numbers as numbers); the matches are blanked.
    """
    found: dict = {}
    for match in re.finditer(rf"(?:(?P<lead>{_COND_WORDS})\s+(?:rows?\s+|records?\s+|\w+\s+)?(?:with\s+|where\s+)?)?"
                             rf"(?<![\w.\-]){_EQ}", state.text, _I):
        column = match.group("col")
        word_form = "=" not in match.group()
        if column.lower() in known_keys or (word_form and not match.group("lead")):
            continue
        in_header = header is not None and match_header(column, header) is not None
        if not (match.group("lead") or in_header):
            continue
        value = next(v for v in (match.group("v1"), match.group("v2"), match.group("v3")) if v is not None)
        found[match_header(column, header) if in_header and header else column] = _typed(value.rstrip(".,"))
        state.blank(match.start(), match.end())
    for match in re.finditer(_IN_GROUP, state.text, _I):
        column = match.group("col")
        in_header = header is not None and match_header(column, header) is not None
        if not (in_header or re.fullmatch(_GROUP_NOUNS, column, _I)):
            continue
        found[match_header(column, header) if in_header and header else column] = _typed(match.group("val"))
        state.blank(match.start(), match.end())
    if header is not None:
        found.update(_values_before_columns(state, header))
    return found


_ONLY_WORDS = re.compile(r"(?<!\w)(?:only|just|solely|exclusively)\s+(?:the\s+|those\s+)?"
                         r"(?P<words>[\w-]+(?:\s+[\w-]+){1,3})", _I)


def _values_before_columns(state: Blankable, header: Sequence[str]) -> dict:
    """``only the Fiber optic InternetService customers``: a value of one to three words before a header column."""
    found = {}
    for match in _ONLY_WORDS.finditer(state.text):
        words = match.group("words").split()
        for k in range(1, min(3, len(words) - 1) + 1):
            column = match_header(words[k], header)
            if column is not None and match_header(words[0], header) is None:
                found[column] = _typed(" ".join(words[:k]))
                span = re.match(rf"(?:\s*[\w-]+){{{k + 1}}}", state.text[match.start("words"):])
                state.blank(match.start(), match.start("words") + (span.end() if span else 0))
                break
    return found


def unread_assignments(text: str, known_keys: set[str]) -> list[str]:
    """``key=value`` pairs left unread (neither a known field nor a condition), to ask about."""
    return [m.group() for m in re.finditer(r"(?<![\w.\-])[A-Za-z_][\w.\-]*\s*==?\s*[^\s,;]+", text)
            if m.group().split("=")[0].strip().lower() not in known_keys]
