"""What a request says about personal data, per entity type: "mask SSNs", "keep the names", "hash the employee ids".

A request names PII in clauses: an action (``mask``, ``hash``, ``replace ... with realistic fakes``, ``keep``,
``drop``, ``redact``, ``tag``, passive forms such as ``SSNs should be masked``, negations such as ``don't drop
the names``) and a list of what it applies to (``emails and phone numbers``, ``the email and phone columns``).
Each item of the list is an entity type (Presidio's names: ``US_SSN``, ``EMAIL_ADDRESS``, ...), an identifier
column (``employee ids`` -> ``EMPLOYEE_ID``), or PII in general (``PII``, ``personal data``, ``the rest``,
``everything else``), which sets the default action for every type the request does not name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_I = re.IGNORECASE

ENTITY_WORDS: tuple[tuple[str, str], ...] = (
    (r"social\s+security(?:\s+(?:numbers?|nos?))?|ssns?", "US_SSN"),
    (r"e-?mail(?:s|\s+addresse?s?)?", "EMAIL_ADDRESS"),
    (r"(?:tele)?phones?(?:\s+numbers?)?|mobile(?:\s+numbers?)?|cell(?:\s+phones?)?(?:\s+numbers?)?|"
     r"phone\s+nos?", "PHONE_NUMBER"),
    (r"credit[- ]?cards?(?:\s+numbers?)?|card\s+numbers?", "CREDIT_CARD"),
    (r"ibans?(?:\s+codes?)?", "IBAN_CODE"),
    (r"mac\s+addresse?s?", "MAC_ADDRESS"),
    (r"ip(?:\s+addresse?s?)?|ips", "IP_ADDRESS"),
    (r"(?:street\s+|postal\s+|home\s+|mailing\s+)?addresse?s?", "ADDRESS"),
    (r"dates?\s+of\s+birth|birth\s*dates?|birthdays?|dobs?|dates?", "DATE_TIME"),
    (r"passports?(?:\s+numbers?)?", "US_PASSPORT"),
    (r"driver'?s'?\s+licen[cs]es?(?:\s+numbers?)?|driving\s+licen[cs]es?", "US_DRIVER_LICENSE"),
    (r"bank\s+(?:account\s+)?(?:numbers?|accounts?)", "US_BANK_NUMBER"),
    (r"nhs\s+numbers?", "UK_NHS"),
    (r"medical\s+licen[cs]es?", "MEDICAL_LICENSE"),
    (r"itins?", "US_ITIN"),
    (r"uuids?|guids?", "UUID"),
    (r"crypto(?:\s+wallets?|\s+addresse?s?)?|bitcoin\s+addresse?s?", "CRYPTO"),
    (r"urls?|web\s*sites?|links", "URL"),
    (r"(?:full\s+|first\s+|last\s+|given\s+|family\s+|sur)?names?|persons?|people'?s\s+names", "PERSON"),
    (r"locations?|cities|city|places", "LOCATION"),
    (r"organi[sz]ations?|companies|company|employers?", "ORGANIZATION"),
    (r"ages?", "AGE"),
)
GENERIC = (r"pii|personal(?:ly\s+identifiable)?(?:\s+(?:data|info(?:rmation)?|details|identifiers|fields))?|"
           r"identifiers|(?:the\s+)?rest|others|identifying\s+(?:info(?:rmation)?|data|details|fields|columns)|sensitive\s+(?:fields|columns|"
           r"data|info(?:rmation)?)|direct\s+identifiers|everything\s+else|anything\s+else|the\s+rest|all\s+else|"
           r"(?:all\s+)?(?:the\s+)?(?:other|remaining)(?:\s+(?:pii|types|entities|entity\s+types|identifiers|"
           r"personal\s+data|fields|columns))?|everything|all\s+of\s+it")
_ID = r"(?P<idword>[a-z][a-z0-9]*)[\s_-]*(?:ids|id|identifiers|numbers|nos|codes)"
_FILLER = (r"(?:the|all|any|every|their|its|his|her|of|columns?|fields?|values?|data|info|numbers?|entries|"
           r"cells?|in|them|those|these|as\s+well|too|also|both|each|alone|intact|as\s+is|as\s+they\s+are|unchanged|"
           r"untouched|in\s+place|only|please|otherwise|else|elsewhere|for\s+the\s+rest|as\s+well)")
GENERIC_KEY = "*"
_OWNER = (r"customers?'?|clients?'?|patients?'?|employees?'?|users?'?|members?'?|contacts?'?|staff|students?'?|"
          r"applicants?'?|persons?'?|people'?s|owners?'?|callers?'?|senders?'?|recipients?'?|their|his|her|home|work|"
          r"personal|primary|secondary|business|private")

_VERBS: tuple[tuple[str, str], ...] = (
    (r"(?:don'?t|do\s+not|never|no\s+need\s+to)\s+(?:drop|remove|delete|strip|scrub|redact|mask|hash|touch|change|"
     r"alter|fake|replace|anonymi[sz]e)", "keep"),
    (r"keep|leave|retain|preserve|(?:don'?t|do\s+not)\s+touch", "keep"),
    (r"drop|remove|delete|strip(?:\s+out)?|exclude|omit|discard|eliminate|get\s+rid\s+of|leave\s+out|take\s+out|"
     r"throw\s+away", "drop"),
    (r"redact|black\s+out|blank\s+out|erase", "redact"),
    (r"mask|obscure|star\s+out|obfuscate|hide|conceal", "mask"),
    (r"hash|hmac|tokeni[sz]e", "hash"),
    (r"tag|label", "tag"),
    (r"replace|substitute|swap(?:\s+out)?|fake|pseudonymi[sz]e|synthesi[sz]e\s+fake|surrogate", "fake"),
)
_PASSIVE = {"kept": "keep", "left": "keep", "retained": "keep", "preserved": "keep", "untouched": "keep",
            "dropped": "drop", "removed": "drop", "deleted": "drop", "excluded": "drop", "omitted": "drop",
            "stripped": "drop", "redacted": "redact", "masked": "mask", "hashed": "hash", "tokenized": "hash",
            "tokenised": "hash", "tagged": "tag", "faked": "fake", "replaced": "fake", "pseudonymized": "fake",
            "pseudonymised": "fake", "swapped": "fake"}
_WITH = ((r"tags?|placeholders?|<\w+>|entity\s+(?:tags|names|labels)|labels?", "tag"),
         (r"asterisks?|stars?|\*+|x'?s|masks?", "mask"),
         (r"hash(?:es)?|hmacs?|tokens?|keyed\s+hash(?:es)?", "hash"),
         (r"blanks?|nothing|empty(?:\s+strings?)?|\[?redacted\]?", "redact"))
_CLAUSE_END = r"[;.!?]|\bbut\b|\bwhile\b|\bwhereas\b|\bthen\b"


@dataclass
class PIIWords:
    """The request's PII actions: a default (or None when unstated) and actions per entity type."""

    default: str | None = None
    per_type: dict[str, str] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)


def _entity_at(text: str) -> tuple[str, str] | None:
    """The entity type whose words start ``text``, and the rest of it."""
    for pattern, entity in ENTITY_WORDS:
        match = re.match(rf"(?:{pattern})(?![\w-])", text, _I)
        if match:
            return entity, text[match.end():]
    return None


def _item_entities(item: str) -> list[str] | None:
    """Entity keys named by one list item ("the email", "phone columns", "employee ids"), or None if not PII."""
    rest, keys = item.strip().lower(), []
    rest = re.sub(rf"^(?:{_FILLER}\s+)+", "", rest)
    if not rest:
        return None
    if re.fullmatch(rf"(?:{GENERIC})(?:\s+{_FILLER})*", rest, _I):
        return [GENERIC_KEY]
    while rest:
        found = _entity_at(rest) or _entity_at(re.sub(rf"^(?:{_OWNER})\s+(?=[a-z])", "", rest))
        if found:
            keys.append(found[0])
            rest = found[1]
        else:
            match = re.match(_ID, rest, _I)
            if not match or match.group("idword") in ("the", "all", "any", "phone"):
                return None
            keys.append(f"{match.group('idword').upper()}_ID")
            rest = rest[match.end():]
        rest = re.sub(rf"^(?:\s+{_FILLER})*\s*", "", rest)
    return keys


_STOP = re.compile(r"\s+(?:with|into|by|to|from|in|before|using|for|as)\b|" + _CLAUSE_END, _I)
_SEP = re.compile(r"(?:\s*(?:,|&|/|\band\s+also\b|\band\b|\bor\b|\bplus\b|\bas\s+well\s+as\b)\s*)+", _I)


def _objects(text: str) -> tuple[list[str], int]:
    """The entity list at the start of ``text`` ("emails and phone numbers with fakes"): keys, end offset."""
    stop = _STOP.search(text)
    region = text[:stop.start()] if stop else text
    keys, cursor, end = [], 0, 0
    for sep in [*_SEP.finditer(region), None]:
        item = region[cursor:sep.start() if sep else len(region)]
        found = _item_entities(item) if item.strip() else None
        if found is None:
            break
        keys += found
        end = cursor + len(item)
        if sep is None:
            break
        cursor = sep.end()
    return keys, end


def _with_action(tail: str) -> str | None:
    match = re.match(r"\s*(?:with|by|into|for)\s+(?:(?:realistic|random|fresh|consistent|plausible|some|a|an|the|"
                     r"their|fake|dummy)\s+)*(?P<what>[^\s,;.]+(?:\s+[^\s,;.]+)?)", tail, _I)
    if not match:
        return None
    what = match.group("what").lower()
    for pattern, action in _WITH:
        if re.match(rf"(?:{pattern})(?!\w)", what, _I):
            return action
    return "fake" if re.match(r"(?:fakes?|surrogates?|fake\s+\w+|made-up|dummy|synthetic|realistic|random|"
                              r"plausible|placeholder\s+values|generated|invented|faker|ones)", what) else None


def _assign(words: PIIWords, keys: list[str], action: str) -> None:
    for key in keys:
        if key == GENERIC_KEY:
            if words.default not in (None, action):
                words.questions.append(f"The request asks for more than one default PII action ({words.default}, "
                                       f"{action}). Should PII be dropped, replaced with fake values, or kept?")
            words.default = action
        elif words.per_type.get(key, action) != action:
            words.questions.append(f"The request asks for two actions on {key} ({words.per_type[key]}, {action}); "
                                   "which one?")
        else:
            words.per_type[key] = action


def read_pii(text: str) -> PIIWords:
    """Read the PII actions of a request.

    Args:
        text: The request (paths and numbers may already be blanked).

    Returns:
        The default action (None when the request states none), the actions per entity type, and questions for
        contradictions.
    """
    words = PIIWords()
    if re.search(r"without\s+(?:any\s+)?(?:pii\s+)?scrubbing|(?<!\w)pii\s*[=:]\s*keep", text, _I):
        _assign(words, [GENERIC_KEY], "keep")
    explicit = re.search(r"(?<!\w)pii(?:_action)?\s*[=:]\s*(drop|fake|keep|mask|hash|tag|redact)", text, _I)
    if explicit:
        _assign(words, [GENERIC_KEY], explicit.group(1).lower())
    verbs = "|".join(f"(?P<v{i}>{pattern})" for i, (pattern, _) in enumerate(_VERBS))
    for match in re.finditer(rf"(?<![\w-])(?:{verbs})(?![\w-])(?:\s+(?:all|any|out))?", text, _I):
        action = next(_VERBS[i][1] for i in range(len(_VERBS)) if match.group(f"v{i}"))
        keys, end = _objects(text[match.end():])
        if not keys:
            continue
        tail = text[match.end() + end:]
        if action == "fake" or re.match(r"\s*(?:with|by)\b", tail, _I):
            action = _with_action(tail) or action
        _assign(words, keys, action)
    passive = "|".join(_PASSIVE)
    for match in re.finditer(rf"(?P<obj>[\w\s'-]+?)\s+(?:should|must|will|can|to|are|is|get|gets|need\s+to|"
                             rf"have\s+to)?\s*(?:be\s+|being\s+|been\s+|stay\s+|remain\s+)?(?P<verb>{passive})(?!\w)",
                             text, _I):
        obj = re.split(r"\s+(?:and|but|then)\s+(?=\w+\s*$)|,", match.group("obj"))[-1]
        tail_words = obj.strip().split()
        for start in range(len(tail_words)):
            keys = _item_entities(" ".join(tail_words[start:]))
            if keys and " ".join(tail_words[start:]).strip():
                more, _ = _objects(" ".join(tail_words[start:]))
                _assign(words, more or keys, _PASSIVE[match.group("verb").lower()])
                break
    return words
