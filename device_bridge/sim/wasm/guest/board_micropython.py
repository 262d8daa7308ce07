# `micropython` as pupils see it: `const`, the introspection helpers and the heap's lock;
# `kbd_intr` does nothing here (Ctrl-C is the host's), and there is no `schedule`.
import _door

_real = _door.real("micropython")


def const(value):
    return value


def opt_level(level=None):
    return 0 if level is None else None


def mem_info(verbose=None):
    _real.mem_info()  # (it walks the whole heap: slow in simulated time, as the program asked)


def qstr_info(verbose=None):
    _real.qstr_info()


def stack_use():
    return _real.stack_use()


# The interpreter's own: an allocation then fails with MemoryError, as on the board (the REPL
# loop survives a heap left locked: tests/sim/test_attacks.py, heap-lock).
heap_lock = _real.heap_lock
heap_unlock = _real.heap_unlock


def kbd_intr(char):
    return None


__name__ = "micropython"
