"""Find the columns of a table that hold personal data (PII), column by column.

Each column gets one :class:`ColumnFinding`:

* Columns the schema declares ``pii`` are PII with confidence 1.0 (source ``schema``); columns it
  declares ``categorical`` or ``numeric`` are not PII and are not scanned.
* Numeric, boolean and datetime columns are never PII and are not scanned.
* Every other string column (undeclared, or declared ``text``/``id``) is scanned: up to
  ``sample_size`` non-empty values are sampled and run through the Presidio analyzer in batch.

A value *matches* an entity type when one detected entity covers most of it (``COVERAGE`` of its
characters). A column whose most frequent match reaches ``MIN_SHARE`` of the sampled values is PII
(source ``detected``); quasi-identifier types (``WEAK_ENTITIES``: dates, places, organizations...)
count only when the column name agrees. A column of long values (free text) with entities embedded
in enough of them is flagged as ``FREE_TEXT_WITH_PII``. A column whose name suggests PII (``email``,
``phone``, ``ssn``, ``dob``, ``address``, ``full_name``...) gets a confidence boost, and is flagged
on the name alone (source ``name_hint``) when the name is unambiguous or the values give it some
support.

Examples in findings show only the entity type and length (``"<PERSON, 8 characters>"``): never a character of a value.
PII scanning is a data-hygiene step; it gives no formal privacy guarantee.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerResult
from pydantic import BaseModel, Field

from privsynth.errors import ConfigError, InputDataError
from privsynth.logs import get_logger
from privsynth.tools.data.schema import ColumnSpec, TableSchema
from privsynth.tools.pii.engine import LANGUAGE, get_analyzer

log = get_logger(__name__)

FREE_TEXT = "FREE_TEXT_WITH_PII"
"""Entity type of a free-text column with PII embedded in its values."""

SCORE_THRESHOLD = 0.35  # analyzer results below this score are ignored
COVERAGE = 0.6  # an entity must cover this share of a value's characters for the value to "match"
MIN_SHARE = 0.5  # share of sampled values that must match one entity type for a detected PII column
HINT_MIN_SHARE = 0.2  # share needed when only an ambiguous name hint ("name") points at PII
HINT_BONUS = 0.2  # score bonus for the hinted entity type, and confidence boost when the hint agrees
FREE_TEXT_MIN_WORDS = 4  # median words per value from which a column counts as free text
FREE_TEXT_MIN_SHARE = 0.02  # share of free-text values with an embedded entity to flag the column
N_EXAMPLES = 3

# Entity types that alone do not make a column personal: dates, places, nationalities, employers and
# web sites are quasi-identifiers a synthesizer may model ("native_country" is all LOCATION), and the
# small spaCy model tags some categories with them ("Husband" is a LOCATION to it). A column of these
# is flagged only when its name agrees (``dob`` with DATE_TIME, ``address`` with LOCATION).
WEAK_ENTITIES = frozenset({"DATE_TIME", "LOCATION", "NRP", "ORGANIZATION", "URL", "AGE"})


class ColumnFinding(BaseModel):
    """What the scan concluded about one column.

    Attributes:
        column: The column name.
        entity_type: Presidio entity type (``PERSON``, ``EMAIL_ADDRESS``, ``PHONE_NUMBER``...),
            ``FREE_TEXT_WITH_PII`` for free text with embedded entities, or None when nothing was found.
        is_pii: Whether the column is treated as personal data.
        confidence: How strongly the evidence says the column holds PII (0 to 1).
        source: ``schema`` (declared), ``detected`` (found in the values) or ``name_hint`` (the column
            name suggests PII more than the values show).
        evidence: One short human-readable sentence behind the conclusion.
        examples: A few masked example values (never raw).
        entity_types: Entity types seen, most frequent first (for free text: those found inside values).
    """

    column: str
    entity_type: str | None = None
    is_pii: bool
    confidence: float = Field(ge=0.0, le=1.0)
    source: Literal["schema", "detected", "name_hint"]
    evidence: str
    examples: list[str] = Field(default_factory=list)
    entity_types: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class _Hint:
    entities: tuple[str, ...]  # the first one is the hinted type; the others also agree with it
    strong: bool  # strong hints flag a column on the name alone


# Whole tokens of the column name (split on punctuation and camelCase) ...
_TOKEN_HINTS: dict[str, _Hint] = {
    **dict.fromkeys(("email", "mail"), _Hint(("EMAIL_ADDRESS",), True)),
    **dict.fromkeys(("phone", "telephone", "tel", "mobile", "cell", "fax"), _Hint(("PHONE_NUMBER",), True)),
    "ssn": _Hint(("US_SSN",), True),
    **dict.fromkeys(("address", "addr", "street"), _Hint(("ADDRESS", "LOCATION"), True)),
    **dict.fromkeys(("dob", "birth", "birthdate", "birthday"), _Hint(("DATE_TIME",), True)),
    "name": _Hint(("PERSON",), False),
}
# ... or substrings of the name with separators removed ("FullName", "first_name", "e-mail").
_JOINED_HINTS: dict[str, _Hint] = {
    **dict.fromkeys(("fullname", "firstname", "lastname", "surname", "givenname", "familyname", "forename"),
                    _Hint(("PERSON",), True)),
    **dict.fromkeys(("emailaddress", "email"), _Hint(("EMAIL_ADDRESS",), True)),
    "phonenumber": _Hint(("PHONE_NUMBER",), True),
    "socialsecurity": _Hint(("US_SSN",), True),
    "dateofbirth": _Hint(("DATE_TIME",), True),
    "streetaddress": _Hint(("ADDRESS", "LOCATION"), True),
}


def _name_tokens(column: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", column)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def name_hint(column: str) -> str | None:
    """Return the entity type a column name suggests, if any.

    Args:
        column: The column name, e.g. ``"full_name"``, ``"EmailAddress"`` or ``"dob"``.

    Returns:
        An entity type such as ``PERSON`` or ``PHONE_NUMBER``, or None.
    """
    hint = _hint(column)
    return hint.entities[0] if hint else None


def _hint(column: str) -> _Hint | None:
    tokens = _name_tokens(column)
    joined = "".join(tokens)
    for key, hint in _JOINED_HINTS.items():
        if key in joined:
            return hint
    for token in tokens:
        if token in _TOKEN_HINTS:
            return _TOKEN_HINTS[token]
    return None


def mask_value(value: object, entity: str | None = None) -> str:
    """Describe a value for display without any of its characters: its entity type and its length.

    ``"John Doe"`` becomes ``"<PERSON, 8 characters>"``. Earlier versions kept each word's first letter,
    which with a short list of names is often enough to tell who it is; a reviewer only needs to see that
    the column holds values of that kind.

    Args:
        value: The raw value (converted with ``str``).
        entity: The entity type found, if any.

    Returns:
        The description.
    """
    length = len(str(value))
    what = f"{entity}, " if entity else ""
    return f"<{what}{length} character{'s' if length != 1 else ''}>"


def scan_table(df: pd.DataFrame, schema: TableSchema | None = None, sample_size: int = 200,
               seed: int = 0) -> list[ColumnFinding]:
    """Classify every column of a table as PII or not.

    Args:
        df: The table.
        schema: Optional public schema; its ``pii`` columns are PII without scanning and its
            ``categorical``/``numeric`` columns are not PII and not scanned.
        sample_size: At most this many non-empty values of each scanned column are analyzed.
        seed: Seed of the value sampling.

    Returns:
        One finding per column, in the table's column order. A table without columns gives an empty
        list; a table without rows gives findings from the schema and the column names only.

    Raises:
        InputDataError: ``df`` is not a DataFrame.
        ConfigError: ``sample_size`` is below 1.
    """
    if not isinstance(df, pd.DataFrame):
        raise InputDataError(f"scan_table needs a pandas DataFrame, got {type(df).__name__}.",
                             "Load the table with pandas first.")
    if sample_size < 1:
        raise ConfigError(f"sample_size must be at least 1 (got {sample_size}).", "Pass a positive sample_size.")
    if df.shape[1] == 0:
        log.warning("pii_scan_no_columns")
        return []
    specs = {c.name: c for c in schema.columns} if schema is not None else {}
    start = time.perf_counter()
    findings = [_scan_column(str(col), df[col], specs.get(str(col)), sample_size, seed) for col in df.columns]
    log.info("pii_scan_done", columns=len(findings), pii=[f.column for f in findings if f.is_pii],
             seconds=round(time.perf_counter() - start, 2))
    return findings


def _scan_column(column: str, series: pd.Series, spec: ColumnSpec | None, sample_size: int,
                 seed: int) -> ColumnFinding:
    if spec is not None and spec.kind == "pii":
        return _declared_pii(column, series, spec, sample_size, seed)
    if spec is not None and spec.kind in ("categorical", "numeric"):
        return ColumnFinding(column=column, is_pii=False, confidence=0.0, source="schema",
                             evidence=f"declared {spec.kind} in the schema; not scanned")
    if (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
            or pd.api.types.is_datetime64_any_dtype(series)):
        return ColumnFinding(column=column, is_pii=False, confidence=0.0, source="detected",
                             evidence=f"{series.dtype} column; non-string columns are not scanned")
    values = _sample(series, sample_size, seed)
    if not values:
        return _hint_only(column, evidence="no non-empty values to scan")
    return _classify(column, values, _analyze(values, column))


def _sample(series: pd.Series, sample_size: int, seed: int) -> list[str]:
    values = series.dropna().astype(str).str.strip()
    values = values[values != ""]
    if len(values) > sample_size:
        values = values.sample(sample_size, random_state=seed)
    return values.tolist()


def _analyze(values: list[str], column: str, analyzer: AnalyzerEngine | None = None) -> dict[str, list]:
    """Analyze each distinct value once; the column name's words are passed as context."""
    distinct = list(dict.fromkeys(values))
    batch = BatchAnalyzerEngine(analyzer or get_analyzer())
    results = batch.analyze_iterator(distinct, language=LANGUAGE, batch_size=64, score_threshold=SCORE_THRESHOLD,
                                     context=_name_tokens(column))
    return dict(zip(distinct, (list(r) for r in results), strict=True))


def _best_cover(value: str, results: list[RecognizerResult], hint: _Hint | None) -> RecognizerResult | None:
    """The highest-scoring entity covering most of the value (the hinted type gets a bonus)."""
    covering = [r for r in results if (r.end - r.start) >= COVERAGE * len(value)]
    if not covering:
        return None
    bonus = set(hint.entities) if hint else set()
    return max(covering, key=lambda r: (r.score + (HINT_BONUS if r.entity_type in bonus else 0.0), r.end - r.start))


def _classify(column: str, values: list[str], analyzed: dict[str, list]) -> ColumnFinding:
    hint = _hint(column)
    n = len(values)
    matches: Counter[str] = Counter()
    matched_values: dict[str, list[str]] = defaultdict(list)
    for value in values:
        best = _best_cover(value, analyzed[value], hint)
        if best is not None:
            matches[best.entity_type] += 1
            matched_values[best.entity_type].append(value)
    ranked = [e for e, _ in matches.most_common()]
    eligible = [e for e in ranked if e not in WEAK_ENTITIES or (hint is not None and e in hint.entities)]
    top = eligible[0] if eligible else None
    share = matches[top] / n if top else 0.0
    if top is not None and share >= MIN_SHARE:
        agrees = hint is not None and top in hint.entities
        confidence = min(1.0, share + (HINT_BONUS if agrees else 0.0))
        evidence = f"{share:.0%} of {n} sampled values matched {top}" + ("; column name agrees" if agrees else "")
        return ColumnFinding(column=column, entity_type=top, is_pii=True, confidence=round(confidence, 3),
                             source="detected", evidence=evidence, examples=_examples(matched_values[top], top),
                             entity_types=ranked)
    free_text = _classify_free_text(column, values, analyzed, ranked) if _is_free_text(values) else None
    if free_text is not None and free_text.is_pii:
        return free_text
    if hint is not None:
        hinted_share = sum(matches[e] for e in hint.entities) / n
        if hint.strong or hinted_share >= HINT_MIN_SHARE:
            hinted_values = [v for e in hint.entities for v in matched_values[e]] or values
            return ColumnFinding(
                column=column, entity_type=hint.entities[0], is_pii=True,
                confidence=round(min(1.0, 0.4 + hinted_share), 3), source="name_hint",
                evidence=f"column name suggests {hint.entities[0]}; {hinted_share:.0%} of {n} sampled values matched",
                examples=_examples(hinted_values, hint.entities[0]), entity_types=ranked)
    if free_text is not None:
        return free_text  # free text without PII
    best = ""
    if ranked:
        best_share = matches[ranked[0]] / n
        weak = " (not flagged on its own)" if ranked[0] in WEAK_ENTITIES else ""
        best = f"; best was {ranked[0]} in {best_share:.0%}{weak}"
    return ColumnFinding(column=column, entity_type=None, is_pii=False, confidence=round(share, 3),
                         source="detected", evidence=f"no PII entity covered most of {n} sampled values{best}",
                         entity_types=ranked)


def _is_free_text(values: list[str]) -> bool:
    words = sorted(len(v.split()) for v in values)
    return words[len(words) // 2] >= FREE_TEXT_MIN_WORDS


def _classify_free_text(column: str, values: list[str], analyzed: dict[str, list],
                        fallback_types: list[str]) -> ColumnFinding:
    n = len(values)
    found: Counter[str] = Counter()
    with_pii: list[str] = []
    for value in values:
        types = {r.entity_type for r in analyzed[value]}
        found.update(types)
        if types - WEAK_ENTITIES:
            with_pii.append(value)
    share = len(with_pii) / n
    ranked = [e for e, _ in found.most_common()] or fallback_types
    strong = [e for e in ranked if e not in WEAK_ENTITIES]
    if with_pii and share >= FREE_TEXT_MIN_SHARE:
        return ColumnFinding(
            column=column, entity_type=FREE_TEXT, is_pii=True, confidence=round(min(1.0, 0.5 + share), 3),
            source="detected", evidence=f"free text; {share:.0%} of {n} sampled values mention {', '.join(strong)}",
            examples=_examples(with_pii, FREE_TEXT), entity_types=ranked)
    return ColumnFinding(column=column, entity_type=None, is_pii=False, confidence=round(share, 3), source="detected",
                         evidence=f"free text; {share:.0%} of {n} sampled values mention a personal entity",
                         entity_types=ranked)


def _declared_pii(column: str, series: pd.Series, spec: ColumnSpec, sample_size: int, seed: int) -> ColumnFinding:
    values = _sample(series, sample_size, seed)
    entity = spec.pii_entity
    if entity is None and values and not pd.api.types.is_numeric_dtype(series):
        inferred = _classify(column, values, _analyze(values, column))  # only to name the entity type
        entity = inferred.entity_type if inferred.is_pii else None
    entity = entity or name_hint(column) or "PII"
    return ColumnFinding(column=column, entity_type=entity, is_pii=True, confidence=1.0, source="schema",
                         evidence=f"declared kind 'pii' ({entity}) in the schema", examples=_examples(values, entity),
                         entity_types=[entity])


def _hint_only(column: str, evidence: str) -> ColumnFinding:
    hint = _hint(column)
    if hint is None:
        return ColumnFinding(column=column, is_pii=False, confidence=0.0, source="detected", evidence=evidence)
    return ColumnFinding(column=column, entity_type=hint.entities[0], is_pii=hint.strong,
                         confidence=0.4 if hint.strong else 0.2, source="name_hint",
                         evidence=f"{evidence}; column name suggests {hint.entities[0]}")


def _examples(values: list[str], entity: str | None) -> list[str]:
    masked = dict.fromkeys(mask_value(v, entity) for v in dict.fromkeys(values))
    return list(masked)[:N_EXAMPLES]
