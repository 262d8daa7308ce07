# The simulated board's REPL loop, run by the guest MicroPython (`-c`). It asks the host for the
# next piece of code, runs it in the board's globals, and reports how it ended. Everything the
# program may touch beyond the interpreter goes through the door (`_door.py`).
import builtins
import io
import sys

import host
import vfs

_call = host.call


class _Lib:
    # The simulator's own modules (microbit, music...), read-only, served by the host.
    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def stat(self, path):
        size = int(_call("lib.stat", path))
        if size < 0:
            raise OSError(2)
        return (0x8000, 0, 0, 0, 0, 0, size, 0, 0, 0)

    def open(self, path, mode):
        parts = []
        while True:
            _call("big", "")
            part = _call("lib.read", path + "\x00" + str(sum(len(p) for p in parts)))
            if not part:
                break
            parts.append(part)
        return io.StringIO("".join(parts))

    def ilistdir(self, path):
        return iter(())


vfs.mount(_Lib(), "/lib")
sys.path[:] = ["/lib"]
import _door  # noqa: E402

_door.start(_call, builtins.__import__)
_door.boot()
_g = {"__name__": "__main__"}
exec("from microbit import *", _g)
_door.ready(int(_call("heap", "")))

while True:
    _door.between_runs()
    _ki = KeyboardInterrupt()
    _length = _call("next", str(id(_ki)))
    if not _length:
        break
    _status, _text = _door.run(_door.job(int(_length)), _g)
    _call("done", _status + _text)
