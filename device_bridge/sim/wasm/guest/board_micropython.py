# `micropython` as pupils see it: `const` and the introspection helpers; what could stop the
# simulator's own work (heap_lock, kbd_intr, schedule) does nothing here.
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


def heap_lock():
    return 0


def heap_unlock():
    return 0


def kbd_intr(char):
    return None


__name__ = "micropython"
