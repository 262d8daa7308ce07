"""A boot of the sealed engine loads the simulator's modules as bytecode compiled ahead of time
(device_bridge/sim/wasm/compiled.py), and never a stale one."""

from __future__ import annotations

from pathlib import Path

from device_bridge.sim.wasm import compiled
from device_bridge.sim.wasm.board import LIBRARY
from device_bridge.sim.wasm.vm import guest_source
from tests.sim.local import LocalBoard


def test_every_module_of_the_guest_library_has_bytecode_compiled_from_its_current_source() -> None:
    stale = [
        name
        for name, path in LIBRARY.items()
        if compiled.bytecode(name.removesuffix(".py"), guest_source(path)) is None
    ]
    assert not stale, f"run `python scripts/compile_guest.py`: stale or missing {stale}"


def test_bytecode_is_served_only_for_the_source_it_was_compiled_from() -> None:
    source = guest_source(LIBRARY["microbit.py"])
    assert compiled.bytecode("microbit", source) is not None
    assert compiled.bytecode("microbit", source + "\n# edited\n") is None
    assert compiled.bytecode("nothing", source) is None


def test_a_module_edited_after_it_was_compiled_is_read_from_its_source(tmp_path: Path) -> None:
    board = LocalBoard()
    try:
        vm = board.engine.vm
        assert vm is not None
        read = vm._ops["lib.stat"]
        assert read("/lib/microbit.py") == "-1"  # the guest imports microbit.mpy
        assert int(read("/lib/microbit.mpy")) > 0
        edited = tmp_path / "microbit.py"
        edited.write_text(guest_source(LIBRARY["microbit.py"]) + "\n# edited\n", encoding="utf-8")
        vm.hooks.library = {**LIBRARY, "microbit.py": edited}
        assert int(read("/lib/microbit.py")) > 0
        assert read("/lib/microbit.mpy") == "-1"
    finally:
        board.close()


def test_the_compiled_modules_behave_as_their_sources_and_name_their_file() -> None:
    board = LocalBoard("v1")
    try:
        assert board.run("print(Image.HEART.get_pixel(1, 0), len(Image.ALL_CLOCKS))") == "9 12\n"
        _out, error = board.attempt("Image.HEART.get_pixel(5, 0)")
        assert error.strip().splitlines()[-1] == "ValueError: index too large"
        assert "/lib/" not in error
    finally:
        board.close()
