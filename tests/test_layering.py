"""The import layering of the design card: graphs -> agents -> tools; policies beside; no upward import, no cycle.

Every import counts, also those inside functions (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parents[1]
FOLDERS = {"privsynth": "privsynth", "agents": "privsynth.agents", "tools": "privsynth.tools",
           "graphs": "privsynth.graphs", "policies": "privsynth.policies"}
ROOT_CORE = ("privsynth.config", "privsynth.errors", "privsynth.logs", "privsynth.atomic")


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO)
    parts = [FOLDERS[rel.parts[0]], *rel.parts[1:]]
    name = ".".join(parts)[: -len(".py")]
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def _modules() -> dict[str, Path]:
    found = {}
    for folder in FOLDERS:
        for path in (REPO / folder).rglob("*.py"):
            found[_module_name(path)] = path
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target in _imports(path, name, set(modules)):
            graph.add_edge(name, target)
    return graph


def _layer(module: str) -> str:
    if module.startswith(("privsynth.tools.tabular.mechanisms", "privsynth.tools.tabular.encoding",
                          "privsynth.tools.tabular.model")):
        return module.split(".")[3]
    for layer in ("graphs", "agents", "tools", "policies"):
        if module == f"privsynth.{layer}" or module.startswith(f"privsynth.{layer}."):
            return layer
    return "core" if module.startswith(ROOT_CORE) else "entry"  # entry: the CLI and the package root


# what each layer may import (besides itself); "entry" (CLI, privsynth/__init__) may import anything
ALLOWED = {
    "core": set(),
    "tools": {"core", "policies", "mechanisms", "encoding", "model"},
    "mechanisms": {"core", "policies", "tools", "encoding", "model"},
    "encoding": {"core", "policies", "tools", "model"},
    "model": {"core", "policies", "tools"},
    "policies": {"core"},
    "agents": {"core", "policies", "tools", "mechanisms", "encoding", "model"},
    "graphs": {"core", "policies", "tools", "mechanisms", "encoding", "model", "agents"},
}


# The plug-in contract: generator implementations in tools subclass the base class and register with the
# registry in agents and declare their options on its model (DESIGN.md: "agents/ base + registry, tools/
# implementations"). Nothing else in agents.
PLUGIN_CONTRACT = {"privsynth.agents.generator", "privsynth.agents.registry", "privsynth.agents.options"}


def test_no_module_imports_upward():
    graph = _graph()
    bad = []
    for source, target in graph.edges:
        ls, lt = _layer(source), _layer(target)
        if ls == "entry" or ls == lt or (ls in ("tools", "mechanisms") and target in PLUGIN_CONTRACT):
            continue
        if lt not in ALLOWED[ls]:
            bad.append(f"{source} ({ls}) -> {target} ({lt})")
    assert not bad, "upward imports:\n" + "\n".join(sorted(bad))


def test_nothing_but_the_api_and_the_cli_imports_graphs():
    graph = _graph()
    users = {s for s, t in graph.edges if _layer(t) == "graphs" and _layer(s) != "graphs"}
    assert users <= {"privsynth", "privsynth.cli", "privsynth.cli_scrub"}, sorted(users)


def test_no_import_cycles():
    cycles = list(nx.simple_cycles(_graph()))
    # a package importing its own submodules (re-exports in __init__) and back is not a cycle of concepts
    real = [c for c in cycles if not any(a.startswith(b + ".") or b.startswith(a + ".")
                                         for a, b in zip(c, c[1:] + c[:1], strict=True))]
    assert not real, "import cycles:\n" + "\n".join(" -> ".join(c) for c in real[:10])


def test_the_checker_sees_a_planted_upward_import(tmp_path):
    # the checker itself can fail: a tools module that imports graphs is an upward edge
    assert _layer("privsynth.tools.pii.engine") == "tools" and "graphs" not in ALLOWED["tools"]
    source = "from privsynth.graphs.api import synthesize\n"
    path = REPO / "tools" / "_planted_probe.py"
    path.write_text(source)
    try:
        graph = _graph()
        assert graph.has_edge("privsynth.tools._planted_probe", "privsynth.graphs.api")
    finally:
        path.unlink()
