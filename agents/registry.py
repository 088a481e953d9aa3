"""Registry of generators: a decorator for built-ins and the ``privsynth.generators`` entry-point group.

Registering a name twice is an error. A plug-in that fails to load is skipped with a warning, never
a crash, so one broken package cannot stop privsynth.
"""

from __future__ import annotations

import importlib
import warnings
from importlib.metadata import entry_points

from privsynth.agents.generator import Generator
from privsynth.errors import GeneratorError, RegistryError

ENTRY_POINT_GROUP = "privsynth.generators"
BUILTIN_MODULES = ("privsynth.tools.tabular.mechanisms.dp_marginals", "privsynth.tools.tabular.mechanisms.mst",
                   "privsynth.tools.tabular.mechanisms.aim", "privsynth.tools.textgen.generator")

_REGISTRY: dict[str, type[Generator]] = {}
_loaded = False


def register_generator(cls: type[Generator]) -> type[Generator]:
    """Class decorator that registers a generator under ``cls.name``.

    Raises:
        RegistryError: The class is not a Generator, has no name, or the name is taken.
    """
    if not (isinstance(cls, type) and issubclass(cls, Generator)):
        raise RegistryError(f"{cls!r} is not a subclass of privsynth.agents.Generator.",
                            "Subclass Generator and implement privacy_event, _fit and _sample.")
    if not cls.name:
        raise RegistryError(f"Generator {cls.__name__} has no 'name'.", "Set a class attribute name = '...'.")
    existing = _REGISTRY.get(cls.name)
    if existing is not None and existing is not cls:
        raise RegistryError(f"A generator named '{cls.name}' is already registered ({existing.__module__}).",
                            "Choose another name for the new generator.")
    _REGISTRY[cls.name] = cls
    return cls


def unregister_generator(name: str) -> None:
    """Remove a generator (mainly for tests)."""
    _REGISTRY.pop(name, None)


def load_plugins() -> None:
    """Import built-ins and entry-point plug-ins once; broken plug-ins only warn."""
    global _loaded
    if _loaded:
        return
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    _loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
            register_generator(cls)
        except Exception as exc:  # a broken plug-in must never crash privsynth
            warnings.warn(f"Skipping generator plug-in '{ep.name}' ({ep.value}): {exc}", stacklevel=2)


def get_generator(name: str) -> type[Generator]:
    """Look up a generator class by name.

    Raises:
        GeneratorError: No generator has that name.
    """
    load_plugins()
    if name not in _REGISTRY:
        raise GeneratorError(f"Unknown generator '{name}'.",
                             f"Choose one of: {', '.join(sorted(_REGISTRY))} (see `privsynth generators`).")
    return _REGISTRY[name]


def available_generators() -> dict[str, type[Generator]]:
    """All registered generators, by name."""
    load_plugins()
    return dict(sorted(_REGISTRY.items()))
