"""What kind of request a sentence is: synthesize, scrub only, a budget question, or a review answer.

* **review**: a decision verb (approve, accept, sign off, reject, decline, ...) about a run: a run id
  (``20261125-164501-3fa2c1``, ``run abc123``) or ``the last/latest/most recent/pending run``.
* **budget**: a question about the ledger ("how much budget is left on patients?", "remaining epsilon for
  clinic", "show the privacy budget history") that asks for no generation.
* **scrub**: a scrubbing verb (scrub, redact, anonymize, de-identify, mask/strip PII, ...) where generation is
  negated ("but don't synthesize anything", "without generating", "only scrub") or where nothing asks for
  synthesis at all (no synthesis word and no epsilon).
* **synthesize**: everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from privsynth.agents.planner.columns import NAME, name_of

_I = re.IGNORECASE
RUN_ID = r"\d{8}-\d{6}-[0-9a-f]{6}"
_APPROVE = (r"approve[sd]?|accept|okay|ok|green[- ]?light|sign\s+off\s+on|sign\s+off|go\s+ahead\s+with|confirm|"
            r"release|allow|lgtm|yes\s+to")
_REJECT = (r"reject|decline|deny|refuse|cancel|discard|abort|veto|turn\s+down|throw\s+out|don'?t\s+(?:approve|"
           r"release)|do\s+not\s+(?:approve|release)|no\s+to|stop")
_LAST = (r"(?:the\s+|my\s+|that\s+)?(?:last|latest|most\s+recent|previous|pending|waiting|current)\s+"
         r"(?:run|one|job|request|checkpoint|release|generation|review)")
_RUN_REF = (rf"(?P<id>{RUN_ID})|(?:the\s+)?run\s+(?:id\s+)?(?:#\s*)?(?P<named>[A-Za-z0-9][\w-]*\d[\w-]*)|"
            rf"(?P<last>{_LAST})")
_SYNTH = (r"(?<!\w)(?:synthesi[sz]\w*|synthetic|generat\w*|sample|simulate|fake\s+(?:rows|data|records)|rows?\s+like|"
          r"(?:make|create|produce|build|give\s+me|i\s+need|i\s+want)\s+(?:me\s+)?(?:\S+\s+){0,3}?"
          r"(?:rows|records|data|dataset|copy|version|texts|samples|tickets|notes|messages|reviews|people|patients|"
          r"customers)|dp\s+(?:copy|version)|digital\s+twin)")
_NO_SYNTH = (r"(?<!\w)(?:don'?t|do\s+not|without|no|never|not|nothing|skip|but\s+not)\s+(?:\w+\s+){0,2}?"
             r"(?:synthesi[sz]\w*|generat\w*|synthetic|creat\w*|mak\w*|produc\w*|new\s+(?:rows|data))|(?:only|just|merely|solely)\s+"
             r"(?:scrub|redact|anonymi[sz]|de-?identif|clean|sanitiz|sanitis|mask|remove|strip|want\s+(?:the\s+)?pii)|"
             r"(?:scrub|redact|anonymi[sz]\w*|clean\w*|de-?identif\w*)\s+(?:it\s+)?only|"
             r"(?:scrubbing|redaction|anonymi[sz]ation|de-?identification)\s+only|no\s+(?:generation|synthesis)")
_SCRUB = (r"(?<!\w)(?:scrub\w*|redact\w*|anonymi[sz]\w*|de-?identif\w*|sanitiz\w*|sanitis\w*|pseudonymi[sz]\w*|"
          r"(?:clean|mask|strip|remove|hide|blank|drop|hash)\s+(?:out\s+|up\s+)?(?:the\s+|all\s+|any\s+)?(?:pii|personal|"
          r"identif\w+|sensitive)|pii\s+(?:removal|scrub\w*|cleaning|redaction)|pii[- ]free|free\s+of\s+pii|"
          r"without\s+(?:the\s+|any\s+)?pii|(?:clean|redacted|anonymi[sz]ed|scrubbed|saniti[sz]ed|de-?identified)\s+"
          r"(?:copy|version|file))")
_BUDGET = (r"(?<!\w)(?:how\s+much\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?(?:privacy\s+|dp\s+)?"
           r"(?:budget|epsilon|privacy|cap)|"
           r"what(?:'s|\s+has|\s+have|\s+is)?\s+(?:been\s+|already\s+)*(?:spent|used|left)|"
           r"(?:left|remaining)\s+(?:of|in|on)\s+(?:the\s+|my\s+|our\s+)?(?:privacy\s+)?(?:budget|epsilon)|(?:budget|epsilon)\s+(?:is\s+|do\s+"
           r"(?:i|we)\s+have\s+|have\s+(?:i|we)\s+|has\s+been\s+|was\s+|remains\s+)?(?:left|remaining|remain|spent|used|"
           r"available|consumed)|(?:remaining|available|left(?:over)?|spent|used)\s+(?:privacy\s+)?(?:budget|epsilon)|"
           r"(?:show|list|print|display|what'?s|what\s+is|what\s+are|check|tell\s+me|give\s+me|see|view|report)\s+"
           r"(?:me\s+)?"
           r"(?:the\s+|my\s+|our\s+)?(?:current\s+)?(?:privacy\s+|dp\s+)?(?:budgets?|ledger|spend(?:ing)?|history|"
           r"epsilon\s+(?:spent|used|history|left|remaining))|(?:budget|spending|ledger|privacy|epsilon)\s+(?:history|status|"
           r"report|summary|balance)|how\s+much\s+(?:have\s+(?:i|we)|has\s+been|did\s+(?:i|we))\s+spent|"
           r"what\s+(?:have\s+(?:i|we)|has\s+been)\s+spent|how\s+much\s+is\s+left|ledger|"
           r"\b(?:has|have|had)\s+(?:been\s+|already\s+)?(?:spent|used)\b|"
           r"budgets?\s+(?:for|of|on)\s+(?:the\s+)?[A-Za-z_])")
_EVERY = r"(?<!\w)(?:all|every|each)\s+(?:the\s+)?datasets?|(?<!\w)(?:all|everything|every\s+dataset)(?!\w)"
_BUDGET_DATASET = (rf"(?<!\w)(?:on|for|of|in|from|about)\s+(?:the\s+|my\s+|our\s+)?"
                   rf"(?:dataset\s+(?:named\s+|called\s+)?)?{NAME}")
_DATASET_BEFORE = rf"{NAME}\s+(?:dataset|data\s+set|ledger)(?!\w)"
_DATASET_SUBJECT = (rf"(?<!\w)(?:has|have|did)\s+(?:the\s+)?{NAME}\s+(?:dataset\s+)?(?:already\s+)?"
                    r"(?:used|spent|left|got)")
_BUDGET_STOP = {"budget", "privacy", "epsilon", "left", "remaining", "spent", "history", "dataset", "datasets",
                "ledger", "me", "now", "far", "so", "today", "date", "us", "file", "my", "everything", "all", "i", "we",
                "you", "they", "it", "he", "she", "each", "every", "been", "already"}


@dataclass
class IntentReading:
    """The intent and the fields that only non-synthesize intents have."""

    intent: str = "synthesize"
    run_id: str | None = None
    decision: str | None = None
    dataset: str | None = None
    questions: list[str] = field(default_factory=list)


_PRONOUN_REF = re.compile(rf"(?<![\w'-])(?:{_APPROVE}|{_REJECT})\s+(?:it|that|this|them|the\s+run|the\s+release)"
                          r"(?![\w-])\s*[.!]?\s*$|^\s*(?:please\s+)?(?:approve|reject|decline)\s*[.!]?\s*$", _I)
"""``approve it``, ``ok go ahead and reject that``, a bare ``approve``: a decision on the last run (no file named)."""


def _review(text: str, data: list[str] | None = None) -> IntentReading | None:
    approve = re.search(rf"(?<![\w'-])(?:{_APPROVE})(?![\w-])", text, _I)
    reject = re.search(rf"(?<![\w'-])(?:{_REJECT})(?![\w-])", text, _I)
    ref = re.search(_RUN_REF, text, _I)
    on_last = ref is None and not data and _PRONOUN_REF.search(text) is not None
    if not (approve or reject) or (ref is None and not on_last):
        return None
    reading = IntentReading(intent="review")
    if reject and approve and not re.search(r"(?:don'?t|do\s+not)\s+(?:approve|release)", reject.group(), _I):
        reading.questions.append("The request both approves and rejects; should I approve or reject the run?")
    else:
        reading.decision = "reject" if reject else "approve"
    reading.run_id = (ref and (ref.group("id") or ref.group("named"))) or "last"
    return reading


def _budget_dataset(text: str, data: list[str]) -> str | None:
    if data:
        return re.sub(r"\.[^./\\]+$", "", re.split(r"[/\\]", data[0])[-1])
    if re.search(_EVERY, text, _I):
        return None
    for pattern in (_DATASET_BEFORE, _DATASET_SUBJECT, _BUDGET_DATASET):
        for match in re.finditer(pattern, text, _I):
            value = name_of(match)
            if value and value.lower() not in _BUDGET_STOP:
                return value.rstrip("?")
    return None


def read_intent(text: str, data: list[str], epsilon_mentioned: bool, pii_named: bool = False) -> IntentReading:
    """Decide the request's intent (number words already digits, paths blanked).

    Args:
        text: The request, with its file paths blanked.
        data: The data files it names.
        epsilon_mentioned: Whether the request states an epsilon value.
        pii_named: Whether the request names a PII action ("mask the SSNs"): with generation negated, or with
            nothing asking for synthesis, that is a scrub.

    Returns:
        The intent, and for review / budget requests their fields or questions.
    """
    review = _review(text, data)
    if review is not None:
        return review
    synth = re.search(_SYNTH, text, _I) and not re.search(_NO_SYNTH, text, _I)
    if re.search(_BUDGET, text, _I) and not (synth and epsilon_mentioned):
        return IntentReading(intent="budget", dataset=_budget_dataset(text, data))
    if (re.search(_SCRUB, text, _I) or pii_named) and (re.search(_NO_SYNTH, text, _I)
                                                      or not (synth or epsilon_mentioned)):
        return IntentReading(intent="scrub")
    return IntentReading()
