"""What a synthetic table holds in its personal-data columns, per entity type (the PII policy's words).

PII columns are never modelled, so a synthetic row carries no real person's identifier. The policy's action for
each column's entity type decides what the output holds instead:

* ``drop_column``, ``redact``, ``keep``: nothing (the column is left out; a real value is never written,
  so ``keep`` keeps it out of the model and the output);
* ``fake``: fresh fake values of the type (derived from no data);
* ``mask``: fresh fake values with every letter and digit masked (``***-**-****``: the format, not a value);
* ``hash``: keyed hashes of fresh fake values under a key drawn for this run and never stored (opaque
  identifiers, linkable to nothing);
* ``tag``: the entity's tag, e.g. ``<US_SSN>``.

Scrubbing PII is not differential privacy: these columns hold no information about the real records at all.
"""

from __future__ import annotations

import os

from privsynth.policies.pii_policy import PIIPolicy
from privsynth.tools.pii.anonymize import keyed_hash, mask_text
from privsynth.tools.pii.transform import fake_values

WRITTEN = ("fake", "mask", "hash", "tag")
"""Actions that write a column of placeholders; the other actions leave the column out."""

OUTCOMES = {"drop_column": "personal data: dropped", "redact": "personal data: dropped",
            "keep": "personal data: kept out of the model and the output",
            "fake": "personal data: replaced by fresh fake values",
            "mask": "personal data: masked fresh fake values",
            "hash": "personal data: keyed hashes of fresh fake values (a key of this run, never stored)",
            "tag": "personal data: replaced by its tag"}


def column_action(policy: PIIPolicy, column: str, entity_type: str | None) -> str:
    """The policy's action for one PII column: a rule naming the column first, then its entity type."""
    return policy.column_action(column) or policy.action_for(entity_type)


def synthetic_values(action: str, entity_type: str | None, n: int, seed: int) -> list[str] | None:
    """The values a synthetic PII column holds under ``action``, or None when the column is left out.

    Args:
        action: A PII policy action (:data:`privsynth.policies.pii_policy.ACTIONS`).
        entity_type: The column's entity type (``GENERIC`` when unknown).
        n: Rows of the synthetic table.
        seed: Seed of the fake values (non-private: they are derived from no data).

    Returns:
        ``n`` strings, or None for the actions that write no column.
    """
    if action not in WRITTEN:
        return None
    entity = (entity_type or "GENERIC").upper()
    if action == "tag":
        return [f"<{entity}>"] * n
    values = fake_values(entity, n, seed)
    if action == "mask":
        return [mask_text(v) for v in values]
    if action == "hash":
        key = os.urandom(32)  # fresh for this run and never written: the tokens link to nothing
        return [keyed_hash(v, key, entity) for v in values]
    return values
