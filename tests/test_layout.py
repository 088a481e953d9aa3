"""The package layout is fixed: four code folders installed under the privsynth namespace."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BARE = re.compile(r"^\s*(from|import)\s+(agents|tools|graphs|policies)(\.|\s|$)", re.M)


def test_code_folders_are_privsynth_subpackages():
    for name in ("agents", "tools", "graphs", "policies"):
        module = importlib.import_module(f"privsynth.{name}")
        assert module.__file__ is not None
        assert module.__file__.endswith(f"{name}/__init__.py")


def test_no_bare_imports_of_code_folders():
    offenders = []
    for folder in ("agents", "tools", "graphs", "policies", "privsynth", "tests", "evals"):
        for path in (REPO / folder).rglob("*.py"):
            if BARE.search(path.read_text()):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_bare_package_names_are_not_importable_from_install():
    import importlib.util

    for name in ("agents", "tools", "graphs", "policies"):
        spec = importlib.util.find_spec(name)
        assert spec is None or "site-packages" in str(spec.origin), f"bare '{name}' importable: {spec}"
