"""The project's import graph: no cycle between modules, the layers of pyproject.toml's
import-linter contracts, and the picture of them in docs/architecture.md.

A cycle makes the order of imports matter, hides which module owns what, and forces imports
inside functions. The graph is grimp's (import-linter's engine), built from the sources, with
imports made only for type checkers included: a cycle of types is still two modules that cannot
be read apart.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import grimp

PACKAGES = ("device_bridge", "kernels", "activities", "tne")


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    """One cycle as its imports with their line numbers, to find them in the sources."""
    lines = []
    for importer in cycle:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in cycle:
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    lines.append(f"  {importer}:{detail['line_number']} -> {imported}")
    return "\n".join(lines)


def test_no_module_of_the_project_imports_itself_back() -> None:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    cycles = import_cycles(graph)
    assert not cycles, "Import cycles:\n" + "\n\n".join(describe(graph, c) for c in cycles)


def test_the_cycle_finder_sees_a_cycle_and_only_it() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z", "a.w"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y", line_number=1, line_contents="import a.y")
    graph.add_import(importer="a.y", imported="a.z", line_number=1, line_contents="import a.z")
    graph.add_import(importer="a.z", imported="a.x", line_number=2, line_contents="import a.x")
    graph.add_import(importer="a.w", imported="a.x", line_number=1, line_contents="import a.x")
    assert import_cycles(graph) == [["a.x", "a.y", "a.z"]]
    assert "a.z:2 -> a.x" in describe(graph, ["a.x", "a.y", "a.z"])


# -- the layers (import-linter's contracts in pyproject.toml) --------------------------------

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    """The real `lint-imports` command, next to the Python that runs the tests."""
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_layers_contracts_hold() -> None:
    done = lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_lint_imports_fails_on_a_broken_contract(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["device_bridge"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "the board may not raise its own errors"\n'
        'type = "forbidden"\n'
        'source_modules = ["device_bridge.board"]\n'
        'forbidden_modules = ["device_bridge.errors"]\n',
        encoding="utf-8",
    )
    done = lint_imports("--config", str(config))
    assert done.returncode == 1
    assert "BROKEN" in done.stdout
    assert "device_bridge.board -> device_bridge.errors" in done.stdout


# -- the picture in docs/architecture.md ------------------------------------------------------


def drawing_script():
    """scripts/architecture_graph.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "architecture_graph", ROOT / "scripts" / "architecture_graph.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_import_diagram_is_the_one_the_code_draws() -> None:
    script = drawing_script()
    text = script.DOC.read_text(encoding="utf-8")
    assert script.rewritten(text, script.current_diagram()) == text, (
        "docs/architecture.md is out of date: run python scripts/architecture_graph.py"
    )


def test_the_diagram_puts_boxes_in_their_layers_and_counts_the_imports() -> None:
    script = drawing_script()
    graph = grimp.ImportGraph()
    for module in ("tne.cli.app", "tne.cli.output", "device_bridge.board", "tne.i18n"):
        graph.add_module(module)
    for importer, imported in (
        ("tne.cli.app", "device_bridge.board"),
        ("tne.cli.output", "device_bridge.board"),
        ("device_bridge.board", "tne.i18n"),
    ):
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    drawn = script.mermaid(
        graph,
        [["tne.cli"], ["tne.doctor"], ["kernels"], ["device_bridge"], ["tne.pdf"], ["tne.i18n"]],
    )
    assert 'subgraph layer0["front end"]\n        tne_cli["tne.cli"]\n    end' in drawn
    assert "tne_cli -->|2| device_bridge" in drawn
    assert "device_bridge -->|1| tne_i18n" in drawn
    assert "layer2" not in drawn  # no box, no layer
    stale = script.rewritten(f"a\n{script.START}\nold\n{script.END}\nb", drawn)
    assert stale == f"a\n{script.START}\n{drawn}\n{script.END}\nb"
