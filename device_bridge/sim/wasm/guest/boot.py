# The simulated board's REPL loop, run by the guest MicroPython (`-c`). It asks the host for the
# next piece of code, runs it in the board's globals, and reports how it ended. Everything the
# program may touch beyond the interpreter goes through the door (`_door.py`).
import binascii
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
        # A module's source, or its bytecode (NAME.mpy, in base64: the door carries text).
        parts = []
        size = 0  # (a str's len() counts its characters: once per piece)
        while True:
            _call("big", "")
            part = _call("lib.read", path + "\x00" + str(size))
            if not part:
                break
            parts.append(part)
            size += len(part)
        if path.endswith(".mpy"):
            return io.BytesIO(binascii.a2b_base64("".join(parts)))
        return io.StringIO("".join(parts))

    def ilistdir(self, path):
        return iter(())


vfs.mount(_Lib(), "/lib")
sys.path[:] = ["/lib"]
import _door  # noqa: E402

_door.start(_call, builtins.__import__)
_door.boot()


def _loop_parts(call, token, g, compile, exec, print_exception, StringIO, Reset):
    # What the REPL loop relies on, bound here at boot, before any program runs: a program can
    # reach the simulator's modules (sys.modules) and change their attributes, and so could
    # otherwise swap the code of the next run (a grader's check) or its verdict. `token` (given
    # once by the host) makes `next`, `job.read` and `done` the loop's alone.

    def source(length):
        parts = []
        size = 0
        while size < length:
            call("big", "")
            part = call("job.read", token + str(size))
            if not part:
                break
            parts.append(part)
            size += len(part)
        return "".join(parts)

    def traceback(error):
        buffer = StringIO()
        print_exception(error, buffer)
        lines = buffer.getvalue().split("\n")
        if len(lines) > 1 and lines[1].endswith(", in run"):
            del lines[1]  # the outermost frame is this loop's `run`, compiled as <stdin> too
        return "\n".join([line for line in lines if not line.startswith('  File "/lib/')])

    def run(mode, code):
        # The mode (e: exec, s: single) and the source. The status is "ok", "er" (the
        # traceback follows), or "rs" (the program asked the board to reset).
        try:
            exec(compile(code, "<stdin>", "single" if mode == "s" else "exec"), g)
        except SystemExit:
            return "ok", ""
        except Reset:
            return "rs", ""
        except BaseException as error:  # everything a program raises is reported, as on a board
            try:
                return "er", traceback(error)[-8000:]
            except MemoryError:  # the heap is full of what the program keeps: no words
                return "er", "MemoryError: memory allocation failed"
        return "ok", ""

    return source, run


_g = {"__name__": "__main__"}
exec("from microbit import *", _g)
_door.ready(int(_call("heap", "")))
_token = _call("token", "")
_token_b = _token.encode()
_source, _run = _loop_parts(
    _call, _token, _g, compile, exec, sys.print_exception, io.StringIO, _door.Reset
)
_between = _door.between_runs
while True:
    _between()
    _stop = KeyboardInterrupt()  # the exception a Ctrl-C raises (interrupt.py)
    # (The address in fixed width: a string's length moves later allocations, and their cost.)
    _length = _call("next", _token + "%010d" % id(_stop))
    if not _length:
        break
    _job = _source(int(_length))
    # (Split before the run starts: sim@v1's cap on one allocation is for the program only.)
    _mode, _job = _job[0], _job[1:]
    _call("go", _token)
    _status, _text = _run(_mode, _job)
    _between()  # before building the answer: a run may have filled the heap
    # As bytes: a new str is looked up in the interpreter's sorted string table, at a cost that
    # depends on its content, so a str holding the (random) secret would change the run's work.
    _call("done", _token_b + _status.encode() + _text.encode())
