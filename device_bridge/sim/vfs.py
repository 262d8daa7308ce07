"""The board's flash file system, in memory: pupil code's `open()` and `os` reach this, never
the host's disk.

The micro:bit file system is flat (no folders), names are at most 120 bytes, and it holds about
30 KB. Files opened for writing are truncated at once and written in place, as on the board.
Errors are `OSError(errno)` as MicroPython raises them (`OSError: [Errno 2] ENOENT`).

Flash outlives a reset: given a `store` folder (the transport's, one per simulated board), every
change is written through to it, one host file per board file under a hex-encoded name (so no
board name can reach outside the folder), and a restarted child finds its files again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

ENOENT, EIO, EEXIST, EISDIR, EINVAL, ENOSPC = 2, 5, 17, 21, 22, 28
ERRNO_NAMES = {
    ENOENT: "ENOENT",
    EIO: "EIO",
    EEXIST: "EEXIST",
    EISDIR: "EISDIR",
    EINVAL: "EINVAL",
    ENOSPC: "ENOSPC",
    19: "ENODEV",  # an I2C address where no device answers (hardware.ENODEV)
}
#: Longest file name, in bytes (MicroPython's micro:bit port).
NAME_BYTES = 120
#: Room for file contents, in bytes (about the V1 firmware's free flash).
CAPACITY = 30 * 1024


class VirtualFS:
    """Flat name -> bytes storage with the board's limits."""

    def __init__(self, capacity: int = CAPACITY, store: Path | None = None) -> None:
        self.capacity = capacity
        self.files: dict[str, bytearray] = {}
        self._store = store
        if store is not None:
            for path in sorted(store.iterdir()):
                with contextlib.suppress(ValueError, OSError):
                    self.files[bytes.fromhex(path.name).decode("utf-8")] = bytearray(
                        path.read_bytes()
                    )

    def _stored(self, key: str) -> Path | None:
        if self._store is None:
            return None
        return self._store / key.encode("utf-8").hex()

    def persist(self, key: str, appended: bytes | None = None) -> None:
        """Write a change through to the store: `appended` bytes, or the whole file (None)."""
        path = self._stored(key)
        if path is None:
            return
        if appended is None:
            path.write_bytes(bytes(self.files[key]))
        else:
            with path.open("ab") as handle:
                handle.write(appended)

    def used(self) -> int:
        return sum(len(data) for data in self.files.values())

    def _check_name(self, name: object) -> str:
        if not isinstance(name, str):
            raise TypeError("can't convert to str implicitly")
        if not name or "/" in name.strip("/") or len(name.encode("utf-8")) > NAME_BYTES:
            raise OSError(EINVAL)
        return name.lstrip("/")

    def listdir(self) -> list[str]:
        return sorted(self.files)

    def size(self, name: str) -> int:
        return len(self._data(name))

    def remove(self, name: str) -> None:
        self._data(name)
        key = name.lstrip("/")
        del self.files[key]
        path = self._stored(key)
        if path is not None:
            path.unlink(missing_ok=True)

    def _data(self, name: str) -> bytearray:
        if not isinstance(name, str):
            raise TypeError("can't convert to str implicitly")
        key = name.lstrip("/")
        if key not in self.files:
            raise OSError(ENOENT)
        return self.files[key]

    def open(self, name: str, mode: str = "r") -> VirtualFile:
        flags = set(mode)
        if not flags <= set("rwbt") or len(flags & set("rw")) != 1:
            raise ValueError("invalid mode")
        binary = "b" in flags
        if "w" in flags:
            key = self._check_name(name)
            self.files[key] = bytearray()
            self.persist(key)
            return VirtualFile(self, key, self.files[key], writing=True, binary=binary)
        return VirtualFile(self, name, self._data(name), writing=False, binary=binary)


class VirtualFile:
    """An open file of `VirtualFS`, with the methods MicroPython's file objects have."""

    def __init__(
        self, fs: VirtualFS, name: str, data: bytearray, writing: bool, binary: bool
    ) -> None:
        self._fs = fs
        self.name = name
        self._data = data
        self._writing = writing
        self._binary = binary
        self._position = 0
        self._closed = False

    def _check(self, writing: bool) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed file")
        if writing != self._writing:
            raise OSError(EINVAL)

    def _out(self, chunk: bytes) -> str | bytes:
        return bytes(chunk) if self._binary else chunk.decode("utf-8")

    def read(self, size: int = -1) -> str | bytes:
        self._check(writing=False)
        end = len(self._data) if size is None or size < 0 else self._position + size
        chunk = self._data[self._position : end]
        self._position += len(chunk)
        return self._out(chunk)

    def readline(self) -> str | bytes:
        self._check(writing=False)
        end = self._data.find(b"\n", self._position)
        end = len(self._data) if end < 0 else end + 1
        chunk = self._data[self._position : end]
        self._position = end
        return self._out(chunk)

    def readlines(self) -> list[str | bytes]:
        return list(self)

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def write(self, data: str | bytes) -> int:
        self._check(writing=True)
        if self._binary:
            if isinstance(data, str):
                raise TypeError("object with buffer protocol required")
            raw = bytes(data)
        else:
            if not isinstance(data, str):
                raise TypeError("can't convert 'bytes' object to str implicitly")
            raw = data.encode("utf-8")
        if self._fs.used() + len(raw) > self._fs.capacity:
            raise OSError(ENOSPC)
        self._data += raw
        if self._fs.files.get(self.name) is self._data:
            self._fs.persist(self.name, raw)
        return len(raw)

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> VirtualFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
