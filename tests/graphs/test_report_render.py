"""The HTML report renders in headless Chromium: a screenshot of the page is a real, non-blank picture.

Needs a Chromium binary (Debian: ``apt-get install chromium``); skipped with a message where none is
installed. To look at the page yourself, run this test with ``PRIVSYNTH_SCREENSHOT=/some/file.png``: the
screenshot is copied there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from privsynth.agents.validators.tabular import validate_table
from privsynth.graphs.report.report import write_report
from privsynth.policies.release import evaluate_release
from privsynth.tools.data.schema import load_schema

SAMPLE = Path(__file__).resolve().parents[2] / "privsynth" / "sample_data"
WIDTH, HEIGHT = 1200, 3000
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser() -> str:
    found = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if found is None:
        pytest.skip("Chromium is not installed (Debian/Ubuntu: apt-get install chromium); the report screenshot "
                    "test needs a headless browser.")
    return found


def report() -> dict:
    schema = load_schema(SAMPLE / "adult_people.schema.json")
    table = pd.read_csv(SAMPLE / "adult_people.csv")
    train, holdout, synth = (table.iloc[a:b].drop(columns=["full_name", "email", "phone"])
                             for a, b in ((0, 1000), (1000, 1500), (1500, 2500)))
    validation = validate_table(train, holdout, synth, schema, "income").to_report()
    findings = [{"column": c, "entity_type": e, "is_pii": True, "confidence": 1.0, "source": "schema",
                 "evidence": f"declared kind 'pii' ({e}) in the schema, a long explanation that must wrap",
                 "examples": [f"{c[0]}***@e***.example-with-a-long-domain.org"] * 3}
                for c, e in (("full_name", "PERSON"), ("email", "EMAIL_ADDRESS"), ("phone", "PHONE_NUMBER"))]
    findings += [{"column": c, "entity_type": None, "is_pii": False, "confidence": 0.0, "source": "schema",
                  "evidence": "declared in the schema; not scanned", "examples": []} for c in train.columns]
    return {"run": {"run_id": "20260101-000000-abcdef", "dataset": "adult_people", "generator": "dp_marginals",
                    "rows": len(synth)},
            "plan": {"epsilon": 1.0, "delta": 1e-6, "target": "income"},
            "budget": {"cap_epsilon": 3.0, "spent_epsilon": 1.7, "remaining_after": 1.3,
                       "history": [{"run_id": f"r{i}", "generator": "dp_marginals", "epsilon": e, "delta": 1e-6}
                                   for i, e in enumerate((1.0, 1.0))]},
            "pii": {"findings": findings, "pii_columns": ["full_name", "email", "phone"], "action": "drop"},
            "validation": validation, "release": evaluate_release(validation), "reviews": []}


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    from PIL import Image

    exe = browser()
    _, html_path = write_report(tmp_path / "run", report())
    png = tmp_path / "report.png"
    command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
               f"--window-size={WIDTH},{HEIGHT}", html_path.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert png.is_file(), f"no screenshot; chromium said: {done.stderr[-2000:]}"
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 500, "the page looks blank"
        # the page is not wider than the window: the right margin stays empty (no table overflow)
        right = rgb.crop((WIDTH - 60, 0, WIDTH, HEIGHT)).getcolors(maxcolors=1 << 16) or []
        assert len(right) <= 3, "something overflows the page width"
    if os.environ.get("PRIVSYNTH_SCREENSHOT"):
        shutil.copy(png, os.environ["PRIVSYNTH_SCREENSHOT"])
