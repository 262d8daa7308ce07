"""Draw the project's import graph, package by package, into docs/architecture.md.

    python scripts/architecture_graph.py          # rewrite the diagram between the markers
    python scripts/architecture_graph.py --check  # exit 1 if the committed diagram is stale

The picture is read from the code (grimp, import-linter's engine), never drawn by hand: each box
is a part of a package (`NODES`), each arrow says that some module of one imports some module of
the other, and the boxes sit in the layers of the import-linter contract in pyproject.toml, top
to bottom. tests/test_architecture.py fails when the committed diagram is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import grimp

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
START = "<!-- import-graph: start (scripts/architecture_graph.py writes this part) -->"
END = "<!-- import-graph: end -->"
PACKAGES = ("device_bridge", "kernels", "activities", "tne")

#: The boxes: a module belongs to the first prefix it starts with (or is).
NODES = (
    "tne.cli",
    "tne.doctor",
    "tne.hints",
    "tne.program_warnings",
    "kernels.microbit",
    "kernels.widgets",
    "kernels",
    "activities.catalogue",
    "activities.classroom",
    "activities.printing",
    "activities.registry",
    "activities",
    "device_bridge.sim",
    "device_bridge",
    "tne.i18n",
    "tne",
)
#: What the layers of the contract are called in the picture, top to bottom.
LAYER_NAMES = (
    "front end",
    "diagnosis",
    "kernel, activities, pupils' hints",
    "bridge and simulator",
    "shared ground",
    "messages",
)


def node_of(module: str) -> str:
    """The box a module is drawn in."""
    for prefix in NODES:
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return module.split(".")[0]


def contract_layers(pyproject: Path = ROOT / "pyproject.toml") -> list[list[str]]:
    """The modules of each layer of the layers contract, top first."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    for contract in config["contracts"]:
        if contract["type"] == "layers":
            return [
                [part.strip() for part in layer.replace("|", ":").split(":")]
                for layer in contract["layers"]
            ]
    raise SystemExit("pyproject.toml has no layers contract")


def layer_of(modules: list[str], layers: list[list[str]]) -> int:
    """The layer of a box: the highest layer any of its modules is in (a package's own
    `__init__` is in none)."""
    found = [
        index
        for module in modules
        for index, members in enumerate(layers)
        if any(module == m or module.startswith(m + ".") for m in members)
    ]
    if not found:
        raise SystemExit(f"{modules[0]} is in no layer of the contract: add it to pyproject.toml")
    return min(found)


def edges(graph: grimp.ImportGraph) -> dict[tuple[str, str], int]:
    """(importing box, imported box) -> how many module-to-module imports make that arrow."""
    counted: dict[tuple[str, str], int] = {}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            pair = (node_of(module), node_of(imported))
            if pair[0] != pair[1]:
                counted[pair] = counted.get(pair, 0) + 1
    return counted


def label(node: str, modules: list[str]) -> str:
    """A box's text: its name, and for a top-level package's loose modules, which ones."""
    if "." in node:
        return node
    loose = [m.removeprefix(node + ".") for m in modules if m != node]
    return f"{node}: {', '.join(loose)}" if loose else node


def mermaid(graph: grimp.ImportGraph, layers: list[list[str]]) -> str:
    """The Mermaid flowchart: one subgraph per layer, one arrow per pair of boxes, labelled
    with the number of module-to-module imports behind it."""
    counted = edges(graph)
    boxes: dict[str, list[str]] = {}
    for module in sorted(graph.modules):
        boxes.setdefault(node_of(module), []).append(module)
    linked = {node for pair in counted for node in pair}
    nodes = sorted(linked, key=NODES.index)  # a package's bare `__init__` draws no box
    ids = {node: node.replace(".", "_") for node in nodes}
    lines = ["```mermaid", "flowchart TD"]
    for index, name in enumerate(LAYER_NAMES):
        members = [n for n in nodes if layer_of(boxes[n], layers) == index]
        if not members:
            continue
        lines.append(f'    subgraph layer{index}["{name}"]')
        lines.extend(f'        {ids[n]}["{label(n, boxes[n])}"]' for n in members)
        lines.append("    end")
    for (importer, imported), count in sorted(counted.items()):
        lines.append(f"    {ids[importer]} -->|{count}| {ids[imported]}")
    lines.append("```")
    return "\n".join(lines)


def rewritten(text: str, diagram: str) -> str:
    """`text` with the part between the markers replaced by `diagram`."""
    before, found, rest = text.partition(START)
    _old, found_end, after = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"{DOC} lacks the markers {START!r} and {END!r}")
    return f"{before}{START}\n{diagram}\n{END}{after}"


def current_diagram() -> str:
    """The diagram the code draws today."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    return mermaid(graph, contract_layers())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the diagram is stale")
    options = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    wanted = rewritten(text, current_diagram())
    if options.check:
        if wanted != text:
            print(f"{DOC} is out of date: run python scripts/architecture_graph.py")
            return 1
        return 0
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
