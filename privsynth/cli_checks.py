"""Checks of the command line's arguments and paths, run before any heavy library is imported.

A missing input file, an epsilon of 0, a delta of 1, an output folder that cannot be written or an unknown
text encoding is answered in a fraction of a second: these checks use only the standard library, so torch,
spaCy, presidio, langgraph and pandas are not loaded to say that a path is wrong. The graph checks the same
things again (the Python API does not pass through here); these are the CLI's fast answers.
"""

from __future__ import annotations

import argparse
import codecs
import math
import os
from pathlib import Path

from privsynth.errors import ConfigError, InputDataError
from privsynth.tools.data.discovery.header import read_header
from privsynth.tools.data.discovery.mark import check_unmarked

OUT_SUFFIXES = (".csv", ".jsonl", ".parquet")
TEXT_OUT_SUFFIXES = (".csv", ".jsonl")


def check_input_file(path: str, what: str = "Input file") -> Path:
    """The path of an existing, readable file.

    Raises:
        InputDataError: It does not exist, is a folder, or cannot be read.
    """
    file = Path(path).expanduser()
    if not file.exists():
        raise InputDataError(f"{what} {file} does not exist.", "Check the path (relative paths start at the current "
                             f"folder, {Path.cwd()}).")
    if file.is_dir():
        raise InputDataError(f"{what} {file} is a folder, not a file.", "Name the file inside it.")
    if not os.access(file, os.R_OK):
        raise InputDataError(f"{what} {file} is not readable by you.", f"Give yourself read access (chmod u+r {file}).")
    return file


def check_epsilon(epsilon: float) -> None:
    """Refuse an epsilon that is not a finite number above 0.

    Raises:
        ConfigError: epsilon <= 0, NaN or infinite.
    """
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ConfigError(f"--epsilon must be a finite number above 0 (got {epsilon:g}).",
                          "Pass e.g. --epsilon 1 (smaller is more private).")


def check_delta(delta: float | None) -> None:
    """Refuse a delta outside (0, 1); the ``delta < 1/N`` rule is checked once the public row bound is known.

    Raises:
        ConfigError: delta <= 0 or >= 1.
    """
    if delta is not None and not 0 < delta < 1:
        raise ConfigError(f"--delta must be between 0 and 1, exclusive (got {delta:g}).",
                          "Leave it out for the default min(1e-6, N^-1.1), or pass e.g. --delta 1e-7.")


def check_positive(value: int | None, option: str) -> None:
    """Refuse a count that is not above 0.

    Raises:
        ConfigError: value <= 0.
    """
    if value is not None and value <= 0:
        raise ConfigError(f"{option} must be above 0 (got {value}).", f"Pass e.g. {option} 1000, or leave it out.")


def check_encoding(encoding: str | None) -> None:
    """Refuse a text encoding Python does not know.

    Raises:
        ConfigError: Unknown codec.
    """
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise ConfigError(f"Unknown text encoding '{encoding}'.",
                          "Use a Python codec name such as utf-8, latin-1 or cp1252.") from exc


def check_out_path(path: str, suffixes: tuple[str, ...] = OUT_SUFFIXES, what: str = "data") -> Path:
    """An output path whose suffix is supported and whose folder exists (or can be made) and is writable.

    Raises:
        ConfigError: Unsupported suffix, a folder at the path, or a folder that cannot be written.
    """
    out = Path(path).expanduser()
    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder.", f"Name a file inside it, e.g. {out / 'synthetic.csv'}.")
    if suffixes and out.suffix.lower() not in suffixes:
        raise ConfigError(f"Cannot write synthetic {what} to '{out}': unsupported file type "
                          f"'{out.suffix or '(none)'}'.",
                          f"Use an --out file ending in {', '.join(suffixes)}.")
    folder = out.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path(out.anchor or "/"))
    if not existing.is_dir():
        raise ConfigError(f"Cannot write --out {out}: {existing} is a file, not a folder.",
                          "Choose an output path in a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"Cannot write --out {out}: the folder {existing} is not writable by you.",
                          "Choose a folder you can write to, or fix its permissions (chmod u+w).")
    return out


def check_synthesize(args: argparse.Namespace) -> None:
    """Every check of ``privsynth synthesize`` that needs no heavy import (raises on the first problem).

    Raises:
        InputDataError: A missing or unreadable input or schema file.
        ConfigError: A bad epsilon, delta, row count, encoding, output path or option.
    """
    check_epsilon(args.epsilon)
    check_delta(args.delta)
    check_positive(args.rows, "--rows")
    check_encoding(args.encoding)
    check_input_file(args.input)
    if args.schema:
        check_input_file(args.schema, "Schema file")
        check_unmarked(args.schema)  # a draft read from the private data without DP: refused until unmarked
    elif not args.text_field and Path(args.input).suffix.lower() in (".csv", ".tsv"):
        read_header(args.input, args.encoding)  # a bare table: duplicate names or no data rows, before any spend
    text = bool(args.text_field)
    check_out_path(args.out, TEXT_OUT_SUFFIXES if text else OUT_SUFFIXES, "text" if text else "data")
