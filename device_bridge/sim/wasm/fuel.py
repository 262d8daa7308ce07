"""The store's fuel, read at every call through the door and cut at every call of a capped run
(vm.py), through wasmtime's C API with plain addresses.

`Store.get_fuel` and `Store.set_fuel` cost several times more, and so do wasmtime's own ctypes
functions: their arguments are typed pointers that ctypes converts at each call, and their
result is a new pointer object, even when it is NULL (no error). Here the same C functions take
the context's and the counter's addresses as plain integers and answer an address (None when
there is no error), bound once with `functools.partial`. On an error (none is expected once fuel
is on), the caller asks the store's own method, which raises it.

They are also called without letting go of Python's lock (GIL) around them, as C functions of
Python's own API are (`ctypes.PYFUNCTYPE`): each only reads or writes a counter in the store,
never blocks and never calls back, so releasing and taking back the lock (what ctypes does for
any other foreign call) cost nearly as much as the call itself.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

import wasmtime
from wasmtime import _bindings as bindings


def _c_function(name: str, *argtypes: type) -> Callable[..., int | None]:
    """A ctypes function of wasmtime's library of our own (the bindings' one has its own types),
    answering the error's address or None, called with the GIL held."""
    address = ctypes.cast(bindings.dll[name], ctypes.c_void_p).value
    return ctypes.PYFUNCTYPE(ctypes.c_void_p, *argtypes)(address)


_GET = _c_function("wasmtime_context_get_fuel", ctypes.c_void_p, ctypes.c_void_p)
_SET = _c_function("wasmtime_context_set_fuel", ctypes.c_void_p, ctypes.c_uint64)


class Fuel:
    """The fuel of `store`: `read()` puts what is left into `left.value` (and answers None, or
    an error's address), `write(units)` sets it (the same)."""

    def __init__(self, store: wasmtime.Store) -> None:
        self.left = ctypes.c_uint64()
        # The context lives as long as the store, which the caller keeps.
        context = ctypes.cast(store._context(), ctypes.c_void_p).value
        self.read = functools.partial(_GET, context, ctypes.addressof(self.left))
        self.write = functools.partial(_SET, context)
