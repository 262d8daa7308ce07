"""Wall time and forced stops for a running guest, through wasmtime's epochs.

A process-wide ticker advances the engine's epoch every `TICK_S`. Each store is called back when
its deadline (one tick ahead) is reached, on the guest's own thread, wherever the guest is: in the
interpreter's loop or deep in a C function of MicroPython (`sum(range(10 ** 12))`), since every
WebAssembly loop checks the epoch. The callback either gives the guest another tick or ends it
with a trap: past the run's wall time, or when the host asked for a forced stop (a Ctrl-C that the
program did not obey in time: `vm.GuestVM.interrupt`).
"""

from __future__ import annotations

import ctypes
import threading
import time

import wasmtime
from wasmtime import _bindings
from wasmtime import _ffi as ffi

from .artifact import engine

#: Seconds between two epochs.
TICK_S = 0.05
#: The C callback's type, as the binding declares it (ctypes wants that very type).
_SETTER = _bindings._wasmtime_store_epoch_deadline_callback
_CALLBACK_TYPE = _SETTER.argtypes[1]
_NO_FINALIZER = _SETTER.argtypes[3](lambda _env: None)
_CONTINUE = 0

_ticker_lock = threading.Lock()
_ticker_started = False


def start_ticker() -> None:
    """Start the epoch ticker once per process (a daemon thread: it dies with the process)."""
    global _ticker_started
    with _ticker_lock:
        if _ticker_started:
            return
        _ticker_started = True
    threading.Thread(target=_tick, name="tne-wasm-epoch", daemon=True).start()


def _tick() -> None:
    current = engine()
    while True:
        time.sleep(TICK_S)
        current.increment_epoch()


class Watch:
    """The wall-time budget of a store's current run, and the switch that stops it."""

    def __init__(self, store: wasmtime.Store) -> None:
        self.deadline: float | None = None  # monotonic seconds, None: no run going on
        self.stop_reason = ""  # set from any thread: the guest ends at the next tick
        self.reason = ""  # why the callback ended the guest
        self._callback = _CALLBACK_TYPE(self._on_tick)
        ffi.wasmtime_store_epoch_deadline_callback(store.ptr(), self._callback, None, _NO_FINALIZER)
        store.set_epoch_deadline(1)
        start_ticker()

    def _on_tick(self, _context, _env, delta, kind) -> int:  # type: ignore[no-untyped-def]
        reason = self.stop_reason
        if not reason and self.deadline is not None and time.monotonic() > self.deadline:
            reason = "wall"
        if reason:
            self.reason = reason
            error = ffi.wasmtime_error_new(ctypes.create_string_buffer(reason.encode()))
            return ctypes.cast(error, ctypes.c_void_p).value or 0
        delta[0] = 1
        kind[0] = _CONTINUE
        return 0
