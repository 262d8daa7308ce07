"""The workshop on the real micro:bit firmware (QEMU): labels through the serial number test
hook, files and programs on every board, a board killed in the middle, a board hung in
`temperature()`. Three emulated boards are shared by the module (plus one simulated board);
the tests that ruin a board (killed, hung) start their own. Kept short: QEMU runs are few."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from device_bridge.workshop import STOP_GRACE, Workshop
from tests.cli.test_cli import tne
from tests.conftest import require_qemu
from tests.helpers import qemu
from tests.helpers.waiting import eventually
from tests.workshop.conftest import workshop_environment

pytestmark = pytest.mark.qemu

MAQUEEN = Path(__file__).resolve().parents[2] / "device_bridge/sim/robots/lib/maqueen.py"
USES_MAQUEEN = """\
import maqueen
print('maqueen', maqueen.ADDRESS)
"""


@pytest.fixture(scope="module")
def boards() -> Iterator[list[qemu.QemuMicrobit]]:
    require_qemu()
    started: list[qemu.QemuMicrobit] = []
    try:
        for _index in range(3):
            started.append(qemu.QemuMicrobit("pty").start())
        yield started
    finally:
        for board in started:
            board.stop()


def serials(boards: list[qemu.QemuMicrobit]) -> str:
    """The test hook's value: each emulated board gets the serial number MB000N."""
    return ",".join(f"{board.address}=MB{index:04d}" for index, board in enumerate(boards, 1))


@pytest.fixture
def table(config: Path, boards: list[qemu.QemuMicrobit]) -> dict[str, str]:
    """The environment of a table of the three boards, labelled R1, R2, R3."""
    env = workshop_environment(
        config, [b.address for b in boards], TNE_TEST_SERIAL_NUMBERS=serials(boards)
    )
    done = tne("workshop", "label", env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return env


def test_emulated_boards_get_labels_by_serial_number_that_survive_a_restart(
    table: dict[str, str], boards: list[qemu.QemuMicrobit], config: Path
) -> None:
    stored = json.loads((config / "board-labels.json").read_text(encoding="utf-8"))
    assert stored == {"usb:MB0001": "R1", "usb:MB0002": "R2", "usb:MB0003": "R3"}

    # The next session: the same boards on other ports (the hook maps them afresh).
    moved = list(reversed(boards))
    env = workshop_environment(
        config,
        [b.address for b in moved],
        TNE_TEST_SERIAL_NUMBERS=",".join(
            f"{b.address}=MB{index:04d}" for index, b in enumerate(boards, 1)
        ),
    )
    listed = json.loads(tne("devices", "--json", env=env).stdout)
    assert [(d["address"], d["name"]) for d in listed] == [
        (moved[0].address, "R3"),
        (moved[1].address, "R2"),
        (moved[2].address, "R1"),
    ]
    done = tne("exec", "--device", "label:R2", "print('ici')", env=env, timeout=60)
    assert done.returncode == 0 and done.stdout == b"ici\n"


def test_put_and_run_on_all_boards_give_each_output_under_its_label_and_files_come_back(
    table: dict[str, str], tmp_path: Path
) -> None:
    put = tne("fs", "put", "--device", "all", str(MAQUEEN), env=table, timeout=120)
    assert put.returncode == 0, put.stderr
    # The simulated robot carries maqueen.py already; it joins the table for the run.
    env = {**table, "TNE_EXTRA_DEVICES": table["TNE_EXTRA_DEVICES"] + ",sim:maqueen"}
    program = tmp_path / "robot.py"
    program.write_text(USES_MAQUEEN, encoding="utf-8")

    ran = tne("run", "--device", "all", str(program), env=env, timeout=120)

    assert ran.returncode == 0, ran.stderr
    lines = sorted(ran.stdout.decode().splitlines())
    assert lines == [
        "[Carte sur sim:maqueen@v2] maqueen 16",  # the simulated robot, without a label
        "[R1] maqueen 16",
        "[R2] maqueen 16",
        "[R3] maqueen 16",
    ]
    assert "Résumé : 4 cartes sur 4 ont réussi." in ran.stderr.decode()

    collected = tmp_path / "rendus"
    collected.mkdir()
    got = tne("fs", "get", "--device", "all", "maqueen.py", str(collected), env=table, timeout=120)
    assert got.returncode == 0, got.stderr
    names = sorted(path.name for path in collected.iterdir())
    assert names == ["R1-maqueen.py", "R2-maqueen.py", "R3-maqueen.py"]
    for path in collected.iterdir():
        assert path.read_bytes() == MAQUEEN.read_bytes()


def test_collecting_into_a_missing_folder_is_refused_and_writes_nothing(
    table: dict[str, str], tmp_path: Path
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    done = tne("fs", "get", "--device", "all", "main.py", "absent", env=table, cwd=here)
    assert done.returncode == 2 and "dossier" in done.stderr.decode()
    assert list(here.iterdir()) == []


def lines_with_times(
    process: subprocess.Popen[bytes], limit: float, until: str = ""
) -> list[tuple[float, str]]:
    """Each stdout line of `process` with the seconds since now when it came; stops after
    `limit` seconds, at the end of stdout, or after a line starting with `until`."""
    assert process.stdout is not None
    start, seen, buffer = time.monotonic(), [], b""
    while time.monotonic() - start < limit:
        ready, _w, _x = select.select([process.stdout], [], [], 0.1)
        if not ready:
            if process.poll() is not None:
                break
            continue
        chunk = process.stdout.read1(4096)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            seen.append((time.monotonic() - start, line.decode()))
            if until and line.decode().startswith(until):
                return seen
    return seen


COUNTING = """\
from microbit import sleep
for i in range(8):
    print('tour', i)
    sleep(400)
print('fini')
"""


def test_a_board_killed_midway_is_lost_while_the_others_finish(
    table: dict[str, str], boards: list[qemu.QemuMicrobit], tmp_path: Path
) -> None:
    require_qemu()
    with qemu.QemuMicrobit("pty") as doomed:
        env = {
            **table,
            "TNE_EXTRA_DEVICES": table["TNE_EXTRA_DEVICES"] + "," + doomed.address,
            "TNE_TEST_SERIAL_NUMBERS": table["TNE_TEST_SERIAL_NUMBERS"]
            + f",{doomed.address}=MB0099",
        }
        assert tne("workshop", "label", "--device", doomed.address, "R9", env=env).returncode == 0
        program = tmp_path / "compte.py"
        program.write_text(COUNTING, encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "tne.cli", "run", "--device", "all", str(program)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        seen = lines_with_times(process, 10.0, until="[R9] tour 1")
        assert seen and seen[-1][1] == "[R9] tour 1", seen
        doomed.stop()  # pulled out in the middle of its program
        seen += lines_with_times(process, 30.0)
        code = process.wait(30)
        errors = process.stderr.read().decode() if process.stderr else ""

    printed = [line for _t, line in seen]
    for name in ("R1", "R2", "R3"):
        assert f"[{name}] fini" in printed
    assert "[R9] fini" not in printed
    assert code == 3
    assert "Résumé : 3 cartes sur 4 ont réussi." in errors
    assert "  R9 : perdue" in errors
    assert "[R9] La connexion à la carte" in errors


HANGS_ON_ONE = """\
import os
from microbit import sleep, temperature
if 'bloque.txt' in os.listdir():
    temperature()
sleep(300)
print('fini')
"""


def test_a_hung_board_does_not_delay_the_others_beyond_its_own_time_out(
    table: dict[str, str], tmp_path: Path
) -> None:
    require_qemu()
    with qemu.QemuMicrobit("pty") as hung:
        marker = tmp_path / "bloque.txt"
        marker.write_text("1", encoding="utf-8")
        assert tne("fs", "put", "--device", hung.address, str(marker), env=table).returncode == 0
        env = {
            **table,
            "TNE_EXTRA_DEVICES": table["TNE_EXTRA_DEVICES"] + "," + hung.address,
        }
        program = tmp_path / "bloque.py"
        program.write_text(HANGS_ON_ONE, encoding="utf-8")
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "tne.cli", "run", "--device", "all", "-t", "8", str(program)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        seen = lines_with_times(process, 60.0)
        code = process.wait(30)
        elapsed = time.monotonic() - started
        errors = process.stderr.read().decode() if process.stderr else ""

    finished = {line: at for at, line in seen}
    for name in ("R1", "R2", "R3"):
        # Connecting takes about a second (QEMU's pty), the program 0.3 s: the others' results
        # come long before the hung board's own 8 s time-out ends.
        assert finished[f"[{name}] fini"] < 8.0, seen
    assert code == 3
    assert "ne répond plus" in errors and "Résumé : 3 cartes sur 4 ont réussi." in errors
    assert 8.0 < elapsed < 8.0 + 12.0  # its own time-out, then the escalation


def test_the_table_stops_the_others_at_once_while_a_hung_board_escalates(
    boards: list[qemu.QemuMicrobit],
) -> None:
    require_qemu()
    with qemu.QemuMicrobit("pty") as hung:
        rows = [("H", hung.address), ("R1", boards[0].address), ("S", "sim")]
        with Workshop(rows) as workshop:
            ready = eventually(lambda: all(v.state == "ready" for v in workshop.views()), 60)
            assert ready, [(v.name, v.state, v.message) for v in workshop.views()]
            hung_row, *others = workshop.rows
            hung_row.run("from microbit import temperature\nprint('go')\ntemperature()\n")
            for row in others:
                row.run("from microbit import sleep\nwhile True:\n    print('x')\n    sleep(100)\n")
            assert eventually(lambda: all(v.state == "running" for v in workshop.views()), 10)
            assert eventually(lambda: all(v.lines for v in workshop.views()), 10)

            workshop.stop()
            # The others stop while the hung board is still being escalated (Ctrl-C, then after
            # STOP_GRACE a soft reboot, then the line reset): they never wait for it.
            assert eventually(
                lambda: all(r.view().state == "ready" for r in others), 2 * STOP_GRACE
            )
            assert hung_row.view().state == "running"
            assert [r.view().message for r in others] == ["arrêtée", "arrêtée"]

            assert eventually(lambda: hung_row.view().state == "stuck", 15)
            assert "bouton reset" in hung_row.view().message

            # The others keep working while the hung board stays stuck.
            for row in others:
                row.run("print('encore')")
            assert eventually(lambda: all(r.view().lines[-1:] == ("encore",) for r in others))


def test_a_board_unplugged_while_idle_is_marked_lost_in_the_table() -> None:
    require_qemu()
    with (
        qemu.QemuMicrobit("pty") as unplugged,
        Workshop([("R5", unplugged.address), ("S", "sim")]) as workshop,
    ):
        assert eventually(lambda: all(v.state == "ready" for v in workshop.views()), 30)
        unplugged.stop()  # (lost seen after more than 5 s at load 4)
        assert eventually(lambda: workshop.rows[0].view().state == "lost", 20)
        assert workshop.rows[0].view().state_text == "perdue"
        assert workshop.rows[1].view().state == "ready"


V1_ID = "9900000037024e450034200b0000004c0000000097969901"


def test_flash_all_copies_to_every_drive_and_reads_each_board_back_under_its_label(
    boards: list[qemu.QemuMicrobit], config: Path, tmp_path: Path
) -> None:
    from tests.device_bridge.test_flash import DETAILS_V1, make_drive

    unique = [V1_ID[:-2] + f"{index:02d}" for index in (1, 2)]
    drives = [
        make_drive(tmp_path / f"d{index}", DETAILS_V1.replace(V1_ID, unique[index]))
        for index in range(2)
    ]
    env = workshop_environment(
        config,
        [b.address for b in boards[:2]],
        TNE_TEST_SERIAL_NUMBERS=",".join(
            f"{board.address}={number}" for board, number in zip(boards, unique, strict=False)
        ),
    )
    assert tne("workshop", "label", "A1", "A2", env=env, timeout=60).returncode == 0

    done = tne(
        "flash",
        "--device",
        "all",
        "--drive",
        str(drives[1]),
        "--drive",
        str(drives[0]),
        env=env,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    for drive in drives:
        assert (drive / "firmware.hex").read_bytes() == qemu.FIRMWARE.read_bytes()
    messages = done.stderr.decode()
    for name in ("A1", "A2"):
        [line] = [line for line in messages.splitlines() if line.startswith(f"[{name}] ")]
        assert "Micrologiciel annoncé par la carte : " in line and "MicroPython v1.9.2" in line
    assert "Résumé : 2 cartes sur 2 ont réussi." in messages


def test_flash_all_refuses_a_hex_for_the_other_micro_bit_and_writes_nothing(
    boards: list[qemu.QemuMicrobit], config: Path, tmp_path: Path
) -> None:
    import uflash

    from tests.device_bridge.test_flash import DETAILS_V1, make_drive, plain_section

    drives = [make_drive(tmp_path / f"d{index}", DETAILS_V1) for index in range(2)]
    v2_hex = tmp_path / "v2.hex"
    v2_hex.write_text(plain_section(uflash._RUNTIME, "9903"))
    env = workshop_environment(config, [boards[0].address])
    args = ["--drive", str(drives[0]), "--drive", str(drives[1]), "--hex", str(v2_hex)]

    done = tne("flash", "--device", "all", *args, env=env, timeout=60)

    assert done.returncode == 2
    assert "fait pour" in done.stderr.decode() and "0 carte sur 2" in done.stderr.decode()
    assert not any((drive / "firmware.hex").exists() for drive in drives)

    two = tne("flash", "--drive", str(drives[0]), "--drive", str(drives[1]), env=env)
    assert two.returncode == 2 and "--device all" in two.stderr.decode()
