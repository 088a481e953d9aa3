"""Shared test fixtures: every test gets its own PRIVSYNTH_HOME, and torch uses one thread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CSV = REPO / "privsynth" / "sample_data" / "adult_people.csv"
SAMPLE_SCHEMA = REPO / "privsynth" / "sample_data" / "adult_people.schema.json"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def privsynth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated home folder (ledger, checkpoints, runs) for each test."""
    home = tmp_path / "home"
    monkeypatch.setenv("PRIVSYNTH_HOME", str(home))
    monkeypatch.delenv("PRIVSYNTH_LLM_MODEL", raising=False)
    return home


@pytest.fixture
def sample_csv() -> Path:
    """The bundled demo table (UCI Adult slice with fake PII columns)."""
    return SAMPLE_CSV


@pytest.fixture
def sample_schema() -> Path:
    """The demo table's public schema."""
    return SAMPLE_SCHEMA


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip with a clear message when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared benchmark data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def _shared_model_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One converted text base model for the whole session (each test still has its own home folder)."""
    os.environ.setdefault("PRIVSYNTH_MODEL_CACHE", str(tmp_path_factory.mktemp("models")))


@pytest.fixture(scope="session", autouse=True)
def _one_thread() -> None:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
