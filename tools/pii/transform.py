"""Act on PII findings: drop the columns, replace values with fake surrogates, or keep them.

``fake`` replaces each distinct value of a PII column with a realistic Faker surrogate of the same
entity type. Surrogates are consistent within one call (the same raw value always gets the same
surrogate, across columns of the same entity type too), distinct for distinct values, never equal to
a raw value of the column, and deterministic for a given table and seed. They are drawn in order of
first appearance from a seeded generator, never computed from the raw value, so knowing the seed does
not let anyone recompute a surrogate from a guessed name.

Free-text columns (``FREE_TEXT_WITH_PII``) are handled per cell: with ``fake`` every detected entity
span, dates and places included, is replaced by its tag (``"Call <PERSON> at <EMAIL_ADDRESS>"``) with
presidio-anonymizer; with ``drop`` the whole column goes, like any other PII column.

This is PII scrubbing, a data-hygiene step: it is not differential privacy, and the remaining
columns can still identify people in combination.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Callable
from typing import Literal

import pandas as pd
from faker import Faker
from presidio_analyzer import BatchAnalyzerEngine
from presidio_anonymizer import AnonymizerEngine
from pydantic import BaseModel

from privsynth.errors import ConfigError
from privsynth.logs import get_logger
from privsynth.tools.pii.engine import LANGUAGE, get_analyzer
from privsynth.tools.pii.table_scan import FREE_TEXT, SCORE_THRESHOLD, ColumnFinding

log = get_logger(__name__)

Action = Literal["drop", "fake", "keep"]
_ACTIONS = ("drop", "fake", "keep")
_MAX_TRIES = 50


class PIIAction(BaseModel):
    """What :func:`scrub_table` did to one PII column.

    Attributes:
        column: The column name.
        entity_type: The finding's entity type.
        action: ``drop`` (column removed), ``fake`` (values replaced by surrogates), ``redact`` (entity
            spans inside free text replaced by tags) or ``keep`` (left as is).
        count: Non-empty cells the action applied to: removed, replaced or left as is (for ``redact``:
            cells in which at least one span was replaced).
    """

    column: str
    entity_type: str | None
    action: Literal["drop", "fake", "redact", "keep"]
    count: int


def _address(fake: Faker) -> str:
    return f"{fake.street_address()}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}"


_GENERATORS: dict[str, Callable[[Faker], str]] = {
    "PERSON": lambda f: f.name(),
    "EMAIL_ADDRESS": lambda f: f.safe_email(),
    "PHONE_NUMBER": lambda f: f.phone_number(),
    "LOCATION": lambda f: f.city(),
    "ADDRESS": _address,
    "DATE_TIME": lambda f: f.date(),
    "US_SSN": lambda f: f.ssn(),
    "CREDIT_CARD": lambda f: f.credit_card_number(),
    "IP_ADDRESS": lambda f: f.ipv4(),
    "URL": lambda f: f.url(),
    "IBAN_CODE": lambda f: f.iban(),
    "ORGANIZATION": lambda f: f.company(),
    "US_DRIVER_LICENSE": lambda f: f.bothify("?#######").upper(),
    "US_PASSPORT": lambda f: f.bothify("#########"),
    "US_BANK_NUMBER": lambda f: f.bothify("############"),
}
_ALIASES = {"EMAIL": "EMAIL_ADDRESS", "PHONE": "PHONE_NUMBER", "NAME": "PERSON", "STREET_ADDRESS": "ADDRESS"}


def _generator(entity_type: str) -> Callable[[Faker], str]:
    """The Faker generator of an entity type; unknown types get opaque tokens such as ``PII-3fa2c1d9``."""
    entity = _ALIASES.get(entity_type.upper(), entity_type.upper())
    if entity in _GENERATORS:
        return _GENERATORS[entity]
    prefix = (entity.split("_")[-1] or "PII")[:8]
    return lambda f: f"{prefix}-{f.hexify('^^^^^^^^')}"


def _faker(entity_type: str, seed: int) -> Faker:
    fake = Faker("en_US")
    fake.seed_instance(zlib.crc32(f"{seed}:{entity_type.upper()}".encode()))
    return fake


def fake_values(entity_type: str, n: int, seed: int) -> list[str]:
    """Draw fresh fake values of an entity type, derived from no data (to fill PII columns of synthetic output).

    Args:
        entity_type: A Presidio entity type such as ``PERSON``, ``EMAIL_ADDRESS`` or ``PHONE_NUMBER``;
            unknown types give opaque tokens such as ``PII-3fa2c1d9``.
        n: How many values.
        seed: Seed; the same arguments give the same values.

    Returns:
        ``n`` fake values (not necessarily distinct).

    Raises:
        ConfigError: ``n`` is negative.
    """
    if n < 0:
        raise ConfigError(f"fake_values needs n >= 0 (got {n}).", "Pass a non-negative count.")
    fake, generate = _faker(entity_type, seed), _generator(entity_type)
    return [generate(fake) for _ in range(n)]


class _Surrogates:
    """Consistent surrogates within one scrub: one map per entity type, seeded, in order of appearance."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._fakers: dict[str, Faker] = {}
        self._maps: dict[str, dict[str, str]] = defaultdict(dict)
        self._taken: dict[str, set[str]] = defaultdict(set)

    def get(self, entity_type: str, raw: str, avoid: set[str]) -> str:
        mapping = self._maps[entity_type]
        if raw in mapping:
            return mapping[raw]
        if entity_type not in self._fakers:
            self._fakers[entity_type] = _faker(entity_type, self.seed)
        fake = self._fakers[entity_type]
        generate, taken = _generator(entity_type), self._taken[entity_type]
        value = generate(fake)
        for _ in range(_MAX_TRIES):
            if value not in avoid and value not in taken:
                break
            value = generate(fake)
        else:  # small value spaces: make it unique rather than loop forever
            value = f"{value} #{len(mapping) + 1}"
        mapping[raw] = value
        taken.add(value)
        return value


def _fake_column(series: pd.Series, entity_type: str, surrogates: _Surrogates) -> tuple[pd.Series, int]:
    present = series.notna()
    raw = series[present].astype(str)
    avoid = set(raw.unique())
    lookup = {value: surrogates.get(entity_type, value, avoid) for value in raw.unique()}
    out = series.astype(object).copy()
    out[present] = raw.map(lookup)
    return out, int(present.sum())


def _redact_column(series: pd.Series) -> tuple[pd.Series, int]:
    """Replace every entity span found in each free-text cell by its tag, e.g. ``<PERSON>``."""
    present = series.notna()
    raw = series[present].astype(str)
    distinct = list(raw.unique())
    analyzed = BatchAnalyzerEngine(get_analyzer()).analyze_iterator(
        distinct, language=LANGUAGE, batch_size=64, score_threshold=SCORE_THRESHOLD)
    anonymizer = AnonymizerEngine()
    lookup = {}
    for text, results in zip(distinct, analyzed, strict=True):
        lookup[text] = anonymizer.anonymize(text=text, analyzer_results=list(results)).text if results else text
    out = series.astype(object).copy()
    out[present] = raw.map(lookup)
    return out, int((out[present] != raw).sum())


def scrub_table(df: pd.DataFrame, findings: list[ColumnFinding], action: Action,
                seed: int = 0) -> tuple[pd.DataFrame, list[PIIAction]]:
    """Apply one action to every PII column of a table.

    Args:
        df: The table (not modified).
        findings: Findings from :func:`~privsynth.tools.pii.table_scan.scan_table`; only those with
            ``is_pii`` are acted on, and those naming a column absent from ``df`` are skipped.
        action: ``drop`` removes the PII columns; ``fake`` replaces their values with consistent
            surrogates (free-text columns: detected spans become tags such as ``<PERSON>``); ``keep``
            leaves them unchanged.
        seed: Seed of the surrogates; the same table, findings and seed give the same output.

    Returns:
        The scrubbed copy of the table (same rows and row order) and one :class:`PIIAction` per PII column.

    Raises:
        ConfigError: ``action`` is not one of drop, fake, keep.
    """
    if action not in _ACTIONS:
        raise ConfigError(f"Unknown PII action '{action}'.", f"Use one of {', '.join(_ACTIONS)}.")
    out = df.copy()
    actions: list[PIIAction] = []
    surrogates = _Surrogates(seed)
    for finding in findings:
        if not finding.is_pii:
            continue
        if finding.column not in out.columns:
            log.warning("pii_finding_column_missing", column=finding.column)
            continue
        column, entity = finding.column, finding.entity_type
        count = int(out[column].notna().sum())
        if action == "drop":
            out = out.drop(columns=[column])
            actions.append(PIIAction(column=column, entity_type=entity, action="drop", count=count))
        elif action == "keep":
            actions.append(PIIAction(column=column, entity_type=entity, action="keep", count=count))
        elif entity == FREE_TEXT:
            out[column], changed = _redact_column(out[column])
            actions.append(PIIAction(column=column, entity_type=entity, action="redact", count=changed))
        else:
            out[column], count = _fake_column(out[column], entity or "PII", surrogates)
            actions.append(PIIAction(column=column, entity_type=entity, action="fake", count=count))
    log.info("pii_scrub_done", action=action, columns=[a.column for a in actions])
    return out, actions
