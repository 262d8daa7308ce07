"""Each simulated board is a child process started again for each `tne run`, each grader's run
and each reset: it imports the simulator and the engine, and nothing of the bridge's own side.

The speed itself is measured in `benchmarks/bench_sim_engine.py` (the `tne run` row); these
tests pin what makes it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from device_bridge.address import parse_address
from device_bridge.sim.recorded import RecordedBoard
from device_bridge.transports.sim import PACKAGE_ROOT, child_environment

#: What the child needs none of: the bridge's side of the serial line (the board, its files,
#: flashing, addresses), the CLI's libraries, and importlib.metadata (about 15 ms: the engine's
#: cache reads wasmtime's version from its dist-info folder's name).
NOT_IN_THE_CHILD = (
    "device_bridge.board",
    "device_bridge.fs",
    "device_bridge.flash",
    "device_bridge.address",
    "importlib.metadata",
    "typer",
    "rich",
    "babel",
)

PROBE = """
import json, sys
import device_bridge.sim.__main__
from device_bridge.sim.wasm import artifact
artifact.module()
print(json.dumps(sorted(sys.modules)))
"""


def test_the_child_imports_the_engine_and_none_of_the_bridge_side() -> None:
    """The child's modules, and the engine's compiled module loaded from its cache."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_environment(),
        cwd=PACKAGE_ROOT,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert {"wasmtime", "device_bridge.sim.wasm.board", "device_bridge.sim.repl"} <= loaded
    assert not loaded & set(NOT_IN_THE_CHILD), loaded & set(NOT_IN_THE_CHILD)


def test_a_launched_board_is_started_on_the_same_child() -> None:
    """`launch()` starts the child without waiting (`tne run` then makes its warnings); `start()`
    connects to that child rather than starting another, and the trace has the start pose."""
    with RecordedBoard(parse_address("sim:maqueen")) as recorded:
        recorded.launch()
        child = recorded.transport._process
        assert child is not None
        recorded.launch()
        board = recorded.start()
        assert recorded.transport._process is child
        assert board.eval("6 * 7") == 42
        recorded.finish()
    assert recorded.trace.start_pose() is not None
    assert child.poll() is not None  # closed with the board


def test_the_engine_cache_is_keyed_by_wasmtime_installed_version() -> None:
    from importlib import metadata

    from device_bridge.sim.wasm import artifact

    assert artifact.wasmtime_version.__wrapped__() == metadata.version("wasmtime")


def test_an_install_without_a_dist_info_beside_wasmtime_asks_importlib_metadata(
    tmp_path, monkeypatch
) -> None:
    """wasmtime laid out otherwise (an egg, a zip, a vendor's folder): its version still comes,
    from importlib.metadata."""
    import importlib.util
    from importlib import metadata

    from device_bridge.sim.wasm import artifact

    package = tmp_path / "wasmtime"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    elsewhere = importlib.util.spec_from_file_location("wasmtime", package / "__init__.py")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: elsewhere)
    assert artifact.wasmtime_version.__wrapped__() == metadata.version("wasmtime")
