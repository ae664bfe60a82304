"""The build reads as a straight line (build.py → hooks → one module per concern): no module in buildlib/
imports one that imports it back, directly or through others, and the shared types live in
buildlib/options.py, which imports none of the other build modules."""

from __future__ import annotations

import ast
from pathlib import Path

BUILDLIB = Path(__file__).resolve().parent.parent / "buildlib"


def _imported(node: ast.AST) -> list[str]:
    """The buildlib modules an import statement names (in-function imports count too)."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[1] for alias in node.names if alias.name.startswith("buildlib.")]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level == 1 or node.module == "buildlib" or (node.module or "").startswith("buildlib."):
        inside = (node.module or "").removeprefix("buildlib").lstrip(".") if node.level == 0 else node.module or ""
        return [inside.split(".")[0]] if inside else [alias.name for alias in node.names]
    return []


def import_graph(folder: Path = BUILDLIB) -> dict[str, set[str]]:
    """Each module of the package in `folder` and the modules of the same package it imports."""
    modules = {path.stem: path for path in folder.glob("*.py")}
    return {
        name: {target for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               for target in _imported(node) if target in modules and target != name}
        for name, path in modules.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each module that can reach itself through imports, with the way back: [a, b, …, a]."""
    found = []
    for start in sorted(graph):
        paths, seen = [[start]], set()
        while paths:
            path = paths.pop()
            for target in sorted(graph[path[-1]]):
                if target == start:
                    found.append([*path, start])
                    paths.clear()
                    break
                if target not in seen:
                    seen.add(target)
                    paths.append([*path, target])
    return found


def test_no_build_module_imports_one_that_imports_it_back():
    cycles = import_cycles(import_graph())
    assert not cycles, "import circles in buildlib/:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_guard_sees_a_circle_through_other_modules(tmp_path):
    package = tmp_path / "buildlib"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "hooks.py").write_text("from . import desk\nfrom .options import BuildError\n")
    (package / "desk.py").write_text("def f():\n    from buildlib import csp\n")
    (package / "csp.py").write_text("import buildlib.hooks\n")
    (package / "options.py").write_text("import json\n")
    assert import_cycles(import_graph(package)) == [
        ["csp", "hooks", "desk", "csp"], ["desk", "csp", "hooks", "desk"], ["hooks", "desk", "csp", "hooks"]]


def test_the_shared_types_import_none_of_the_other_build_modules_and_only_build_py_imports_the_hooks():
    graph = import_graph()
    assert graph["options"] == set()
    assert [name for name, imports in graph.items() if "hooks" in imports] == []
