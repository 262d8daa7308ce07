"""Who holds a serial port: the one place that knows how to ask the system.

A port held by another program (Thonny, Mu, an open notebook) is busy, and people are told the
program's name when the system gives it: `/proc` on Linux, `lsof` on macOS, an exclusive open
elsewhere. Discovery marks found boards busy with it, and the serial transport refuses to open a
held port with it; neither needs the other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: Programs people recognise, found in a holder's command line (Thonny's backend runs as
#: `python3 .../thonny/...`, so the process name alone would only say "python3").
KNOWN_PROGRAMS = (
    ("thonny", "Thonny"),
    ("mu_editor", "Mu"),
    ("mu-editor", "Mu"),
    ("ipykernel", "Jupyter"),
    ("jupyter", "Jupyter"),
    ("mpremote", "mpremote"),
    ("rshell", "rshell"),
    ("ampy", "ampy"),
    ("esptool", "esptool"),
)
INTERPRETERS = ("python", "pypy", "node", "java", "ruby", "perl")
MAX_PROGRAM_TEXT = 80


def looks_busy(error: Exception) -> bool:
    """Whether an error from opening a port says that another program holds it (pySerial and
    the systems word it differently)."""
    text = str(error).lower()
    return any(
        hint in text
        for hint in ("exclusively lock", "resource busy", "access is denied", "permissionerror(13")
    )


def port_holder(port: str) -> str | None:
    """Who, besides this process, holds `port` open.

    Returns None when nobody else does, the program's name when the system tells it (Linux,
    macOS), and "" when the port is held by a program we cannot name (Windows only says
    "access denied"). pySerial URLs (`socket://...`) are never held: None."""
    if "://" in port:
        return None
    if sys.platform.startswith("linux") and Path("/proc/self/fd").is_dir():
        return _proc_holder(port)
    if sys.platform != "win32" and shutil.which("lsof"):
        holder = _lsof_holder(port)
        if holder is not None:
            return holder
    return _open_holder(port)


def _proc_holder(port: str) -> str | None:
    """Scan /proc/*/fd for links to the device node (processes we may not inspect are
    skipped: they are another user's, whose open would fail for us anyway).

    A pty (`/dev/pts/N`) made by an emulator or a relay such as `socat` has that program on its
    other side, holding the master; `socat` holds the slave too, so that the line stays up
    between clients. That program is the board's end of the cable, not a second client: a
    process that holds the pty's master is not counted as holding its slave. Another program
    that opened the slave (a terminal, Thonny) still is."""
    node = os.path.realpath(port)
    index = _pty_index(node)
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        opened = _open_files(entry)
        if node not in opened.values():
            continue
        if index is not None and index in _pty_masters(entry, opened):
            continue
        return _program_name(entry)
    return None


PTY_MULTIPLEXERS = ("/dev/ptmx", "/dev/pts/ptmx")


def _pty_index(node: str) -> int | None:
    """N for `/dev/pts/N`, else None."""
    head, _sep, tail = node.rpartition("/")
    return int(tail) if head == "/dev/pts" and tail.isdigit() else None


def _open_files(process: Path) -> dict[str, str]:
    """What a process holds open: file descriptor -> path ({} when we may not look)."""
    try:
        links = list((process / "fd").iterdir())
    except OSError:
        return {}
    opened = {}
    for link in links:
        try:
            opened[link.name] = os.readlink(link)
        except OSError:
            continue
    return opened


def _pty_masters(process: Path, opened: dict[str, str]) -> set[int]:
    """The indexes of the ptys whose master the process holds (Linux reports them as
    `tty-index` in the master's fdinfo)."""
    indexes = set()
    for fd, target in opened.items():
        if target not in PTY_MULTIPLEXERS:
            continue
        try:
            info = (process / "fdinfo" / fd).read_text()
        except OSError:
            continue
        for line in info.splitlines():
            if line.startswith("tty-index:"):
                indexes.add(int(line.split()[1]))
    return indexes


def _program_name(process: Path) -> str:
    """A name people recognise: a known program in the command line, else the process name,
    else (for interpreters) the shortened command line."""
    try:
        argv = [
            part.decode("utf-8", "replace")
            for part in (process / "cmdline").read_bytes().split(b"\0")
            if part
        ]
    except OSError:
        argv = []
    try:
        comm = (process / "comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        comm = ""
    return describe_program(comm, argv)


def describe_program(name: str, argv: list[str]) -> str:
    """Turn a process name and command line into the text shown to people."""
    joined = " ".join(argv).lower()
    for needle, shown in KNOWN_PROGRAMS:
        if needle in joined:
            return shown
    if argv and (not name or name.lower().startswith(INTERPRETERS)):
        text = " ".join([os.path.basename(argv[0]), *argv[1:]])
        if len(text) > MAX_PROGRAM_TEXT:
            text = text[: MAX_PROGRAM_TEXT - 1] + "…"
        return text
    return name or (os.path.basename(argv[0]) if argv else "")


def _lsof_holder(port: str) -> str | None:
    """macOS and BSDs have no /proc; `lsof -F pc` prints `p<pid>` and `c<command>` lines."""
    try:
        done = subprocess.run(
            ["lsof", "-F", "pc", "--", port],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    pid = ""
    for line in done.stdout.splitlines():
        if line.startswith("p"):
            pid = line[1:]
        elif line.startswith("c") and pid != str(os.getpid()):
            return describe_program(line[1:], [])
    return None


def _open_holder(port: str) -> str | None:
    """Where the system cannot name the holder, an exclusive open tells whether there is one.
    DTR and RTS stay low so that opening does not reset an ESP32 (its EN pin follows RTS)."""
    import serial  # lazily: pyserial's POSIX back end needs termios, absent on Windows

    link = serial.Serial()
    link.port = port
    link.dtr = False
    link.rts = False
    link.exclusive = True
    try:
        link.open()
    except (serial.SerialException, OSError, ValueError) as error:
        return "" if looks_busy(error) else None
    link.close()
    return None
