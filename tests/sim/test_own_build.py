"""Our own build of the guest MicroPython (device_bridge/sim/wasm/native/, built by
scripts/build_guest_wasm.py): its imports pass the engine's check, and its garbage collector,
run during a program on a small heap, keeps every live object (the build spills the pointers
that the C code holds in WebAssembly locals to the stack the collector scans)."""

from __future__ import annotations

import contextlib

import pytest
import wasmtime

from device_bridge.sim.wasm import artifact
from device_bridge.sim.wasm.door import NATIVE_READ
from device_bridge.sim.wasm.memory import GuestMemory, HostFunctions, Trapped
from device_bridge.sim.wasm.wasi import Wasi
from tests.sim.local import LocalBoard

#: A function with many locals keeps its frame in the heap, referenced only from a local of the
#: interpreter's C code: an unspilled build (the PyPI artifact) frees that frame at the first
#: collection while the function runs (its variables then read as garbage: measured, a
#: `TypeError` on `b0 + b1...` or a trap). `COLLECT` is replaced by `gc.collect()` (a program's
#: own collection) or `pass` (the small heap's automatic collections).
PROGRAM = """\
import gc
def many(n):
    a0 = [n]; a1 = str(n); a2 = (n, n); a4 = {"n": n}; a5 = str(n) * 2; a6 = [a1]; a7 = (a5,)
    b0 = 0; b1 = 1; b2 = 2; b3 = 3; b4 = 4; b5 = 5; b6 = 6; b7 = 7; b8 = 8; b9 = 9
    c0 = 0; c1 = 1; c2 = 2; c3 = 3; c4 = 4; c5 = 5; c6 = 6; c7 = 7; c8 = 8; c9 = 9
    out = []
    for k in range(20):
        out.append(str(k) * 10)
        if k % 4 == 0:
            COLLECT
        junk = [str(j) for j in range(20)]
    total = b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8 + b9
    total += c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9
    kept = a0 == [n] and a1 == str(n) and a2 == (n, n) and a4["n"] == n and a6 == [str(n)]
    return kept and a7 == (str(n) * 2,) and total == 90 and out[19] == "19" * 10
ok = gc.isenabled()
for i in range(200):
    ok = ok and many(i)
print("OK" if ok else "FAIL")
"""


def _run(module: wasmtime.Module, heap_bytes: int, source: str) -> bytes:
    """What the interpreter prints for `source`, alone in a store (no door: any call to one
    ends it), with the engine's configuration."""
    store = wasmtime.Store(artifact.engine())
    store.set_limits(memory_size=heap_bytes + 8 * 1024 * 1024)
    store.set_fuel(50_000_000_000)
    store.set_epoch_deadline(1 << 40)
    functions = HostFunctions(store)
    linker = wasmtime.Linker(store.engine)
    out: list[bytes] = []
    argv = [b"micropython", b"-X", f"heapsize={heap_bytes}".encode(), b"-c", source.encode()]
    wasi = Wasi(argv, lambda _fd, data: out.append(data), lambda: 0)
    wasi.define(linker, functions, module)

    def no_door(*_arguments: int) -> int:
        raise Trapped("door")

    for item in module.imports:
        if item.module != artifact.WASI_MODULE:
            functions.define(linker, item.module, item.name, item.type, no_door)
    instance = linker.instantiate(store, module)
    memory = instance.exports(store)["memory"]
    assert isinstance(memory, wasmtime.Memory)
    wasi.memory = GuestMemory(store, memory)
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    with contextlib.suppress(wasmtime.WasmtimeError):  # proc_exit traps (wasi.py)
        start(store)
    assert wasi.exit_code in (None, 0), b"".join(out)
    return b"".join(out)


def _own_module() -> wasmtime.Module:
    return artifact._checked(wasmtime.Module(artifact.engine(), artifact.OWN_BUILD.read_bytes()))


def test_the_own_build_imports_wasi_the_door_and_the_typed_door_only() -> None:
    names = {(item.module, item.name) for item in _own_module().imports}
    assert (artifact.NATIVE_MODULE, "call") in names
    assert (artifact.NATIVE_MODULE, "bind") in names
    assert (artifact.HOST_MODULE, "host_call") in names


@pytest.mark.parametrize("collect", ["gc.collect()", "pass"])
@pytest.mark.parametrize("heap", [16 * 1024, 128 * 1024])
def test_collections_during_a_run_keep_every_live_object(collect: str, heap: int) -> None:
    assert _run(_own_module(), heap, PROGRAM.replace("COLLECT", collect)) == b"OK\n"


def test_a_program_too_large_for_the_small_heap_gets_memory_error() -> None:
    out = _run_failing(_own_module(), 16 * 1024, "x = [str(i) for i in range(100000)]")
    assert b"MemoryError" in out


def _run_failing(module: wasmtime.Module, heap: int, source: str) -> bytes:
    try:
        return _run(module, heap, source)
    except AssertionError as failed:
        return str(failed).encode()


def test_a_program_that_reaches_the_typed_door_gets_only_the_ops_it_already_has() -> None:
    """A file named `_hw.py` lets a program import the built-in `_hw` (built-in modules come
    first): the REPL loop's and the file system's ops are refused to it (their calls go to the
    program's own fallback), a hardware op answers as through `microbit`."""
    board = LocalBoard("v2")
    out = board.run(
        "f = open('_hw.py', 'w')\nf.write('x = 1')\nf.close()\nimport _hw\n"
        "print(_hw.function('next', lambda *a: 'refused')(1))\n"
        "print(_hw.function('fs.read', lambda *a: 'refused')(1))\n"
        "print(_hw.function('microbit.running_time', None)() >= 0)"
    )
    assert out == "refused\nrefused\nTrue\n"


def test_a_typed_call_with_an_unknown_op_or_count_gets_a_type_error() -> None:
    board = LocalBoard("v2")
    board.run("sleep(0)")  # op 0 is bound: a wrong count alone is refused
    door = board.engine.vm._door  # type: ignore[union-attr]
    assert door is not None and len(door._native) == 1
    for op, count in ((999, 0), (-1, 0), (0, 4), (0, -1)):
        assert door.native_call(op, count, 0, 0, 0) == (NATIVE_READ << 32) | 1
        assert door._kept == b"ETypeError\x00unsupported argument"
