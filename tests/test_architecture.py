"""The project's import graph: no module imports itself back through others.

A cycle makes the order of imports matter, hides which module owns what, and forces imports
inside functions. The graph is grimp's (import-linter's engine), built from the sources, with
imports made only for type checkers included: a cycle of types is still two modules that cannot
be read apart.
"""

from __future__ import annotations

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
