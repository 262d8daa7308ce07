"""The WASI calls the guest may make, answered by the host: a program's standard output, its
arguments, and the simulated clock. Nothing else.

The guest is a WASI "command" (MicroPython's unix port), so it imports the whole
`wasi_snapshot_preview1` set it was linked with. wasmtime's own WASI would give it the host's
real clock and, for any folder we preopened, real files; ours gives it:

- `args_*`: the command line the engine chose (the heap size and the REPL loop);
- `environ_*`: an empty environment;
- `clock_time_get`: the simulated clock (`SimClock`), for every clock id;
- `fd_write` on 1 and 2: the board's serial line (through `sink`), size-capped by the caller;
- `fd_fdstat_get` on 0-2: a character device, so that MicroPython sets up its streams;
- `proc_exit`: ends the guest (a trap the engine reads as "the interpreter stopped");
- `sched_yield`: nothing to do.

Every other call (opening, reading, listing, renaming or removing files; polling) answers
`ENOSYS` or `EBADF`, and `fd_prestat_get` says there is no preopened folder, so the guest sees
no file system from the host at all. The board's own files reach it through the door instead.
"""

from __future__ import annotations

from collections.abc import Callable

import wasmtime

from .memory import GuestMemory, HostFunctions, Trapped

MODULE = "wasi_snapshot_preview1"
#: WASI errno values.
ESUCCESS, EBADF, EINVAL, ENOSYS = 0, 8, 28, 52
#: `__WASI_FILETYPE_CHARACTER_DEVICE`.
CHARACTER_DEVICE = 2
#: Most bytes one `fd_write` may carry (the guest writes in small pieces; this bounds a bad one).
MAX_WRITE = 64 * 1024


class Exited(Trapped):
    """The guest called `proc_exit`."""


class Wasi:
    def __init__(
        self,
        argv: list[bytes],
        sink: Callable[[int, bytes], None],
        now_ns: Callable[[], int],
    ) -> None:
        self.argv = [arg + b"\0" for arg in argv]
        self.sink = sink
        self.now_ns = now_ns
        self.memory: GuestMemory | None = None  # set once the instance exists
        self.exit_code: int | None = None

    def define(self, linker: wasmtime.Linker, functions: HostFunctions, module) -> None:
        answers: dict[str, Callable[..., int]] = {
            "args_sizes_get": self.args_sizes_get,
            "args_get": self.args_get,
            "environ_sizes_get": self.environ_sizes_get,
            "environ_get": lambda _environ, _buffer: ESUCCESS,
            "clock_time_get": self.clock_time_get,
            "fd_write": self.fd_write,
            "fd_fdstat_get": self.fd_fdstat_get,
            "fd_prestat_get": lambda _fd, _out: EBADF,
            "proc_exit": self.proc_exit,
            "sched_yield": lambda: ESUCCESS,
        }
        for item in module.imports:
            if item.module != MODULE:
                continue
            answer = answers.get(item.name, _refused)
            functions.define(linker, MODULE, item.name, item.type, answer)

    @property
    def _memory(self) -> GuestMemory:
        assert self.memory is not None
        return self.memory

    def args_sizes_get(self, count_at: int, size_at: int) -> int:
        self._memory.put_u32(count_at, len(self.argv))
        self._memory.put_u32(size_at, sum(len(arg) for arg in self.argv))
        return ESUCCESS

    def args_get(self, pointers_at: int, buffer_at: int) -> int:
        offset = buffer_at
        for index, arg in enumerate(self.argv):
            self._memory.put_u32(pointers_at + 4 * index, offset)
            self._memory.write(offset, arg)
            offset += len(arg)
        return ESUCCESS

    def environ_sizes_get(self, count_at: int, size_at: int) -> int:
        self._memory.put_u32(count_at, 0)
        self._memory.put_u32(size_at, 0)
        return ESUCCESS

    def clock_time_get(self, _clock_id: int, _precision: int, time_at: int) -> int:
        self._memory.put_u64(time_at, self.now_ns())
        return ESUCCESS

    def fd_write(self, fd: int, vectors_at: int, count: int, written_at: int) -> int:
        if fd not in (1, 2):
            return EBADF
        if not 0 <= count <= 64:
            return EINVAL
        memory = self._memory
        table = memory.read(vectors_at, 8 * count)
        pieces = []
        total = 0
        for index in range(count):
            address = int.from_bytes(table[8 * index : 8 * index + 4], "little")
            length = int.from_bytes(table[8 * index + 4 : 8 * index + 8], "little")
            total += length
            if total > MAX_WRITE:
                return EINVAL
            pieces.append(memory.read(address, length))
        self.sink(fd, b"".join(pieces))
        memory.put_u32(written_at, total)
        return ESUCCESS

    def fd_fdstat_get(self, fd: int, stat_at: int) -> int:
        if fd not in (0, 1, 2):
            return EBADF
        # filetype u8, flags u16, rights base u64, rights inheriting u64 (24 bytes).
        self._memory.write(stat_at, bytes([CHARACTER_DEVICE]) + bytes(23))
        return ESUCCESS

    def proc_exit(self, code: int) -> int:
        self.exit_code = code
        raise Exited(f"exit {code}")


def _refused(*_arguments: int) -> int:
    return ENOSYS
