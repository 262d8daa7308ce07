# `os` as the micro:bit's firmware has it (not the unix port's): the board's flash, kept by the
# host (device_bridge/sim/wasm/files.py), and `uname()`. The V2 also has `stat` and `ilistdir`.
import _door

_door.populate(globals(), "os")


class _Uname:
    def __init__(self, fields):
        self._fields = fields
        for key, value in fields:
            setattr(self, key, value)

    def __getitem__(self, index):
        return self._fields[index][1]

    def __len__(self):
        return len(self._fields)

    def __repr__(self):
        return "(" + ", ".join(k + "=" + repr(v) for k, v in self._fields) + ")"


_uname = _Uname(UNAME)
del UNAME


def uname():
    return _uname


def _files():
    return _door.result(_door.big("fs.list"))


def _name(name):
    if not isinstance(name, str):
        raise TypeError("can't convert '" + type(name).__name__ + "' object to str implicitly")
    return name


def listdir(path=""):
    return [name for name, _size in _files()]


def remove(name):
    _door.call("fs.remove", _name(name))


def size(name):
    return _door.call("fs.stat", _name(name))


if STAT:

    def stat(name):
        return (0x8000, 0, 0, 0, 0, 0, size(name), 0, 0, 0)

    def ilistdir(path=""):
        return iter([(name, 0x8000, 0, length) for name, length in _files()])


del STAT
__name__ = "os"
