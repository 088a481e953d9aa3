"""Building blocks of the run report: strict JSON conversion and small HTML helpers.

:func:`to_jsonable` turns any report value into plain JSON types; the ``html_*`` helpers render values,
tables and metric lists with every piece of text escaped.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

DIRECTIONS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
              "closer_to_0.5": "closer to 0.5 is better"}

def to_jsonable(value: Any) -> Any:
    """Convert a report value to plain JSON types.

    Pydantic models are dumped, paths and dates become strings, numpy values become Python values; NaN
    becomes ``None`` and infinities become the strings ``"inf"`` / ``"-inf"`` (strict JSON has neither).
    """
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [to_jsonable(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _e(value: Any) -> str:
    return html.escape(str(value))


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if value == "inf":
        return "infinite (not private)"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 and value != 0 else f"{value:.3f}".rstrip("0").rstrip(".")
    return _e(value)


def _table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    if not rows:
        return "<p class='muted'>(none)</p>"
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_value(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows)
    return f"<div class='scroll'><table><tr>{head}</tr>{body}</table></div>"


def _value(value: Any, depth: int = 0) -> str:
    """Render any JSON value: dicts as key/value tables, lists of dicts as tables."""
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict) and depth < 4:
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_value(v, depth + 1)}</td></tr>" for k, v in value.items())
        return f"<table>{rows}</table>" if rows else "<span class='muted'>(empty)</span>"
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and depth < 4:
        return _table(value)
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value) if value else "<span class='muted'>(none)</span>"
    return _fmt(value) if not isinstance(value, dict) else _e(json.dumps(value))


def _pick(sources: list[Any], *keys: str) -> Any:
    for source in sources:
        if isinstance(source, dict):
            for key in keys:
                if source.get(key) is not None:
                    return source[key]
    return None


def _range(bounds: Any) -> str:
    if not isinstance(bounds, list | tuple) or len(bounds) != 2:
        return _fmt(bounds)
    low, high = ("-inf" if bounds[0] is None else _fmt(bounds[0])), ("inf" if bounds[1] is None else _fmt(bounds[1]))
    return f"{low} to {high}"


def _metric_rows(metrics: list[dict]) -> str:
    return _table([{"metric": m.get("name"), "value": m.get("value"),
                    "better": DIRECTIONS.get(str(m.get("direction")), m.get("direction")),
                    "range": _Raw(_range(m.get("range"))), "meaning": m.get("definition"),
                    "note": _Raw(_e(m["note"]) if m.get("note") else "")}
                   for m in metrics if isinstance(m, dict)])


class _Raw(str):
    """Already-rendered HTML that :func:`_value` passes through."""
