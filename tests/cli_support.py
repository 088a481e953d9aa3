"""Helpers for CLI tests: a tiny public-schema table that runs through the whole graph in about a second."""

from __future__ import annotations

import json
import random
from pathlib import Path

from privsynth.config import load_settings
from privsynth.graphs.context import ledger_for

FAST = ["--validation", "basic", "--rows", "40"]


def tiny_table(folder: Path, name: str = "insurance", rows: int = 1000) -> tuple[Path, Path]:
    """Write ``<name>.csv`` (age, hours, score, sex, income; values spread so few rows repeat) and its schema."""
    rng = random.Random(7)
    lines = ["age,hours,score,sex,income"]
    lines += [f"{rng.randint(17, 90)},{rng.randint(1, 99)},{rng.randint(0, 999)},{rng.choice('FM')},"
              f"{rng.choice(['<=50K', '>50K'])}" for _ in range(rows)]
    data = folder / f"{name}.csv"
    data.write_text("\n".join(lines) + "\n")
    schema = folder / f"{name}.schema.json"
    schema.write_text(json.dumps({"name": name, "columns": [
        {"name": "age", "kind": "numeric", "min": 17, "max": 90, "integer": True},
        {"name": "hours", "kind": "numeric", "min": 1, "max": 99, "integer": True},
        {"name": "score", "kind": "numeric", "min": 0, "max": 999, "integer": True},
        {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
        {"name": "income", "kind": "categorical", "categories": ["<=50K", ">50K"]}]}))
    return data, schema


def spends_by_dataset() -> dict[str, int]:
    """How many spends each dataset of the current home's ledger holds."""
    ledger = ledger_for(load_settings())
    return {d.name: len(ledger.history(d.name)) for d in ledger.datasets()}


def approve_if_held(code: int, printed: str, capsys) -> tuple[int, str]:
    """The exit code and output of a CLI run, approved once (``review RUN_ID --approve``) if the release policy held it.

    A small table's release check reads fresh DP output every run and may hold it (exit 4); tests about something
    else answer the checkpoint as a reviewer would and go on with the released run's code and output.
    """
    from privsynth.cli import main

    if code != 4:
        return code, printed
    run_id = next(word for line in printed.splitlines() if line.startswith("run ") and ": held" in line
                  for word in [line.split()[1].rstrip(":")])
    code = main(["review", run_id, "--approve"])
    return code, printed + capsys.readouterr().out
