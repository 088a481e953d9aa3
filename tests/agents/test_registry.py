"""Generator registry: built-ins, the decorator, duplicate names, broken and working plug-ins."""

from __future__ import annotations

import pandas as pd
import pytest
from dp_accounting import dp_event

from privsynth.agents import registry
from privsynth.agents.generator import Generator
from privsynth.errors import GeneratorError, RegistryError


class _Stub(Generator):
    """A do-nothing generator used to exercise the registry."""

    name = "stub_registry_test"

    def privacy_event(self) -> dp_event.DpEvent:
        return dp_event.GaussianDpEvent(1.0)

    def _fit(self, data, schema) -> None:
        pass

    def _sample(self, n, conditions, seed) -> pd.DataFrame:
        return pd.DataFrame()


class _FakeEntryPoint:
    def __init__(self, name: str, target: object | None = None, error: Exception | None = None) -> None:
        self.name, self.value, self.group = name, f"fake_pkg:{name}", registry.ENTRY_POINT_GROUP
        self._target, self._error = target, error

    def load(self) -> object:
        if self._error is not None:
            raise self._error
        return self._target


@pytest.fixture
def fresh_registry(monkeypatch):
    """A private copy of the registry (built-ins loaded) so tests cannot leak registrations."""
    registry.load_plugins()  # builtin modules are imported once per process: snapshot after that
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_loaded", True)
    return registry


def test_builtin_is_registered(fresh_registry):
    assert "dp_marginals" in fresh_registry.available_generators()
    assert fresh_registry.get_generator("dp_marginals").name == "dp_marginals"


def test_decorator_registers_a_plugin_class(fresh_registry):
    assert "stub_registry_test" not in fresh_registry.available_generators()
    assert fresh_registry.register_generator(_Stub) is _Stub
    assert fresh_registry.get_generator("stub_registry_test") is _Stub
    fresh_registry.register_generator(_Stub)  # registering the same class again is harmless
    fresh_registry.unregister_generator("stub_registry_test")
    with pytest.raises(GeneratorError):
        fresh_registry.get_generator("stub_registry_test")


def test_duplicate_name_is_a_registry_error(fresh_registry):
    fresh_registry.register_generator(_Stub)

    class Impostor(_Stub):
        pass

    with pytest.raises(RegistryError, match="stub_registry_test"):
        fresh_registry.register_generator(Impostor)
    assert fresh_registry.get_generator("stub_registry_test") is _Stub
    with pytest.raises(RegistryError, match="dp_marginals"):
        fresh_registry.register_generator(type("Clash", (_Stub,), {"name": "dp_marginals"}))


def test_invalid_registrations(fresh_registry):
    with pytest.raises(RegistryError, match="not a subclass"):
        fresh_registry.register_generator(dict)  # type: ignore[arg-type]
    with pytest.raises(RegistryError, match="no 'name'"):
        fresh_registry.register_generator(type("Nameless", (_Stub,), {"name": ""}))


def test_unknown_name_lists_known_generators(fresh_registry):
    with pytest.raises(GeneratorError, match="Unknown generator 'nope'") as info:
        fresh_registry.get_generator("nope")
    assert "dp_marginals" in str(info.value)


def test_broken_plugin_is_skipped_with_a_warning(fresh_registry, monkeypatch):
    class Plugged(_Stub):
        name = "plugged_registry_test"

    points = [_FakeEntryPoint("broken", error=ImportError("no module named fake_pkg")),
              _FakeEntryPoint("not_a_generator", target=object),
              _FakeEntryPoint("plugged", target=Plugged)]
    groups = []

    def fake_entry_points(group):
        groups.append(group)
        return points

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    monkeypatch.setattr(registry, "_loaded", False)
    with pytest.warns(UserWarning) as record:
        found = fresh_registry.available_generators()
    messages = [str(w.message) for w in record]
    assert any("broken" in m and "no module named fake_pkg" in m for m in messages)
    assert any("not_a_generator" in m for m in messages)
    assert groups == [registry.ENTRY_POINT_GROUP]
    assert "dp_marginals" in found
    assert found["plugged_registry_test"] is Plugged
    assert "broken" not in found
    fresh_registry.available_generators()  # loads once: no second scan
    assert groups == [registry.ENTRY_POINT_GROUP]
