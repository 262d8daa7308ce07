"""The modern MicroPython path against a real MicroPython: the unix port (1.28+) behind a pty
(`tests/helpers/unix_micropython.py`). It has what every board newer than the micro:bit V1 has:
raw-paste with its flow control, `binascii`, `os.stat`, `os.rename`. So the bridge's full-os
strategy runs here: base64 for binary files, write-then-rename, the journal.

Where the unix port differs from a board, the test says so: its file system is the host's
folder (`workdir`), so a test may look at a file directly, as no board allows; it has no
`machine.reset`; Ctrl-D at an empty prompt ends it and the relay starts it again, without the
`soft reboot` line a board prints.
"""

from __future__ import annotations

import ast
import binascii
import dataclasses
import os
import random
import shutil
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import device_bridge
from device_bridge import Board
from device_bridge.errors import BoardFileError, DeviceBusy, ExecTimeout, LinkLost
from device_bridge.fs import JOURNAL, TEMP_SUFFIX, deflate_chunks
from device_bridge.holders import port_holder
from device_bridge.protocol.raw_repl import CTRL_D, RAW_PASTE_REQUEST
from tests.conftest import require_unix_micropython
from tests.device_bridge.test_fs import program_of
from tests.helpers.link import CuttableLink
from tests.helpers.unix_micropython import UnixMicropython

pytestmark = pytest.mark.usefixtures("french")

BINARY = bytes(range(256)) * 400  # 100 KB, every byte value (compresses well)
NOISE = random.Random(18).randbytes(50_000)  # does not compress
#: 100 KB of real Python source (this repository's bridge), which compresses as sources do.
REAL_SOURCE = b"".join(
    path.read_bytes() for path in sorted(Path(device_bridge.__file__).parent.rglob("*.py"))
)[:100_000]


@pytest.fixture
def empty(modern: UnixMicropython) -> UnixMicropython:
    """The modern board with nothing in its file system (emptied from the host's side)."""
    for entry in modern.workdir.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return modern


@pytest.fixture
def board(empty: UnixMicropython) -> Iterator[Board]:
    with Board.connect(empty.address) as connected:
        yield connected


def names_on(board: Board) -> list[str]:
    """What `os.listdir()` says, journal and temporary files included."""
    return sorted(ast.literal_eval(board.exec("import os\nprint(os.listdir())").stdout.decode()))


# -- the board as the bridge sees it ----------------------------------------------------------


def test_the_probe_finds_the_full_os_and_binascii_and_the_board_takes_raw_paste(board) -> None:
    profile = board.profile
    assert profile.has_stat and profile.has_rename
    assert profile.binascii in ("binascii", "ubinascii")
    assert profile.version[:2] >= (1, 28)
    assert board.repl.raw_paste is True


def test_clients_connect_disconnect_and_reconnect_as_on_a_usb_cable(empty) -> None:
    for turn in range(4):
        with Board.connect(empty.address) as board:
            board.exec(f"tour = {turn}")
            assert board.eval("tour") == turn
    # Nothing reset the interpreter between clients: a variable of the last one is still there.
    with Board.connect(empty.address) as board:
        assert board.eval("tour") == 3


def test_garbage_before_connecting_does_not_stop_the_bridge(empty) -> None:
    fd = os.open(empty.pty, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, b"\xff\xfe\x13 bruit sur la ligne (\x04\x04> raw REP")
    finally:
        os.close(fd)

    with Board.connect(empty.address) as board:
        assert board.exec("print('bonjour')").stdout == b"bonjour\n"


def test_three_megabytes_of_output_arrive_whole_and_in_order(board) -> None:
    line = "0123456789" * 10  # 100 characters, 101 with the newline
    lines = 30_000

    out = board.exec(f"for i in range({lines}):\n print({line!r})", timeout=20).stdout

    assert len(out) == lines * (len(line) + 1)
    assert out == f"{line}\n".encode() * lines


def test_a_program_that_never_ends_is_stopped_and_the_board_keeps_its_variables(board) -> None:
    """`while True` goes by raw-paste, after which the unix port runs code with its terminal
    raw: the relay turns the bridge's Ctrl-C into SIGINT, as a board's UART does."""
    board.exec("gardee = 42")
    with pytest.raises(ExecTimeout) as stopped:
        board.exec("while True:\n pass", timeout=1)
    assert "arrêté" in str(stopped.value)

    board.interrupt()

    assert board.exec("print(gardee)").stdout == b"42\n"


def test_ctrl_d_at_the_empty_prompt_ends_the_unix_port_and_it_is_started_again(
    empty,
) -> None:
    """A board soft-reboots and prints `soft reboot`; the unix port exits and the relay starts
    it again (variables gone, files kept), so that step differs: no `soft reboot` line."""
    with Board.connect(empty.address) as board:
        board.fs.put(b"print('reste')\n", "reste.py")
        board.exec("perdue = 1")
        board.repl.write(CTRL_D)
        assert empty.wait_restart()

    with Board.connect(empty.address) as board:
        assert "NameError" in board.run("perdue").stderr.decode()
        assert board.fs.get("reste.py") == b"print('reste')\n"


# -- files: the full-os strategy -------------------------------------------------------------


def without_deflate(board: Board) -> None:
    """Make the bridge take this board for one without `deflate` (a micro:bit V2 has raw-paste
    and `binascii` but no `deflate`), so the plain literal path runs on the real MicroPython."""
    board.profile = dataclasses.replace(board.profile, modules=board.profile.modules - {"deflate"})


@pytest.mark.parametrize("deflate", [True, False], ids=["deflate", "literals"])
@pytest.mark.parametrize(
    "name, data",
    [
        ("petit.py", program_of(12_000)),
        ("grand.py", program_of(100_000, "le robot tourne à gauche ‘’ «»")),
        ("source.py", REAL_SOURCE),
        ("image.bin", BINARY),
        ("bruit.bin", NOISE),
        ("vide.txt", b""),
    ],
)
def test_put_then_get_gives_back_the_same_bytes_and_the_same_file(
    empty, board, name: str, data: bytes, deflate: bool
) -> None:
    if not deflate:
        without_deflate(board)

    board.fs.put(data, name)

    assert board.fs.get(name) == data
    assert (empty.workdir / name).read_bytes() == data  # the unix port: its flash is a folder
    assert names_on(board) == [name]  # no journal, no temporary file left
    assert board.fs.size(name) == len(data)


@pytest.mark.parametrize(
    "deflate, most_wire_bytes", [(True, 0.7), (False, 1.2)], ids=["deflate", "literals"]
)
def test_a_put_takes_few_statements_and_few_wire_bytes_on_a_raw_paste_board(
    board, deflate: bool, most_wire_bytes: float
) -> None:
    """The board paces raw-paste itself: a 100 KB source goes in statements of kilobytes (43
    bytes each, the V1's receive buffer, made 2,300 round trips), deflated where the board
    inflates (about 0.55 wire bytes per byte of real source), else as text, not escaped."""
    if not deflate:
        without_deflate(board)
    writes: list[bytes] = []
    write = board.transport.write
    board.transport.write = lambda data: (writes.append(data), write(data))[1]  # type: ignore[method-assign]
    sent_before = board.repl.bytes_sent

    board.fs.put(REAL_SOURCE, "source.py")

    statements = b"".join(writes).count(RAW_PASTE_REQUEST)
    assert statements < 80
    assert (board.repl.bytes_sent - sent_before) / len(REAL_SOURCE) < most_wire_bytes
    assert (b"_T(_Z(" in b"".join(writes)) is deflate


@pytest.mark.parametrize("deflate", [True, False], ids=["deflate", "literals"])
def test_binary_that_does_not_compress_goes_as_base64(board, deflate: bool) -> None:
    if not deflate:
        without_deflate(board)
    sent_before = board.repl.bytes_sent

    board.fs.put(NOISE, "bruit.bin")

    # bytes literals would cost about 3 wire bytes per byte of noise; base64 is 4/3.
    assert (board.repl.bytes_sent - sent_before) / len(NOISE) < 1.45


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=20_000) | st.text(max_size=6_000).map(str.encode))
def test_deflated_pieces_rebuild_the_file_exactly_and_fit_the_statement_size(data) -> None:
    size = 512
    rebuilt = bytearray()
    for expression, length in deflate_chunks(data, size):
        assert len(expression) <= size
        call, _, literal = expression.partition("(")
        packed = binascii.a2b_base64(ast.literal_eval(literal[:-1]))
        piece = zlib.decompress(packed) if call == "_Z" else packed
        assert len(piece) == length
        rebuilt += piece
    assert rebuilt == data


def test_ls_lists_sizes_and_folders_from_ilistdir(empty, board) -> None:
    board.fs.put(b"x = 1\n", "a.py")
    (empty.workdir / "lib").mkdir()

    listing = board.fs.ls()

    assert [(f.name, f.size, f.is_dir) for f in listing if not f.is_dir] == [("a.py", 6, False)]
    assert any(f.name == "lib" and f.is_dir for f in listing)


def test_a_missing_file_is_a_french_file_error_naming_it(board) -> None:
    with pytest.raises(BoardFileError) as missing:
        board.fs.get("absent.py")

    assert "« absent.py » n'existe pas" in str(missing.value)


def test_put_cut_midway_keeps_the_old_version_and_the_next_connection_cleans_up(empty) -> None:
    """Write-then-rename: the cut copy is a temporary file the journal names; the old `main.py`
    is untouched, and the next connection removes the temporary file and says so."""
    old = program_of(3000, "version 1")
    with Board.connect(empty.address) as board:
        board.fs.put(old, "main.py")

    with CuttableLink(empty.address) as link, Board.connect(link.address) as board:
        link.cut_after = link.bytes_from_host + 8_000
        with pytest.raises(LinkLost) as lost:
            board.fs.put(REAL_SOURCE, "main.py")
    assert "connexion à la carte" in str(lost.value)

    with Board.connect(empty.address) as board:
        left = names_on(board)
        assert JOURNAL in left and "main.py" + TEMP_SUFFIX in left  # what the cut left

        listing = board.fs.ls()

        assert [f.name for f in listing] == ["main.py"]
        assert len(board.fs.notices) == 1
        assert "« main.py »" in board.fs.notices[0]
        assert "version précédente" in board.fs.notices[0]
        assert names_on(board) == ["main.py"]
        assert board.fs.get("main.py") == old


# -- a port that is busy, rightly -------------------------------------------------------------


def test_a_pty_whose_relay_also_holds_it_like_socat_is_not_busy() -> None:
    require_unix_micropython()
    with UnixMicropython(hold_slave=True) as relayed:
        assert port_holder(relayed.pty) is None

        with Board.connect(relayed.address) as board:
            assert board.exec("print(6*7)").stdout == b"42\n"


def test_a_port_another_program_has_open_is_refused_with_its_name_and_nothing_sent(
    empty,
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            f"fd = os.open({empty.pty!r}, os.O_RDWR | os.O_NOCTTY)\n"
            "print('ouvert', flush=True)\n"
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "ouvert\n"

        with pytest.raises(DeviceBusy) as busy:
            Board.connect(empty.address)
    finally:
        holder.communicate("", timeout=5)

    message = str(busy.value)
    assert empty.pty in message and "python" in message and "Ferme-le" in message
    assert busy.value.exit_code == 3
    # The refusal sent nothing: the board was not touched and takes the next client.
    with Board.connect(empty.address) as board:
        assert board.exec("print('libre')").stdout == b"libre\n"
