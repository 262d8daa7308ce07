"""Files on the real micro:bit V1 firmware (MicroPython 1.9.2 in QEMU): `os` there has only
`listdir/size/remove`, about 15 KB of flash for files here, and no `rename`, so a put writes in
place. Whatever happens, a truncated file is never taken for a good copy.

Most tests share one emulated board (files are wiped between tests); the link-cut tests each
start their own, reached through a cuttable cable (`tests/helpers/link.py`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from device_bridge import Board
from device_bridge.errors import BoardFileError, LinkLost, UsageError
from device_bridge.fs import JOURNAL
from tests.conftest import require_qemu
from tests.helpers import qemu
from tests.helpers.link import CuttableLink

pytestmark = [pytest.mark.qemu, pytest.mark.usefixtures("french")]

PROGRAM = (
    "from microbit import display, Image, sleep\n"
    "\n"
    "# Un cœur qui bat, à l'écran.\n"
    "for fois in range(3):\n"
    "    display.show(Image.HEART)\n"
    "    sleep(200)\n"
    "    display.show(Image.HEART_SMALL)\n"
    "    sleep(200)\n"
    'print("fini !")\n'
).encode()
ALL_BYTES = bytes(range(256))


FILL_BLOCK = "x" * 63
#: Board-side helper: write `blocks` blocks to `name`, or as many as fit; returns how many.
FILL_FLASH = f"""\
def fill(name, blocks):
    f = open(name, 'w')
    n = 0
    try:
        while n < blocks:
            f.write({FILL_BLOCK!r})
            n += 1
    except OSError:
        pass
    f.close()
    return n
"""


def program_of(size: int, words: str = "le robot avance") -> bytes:
    """A Python source file of about `size` bytes (one `print` per line)."""
    lines, total, number = [], 0, 0
    while total < size:
        line = f'print("ligne {number:05d} : {words}")\n'
        lines.append(line)
        total += len(line)
        number += 1
    return "".join(lines).encode()


def files_on(board: Board) -> list[str]:
    """What `os.listdir()` says, journal included: the board's own view, not the bridge's."""
    return ast.literal_eval(board.exec("import os\nprint(repr(os.listdir()))").stdout.decode())


@pytest.fixture(scope="module")
def shared_microbit() -> Iterator[qemu.QemuMicrobit]:
    require_qemu()
    with qemu.QemuMicrobit("pty") as emulated:
        yield emulated


@pytest.fixture(scope="module")
def shared_board(shared_microbit: qemu.QemuMicrobit) -> Iterator[Board]:
    with Board.connect(shared_microbit.address) as connected:
        yield connected


@pytest.fixture
def board(shared_board: Board) -> Board:
    """The module's board, with no file on it (overrides the fresh-QEMU `board` of conftest)."""
    shared_board.exec("import os\nfor n in os.listdir():\n os.remove(n)")
    shared_board.fs.notices.clear()
    return shared_board


@pytest.fixture
def link(qemu_microbit: qemu.QemuMicrobit) -> Iterator[CuttableLink]:
    """A cuttable cable to a fresh emulated micro:bit (which the test may also reach directly,
    at `qemu_microbit.address`)."""
    with CuttableLink(qemu_microbit.address) as cable:
        yield cable


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("main.py", PROGRAM),
        ("vide.py", b""),
        ("octets.bin", ALL_BYTES),
        ("mon programme é.py", PROGRAM),
    ],
    ids=["python-source", "zero-bytes", "all-256-byte-values", "spaces-and-accents"],
)
def test_put_then_get_gives_back_the_same_bytes(board: Board, name: str, data: bytes) -> None:
    board.fs.put(data, name)

    assert board.fs.get(name) == data
    assert board.fs.size(name) == len(data)
    assert files_on(board) == [name]  # the journal is gone once the copy is verified


def test_put_replaces_an_existing_file(board: Board) -> None:
    board.fs.put(program_of(2000, "ancienne version"), "main.py")

    board.fs.put(PROGRAM, "main.py")

    assert board.fs.get("main.py") == PROGRAM


def test_ls_lists_names_and_sizes_sorted_and_hides_the_journal(board: Board) -> None:
    board.fs.put(PROGRAM, "main.py")
    board.fs.put(ALL_BYTES, "données.bin")
    board.fs.put(b"", "vide.txt")

    listing = [(info.name, info.size, info.is_dir) for info in board.fs.ls()]

    assert listing == [
        ("données.bin", 256, False),
        ("main.py", len(PROGRAM), False),
        ("vide.txt", 0, False),
    ]


def test_rm_removes_the_file_and_only_that_file(board: Board) -> None:
    board.fs.put(PROGRAM, "main.py")
    board.fs.put(ALL_BYTES, "garder.bin")

    board.fs.rm("main.py")

    assert [info.name for info in board.fs.ls()] == ["garder.bin"]
    assert board.fs.get("garder.bin") == ALL_BYTES


# -- missing files and full flash --------------------------------------------------------------


@pytest.mark.parametrize("operation", ["get", "rm", "size"])
def test_a_missing_file_is_a_file_error_that_names_it(board: Board, operation: str) -> None:
    with pytest.raises(BoardFileError) as raised:
        getattr(board.fs, operation)("absent.py")

    assert raised.value.exit_code == 1
    assert "« absent.py » n'existe pas sur la carte" in str(raised.value)


def test_a_file_larger_than_the_free_flash_is_refused_and_the_other_files_stay_intact(
    board: Board,
) -> None:
    board.fs.put(PROGRAM, "main.py")
    board.fs.put(ALL_BYTES, "données.bin")

    with pytest.raises(BoardFileError) as raised:
        board.fs.put(program_of(40_000), "énorme.py")

    assert raised.value.exit_code == 1
    assert "Pas assez de place sur la carte pour « énorme.py »" in str(raised.value)
    assert sorted(files_on(board)) == ["données.bin", "main.py"]  # no partial file, no journal
    assert board.fs.get("main.py") == PROGRAM
    assert board.fs.get("données.bin") == ALL_BYTES
    # The room the refused copy took is free again.
    board.fs.put(program_of(6000), "après.py")
    assert board.fs.size("après.py") == len(program_of(6000))


def test_a_put_onto_a_full_flash_says_there_is_not_enough_room(board: Board) -> None:
    """With no free chunk left, the V1 firmware refuses the `open` itself, with
    `OSError: no more storage space` rather than errno 28."""
    board.exec(FILL_FLASH)
    blocks = board.eval("fill('plein', 100000)")  # as many as fit; the firmware then drops it
    kept = board.eval(f"fill('plein', {blocks - 1})")  # now at most one chunk is left
    assert files_on(board) == ["plein"]

    with pytest.raises(BoardFileError) as raised:
        board.fs.put(PROGRAM, "main.py")

    assert "Pas assez de place sur la carte pour « main.py »" in str(raised.value)
    assert files_on(board) == ["plein"]
    assert board.fs.size("plein") == kept * len(FILL_BLOCK)


def test_a_name_too_long_for_the_board_is_refused_without_leaving_a_journal(
    board: Board,
) -> None:
    """micro:bit file names have at most 120 bytes; the firmware would answer a longer one
    with a misleading `OSError: file not found`, after the journal of the put was written. The
    name is refused before anything is sent."""
    name = "n" * 130 + ".py"

    with pytest.raises(UsageError) as raised:
        board.fs.put(PROGRAM, name)

    assert raised.value.exit_code == 2
    assert "trop long" in str(raised.value)
    assert "n'existe pas" not in str(raised.value)  # it is a put: nothing had to exist
    assert files_on(board) == []  # no journal to report a false interruption next time


def test_twenty_puts_in_a_row_all_arrive_intact(board: Board) -> None:
    """Each put sends about 900 bytes of code; a byte the board drops shows up as a
    SyntaxError, a wrong checksum or a board waiting for ever."""
    data = b"from microbit import display\n" * 30

    for number in range(20):
        board.fs.put(data, f"essai {number % 3}.py")

    assert board.fs.get("essai 1.py") == data


# -- the link cut during a put -----------------------------------------------------------------


def test_put_cut_midway_raises_link_lost_and_the_partial_copy_is_removed_on_reconnecting(
    qemu_microbit: qemu.QemuMicrobit, link: CuttableLink
) -> None:
    kept = program_of(1500, "fichier à garder")
    with Board.connect(link.address) as board:
        board.fs.put(kept, "garder.py")
        # Cut 4000 bytes into the copy: the board is left in the middle of a statement.
        link.cut_after = link.bytes_from_host + 4000
        with pytest.raises(LinkLost) as lost:
            board.fs.put(program_of(8000), "gros.py")

    assert link.was_cut.is_set()
    assert lost.value.exit_code == 3
    assert "connexion à la carte" in str(lost.value)
    assert str(link.port) in str(lost.value)  # says which link

    with Board.connect(qemu_microbit.address) as board:
        assert {"gros.py", JOURNAL} <= set(files_on(board))  # what the cut left behind

        assert board.fs.recover() == ["gros.py"]

        assert len(board.fs.notices) == 1
        assert "« gros.py »" in board.fs.notices[0]
        assert "interrompue" in board.fs.notices[0]
        assert files_on(board) == ["garder.py"]
        assert [info.name for info in board.fs.ls()] == ["garder.py"]
        with pytest.raises(BoardFileError):
            board.fs.get("gros.py")
        assert board.fs.get("garder.py") == kept


def test_cable_pulled_while_replacing_a_file_is_reported_by_the_next_ls(
    qemu_microbit: qemu.QemuMicrobit, link: CuttableLink
) -> None:
    """The V1 firmware writes in place (no `rename`), so the old version is lost with the cut;
    what matters is that the partial copy is found, reported and removed."""
    other = program_of(1200, "autre fichier")

    def pull_the_cable_halfway(sent: int, total: int) -> None:
        if sent >= total // 2:
            link.cut()

    with Board.connect(link.address) as board:
        board.fs.put(program_of(3000, "version 1"), "main.py")
        board.fs.put(other, "autre.py")
        with pytest.raises(LinkLost):
            board.fs.put(program_of(8000, "version 2"), "main.py", progress=pull_the_cable_halfway)

    with Board.connect(qemu_microbit.address) as board:
        partial = board.eval("__import__('os').size('main.py')")
        assert 0 < partial < 8000  # a truncated main.py is really there, under its own name

        listing = board.fs.ls()

        assert [info.name for info in listing] == ["autre.py"]
        assert len(board.fs.notices) == 1
        assert "« main.py »" in board.fs.notices[0]
        with pytest.raises(BoardFileError):
            board.fs.get("main.py")
        assert board.fs.get("autre.py") == other
        # And the board takes a fresh copy afterwards.
        board.fs.put(PROGRAM, "main.py")
        assert board.fs.get("main.py") == PROGRAM
