# The guest's side of the door: calls to the host, their results, and running pupils' code.
# Modules of the simulator (microbit.py...) import `call`, `result` and `args` from here.
import gc
import io
import json
import struct
import sys

_pack = struct.pack
_unpack_from = struct.unpack_from

_call = None
_import = None
# The typed door (device_bridge/sim/wasm/native/door/doormodule.c), when the interpreter has it:
# a call with up to three small ints and no keywords crosses without building any text.
try:
    import _hw
except ImportError:
    _hw = None
# The answer buffer: the host writes None, booleans, ints, tuples of up to three ints and short
# bytes here and answers an empty str (a new str costs a lookup of the interpreter's string
# table, about 15,000 instructions; the empty one is free). The first byte: 0 None, 1 True,
# 2 False, 3 a 32-bit int in the next four, 4 to 6 a tuple of 1 to 3 such ints, 7 bytes (their
# length in the next byte), from 16 on an int plus 128 (device_bridge/sim/wasm/door.py:
# Door.answer). (`bytes`, not a bytearray: host.call takes only str and bytes, and the host
# finds it as a call's payload. Only the host writes into it; nothing here hashes it or keeps
# what it held.)
_answer = bytes(64)
# The queue of I2C writes that the host applies at the next call (device_bridge/sim/wasm/
# queued.py): two bytes of length used, then records of address, length, data. Filled with a
# pattern the host checks when it is registered, which answers the addresses whose writes it
# may take (devices that accept every write).
_queue = bytearray(range(256))
_TUPLES = (None, "<i", "<ii", "<iii")

# Modules pupils may import, as the firmware has them; `LIB` ones are the simulator's own
# (served from /lib), the others MicroPython's built-in ones.
LIB = ("microbit", "music", "radio", "neopixel", "machine", "audio", "speech", "random")
# The firmware's own versions of MicroPython's modules (guest/board_*.py).
BOARD = ("board_os", "board_time", "board_sys", "board_gc", "board_micropython")
LIB = LIB + BOARD
# The simulator's own helpers, importable from its modules only.
INTERNAL = ("_door", "image")
# (`random` is the simulator's: the interpreter's own seeds itself from /dev/urandom, which the
# guest has not got; the simulator's repeats with the board's seed.)
BUILTIN = ("math", "struct", "array", "collections")
ALIASES = {
    "os": "board_os",
    "uos": "board_os",
    "time": "board_time",
    "utime": "board_time",
    "sys": "board_sys",
    "urandom": "random",
    "gc": "board_gc",
    "micropython": "board_micropython",
    "ustruct": "struct",
    "ucollections": "collections",
    "uarray": "array",
}
ERRORS = {
    "ValueError": ValueError,
    "TypeError": TypeError,
    "IndexError": IndexError,
    "KeyError": KeyError,
    "AttributeError": AttributeError,
    "MemoryError": MemoryError,
    "RuntimeError": RuntimeError,
    "NotImplementedError": NotImplementedError,
    "ZeroDivisionError": ZeroDivisionError,
    "OverflowError": OverflowError,
    "ImportError": ImportError,
    "NameError": NameError,
    "OSError": OSError,
}


class Reset(BaseException):
    pass


def queue_i2c(addr, buf):
    # (Until the host took the queue, at boot: nothing is queued; see `_queue_writer`.)
    return False


def start(call, original_import):
    global _call, _import
    _call = call
    _import = original_import
    call("answer.at", _answer)
    if _hw is not None:
        _hw.answer(_typed_answer, _answer)
    global queue_i2c
    queue_i2c = _queue_writer(_queue, tuple(result(call("queue.at", str(id(_queue)))) or ()))


def _typed_answer(kept):
    # A typed call's answer that is not an int nor a constant: in the answer buffer, or kept by
    # the host (an error, a str...).
    return result("M" if kept else "")


def call(op, payload=""):
    return result(_call(op, payload))


def big(op, payload=""):
    # A call whose answer may be long (up to 2 KB): the host gives a larger buffer for it only.
    _call("big", "")
    return _call(op, payload)


# Garbage collection. Our build of the interpreter spills the pointers its C code keeps in
# WebAssembly locals to the stack its collector scans (tests/sim/test_own_build.py), so a
# collection may start anywhere: the heap is collected during a run whenever an allocation does
# not fit, as on a board. Nothing here relies on the contrary: what the host keeps the address
# of (the answer buffer, the I2C queue, the Ctrl-C exception of the run) stays referenced from
# a module's globals, and the collector does not move objects. The heap is large (collecting it
# walks all of it), so it is also collected between runs, once an eighth of it has been
# allocated since the last collection (`micropython.mem_total()`, the bytes ever allocated,
# costs nothing to read; `gc.mem_free()` scans the whole heap), which a run seldom fills.
import micropython

_allocated = micropython.mem_total
_last = [0]


_low = [0]


def result(r):
    # Cheapest checks first: the answer buffer, then interned one-letter answers (they compare
    # by identity); an int is sent bare (slicing a string costs a lookup of the string table).
    if not r:
        t = _answer[0]  # (one global lookup: `_answer` is never rebound)
        if t > 15:
            return t - 128
        if t == 0:
            return None
        if t == 1:
            return True
        if t == 2:
            return False
        if t == 3:
            return _unpack_from("<i", _answer, 1)[0]
        if t == 7:
            return _answer[2 : 2 + _answer[1]]
        return _unpack_from(_TUPLES[t - 3], _answer, 1)
    if r == "n":
        return None
    if r == "M":  # longer than the small buffer: the host kept it
        _call("big", "")
        r = _call("kept", "")
    if r == "T":
        return True
    if r == "F":
        return False
    try:
        return int(r)
    except ValueError:
        pass
    if r.startswith("s"):
        return r[1:]
    if r.startswith("r"):
        return eval(r[1:], {})
    if r == "K":
        raise KeyboardInterrupt
    if r.startswith("O"):
        raise OSError(int(r[1:]))
    if r == "R":
        raise Reset
    if r == "X":
        raise SystemExit
    if r.startswith("E"):
        name, _, message = r[1:].partition("\x00")
        kind = ERRORS.get(name, RuntimeError)
        raise kind(message) if message else kind()
    raise RuntimeError("door")


_PLAIN = (int, str, bool, float, type(None))


def encode(value):
    # JSON for the host, with bytes, images and the board's objects as one-key objects
    # (device_bridge/sim/wasm/door.py: parse).
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is bytes or kind is bytearray or kind is memoryview:
        return {"\x00b": list(bytes(value))}
    if kind is list or kind is tuple:
        return [encode(item) for item in value]
    if kind is dict:
        return {key: encode(item) for key, item in value.items()}
    encoded = getattr(value, "_door_value", None)
    if encoded is not None:
        tag, *rest = encoded()
        return {tag: rest if len(rest) > 1 else rest[0]}
    return {"\x00?": kind.__name__}


# Builtins the hot paths use, as module globals: a builtin's name is looked up in the globals
# first, then in the interpreter's table of builtins, which costs several times a global.
_type = type
_int = int
_bytes = bytes
_bytearray = bytearray
_str = str
_len = len
_LOW, _HIGH = -0x3FFFFFFF, 0x3FFFFFFF  # MicroPython's small ints (a big one costs thousands)
# microbit.Image, which crosses as bytes too (set by microbit.py; its `_door_binary`).
IMAGE = None


def args(a, k):
    # Positional ints, bytes and str go as bytes (b"\x01", then "i" + 4 bytes, or "b" or "s" +
    # a 2-byte length + the bytes (UTF-8 for a str), each): building a str costs a lookup of the
    # interpreter's string table (about 15,000 instructions), building bytes does not. Anything
    # else (booleans, floats, images, keywords...) goes as JSON.
    if not a and not k:
        return ""
    if not k:
        # The usual shapes in one struct.pack (a fifth of the generic loop's cost).
        n = _len(a)
        x = a[0]
        tx = _type(x)
        if tx is _int and _LOW <= x <= _HIGH:
            if n == 1:
                return _pack("<BBi", 1, 105, x)
            y = a[1]
            ty = _type(y)
            if n == 2 and (ty is _bytes or ty is _bytearray) and _len(y) < 0x10000:
                return _pack("<BBiBH", 1, 105, x, 98, _len(y)) + y
            if ty is _int and _LOW <= y <= _HIGH:
                if n == 2:
                    return _pack("<BBiBi", 1, 105, x, 105, y)
                z = a[2]
                if n == 3 and _type(z) is _int and _LOW <= z <= _HIGH:
                    return _pack("<BBiBiBi", 1, 105, x, 105, y, 105, z)
        elif tx is _str and n == 1 and _len(x) < 0x4000:  # display.show('A'), scroll('...')
            x = x.encode()
            return _pack("<BBH", 1, 115, _len(x)) + x
        parts = [b"\x01"]
        for x in a:
            kind = _type(x)
            if kind is _int and -0x80000000 <= x <= 0x7FFFFFFF:
                parts.append(b"i")
                parts.append((x & 0xFFFFFFFF).to_bytes(4, "little"))
            elif (kind is _bytes or kind is _bytearray) and _len(x) < 0x10000:
                parts.append(b"b")
                parts.append(_len(x).to_bytes(2, "little"))
                parts.append(x)
            elif kind is IMAGE:  # (microbit.py sets it)
                parts.append(x._door_binary())
            elif kind is _str and _len(x) < 0x4000:
                x = x.encode()
                parts.append(b"s")
                parts.append(_len(x).to_bytes(2, "little"))
                parts.append(x)
            else:
                break
        else:
            return b"".join(parts)
    return json.dumps([[encode(x) for x in a], {key: encode(v) for key, v in k.items()}])


def _queue_writer(q, queueable):
    # The queue and its addresses bound here, once: rebinding `_queue` changes nothing.
    def queue_i2c(addr, buf):
        # An `i2c.write(addr, buf)` queued instead of crossing; False if it must cross (the
        # host then applies the queue first, then it).
        if _type(addr) is not _int or addr not in queueable:
            return False
        kind = _type(buf)
        if kind is not _bytes and kind is not _bytearray:
            return False
        n = _len(buf)
        at = (q[0] | q[1] << 8) + 2
        if n > 32 or at + 2 + n > 256:
            return False
        q[at] = addr
        q[at + 1] = n
        q[at + 2 : at + 2 + n] = buf
        at += n
        q[0] = at & 255
        q[1] = at >> 8
        return True

    return queue_i2c


def method(op):
    def proxy(self, *a, **k):
        if a or k:
            return result(_call(op, args(a, k)))
        return result(_call(op, ""))

    return proxy if _hw is None else _hw.method(op, proxy)


def function(op):
    def proxy(*a, **k):
        if a or k:
            return result(_call(op, args(a, k)))
        return result(_call(op, ""))

    return proxy if _hw is None else _hw.function(op, proxy)


def real(name):
    return _import(name)


_loading = [0]  # how deep the simulator's own modules are being loaded


def _importer(name, globals=None, locals=None, fromlist=(), level=0):
    name = ALIASES.get(name, name)
    modules = sys.modules
    if name in LIB or (name in INTERNAL and _loading[0]):
        module = modules.get(name)
        if module is None:
            path = sys.path[:]
            sys.path[:] = ["/lib"]
            _loading[0] += 1
            try:
                module = _import(name)
            finally:
                _loading[0] -= 1
                sys.path[:] = path
        return module
    if name in BUILTIN:
        return _import(name, globals, locals, fromlist, level)
    if (
        level
        or "." in name
        or name in modules
        or _call("fs.stat", name + ".py").startswith(("O", "E"))
    ):
        if name in modules and name not in LIB and name not in BUILTIN:
            return modules[name]
        raise ImportError("no module named '" + name + "'")
    return _import(name, globals, locals, fromlist, level)


class _Board:
    # The board's flash file system: pupils' files, kept by the host.
    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def chdir(self, path):
        pass

    def getcwd(self):
        return ""

    def stat(self, path):
        size = call("fs.stat", path.lstrip("/"))
        return (0x8000, 0, 0, 0, 0, 0, size, 0, 0, 0)

    def ilistdir(self, path):
        return iter([(name, 0x8000, 0, size) for name, size in result(big("fs.list"))])

    def remove(self, path):
        call("fs.remove", path.lstrip("/"))

    def rename(self, old, new):
        raise OSError(1)

    def mkdir(self, path):
        raise OSError(1)

    def statvfs(self, path):
        return call("fs.statvfs")

    def open(self, path, mode):
        name = path.lstrip("/")
        binary = "b" in mode
        if "w" in mode:
            call("fs.create", name)
            return _Writer(name, binary)
        parts = []
        size = 0
        while True:
            part = result(big("fs.read", json.dumps([name, size])))
            if not part:
                break
            parts.append(part)
            size += len(part)
        data = b"".join(parts)
        return io.BytesIO(data) if binary else io.StringIO(data.decode("utf-8"))


class _Writer:
    def __init__(self, name, binary):
        self.name = name
        self._binary = binary
        self._closed = False

    def write(self, data):
        if self._closed:
            raise ValueError("I/O operation on closed file")
        if self._binary:
            if isinstance(data, str):
                raise TypeError("object with buffer protocol required")
            data = bytes(data)
        elif not isinstance(data, str):
            raise TypeError("can't convert 'bytes' object to str implicitly")
        else:
            data = data.encode("utf-8")
        # (A chunk crosses as a JSON list of ints: 1 KB keeps that list, 4 bytes an item, and
        # its text under sim@v1's cap on one allocation: board.LARGEST_ALLOCATION.)
        step = 1024
        for start in range(0, len(data), step):
            call("fs.write", json.dumps([self.name, encode(data[start : start + step])]))
        return len(data)

    def flush(self):
        pass

    def close(self):
        self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def boot():
    import builtins
    import os

    import vfs

    try:
        vfs.umount("/")  # the unix port's own (it reaches nothing: the host gives no folder)
    except OSError:
        pass
    vfs.mount(_Board(), "/")
    os.chdir("/")
    sys.path[:] = ["", "/"]
    builtins.__import__ = _importer
    builtins.input = _input
    _probe()


def _input(prompt=""):
    # The board's `input()`: the host prints the prompt, says that the board waits, and reads
    # the answer from the serial line (device_bridge/sim/wasm/stdin.py).
    return result(big("input", str(prompt)))


def _nothing(_):
    pass


def _probe():
    # Lets the host find where the interpreter keeps its pending exception, so that a Ctrl-C
    # can stop `while True: pass` (device_bridge/sim/wasm/interrupt.py). The interpreter's own
    # module: `import` now gives pupils' (board_micropython.py).
    micropython = _import("micropython")

    exec("_c('probe.globals', str(id(globals())))", {"_c": _call})
    _call("probe.snap", "")
    micropython.schedule(_nothing, None)
    _call("probe.snap", "")
    for _ in range(2):
        pass
    stop = KeyboardInterrupt()
    caught = "F"
    try:
        _call("probe.stop", str(id(stop)))
        for _ in range(3):
            pass
    except KeyboardInterrupt as error:
        caught = "T" if error is stop else "F"
    _call("probe.result", caught)


def ready(heap):
    # The boot's own garbage goes at the first collection (see "Garbage collection" above).
    _low[0] = heap // 8
    _last[0] = _allocated()


def between_runs():
    total = _allocated()
    if total - _last[0] > _low[0] or total < _last[0]:
        gc.collect()
        _last[0] = _allocated()


def _manifest(module):
    parts = []
    size = 0
    while True:
        part = big("manifest.read", module + "\x00" + str(size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    text = "".join(parts)
    if not text.startswith("j"):
        return result(text)
    # JSON (the host's `encode_manifest`): the constants' lists were tuples.
    described = json.loads(text[1:])
    described["constants"] = _tuples(described["constants"])
    for name, (kind, methods, constants) in described["objects"].items():
        described["objects"][name] = (kind, methods, _tuples(constants))
    return described


def _tuples(value):
    kind = type(value)
    if kind is list:
        return tuple([_tuples(item) for item in value])
    if kind is dict:
        return {key: _tuples(item) for key, item in value.items()}
    return value


def _object_class(module, name, kind, methods, constants):
    members = {"_door_value": lambda self: ("\x00O", module + "." + name)}
    for m in methods:
        members[m] = method(module + "." + name + "." + m)
    members.update(constants)
    return type(kind, (), members)


def _handle_class(module, name, methods):
    def __init__(self, *a, **k):
        self._handle = result(_call(module + "." + name, args(a, k)))

    members = {"__init__": __init__}
    for m in methods:
        members[m] = _handle_method(module + "." + name + "." + m)
    return type(name, (), members)


def _handle_method(op):
    def proxy(self, *a, **k):
        return result(_call(op, args((self._handle,) + a, k)))

    return proxy


def populate(ns, module):
    # Fill a module's globals from the host's list (device_bridge/sim/wasm/peripherals.py).
    described = _manifest(module)
    for name in described["functions"]:
        ns[name] = function(module + "." + name)
    for name, (kind, methods, constants) in described["objects"].items():
        ns[name] = _object_class(module, name, kind, methods, constants)()
    for name, methods in described["classes"].items():
        ns[name] = _handle_class(module, name, methods)
    ns.update(described["constants"])
