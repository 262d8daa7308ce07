"""The guest's linear memory as the host sees it, and host functions the guest can import.

Every address and length comes from the guest, so each access is checked against the memory's
current size before it touches a byte: a wrong pointer is the guest's error (`GuestFault`), never
a read or write of the host's own memory. The memory never moves (`artifact.engine`), so its base
address is read once, and the host reads and writes it through a ctypes array laid over it
(slicing one costs a sixth of `ctypes.string_at`, assigning a slice a third of `ctypes.memmove`:
several of each per call through the door).

Host functions are defined through wasmtime's "unchecked" C API: the guest's arguments arrive as
raw 64-bit slots. wasmtime's Python `Func` converts each argument through Python objects, which
made one call of the guest's `host.call` cost 20 µs; this path costs a few (benchmarks).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime._func import Func


class GuestFault(Exception):
    """The guest passed a pointer or a length outside its own memory."""


class GuestMemory:
    def __init__(self, store: wasmtime.Store, memory: wasmtime.Memory) -> None:
        self._store = store
        self._memory = memory
        self.base = ctypes.addressof(memory.data_ptr(store).contents)
        self._size = 0
        self._bytes = (ctypes.c_char * 0).from_address(self.base)
        self._grown()

    def _grown(self) -> None:
        """The view over the memory's current size (it only grows, in place)."""
        self._size = self.size()
        self._bytes = (ctypes.c_char * self._size).from_address(self.base)

    def size(self) -> int:
        return self._memory.data_len(self._store)

    def _check(self, address: int, length: int) -> None:
        # The memory only grows: the size known last is a safe bound, read again when passed.
        if address < 0 or length < 0:
            raise GuestFault(f"{address}+{length}")
        if address + length > self._size:
            self._grown()
            if address + length > self._size:
                raise GuestFault(f"{address}+{length}")

    def read(self, address: int, length: int) -> bytes:
        self._check(address, length)
        return self._bytes[address : address + length]

    def write(self, address: int, data: bytes) -> None:
        self._check(address, len(data))
        self._bytes[address : address + len(data)] = data

    def u32(self, address: int) -> int:
        return int.from_bytes(self.read(address, 4), "little")

    def put_u32(self, address: int, value: int) -> None:
        self.write(address, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def put_u64(self, address: int, value: int) -> None:
        self.write(address, (value & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"))


#: A host function: the guest's i32 arguments in, one i32 out; `Trapped` to end the guest.
HostFunction = Callable[..., int]


class Trapped(Exception):
    """Raised by a host function to end the guest at once (a limit, an exit)."""


_NO_FINALIZER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda _env: None)
#: wasmtime's unchecked callback (`wasmtime_func_unchecked_callback_t`) with the caller as a
#: plain address and the arguments' slots as 32-bit words: ctypes then builds no object per
#: call for either, and reads a word as an int at once (a slot read as `wasmtime_val_raw_t`
#: is an object per argument). A slot is 16 bytes, stored little-endian whatever the host:
#: an i32 is the first word of its slot, an i64 the first two.
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_size_t,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_int32),
    ctypes.c_size_t,
)
WORDS_PER_SLOT = 4


def _argument(words: ctypes._Pointer[ctypes.c_int32], index: int, wide: bool) -> int:
    """Argument `index`: an i32, or an i64 (its high word signed, its low one not)."""
    at = index * WORDS_PER_SLOT
    if wide:
        return (words[at + 1] << 32) | (words[at] & 0xFFFFFFFF)
    return words[at]


class HostFunctions:
    """Keeps the C callbacks alive as long as the store that calls them. A Python exception
    other than `Trapped` in a host function is the host's bug: it is recorded (`failure`) and
    the guest is ended, rather than carried on from a half-done call."""

    def __init__(self, store: wasmtime.Store) -> None:
        self.store = store
        self._callbacks: list[object] = []
        self.failure: BaseException | None = None
        self.trap_reason: str = ""

    def define(
        self,
        linker: wasmtime.Linker,
        module: str,
        name: str,
        kind: wasmtime.FuncType,
        function: HostFunction,
    ) -> None:
        """`function` receives the guest's arguments as Python ints (i32 or i64 as `kind`
        declares them) and returns the one i32 or i64 result, if `kind` has one."""
        wide = [str(param) == "i64" for param in kind.params]
        count = len(wide)
        has_result = bool(kind.results)
        wide_result = has_result and str(kind.results[0]) == "i64"
        six_ints = count == 6 and not any(wide)
        five_ints = count == 5 and not any(wide)  # the typed door's (door.Door.native_call)

        @_CALLBACK
        def callback(_env, _caller, words, _count):  # type: ignore[no-untyped-def]
            try:
                if six_ints:  # the door's shape: spelt out, it is its hottest line
                    value = function(words[0], words[4], words[8], words[12], words[16], words[20])
                elif five_ints:
                    value = function(words[0], words[4], words[8], words[12], words[16])
                else:
                    value = function(*[_argument(words, i, wide[i]) for i in range(count)])
                if has_result:
                    words[0] = value  # (ctypes keeps the low 32 bits)
                    if wide_result:
                        words[1] = value >> 32
                return 0
            except Trapped as stop:
                self.trap_reason = str(stop) or "trapped"
            except GuestFault as fault:
                self.trap_reason = f"fault {fault}"
            except BaseException as error:  # noqa: BLE001 - see the class docstring
                self.failure = error
                self.trap_reason = f"host error {type(error).__name__}"
            message = self.trap_reason.encode()
            trap = ffi.wasmtime_trap_new(ctypes.create_string_buffer(message), len(message))
            return ctypes.cast(trap, ctypes.c_void_p).value or 0

        self._callbacks.append(callback)
        raw = ffi.wasmtime_func_t()
        ffi.wasmtime_func_new_unchecked(
            self.store._context(),
            kind.ptr(),
            ctypes.cast(callback, ffi.wasmtime_func_unchecked_callback_t),
            None,
            _NO_FINALIZER,
            ctypes.byref(raw),
        )
        linker.define(self.store, module, name, Func._from_raw(raw))
