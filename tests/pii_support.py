"""Helpers the PII recognizer tests share (importable through pytest's ``pythonpath = ["tests"]``)."""

from __future__ import annotations

from typing import Any


def matched(recognizer: Any, text: str) -> list[str]:
    """The substrings of ``text`` a Presidio recognizer reports, in its order."""
    return [text[r.start:r.end] for r in recognizer.analyze(text, [], None)]
