# `sys` as the micro:bit's firmware shows it: its platform, versions, `exit` and
# `print_exception`, with the interpreter's own streams and modules underneath.
import _door

_real = _door.real("sys")
_StringIO = _door.io.StringIO
_door.populate(globals(), "sys")
del reword  # noqa: F821 - print_exception calls it


class _Implementation:
    name = "micropython"
    version = IMPLEMENTATION  # noqa: F821 - from the host's list

    def __repr__(self):
        return "(name='micropython', version=" + repr(self.version) + ")"


implementation = _Implementation()
del IMPLEMENTATION
if FULL:  # noqa: F821 - the V2's sys has more than the V1's
    stdout = _real.stdout
    stdin = _real.stdin
    stderr = _real.stderr
    modules = _real.modules
    path = ["", "/", ".frozen", "/lib"]
    argv = []
else:
    del maxsize  # noqa: F821
del FULL


def exit(code=None):
    raise SystemExit(code) if code is not None else SystemExit


def print_exception(error, stream=None):
    # As the REPL prints it: without the simulator's own frames.
    buffer = _StringIO()
    _real.print_exception(error, buffer)
    lines = buffer.getvalue().split("\n")
    text = "\n".join([line for line in lines if not line.startswith('  File "/lib/')])[-1500:]
    text = _door.result(_door.big("sys.reword", _door.args((text,), {})))
    (stream or _real.stdout).write(text if text.endswith("\n") else text + "\n")


__name__ = "sys"
