"""The offline planner: a deterministic reader of a request's parts, one reader per part.

Each part of a request has its own module: file paths (:mod:`.paths`), numbers and number words
(:mod:`.numbers`), epsilon and delta (:mod:`.privacy`), the row count (:mod:`.rows`), PII actions per entity type
(:mod:`.pii_words`), column roles and conditions (:mod:`.columns`) and the intent (:mod:`.intent`). This module
runs them in order on one request, each blanking what it understood, and builds the :class:`Plan`.

It never guesses what spends privacy budget: a synthesize request without an input file or an epsilon, with
two different epsilons, or with a non-positive epsilon raises :class:`~privsynth.errors.PlanningError` whose
``question`` says what to clarify. With the file's header (column names only, public), column names are matched
to it, and a name it lacks is a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from privsynth.agents.planner import columns as cols
from privsynth.agents.planner.header import read_header
from privsynth.agents.planner.intent import IntentReading, read_intent
from privsynth.agents.planner.numbers import numbers_in, words_to_digits
from privsynth.agents.planner.paths import Blankable, Paths, out_folder, read_paths
from privsynth.agents.planner.pii_words import read_pii
from privsynth.agents.planner.plan import SYNTHESIS_PII_ACTIONS, Plan
from privsynth.agents.planner.privacy import EPS_KW, read_privacy
from privsynth.agents.planner.rows import read_rows
from privsynth.errors import PlanningError

__all__ = ["DEFAULT_GENERATORS", "EXAMPLE", "default_generator", "known_generators", "numbers_in", "parse_offline"]

DEFAULT_GENERATORS = {"tabular": "aim", "text": "dp_text_lm"}
EXAMPLE = "'2000 synthetic rows like data/patients.csv, epsilon 1, drop names'"
SCRUB_DEFAULT = "tag"
"""A scrub that names no default action tags every entity (``<PERSON>``), as ``privsynth scrub`` does."""

_I = re.IGNORECASE
KNOWN_KEYS = {"epsilon", "eps", "delta", "rows", "n", "n_rows", "num_rows", "row_count", "size", "count", "target",
              "outcome", "y", "label", "labels", "label_field", "text", "text_field", "text_column", "user", "user_id",
              "user_field", "generator", "model", "synthesizer", "dataset", "name", "schema", "schema_path", "out",
              "output", "source", "input", "file", "data", "pii", "pii_action", "review", "seed", "intent", "run",
              "run_id", "decision", "modality", "validation"}
_TEXT_NOUNS = (r"texts?|sentences|documents|messages|queries|tickets|reviews|notes|utterances|emails|posts|comments|"
               r"tweets|transcripts|conversations|dialogues|paragraphs|narratives|complaints|descriptions|stories|"
               r"abstracts|chats|letters|essays")
_DATASET = (rf"(?<!\w)(?:the\s+)?data[_\s-]?set(?:[_\s]+name)?\s*(?:named|called|is|=|:|as)?\s*{cols.NAME}",
            rf"(?<!\w)(?:name|call)\s+(?:the\s+|this\s+|it\s+)?(?:dataset\s+)?{cols.NAME}\s+in\s+the\s+ledger",
            rf"(?<!\w)(?:name|call)\s+(?:the\s+|this\s+)?dataset\s+{cols.NAME}",
            rf"(?<!\w)(?:ledger|budget)\s+(?:name|entry)\s*(?:is|=|:|as)?\s*{cols.NAME}",
            rf"(?<!\w)(?:under|as)\s+(?:the\s+)?(?:dataset|ledger\s+name)\s+{cols.NAME}")


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
    gen = r"(?:generator|synthesi[sz]er|model|method|algorithm|mechanism)"
    explicit = cols.take(Blankable(text), [
        rf"(?<!\w)(?:using|with|via|use)\s+(?:the\s+)?{gen}\s*(?:named|called|=|:)?\s*{cols.NAME}",
        rf"(?<!\w)(?:generator|synthesi[sz]er|model)\s*(?:named|called|is|=|:)?\s*{cols.NAME}",
        rf"(?<!\w)(?:using|with|via|use)\s+(?:the\s+|a\s+|an\s+)?{cols.NAME}\s+{gen}",
    ])
    if explicit and generators and explicit not in generators and explicit.lower() in generators:
        explicit = explicit.lower()
    if explicit and (not generators or explicit in generators or re.search(r"_|\d", explicit)):
        return explicit
    if explicit and generators is not None and explicit not in generators and re.search(
            rf"(?<!\w)(?:generator|synthesi[sz]er)\s*(?:named|called|is|=|:)?\s*{re.escape(explicit)}", text, _I):
        return explicit  # named as the generator: unknown names become a question in the planner
    for match in re.finditer(rf"(?<!\w)(?:using|with|via|use|by)\s+(?:the\s+)?{cols.NAME}", text, _I):
        name = cols.name_of(match)
        if name and generators and name.lower() in generators:
            return name.lower()
    return None


_GAP_WORD = r"(?!(?:and|or|but|then|with|without|to|for|at|of|by|in|on|from|replace|mask|hash|drop)(?!\w))[\w-]+"
"""A word between a count and a text noun ("100 synthetic support tickets"); a joining word or a PII verb ends the
phrase, so "epsilon 1 and replace emails" is not a request for emails."""


def _is_text(text: str, source: str | None) -> bool:
    return bool(re.search(rf"(?<!\w)(?:text\s+(?:field|column|corpus|data(?:[\s_-]?sets?)?)|corpus|corpora|"
                          rf"free[- ]text|language\s+model|modality\s*[=:]?\s*text|dp[_ ]text\w*)(?!\w)|"
                          rf"(?<!\w)(?:synthetic|generate|"
                          rf"synthesi[sz]e|new|(?<![\w.])\d+(?:[,. ]\d+)*k?)\s+(?:{_GAP_WORD}\s+){{0,2}}"
                          rf"(?:{_TEXT_NOUNS})(?!\w)",
                          text, _I) or (source or "").lower().endswith(".txt"))


_REBALANCE = re.compile(r"(?<!\w)(?:(?:boost|oversample|over-sample|upsample|up-sample|amplify|augment|grow|balance)\s+"
                        r"(?:the\s+)?(?:minority|rare|under-?represented|smaller|positive)\s+(?:class|group|category|"
                        r"cases?|label)|rebalanc\w*|re-balanc\w*|class\s+balanc\w*|balanced\s+classes)", _I)


def _states_a_value(text: str) -> bool:
    """Whether the request states a column value (``fraud=1``, ``where fraud is 1``) for a rebalancing."""
    return bool(re.search(r"[A-Za-z_][\w.\-]*\s*==?\s*[\w.\-]+|(?:where|whose|with)\s+\w+\s+(?:is|equals?)\s+\w+",
                          text, _I))


def _names_pii(text: str) -> bool:
    words = read_pii(text)
    return bool(words.per_type) or words.default is not None


def _ask(questions: list[str], sentence: str, has_source: bool) -> None:
    if not questions:
        return
    question = " ".join(questions)
    if not has_source and not re.search(EPS_KW, sentence, _I):
        problem = f"I could not understand the request: {question}"
    else:
        problem = f"The request is unclear and privsynth never guesses: {question}"
    raise PlanningError(problem, f"Rephrase it, e.g. {EXAMPLE}.", question=question)


def _review_plan(reading: IntentReading, sentence: str) -> Plan:
    questions = list(reading.questions)
    if reading.decision is None and not questions:
        questions.append("Should I approve or reject the run?")
    _ask(questions, sentence, True)
    return Plan(intent="review", run_id=reading.run_id, decision=reading.decision)


def _source_question(paths: Paths, intent: str) -> list[str]:
    if not paths.data:
        what = "scrub PII in" if intent == "scrub" else "make synthetic data from"
        return [f"Which file should I {what} (a .csv, .parquet or .jsonl path)?"]
    if len(paths.data) > 1:
        return [f"The request names several input files ({', '.join(paths.data)}). Which one should I use?"]
    return []


def _fields(state: Blankable, paths: Paths, header: Sequence[str] | None, questions: list[str],
            whole: str) -> dict[str, Any]:
    """Column roles, generator, dataset and the other named fields of a scrub or synthesize request.

    ``whole`` is the request before the numbers were read ("100 synthetic tweets" says it is a text request).
    """
    source = paths.data[0] if paths.data else None
    conditions = cols.read_conditions(state, KNOWN_KEYS, header)
    target = cols.take(state, cols.TARGET) or cols.take(state, cols.TARGET_AFTER)
    user = cols.take(state, cols.USER)
    text_field = cols.take(state, cols.TEXT) or cols.take(state, cols.TEXT_AFTER)
    label = cols.take(state, cols.LABEL) or cols.take(state, cols.LABEL_AFTER)
    generators = known_generators()
    generator = _generator(state.text, generators)
    dataset = cols.take(state, _DATASET)
    text = state.text
    modality = "text" if (_is_text(whole, source) or text_field or (generators or {}).get(generator or "") == "text"
                          ) else "tabular"
    if text_field is None:
        bare = cols.take(state, [cols.BARE_COLUMN])
        if bare and (modality == "text" or cols.text_like(bare)):
            text_field, modality = bare, "text"
    if text_field is None and modality == "text" and header:
        named = [h for h in header if cols.text_like(h) and h not in (target, label, user)
                 and re.search(rf"(?<![\w.-]){re.escape(h)}(?![\w-])", state.text)]
        if len(named) == 1:  # "from notes.csv using note_text": the one text-like header column the request names
            text_field = named[0]
    if modality == "tabular" and label:
        target, label = target or label, None
    seed = re.search(r"(?<!\w)(?:random\s+)?seed\s*(?:=|:|of|is)?\s*(\d+)(?!\w)", text, _I)
    no_review = re.search(r"(?<!\w)(?:no|without|skip(?:ping)?|don'?t|do\s+not|never)\s+(?:the\s+|any\s+|a\s+)?"
                          r"(?:human\s+)?review|review\s*[=:]\s*(?:false|no|0|off)", text, _I)
    review = not no_review and bool(re.search(
        r"(?<!\w)(?:(?:let\s+me\s+|i\s+(?:want|need|would\s+like)\s+to\s+|i'?d\s+like\s+to\s+|for\s+(?:a\s+)?|"
        r"with\s+(?:a\s+)?|(?:wait|pause|stop|hold)\s+(?:for\s+)?(?:my|our|a|the)\s+|(?:after|until)\s+(?:my|our|a)\s+|"
        r"human\s+|manual\s+)review|(?:wait|pause|hold|stop)\s+(?:for|until)\s+(?:my|our|an?)\s+(?:ok|okay|approval|"
        r"go-?ahead|sign-?off)|review\s+(?:it|them|the\s+(?:plan|output|results?|release)|before|first|step|"
        r"checkpoints?)|review\s*[=:]\s*(?:true|yes|1|on)|let\s+me\s+(?:check|see|look|approve|confirm)|approval|"
        r"human[- ]in[- ]the[- ]loop|ask\s+me\s+(?:first|before)|(?:show|check\s+with)\s+me\s+(?:first|before))",
        text, _I))
    basic = re.search(r"(?<!\w)(?:basic|quick|fast|light)\s+(?:validation|validators|checks)(?!\w)", text, _I)
    schema = paths.schema
    if schema is None:
        named = cols.take(Blankable(text), [rf"(?<!\w)(?:schema|data\s+dictionary)(?:\s+file)?\s*[=:]?\s*{cols.NAME}"])
        schema = named if named and re.search(r"[/\\.]", named) else None
    unread = cols.unread_assignments(state.text, KNOWN_KEYS)
    if unread:
        questions.append(f"I do not know what {', '.join(unread)} means here. Is it a condition on the synthetic "
                         "rows (say 'only rows where column=value') or a setting?")
    for role, name in (("target", target), ("text field", text_field), ("label field", label), ("user field", user)):
        grounded = cols.ground(name, role, header, source, questions)
        target = grounded if role == "target" else target
        text_field = grounded if role == "text field" else text_field
        label = grounded if role == "label field" else label
        user = grounded if role == "user field" else user
    return {"conditions": conditions, "target": target, "user_field": user if modality == "text" else None,
            "text_field": text_field, "label_field": label if modality == "text" else None, "dataset": dataset,
            "modality": modality, "generator": generator or default_generator(modality, generators),
            "seed": int(seed.group(1)) if seed else 0, "review": review, "schema_path": schema,
            "validation_level": "basic" if basic else "full", "out": paths.out or out_folder(text)}


def parse_offline(sentence: str, header: Sequence[str] | None = None) -> Plan:
    """Turn a one-sentence request into a :class:`Plan` without any LLM.

    Args:
        sentence: The request, e.g. ``"10,000 synthetic rows like data/patients.csv, epsilon 1, drop names"``,
            ``"scrub pii from tickets.csv but don't synthesize anything"``, ``"how much budget is left on
            patients?"`` or ``"approve run 20261125-164501-3fa2c1"``.
        header: The source file's column names, when known (public metadata; no values are read).

    Returns:
        The validated plan.

    Raises:
        PlanningError: The request lacks what its intent needs, or is contradictory or unreadable; ``question``
            says what to clarify. Nothing is ever spent by planning.
    """
    if not sentence or not sentence.strip():
        raise PlanningError("The request is empty.", f"Describe what to synthesize, e.g. {EXAMPLE}.",
                            question=f"What should I synthesize? Name the input file and the privacy budget, "
                                     f"e.g. {EXAMPLE}.")
    state = Blankable(" ".join(sentence.split()))
    paths = read_paths(state)
    state = Blankable(words_to_digits(state.text))
    intent_text = state.text
    privacy = read_privacy(state)
    explicit = re.search(r"(?<!\w)intent\s*[=:]\s*(synthesi[sz]e|scrub|budget|review)", intent_text, _I)
    reading = read_intent(intent_text, paths.data, privacy.epsilon is not None, _names_pii(intent_text))
    if explicit and explicit.group(1).lower().startswith("synthes"):
        reading = IntentReading()
    elif explicit and reading.intent != explicit.group(1).lower():
        reading = IntentReading(intent=explicit.group(1).lower())
    if reading.intent == "review":
        return _review_plan(reading, sentence)
    if reading.intent == "budget":
        return Plan(intent="budget", dataset=reading.dataset, source=paths.data[0] if paths.data else None)
    scrub = reading.intent == "scrub"
    questions = _source_question(paths, reading.intent)
    rows = read_rows(state)
    pii = read_pii(state.text)
    if not scrub:
        questions += privacy.questions + rows.questions
    questions += pii.questions
    default = pii.default or (SCRUB_DEFAULT if scrub else "drop")
    if not scrub and default not in SYNTHESIS_PII_ACTIONS:
        questions.append(f"Synthetic data never carries real PII values, so '{default}' applies to scrubbing only: "
                         "should PII columns be dropped, replaced with fake values, or kept out?")
    if not scrub and _REBALANCE.search(state.text) and not _states_a_value(state.text):
        questions.append("Rebalancing needs the class to grow and its size, which privsynth does not read from the "
                         "data: which value of which column, and how many rows of it (e.g. '4000 rows of fraud=1')?")
    if header is None and len(paths.data) == 1:
        header = read_header(paths.data[0])
    fields = _fields(state, paths, header, questions, intent_text)
    _ask(questions, sentence, bool(paths.data))
    if scrub:
        return Plan(intent="scrub", source=paths.data[0], pii_action=default, pii=pii.per_type,
                    text_field=fields["text_field"], modality=fields["modality"], out=fields["out"],
                    dataset=fields["dataset"], seed=fields["seed"])
    return Plan(source=paths.data[0], rows=rows.rows, epsilon=privacy.epsilon, delta=privacy.delta,
                pii_action=default, pii=pii.per_type, **fields)
