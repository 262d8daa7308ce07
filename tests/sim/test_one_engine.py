"""One engine (issue 10, item 8): pupils' code runs only in MicroPython sealed in WebAssembly.
Nothing a user or a pupil can reach starts it in the host's CPython: the child has no option
that selects another engine, and no module of the simulator runs code in the host's Python
(`exec`, `eval`, `compile`), which is what the former CPython engine did behind its guard."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from device_bridge.transports.sim import SimTransport

ROOT = Path(__file__).resolve().parents[2]
#: The host's side of the simulator, and its parent side. The guest's own modules
#: (wasm/guest/) run inside MicroPython: an `exec` there stays in the sealed engine.
HOST_SIDE = sorted(
    path
    for path in (ROOT / "device_bridge" / "sim").rglob("*.py")
    if "guest" not in path.relative_to(ROOT / "device_bridge" / "sim").parts
) + [ROOT / "device_bridge" / "transports" / "sim.py"]
#: The builtins that run (or compile, to run) Python source in the process that calls them.
RUNS_SOURCE = frozenset({"exec", "eval", "compile"})


def calls_that_run_source(source: str) -> list[int]:
    """The lines of `source` that call `exec`, `eval` or `compile` (bare, or `builtins.X`)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _runs_source(node.func):
            lines.append(node.lineno)
    return lines


def _runs_source(function: ast.expr) -> bool:
    if isinstance(function, ast.Name):
        return function.id in RUNS_SOURCE
    return (
        isinstance(function, ast.Attribute)
        and function.attr in RUNS_SOURCE
        and isinstance(function.value, ast.Name)
        and function.value.id == "builtins"
    )


@pytest.mark.parametrize("engine", ["cpython", "wasm"])
def test_the_child_has_no_option_to_choose_an_engine(engine: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "device_bridge.sim", "--engine", engine],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2  # argparse's usage error, before any board exists
    assert "unrecognized arguments: --engine" in done.stderr
    assert done.stdout == ""  # no banner: no board started


def test_the_transport_starts_no_child_with_another_engine() -> None:
    with pytest.raises(TypeError, match="engine"):
        SimTransport(engine="cpython")  # type: ignore[call-arg]
    assert "--engine" not in SimTransport().command()


def test_no_module_of_the_simulator_runs_code_in_the_host_python() -> None:
    assert len(HOST_SIDE) > 40  # the folder was found, and the engine's own modules with it
    found = {
        str(path.relative_to(ROOT)): lines
        for path in HOST_SIDE
        if (lines := calls_that_run_source(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_sees_each_way_of_running_source() -> None:
    source = (
        "import builtins, re\n"
        "exec(code, namespace)\n"
        "value = eval('1')\n"
        "builtins.exec(code)\n"
        "compiled = compile(tree, 'f', 'exec')\n"
        "pattern = re.compile('x')\n"
        "engine.execute(code)\n"
    )
    assert calls_that_run_source(source) == [2, 3, 4, 5]
