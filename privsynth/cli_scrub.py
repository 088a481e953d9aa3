"""``privsynth scrub``: find and transform personal data in a CSV, Parquet, JSONL or plain-text file.

::

    privsynth scrub INPUT --out OUTPUT [--text-field NAME] [--spans SPANS.jsonl] [--policy FILE]

* ``.txt``: one record per line; every line is scanned as free text.
* ``.jsonl``: one JSON object per line; the ``--text-field`` (default ``text``) is scanned and
  scrubbed, every other field is kept as it is.
* ``.csv`` / ``.parquet``: columns are classified with the table scan; PII columns are transformed
  value by value as the policy says (``drop_column`` drops them), free-text columns span by span.
  With ``--text-field`` that column is always scanned as free text.

``--spans`` writes one JSON line per input record, in input order:
``{"spans": [{"start": 0, "end": 4, "entity_type": "PERSON", "score": 0.85}]}``, with character
offsets into the original text (for tables: the ``--text-field`` cell). The policy file is JSON (see
:mod:`privsynth.policies.pii_policy`); without one, every entity is replaced by its tag. Outputs are
written atomically. Scrubbing PII is a data-hygiene step, not differential privacy.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from privsynth.errors import InputDataError
from privsynth.tools.data.records import read_records, read_utf8

if TYPE_CHECKING:
    from privsynth.tools.pii.anonymize import PolicyScrubber

FORMATS = {".txt": "text", ".text": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
DEFAULT_TEXT_FIELD = "text"
SCRUB_EXAMPLES = """\
examples:
  privsynth scrub notes.txt --out clean.txt
  privsynth scrub notes.jsonl --out clean.jsonl --text-field body --spans spans.jsonl
  privsynth scrub customers.csv --out clean.csv --policy pii_policy.json
"""


def add_scrub_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``scrub`` sub-command to a parser's sub-parsers.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.

    Returns:
        The ``scrub`` parser (its ``func`` default is :func:`run_scrub`).
    """
    parser = subparsers.add_parser("scrub", help="find and transform PII in a CSV, Parquet, JSONL or text file",
                                   description="Find and transform personal data in a CSV, Parquet, JSONL or "
                                               "plain-text file. Scrubbing is not differential privacy.",
                                   epilog=SCRUB_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path, help="input file (.csv, .parquet, .jsonl or .txt)")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="output file, same format as the input (required)")
    parser.add_argument("--text-field", default=None, metavar="NAME",
                        help=f"field (JSONL) or column (tables) holding free text (default: '{DEFAULT_TEXT_FIELD}' "
                             "for JSONL; for tables, the columns the scan finds)")
    parser.add_argument("--spans", type=Path, default=None, metavar="FILE",
                        help="write the detected spans here, one JSON line per record (default: not written)")
    parser.add_argument("--policy", type=Path, default=None, metavar="FILE",
                        help="PII policy JSON file: an action per entity type (default: every entity replaced by "
                             "its tag, e.g. <PERSON>)")
    parser.set_defaults(func=run_scrub)
    return parser


def run_scrub(args: argparse.Namespace) -> int:
    """Run ``privsynth scrub`` with parsed arguments.

    Args:
        args: Namespace with ``input``, ``out``, ``text_field``, ``spans`` and ``policy``.

    Returns:
        0 on success (errors are raised as :class:`~privsynth.errors.PrivsynthError`).

    Raises:
        InputDataError: The input is missing, of an unknown format, not UTF-8 or malformed.
        ConfigError: The policy is invalid, or the options do not fit the input.
    """
    summary = scrub_file(args.input, args.out, text_field=args.text_field, spans_path=args.spans,
                         policy_path=args.policy)
    found = ", ".join(f"{k}: {v}" for k, v in sorted(summary["entities"].items())) or "none"
    print(f"scrubbed {summary['records']} records -> {args.out} (entities found: {found})")
    if summary.get("dropped_columns"):
        print(f"dropped columns: {', '.join(summary['dropped_columns'])}")
    print("note: PII scrubbing removes direct identifiers; it is not differential privacy.")
    return 0


def scrub_file(input_path: Path, output_path: Path, text_field: str | None = None, spans_path: Path | None = None,
               policy_path: Path | None = None, secret: str | bytes | None = None) -> dict:
    """Scrub one file; see the module docstring.

    Args:
        input_path: The input file.
        output_path: Where the scrubbed file goes.
        text_field: Field (JSONL) or column (tables) of free text.
        spans_path: Where to write spans, one JSON line per record.
        policy_path: A JSON policy file.
        secret: HMAC secret for ``hash`` (else looked up in the environment and config).

    Returns:
        A summary: ``records``, ``entities`` (count per entity type), ``dropped_columns``.
    """
    from privsynth.policies.pii_policy import PIIPolicy
    from privsynth.tools.pii.anonymize import PolicyScrubber

    input_path, output_path = Path(input_path), Path(output_path)
    fmt = _format(input_path)
    policy = PIIPolicy.from_file(policy_path) if policy_path is not None else PIIPolicy()
    scrubber = PolicyScrubber(policy, secret=secret)
    if fmt in ("csv", "parquet"):
        from privsynth.tools.pii.table_text import scrub_table_file

        return scrub_table_file(input_path, output_path, fmt, scrubber, text_field, spans_path)
    records, texts = _read_records(input_path, fmt, text_field or DEFAULT_TEXT_FIELD)
    return _scrub_records(records, texts, fmt, output_path, scrubber, text_field or DEFAULT_TEXT_FIELD, spans_path)


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputDataError(f"Unsupported input format '{path.suffix or path.name}'.",
                             f"Use one of: {', '.join(sorted(FORMATS))}.")
    if not path.is_file():
        raise InputDataError(f"Input file {path} does not exist.", "Check the path.")
    return fmt


def _read_records(path: Path, fmt: str, field: str) -> tuple[list[object], list[object]]:
    records = read_records(path, fmt)
    return records, (list(records) if fmt == "text" else [r.get(field) for r in records])  # type: ignore[union-attr]


def _scrub_records(records: list[object], texts: list[object], fmt: str, output_path: Path, scrubber: PolicyScrubber,
                   field: str, spans_path: Path | None) -> dict:
    from privsynth.atomic import atomic_write_text
    from privsynth.tools.pii.text import as_text, default_scanner

    found: Counter[str] = Counter()
    out_lines: list[str] = []
    span_lines: list[str] = []
    for record, value, spans in zip(records, texts, default_scanner().iter_scan(texts), strict=True):
        found.update(s.entity_type for s in spans)
        span_lines.append(json.dumps({"spans": [s.to_dict() for s in spans]}))
        if fmt == "text":
            out_lines.append(scrubber.scrub_text(as_text(value), spans))
            continue
        if spans:  # non-string values (numbers) become scrubbed strings only when something was found
            record = {**record, field: scrubber.scrub_text(as_text(value), spans)}
        out_lines.append(json.dumps(record, ensure_ascii=False))
    atomic_write_text(output_path, "".join(line + "\n" for line in out_lines))
    if spans_path is not None:
        atomic_write_text(spans_path, "".join(line + "\n" for line in span_lines))
    return {"records": len(records), "entities": dict(found), "dropped_columns": []}


__all__ = ["add_scrub_parser", "read_utf8", "run_scrub", "scrub_file"]
