"""privsynth: privacy-preserving synthetic data.

``privsynth.synthesize(...)`` and ``privsynth.run("sentence")`` are the one-call API;
``privsynth.graphs.build_graph()`` returns the compiled LangGraph graph for embedding.
"""

from __future__ import annotations

import os

# Offline by default: no network fetches on import (litellm cost map, tldextract suffix list, HF hub).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: importing privsynth stays cheap
    if name in ("agents", "tools", "graphs", "policies"):
        import importlib

        return importlib.import_module(f"privsynth.{name}")
    if name in ("synthesize", "run", "resume", "RunResult"):
        from privsynth.graphs import api

        return getattr(api, name)
    if name in ("replay", "shareable_report"):
        from privsynth.graphs import shareable

        return getattr(shareable, name)
    raise AttributeError(name)


__all__ = ["RunResult", "replay", "resume", "run", "shareable_report", "synthesize"]
