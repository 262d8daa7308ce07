"""The `tne` command, as its own process, against the real unix-port MicroPython (see
test_modern.py for what that board is and where it differs from a board)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import check_ctrl_c_stops_run, clean_environment, tne
from tests.device_bridge.test_fs import program_of
from tests.helpers.unix_micropython import UnixMicropython

ENDLESS = """\
import time
tours = 0
while True:
    print('tour', tours)
    tours += 1
    time.sleep(0.1)
"""


@pytest.fixture
def env(modern: UnixMicropython) -> dict[str, str]:
    return clean_environment(TNE_DEVICE=modern.address)


def test_exec_prints_the_output_and_a_traceback_exits_1(env) -> None:
    done = tne("exec", "print('un')\nprint('deux')", env=env)
    failed = tne("exec", "1/0", env=env)

    assert (done.returncode, done.stdout) == (0, b"un\ndeux\n")
    assert failed.returncode == 1
    assert "ZeroDivisionError" in failed.stderr.decode()


def test_ctrl_c_during_run_exits_130_and_stops_the_program_on_the_board(
    modern: UnixMicropython, env, tmp_path: Path
) -> None:
    program = tmp_path / "sans_fin.py"
    program.write_text(ENDLESS)

    check_ctrl_c_stops_run(program, modern.pty, env)


def test_fs_put_ls_get_rm_round_trip(modern: UnixMicropython, env, tmp_path: Path) -> None:
    source = tmp_path / "robot.py"
    source.write_bytes(program_of(100_000))
    back = tmp_path / "retour.py"

    put = tne("fs", "put", str(source), "robot.py", env=env)
    listing = tne("fs", "ls", env=env)
    get = tne("fs", "get", "robot.py", str(back), env=env)
    removed = tne("fs", "rm", "robot.py", env=env)

    assert put.returncode == 0, put.stderr.decode()
    assert "vérifiés" in put.stderr.decode()
    assert "robot.py" in listing.stdout.decode()
    assert get.returncode == 0 and back.read_bytes() == source.read_bytes()
    assert removed.returncode == 0
    assert not (modern.workdir / "robot.py").exists()


def test_repl_runs_piped_lines_and_prints_the_answers(env) -> None:
    done = tne("repl", env=env, stdin=b"print(6*7)\n")

    assert done.returncode == 0
    assert "42" in done.stdout.decode().splitlines()
