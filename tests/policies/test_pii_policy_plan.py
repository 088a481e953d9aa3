"""PII policies built from a plan's words, and per-column actions (identifier columns no recognizer types)."""

from __future__ import annotations

import pytest

from privsynth.errors import ConfigError
from privsynth.policies.pii_policy import PIIPolicy


def test_from_plan_maps_words_onto_actions_per_entity_type() -> None:
    policy = PIIPolicy.from_plan("drop", {"US_SSN": "mask", "EMAIL_ADDRESS": "fake", "PERSON": "keep"})
    assert policy.default == "drop_column"
    assert policy.entities == {"US_SSN": "mask", "EMAIL_ADDRESS": "fake", "PERSON": "keep"}
    assert policy.action_for("US_SSN") == "mask"
    assert policy.action_for("PHONE_NUMBER") == "drop_column"  # the default for the rest


def test_unknown_keys_are_columns_matched_loosely() -> None:
    policy = PIIPolicy.from_plan("tag", {"EMPLOYEE_ID": "hash", "phone_number": "drop"})
    assert policy.columns == {"EMPLOYEE_ID": "hash"}
    assert policy.entities == {"PHONE_NUMBER": "drop_column"}
    assert [policy.column_action(c) for c in ("employee_id", "EmployeeId", "employee-id", "manager_id")] == [
        "hash", "hash", "hash", None]
    assert policy.uses_hash


def test_bad_words_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match="Unknown PII action 'shred'"):
        PIIPolicy.from_plan("shred")
    with pytest.raises(ConfigError, match="column 'x'"):
        PIIPolicy(columns={"x": "burn"})
