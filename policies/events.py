"""Serialization of dp_accounting ``DpEvent`` records.

Spends are stored in the ledger as JSON. Every ``DpEvent`` subclass of dp_accounting is an ``attrs``
class, so an event serializes generically as ``{"type": ClassName, **fields}``, with nested events
serialized recursively. Only classes of ``dp_accounting.dp_event`` and privsynth's own
:class:`ThresholdDpEvent` can be read back.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
from dp_accounting import dp_event

from privsynth.errors import AccountingError


@attrs.frozen
class ThresholdDpEvent(dp_event.DpEvent):
    """A (0, ``delta``)-DP release: the threshold of a stability-based histogram.

    A value that only one record holds is released only when its noisy count clears the threshold, which
    happens with probability at most ``delta`` over the noise; otherwise nothing about it is released. Added to
    or removed from a table, a record changes the release in that way or not at all, so the part is exactly
    (0, delta)-DP. dp_accounting has no event for it; :mod:`privsynth.policies.accountant` composes it by adding
    its delta (``delta_total(eps) <= delta_rest(eps) + delta``), which is exact for independent noise.

    Attributes:
        delta: The probability bound.
    """

    delta: float


PRIVSYNTH_EVENTS: dict[str, type[dp_event.DpEvent]] = {"ThresholdDpEvent": ThresholdDpEvent}


def event_to_dict(event: dp_event.DpEvent) -> dict[str, Any]:
    """Turn an event (possibly nested) into a JSON-able dict.

    Args:
        event: A dp_accounting event.

    Returns:
        ``{"type": <class name>, <field>: <value>, ...}``.
    """
    out: dict[str, Any] = {"type": type(event).__name__}
    for field in attrs.fields(type(event)):
        out[field.name] = _encode(getattr(event, field.name))
    return out


def _encode(value: Any) -> Any:
    if isinstance(value, dp_event.DpEvent):
        return event_to_dict(value)
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def event_from_dict(data: dict[str, Any]) -> dp_event.DpEvent:
    """Rebuild an event from :func:`event_to_dict` output.

    Raises:
        AccountingError: The type is not a dp_accounting event class.
    """
    cls = PRIVSYNTH_EVENTS.get(str(data.get("type"))) or getattr(dp_event, str(data.get("type")), None)
    if not (isinstance(cls, type) and issubclass(cls, dp_event.DpEvent)):
        raise AccountingError(f"Unknown privacy event type {data.get('type')!r} in the ledger.",
                              "The ledger was written by an incompatible version; do not edit it by hand.")
    kwargs = {k: _decode(v) for k, v in data.items() if k != "type"}
    return cls(**kwargs)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "type" in value:
        return event_from_dict(value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def event_to_json(event: dp_event.DpEvent) -> str:
    """Serialize an event to a JSON string."""
    return json.dumps(event_to_dict(event), sort_keys=True)


def event_from_json(text: str) -> dp_event.DpEvent:
    """Deserialize an event from a JSON string."""
    return event_from_dict(json.loads(text))
