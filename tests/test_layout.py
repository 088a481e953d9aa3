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
            if any(part.startswith(".") for part in path.relative_to(REPO).parts):
                continue  # hidden folders are local environments (evals/.sdnist, evals/.peers), not project code
            if BARE.search(path.read_text()):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_wheel_installs_only_the_privsynth_namespace(tmp_path):
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("privsynth-*.whl"))
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"privsynth"}
    names = zipfile.ZipFile(wheel).namelist()
    for folder in (REPO / "agents", REPO / "tools", REPO / "graphs", REPO / "policies"):
        for module in folder.rglob("*.py"):
            assert f"privsynth/{module.relative_to(REPO)}" in names, f"{module} missing from the wheel"
