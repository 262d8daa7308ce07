"""The board's flash file system as the guest reaches it: one op per file operation over
`VirtualFS`, which keeps the files (and writes them through to the transport's folder).

The guest's `open()`, `os.listdir()`, `os.remove()`... go through a VFS object mounted at `/`
(guest/_door.py: `_Board`), which calls these. Names and contents are checked here: a name is a
flat micro:bit name (`VirtualFS` refuses the rest), a write carries at most `door.MAX_PAYLOAD`
bytes, and a read returns at most `READ_CHUNK` bytes at a time.
"""

from __future__ import annotations

from ..vfs import ENOENT, ENOSPC, VirtualFS
from .door import Answer, Handler, Refused, encode, parse

#: Bytes of a file per `fs.read` (its repr fits the door's result, even if every byte is escaped).
READ_CHUNK = 480
#: How the V1 firmware words its file errors (measured on it in QEMU); V2 gives the errno.
V1_WORDING = {ENOENT: "file not found", ENOSPC: "no more storage space"}


# Long: a table of small ops, one closure each over the same file system and firmware, ending
# with the table itself; each op reads alone.
def file_ops(vfs: VirtualFS, firmware: str) -> dict[str, Handler]:
    def worded(error: OSError) -> OSError:
        number = error.args[0] if error.args else None
        if firmware == "v1" and number in V1_WORDING:
            return OSError(V1_WORDING[number])
        return error

    def guarded(handler: Handler) -> Handler:
        def call(payload: str) -> Answer:
            try:
                return handler(payload)
            except OSError as error:
                raise worded(error) from None

        return call

    def name_and(payload: str, kind: type) -> tuple[str, object]:
        value = parse(payload)
        if not (
            type(value) is list
            and len(value) == 2
            and isinstance(value[0], str)
            and type(value[1]) is kind
        ):
            raise Refused("unsupported argument")
        return value[0], value[1]

    def stat(name: str) -> Answer:
        return encode(vfs.size(name))

    def listing(_payload: str) -> Answer:
        return encode([(name, len(vfs.files[name])) for name in vfs.listdir()])

    def remove(name: str) -> Answer:
        vfs.remove(name)
        return None

    def create(name: str) -> Answer:
        vfs.open(name, "wb").close()
        return None

    def write(payload: str) -> Answer:
        name, data = name_and(payload, bytes)
        key = name.lstrip("/")
        if key not in vfs.files:
            raise OSError(ENOENT)
        handle = vfs.open(key, "rb")  # checks the name; the data is appended below
        handle.close()
        if vfs.used() + len(data) > vfs.capacity:  # type: ignore[arg-type]
            raise OSError(ENOSPC)
        vfs.files[key] += data  # type: ignore[operator]
        vfs.persist(key, data)  # type: ignore[arg-type]
        return None

    def read(payload: str) -> Answer:
        name, offset = name_and(payload, int)
        data = vfs.files.get(str(name).lstrip("/"))
        if data is None:
            raise OSError(ENOENT)
        return encode(bytes(data[offset : offset + READ_CHUNK]))  # type: ignore[operator]

    def statvfs(_payload: str) -> Answer:
        block = 128
        free = (vfs.capacity - vfs.used()) // block
        return encode((block, block, vfs.capacity // block, free, free, 0, 0, 0, 0, 255))

    ops = {
        "fs.stat": stat,
        "fs.list": listing,
        "fs.remove": remove,
        "fs.create": create,
        "fs.write": write,
        "fs.read": read,
        "fs.statvfs": statvfs,
    }
    return {name: guarded(handler) for name, handler in ops.items()}
