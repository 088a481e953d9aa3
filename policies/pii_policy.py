"""The PII policy: what to do with each entity type the scrubber finds.

A policy maps Presidio entity types to actions, with a default for the rest, and may name table columns or
record fields by name (identifier columns such as ``employee_id`` that no recognizer types)::

    {"default": "tag", "entities": {"PERSON": "fake", "EMAIL_ADDRESS": "hash", "DATE_TIME": "keep"},
     "columns": {"EMPLOYEE_ID": "hash"}}

Column names match ignoring case and separators (``EMPLOYEE_ID`` names ``employee_id``, ``EmployeeId`` and
``employee-id``). :meth:`PIIPolicy.from_plan` builds a policy from a plan's words (``drop``, ``fake``, ...).

Actions:

* ``drop_column``: drop a table column of this type (inside free text, where there is no column to
  drop, the span is redacted instead);
* ``redact``: remove the value;
* ``tag``: replace it with its tag, e.g. ``<PERSON>``;
* ``mask``: replace every letter and digit with ``*`` (separators stay);
* ``hash``: replace it with a keyed hash (HMAC-SHA256, 16 hex characters) under a secret the user
  provides: passed in, or ``PRIVSYNTH_HMAC_SECRET``, or ``hmac_secret`` in privsynth's config. The same
  value and key always give the same hash, so joins survive; without the key nobody can recompute it
  from a guessed value. The secret is never stored in the policy or hard-coded;
* ``fake``: replace it with a realistic Faker surrogate, consistent within one scrub;
* ``keep``: leave it.

Scrubbing PII is a data-hygiene step, not differential privacy.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from privsynth.errors import ConfigError

Action = Literal["drop_column", "redact", "tag", "mask", "hash", "fake", "keep"]
ACTIONS: tuple[str, ...] = get_args(Action)

KNOWN_ENTITIES: tuple[str, ...] = (
    "PERSON", "LOCATION", "ADDRESS", "ORGANIZATION", "NRP", "DATE_TIME", "AGE", "PHONE_NUMBER", "EMAIL_ADDRESS",
    "CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_ITIN", "US_PASSPORT", "US_DRIVER_LICENSE", "US_BANK_NUMBER",
    "IP_ADDRESS", "MAC_ADDRESS", "URL", "CRYPTO", "UUID", "UK_NHS", "MEDICAL_LICENSE", "FREE_TEXT_WITH_PII",
)
"""Entity types a policy may name: Presidio's English defaults plus privsynth's ``ADDRESS``, ``AGE`` and
the table scan's ``FREE_TEXT_WITH_PII``."""


class PIIPolicy(BaseModel):
    """Per-entity-type PII actions.

    Attributes:
        default: Action for entity types the policy does not name.
        entities: Action per entity type (Presidio names, see :data:`KNOWN_ENTITIES`).
        columns: Action per column (or record field) name, matched ignoring case and separators.
        seed: Seed of the Faker surrogates (``fake``).
    """

    model_config = ConfigDict(extra="forbid")

    default: Action = "tag"
    entities: dict[str, Action] = Field(default_factory=dict)
    columns: dict[str, Action] = Field(default_factory=dict)
    seed: int = 0

    @field_validator("entities", mode="before")
    @classmethod
    def _check_entities(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        checked = {}
        for entity, action in value.items():
            name = str(entity).upper()
            if name not in KNOWN_ENTITIES:
                raise ConfigError(f"Unknown entity type '{entity}' in the PII policy.",
                                  f"Use one of: {', '.join(KNOWN_ENTITIES)}.")
            if action not in ACTIONS:
                raise ConfigError(f"Unknown PII action '{action}' for entity type '{entity}'.",
                                  f"Use one of: {', '.join(ACTIONS)}.")
            checked[name] = action
        return checked

    @field_validator("columns", mode="before")
    @classmethod
    def _check_columns(cls, value: object) -> object:
        if isinstance(value, dict):
            for column, action in value.items():
                if action not in ACTIONS:
                    raise ConfigError(f"Unknown PII action '{action}' for column '{column}'.",
                                      f"Use one of: {', '.join(ACTIONS)}.")
        return value

    @field_validator("default", mode="before")
    @classmethod
    def _check_default(cls, value: object) -> object:
        if value not in ACTIONS:
            raise ConfigError(f"Unknown default PII action '{value}'.", f"Use one of: {', '.join(ACTIONS)}.")
        return value

    def action_for(self, entity_type: str | None) -> Action:
        """Return the action for an entity type (the default when the policy does not name it)."""
        return self.entities.get((entity_type or "").upper(), self.default)

    def column_action(self, column: str) -> Action | None:
        """The action the policy names for a column (or record field), or None when it names none."""
        wanted = _column_key(column)
        return next((action for name, action in self.columns.items() if _column_key(name) == wanted), None)

    @property
    def uses_hash(self) -> bool:
        """Whether any entity type, column (or the default) is hashed, so that a secret is needed."""
        return self.default == "hash" or "hash" in self.entities.values() or "hash" in self.columns.values()

    @classmethod
    def from_plan(cls, default: str, per_type: dict[str, str] | None = None, seed: int = 0) -> PIIPolicy:
        """A policy from a plan's PII words: ``drop`` is ``drop_column``, the other words are actions already.

        Args:
            default: The plan's default action (``drop``, ``fake``, ``keep``, ``mask``, ``hash``, ``tag``,
                ``redact``).
            per_type: Actions per key: a known entity type (``US_SSN``) goes to ``entities``, any other key
                (``EMPLOYEE_ID``) to ``columns``.
            seed: Seed of the Faker surrogates.

        Raises:
            ConfigError: An action that is neither a plan word nor a policy action.
        """
        def action(word: str) -> str:
            return "drop_column" if word == "drop" else word

        entities, columns = {}, {}
        for key, word in (per_type or {}).items():
            (entities if key.upper() in KNOWN_ENTITIES else columns)[key.upper()] = action(word)
        for word in [action(default), *entities.values(), *columns.values()]:
            if word not in ACTIONS:
                raise ConfigError(f"Unknown PII action '{word}'.", f"Use one of: drop, {', '.join(ACTIONS)}.")
        return cls(default=action(default), entities=entities, columns=columns, seed=seed)  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: object) -> PIIPolicy:
        """Build a policy from parsed JSON.

        Raises:
            ConfigError: Not an object, an unknown key, entity type or action.
        """
        if not isinstance(data, dict):
            raise ConfigError("A PII policy must be a JSON object.",
                              'Write e.g. {"default": "tag", "entities": {"PERSON": "fake"}}.')
        try:
            return cls(**data)
        except ConfigError:
            raise
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "policy"
            raise ConfigError(f"Invalid PII policy at '{where}': {error['msg']}.",
                              "Valid keys: default, entities, columns, seed; valid actions: "
                              f"{', '.join(ACTIONS)}.") from exc

    @classmethod
    def from_file(cls, path: str | Path) -> PIIPolicy:
        """Load a policy from a JSON file.

        Raises:
            ConfigError: The file is missing, not valid JSON, or not a valid policy.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ConfigError(f"PII policy file {path} does not exist.", "Pass the path of a JSON policy.") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"PII policy file {path} cannot be read ({exc}).", "Save it as UTF-8 JSON.") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"PII policy file {path} is not valid JSON ({exc}).", "Correct the JSON.") from exc
        return cls.from_dict(data)


def _column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def resolve_hmac_secret(secret: str | bytes | None = None) -> bytes:
    """Find the secret for keyed hashing: the argument, else ``PRIVSYNTH_HMAC_SECRET``, else the config.

    Args:
        secret: A secret given directly.

    Returns:
        The secret as bytes.

    Raises:
        ConfigError: No secret is configured anywhere.
    """
    if secret:
        return secret if isinstance(secret, bytes) else secret.encode("utf-8")
    if os.environ.get("PRIVSYNTH_HMAC_SECRET"):
        return os.environ["PRIVSYNTH_HMAC_SECRET"].encode("utf-8")
    from privsynth.config import load_settings

    configured = load_settings().hmac_secret
    if configured:
        return configured.encode("utf-8")
    raise ConfigError("The PII policy asks for 'hash' but no HMAC secret is configured.",
                      "Set PRIVSYNTH_HMAC_SECRET, add hmac_secret to $PRIVSYNTH_HOME/config.json, "
                      "or pass a secret explicitly.")
