"""Files on the board, through MicroPython snippets chosen from the board's profile.

The micro:bit V1 firmware has only `os.listdir/size/remove` (no `stat`, `rename`, directories,
nor `binascii`), so every operation here works with those, and uses more where the profile says
the board has it: larger statements where the board takes raw-paste, base64 where it has
`binascii`, compressed pieces where it also has `deflate` (see docs/architecture.md, Files).

A put never leaves an incomplete file that looks like a good one. Before writing, a journal file
(`.tne-put`) records the target and the name actually written; it is removed only once the copy
is verified (read back and compared byte for byte). Boards with `rename` write to a temporary
name and rename, so the old file survives a cut link; the V1 writes in place. On the next
connection, a journal left behind means the copy was cut: the incomplete file is removed and
the caller is told.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from tne.i18n import _

from .errors import BoardError, BoardFileError, BridgeError, PartialFileError, UsageError
from .profiles import BoardProfile
from .protocol import Pacing, RawRepl, RunResult, board_error

JOURNAL = ".tne-put"
TEMP_SUFFIX = ".tne-part"
#: Room for a literal in one `_T(...)` statement, so that the statement and its Ctrl-D fit in
#: the firmware's receive buffer (`Pacing.buffer`) and go out in one unpaced write: a copy then
#: never depends on how fast the board reads (see protocol/raw_repl.py).
WRITER = "_T"
LITERAL_SIZE = Pacing.buffer - len(WRITER) - len("()") - 1
#: Room for a literal when the board takes code by raw-paste: the board paces the link itself
#: (it grants each window of input once it has read the last), so a statement may be as long as
#: the board's memory allows. Each statement is one round trip, and on a modern MicroPython
#: 2,300 statements of 43 bytes cost more than the bytes themselves (0.9 s for a 100 KB source
#: on the unix port, where 4 KB statements take 0.2 s). The literal, its parse and the string
#: it makes all live at once: 4 KB needs about 12 KB of heap, which a micro:bit V2 (64 KB heap)
#: or a Pico (190 KB) has after `gc.collect()`.
PASTE_LITERAL_SIZE = 4096
#: The micro:bit file system's longest file name.
MICROBIT_NAME_BYTES = 120
#: Tries for a put whose bytes got garbled on the way (seen on the emulated board when the host
#: is starved of CPU; each try is verified on the board).
PUT_ATTEMPTS = 3
#: File bytes per line printed by the board during a get.
READ_SIZE = 384
#: Errno values as MicroPython reports them, for messages people can act on.
ENOENT, EEXIST, EISDIR, ENOSPC = 2, 17, 21, 28

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FileInfo:
    name: str
    size: int
    is_dir: bool = False


def encode_chunks(data: bytes, size: int = LITERAL_SIZE, base64: bool = False) -> list[str]:
    """Split `data` into Python expressions that rebuild it on the board, each at most `size`
    bytes of UTF-8 source. Text is sent as str literals (one wire byte per UTF-8 byte for most
    source code); other data as bytes literals, or base64 where the board can decode it."""
    try:
        text: str | bytes = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data
    if isinstance(text, bytes) and base64:
        import binascii

        step = (size - len("a2b_base64('')")) // 4 * 3
        return [
            f"a2b_base64({binascii.b2a_base64(data[i : i + step], newline=False).decode()!r})"
            for i in range(0, len(data), step)
        ]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        # The longest slice whose literal fits: a binary search over its end.
        low, high = start + 1, min(len(text), start + size)
        while low < high:
            middle = (low + high + 1) // 2
            if len(repr(text[start:middle]).encode("utf-8")) <= size:
                low = middle
            else:
                high = middle - 1
        pieces.append(repr(text[start:low]))
        start = low
    return pieces


#: Most file bytes one deflated statement rebuilds: the board holds them at once, beside the
#: literal, its decoded bytes and the 1 KB window (`DEFLATE_WBITS`) of the decompressor, about
#: 20 KB in all. Boards with `deflate` (Pico, ESP32: 100 KB of heap and more) have it; the
#: micro:bit V2 has no `deflate` and keeps the 4 KB literals.
DEFLATE_RAW_MAX = 8192
DEFLATE_WBITS = 10
INFLATER = "_Z"


def deflate_chunks(data: bytes, size: int) -> list[tuple[str, int]]:
    """Split `data` into expressions of at most `size` bytes that rebuild it on the board, with
    the number of file bytes each rebuilds: `_Z('<base64 of zlib>')`, or
    `a2b_base64('...')` for a piece that does not compress. Each piece is compressed on its own
    (the board inflates statement by statement), with a 1 KB window so that inflating needs
    little memory. Python source shrinks to about 0.4 (0.55 on the wire with base64), where
    plain literals cost about 1.03: on a raw-paste board, whose 128-byte windows each cost a
    round trip, the wire bytes are the time."""
    import binascii
    import zlib

    room = size - len("a2b_base64('')")
    pieces: list[tuple[str, int]] = []
    start = 0
    ratio = 0.5  # packed bytes per file byte, as the last piece went
    while start < len(data):
        length = min(DEFLATE_RAW_MAX, len(data) - start, max(1, int(room * 3 / 4 / ratio)))
        while True:
            packer = zlib.compressobj(6, zlib.DEFLATED, DEFLATE_WBITS)
            piece = data[start : start + length]
            packed = packer.compress(piece) + packer.flush()
            if len(packed) >= len(piece):  # does not compress: send it as it is
                packed, call = piece, "a2b_base64"
            else:
                call = INFLATER
            encoded = binascii.b2a_base64(packed, newline=False).decode()
            if len(encoded) <= room or length == 1:
                break
            # Shrink in proportion, a little more than needed, and try again.
            length = max(1, min(length - 1, length * room // len(encoded) * 15 // 16))
        pieces.append((f"{call}({encoded!r})", length))
        ratio = max(len(packed) / length, 0.05)
        start += length
    return pieces


class FileHost(Protocol):
    """What `BoardFS` needs of a board. `board.Board` is the one there is, and it builds its
    `fs` from itself: declaring the need here keeps files below the board in the module graph."""

    profile: BoardProfile | None
    repl: RawRepl

    def run(self, code: str | bytes, timeout: float | None, on_stdout: Any = None) -> RunResult:
        """Run code, streaming its stdout."""
        ...

    def exec(self, code: str | bytes, timeout: float | None) -> RunResult:
        """Run code; a board-side exception raises `BoardError`."""
        ...


class BoardFS:
    """`ls`, `size`, `get`, `put`, `rm` for one connected board."""

    def __init__(self, board: FileHost) -> None:
        self.board = board
        self._checked_journal = False
        self.retries = 0  # puts done again after bytes were lost on the way
        #: Longest silence allowed from the board during one step of a file operation.
        self.timeout: float | None = 10.0
        #: Messages for people about incomplete copies found and cleaned up.
        self.notices: list[str] = []

    @property
    def profile(self):
        return self.board.profile

    # -- helpers -----------------------------------------------------------------------------

    def _run(self, code: str, name: str = "") -> bytes:
        try:
            return self.board.exec(code, self.timeout).stdout
        except BoardError as error:
            raise self._file_error(error, name) from error

    def _file_error(self, error: BoardError, name: str) -> BoardFileError:
        last = error.traceback.strip().splitlines()[-1] if error.traceback.strip() else ""
        number = _errno(last)
        if number == ENOENT:
            message = _("The file '{name}' does not exist on the board.")
        elif number == ENOSPC:
            message = _("Not enough room on the board for '{name}'. Its other files are intact.")
        elif number == EISDIR:
            message = _("'{name}' is a folder on the board, not a file.")
        else:
            message = _("The board reported a file error on '{name}': {error}")
        return BoardFileError(message.format(name=name, error=last), detail=error.traceback)

    def _eval(self, code: str, name: str = "") -> object:
        return ast.literal_eval(self._run(code, name).decode("utf-8").strip())

    def recover_once(self) -> None:
        """Check for an interrupted put once per connection (see `recover`)."""
        if self._checked_journal:
            return
        self._checked_journal = True
        self.recover()

    # -- operations --------------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Remove what an interrupted put left, and say so. Returns the targets concerned."""
        found = self._eval(
            "import os\n"
            "try:\n _tne_f.close()\nexcept Exception:\n pass\n"
            f"try:\n f=open({JOURNAL!r})\n j=f.read()\n f.close()\nexcept OSError:\n j=''\n"
            "print(repr(j))"
        )
        if not found:
            return []
        target, _sep, written = str(found).partition("\n")
        written = written or target
        self._run(
            "import os\n"
            f"for n in ({written!r},{JOURNAL!r}):\n"
            " try:\n  os.remove(n)\n except OSError:\n  pass"
        )
        if written == target:
            notice = _(
                "The copy of '{name}' to the board was interrupted: the incomplete file has "
                "been removed. Copy it again."
            )
        else:
            notice = _(
                "The copy of '{name}' to the board was interrupted: the board kept its previous "
                "version. Copy it again."
            )
        self.notices.append(notice.format(name=target))
        return [target]

    def ls(self, path: str = "") -> list[FileInfo]:
        self.recover_once()
        profile = self.profile
        if profile is not None and not profile.has_stat:
            if path.strip("/"):
                raise UsageError(_("This board has no folders."))
            code = "import os\nprint(repr([(n,os.size(n)) for n in os.listdir()]))"
            entries = self._eval(code, path or "/")
            files = [FileInfo(name, size) for name, size in entries]  # type: ignore[union-attr]
        else:
            where = path or ""
            code = (
                "import os\n"
                f"p={where!r}\n"
                "r=[]\n"
                "for e in os.ilistdir(p):\n"
                " s=e[3] if len(e)>3 else os.stat((p+'/' if p else '')+e[0])[6]\n"
                " r.append((e[0],s,e[1]&0x4000!=0))\n"
                "print(repr(r))"
            )
            entries = self._eval(code, where or "/")
            files = [FileInfo(n, s, d) for n, s, d in entries]  # type: ignore[union-attr]
        hidden = {JOURNAL}
        return sorted((f for f in files if f.name not in hidden), key=lambda f: f.name)

    def size(self, name: str) -> int:
        self.recover_once()
        if self.profile is not None and not self.profile.has_stat:
            return int(self._eval(f"import os\nprint(os.size({name!r}))", name))  # type: ignore[arg-type]
        return int(self._eval(f"import os\nprint(os.stat({name!r})[6])", name))  # type: ignore[arg-type]

    def rm(self, name: str) -> None:
        self.recover_once()
        self._run(f"import os\nos.remove({name!r})", name)

    def get(self, name: str, progress: Progress | None = None) -> bytes:
        """The file's bytes. The board prints them as bytes literals, one line each."""
        self.recover_once()
        total = self.size(name)
        received = bytearray()
        pending = bytearray()

        def on_stdout(data: bytes) -> None:
            pending.extend(data)
            *lines, rest = bytes(pending).split(b"\n")
            pending[:] = rest
            for line in lines:
                if line.strip():
                    received.extend(ast.literal_eval(line.strip().decode("ascii")))
            if progress:
                progress(len(received), total)

        code = (
            f"_tne_f=open({name!r},'rb')\n"
            f"while 1:\n d=_tne_f.read({READ_SIZE})\n if not d:\n  break\n print(repr(d))\n"
            "_tne_f.close()"
        )
        try:
            result = self.board.run(code, self.timeout, on_stdout=on_stdout)
        except BoardError as error:
            raise self._file_error(error, name) from error
        if result.stderr:
            raise self._file_error(board_error(result), name)
        on_stdout(b"\n")
        if len(received) != total:
            raise BoardFileError(
                _("The copy of '{name}' from the board is incomplete.").format(name=name),
                detail=f"expected {total} bytes, got {len(received)}",
            )
        return bytes(received)

    def put(self, data: bytes, name: str, progress: Progress | None = None) -> None:
        """Write `data` as `name` on the board, verified, never leaving an undetected partial
        file (see the module docstring). A copy garbled on the way (a byte lost by the board:
        the check fails, or a statement no longer parses) is removed and done once more."""
        self.recover_once()
        if not name or name in (JOURNAL,) or name.endswith(TEMP_SUFFIX):
            raise UsageError(_("'{name}' is not a valid file name.").format(name=name))
        if self._is_microbit() and len(name.encode("utf-8")) > MICROBIT_NAME_BYTES:
            raise UsageError(
                _("The name '{name}' is too long for a micro:bit ({limit} bytes at most).").format(
                    name=name, limit=MICROBIT_NAME_BYTES
                )
            )
        for attempt in range(PUT_ATTEMPTS):
            try:
                self._put_once(data, name, progress)
                return
            except BoardFileError as error:
                if attempt == PUT_ATTEMPTS - 1 or not _garbled(error):
                    raise
                self.retries += 1

    def _is_microbit(self) -> bool:
        return bool(self.profile and self.profile.kind.startswith("microbit"))

    def _put_once(self, data: bytes, name: str, progress: Progress | None) -> None:
        profile = self.profile
        written = name + TEMP_SUFFIX if profile is not None and profile.has_rename else name
        pasted = bool(self.board.repl.raw_paste)
        size = PASTE_LITERAL_SIZE if pasted else LITERAL_SIZE
        # Deflate where the board inflates and takes raw-paste (its input is then paced by
        # the board, not by us, and fewer bytes are fewer windows).
        squeeze = pasted and profile is not None and profile.has_deflate and profile.binascii
        text = _is_text(data) and not squeeze
        base64 = bool(profile and profile.binascii) and not text
        journal = name if written == name else f"{name}\n{written}"
        opener = "import os,gc\ngc.collect()\n"
        if base64:
            opener += f"from {profile.binascii} import a2b_base64\n"  # type: ignore[union-attr]
        if squeeze:
            opener += (
                "import deflate,io\n"
                f"{INFLATER}=lambda s:deflate.DeflateIO(io.BytesIO(a2b_base64(s)),deflate.ZLIB)"
                ".read()\n"
            )
        opener += (
            f"f=open({JOURNAL!r},'w')\nf.write({journal!r})\nf.close()\n"
            f"_tne_f=open({written!r},'{'w' if text else 'wb'}')\n{WRITER}=_tne_f.write"
        )
        if squeeze:
            pieces = deflate_chunks(data, size)
        else:
            pieces = [
                (piece, _piece_length(piece, base64))
                for piece in encode_chunks(data, size, base64=base64)
            ]
        sent = 0
        try:
            self._run(opener, name)
            for piece, length in pieces:
                self._run(f"{WRITER}({piece})", name)
                sent += length
                if progress:
                    progress(min(sent, len(data)), len(data))
            self._finish_put(data, name, written)
        except BoardFileError:
            # The board is reachable: leave nothing behind. (A lost link leaves the journal,
            # which the next connection reads.)
            self._abandon(written)
            raise

    def _finish_put(self, data: bytes, name: str, written: str) -> None:
        """Close, then read the file back and compare: exact, and on the emulated micro:bit
        several times faster than a checksum loop run by the board's interpreter."""
        self._run("_tne_f.close()", name)
        try:
            back = self.get(written)
        except BoardFileError as error:
            back, detail = None, error.detail
        else:
            detail = f"read back {len(back)} bytes, expected {len(data)}"
        if back != data:
            raise PartialFileError(
                _(
                    "The copy of '{name}' on the board does not match the original; it has been "
                    "removed. Copy it again."
                ).format(name=name),
                name,
                detail=detail,
            )
        if written != name:
            self._run(
                "import os\n"
                f"try:\n os.rename({written!r},{name!r})\nexcept OSError:\n"
                f" os.remove({name!r})\n os.rename({written!r},{name!r})",
                name,
            )
        self._run(f"import os\nos.remove({JOURNAL!r})", name)

    def _abandon(self, written: str) -> None:
        """After a failed put: close, and remove the partial file and the journal. Best
        effort: if even this fails, the journal stays and the next operation cleans up."""
        try:
            self.board.exec(
                "import os\n"
                "try:\n _tne_f.close()\nexcept Exception:\n pass\n"
                f"for n in ({written!r},{JOURNAL!r}):\n"
                " try:\n  os.remove(n)\n except OSError:\n  pass",
                self.timeout,
            )
        except BridgeError:
            self._checked_journal = False


def _garbled(error: BoardFileError) -> bool:
    """Whether a failed put looks like bytes lost on the way, rather than a real file error."""
    return isinstance(error, PartialFileError) or "SyntaxError" in error.detail


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _piece_length(piece: str, base64: bool) -> int:
    value = ast.literal_eval(piece[len("a2b_base64(") : -1]) if base64 else ast.literal_eval(piece)
    if base64:
        import binascii

        return len(binascii.a2b_base64(value))
    return len(value.encode("utf-8")) if isinstance(value, str) else len(value)


def _errno(line: str) -> int | None:
    """`OSError: [Errno 2] ENOENT` (recent ports), `OSError: 2` or `OSError: file not found`
    (micro:bit V1), `OSError: no more storage space` (micro:bit V1, full flash)."""
    if not line.startswith("OSError"):
        return None
    if "not found" in line:
        return ENOENT
    if "no more storage" in line:
        return ENOSPC
    digits = "".join(ch if ch.isdigit() else " " for ch in line).split()
    return int(digits[0]) if digits else None
