"""The simulated board's LEDs in the terminal (tne/cli/led_view.py), through the real `tne`:
redrawn in place on a terminal, hidden with `--no-leds`, forced with `--leds`, and the last
picture said on stderr when the output is not a terminal; with `--device all`, the warnings
said once and each board's last picture and error under its name."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

SCROLL = "print('avant')\ndisplay.scroll('Hi')\nprint('après')"
CURSOR_UP = b"\x1b[1A"


def env() -> dict[str, str]:
    variables = {k: v for k, v in os.environ.items() if k != "TNE_DEVICE"}
    variables.update(TNE_LANG="fr", COLUMNS="80")
    return variables


def on_a_terminal(*args: str, timeout: float = 60) -> tuple[int, bytes, str]:
    """Run `tne` with its stdout on a pseudo-terminal: (exit code, what the terminal got,
    stderr)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tne.cli", *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env(),
    )
    os.close(slave)
    shown = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            shown += data
        elif process.poll() is not None:
            break
    os.close(master)
    code = process.wait(timeout=10)
    assert process.stderr is not None
    return code, bytes(shown), process.stderr.read().decode()


def test_on_a_terminal_the_leds_are_redrawn_in_place_as_the_text_scrolls() -> None:
    code, shown, _stderr = on_a_terminal("exec", "--device", "sim", SCROLL)
    assert code == 0
    assert b"avant" in shown and "après".encode() in shown
    assert "█".encode() in shown  # lit LEDs
    # Redrawn in place: the cursor goes back up over the 5 rows many times (one per frame).
    assert shown.count(CURSOR_UP) >= 5 * 10
    # The printed lines go above the matrix, which is drawn again under them.
    assert "█".encode() in shown[shown.index(b"avant") :]


def test_no_leds_hides_them_on_a_terminal() -> None:
    code, shown, _stderr = on_a_terminal("exec", "--device", "sim", "--no-leds", SCROLL)
    assert code == 0
    assert "█".encode() not in shown and CURSOR_UP not in shown
    assert b"avant" in shown


def test_off_a_terminal_the_last_picture_is_said_on_stderr_and_stdout_keeps_the_bytes() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tne.cli",
            "exec",
            "--device",
            "sim",
            "display.show(Image.HEART)\nprint('fin')",
        ],
        capture_output=True,
        env=env(),
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == b"fin\n"
    assert "    · █ · █ ·\n    █ █ █ █ █\n" in done.stderr.decode()


def test_leds_forces_the_drawing_off_a_terminal() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tne.cli",
            "exec",
            "--device",
            "sim",
            "--leds",
            "display.show(Image.HEART)\ndisplay.show(Image.HAPPY)",
        ],
        capture_output=True,
        env=env(),
        timeout=60,
    )
    assert done.returncode == 0
    assert CURSOR_UP in done.stdout and "█".encode() in done.stdout


def test_a_long_scroll_watched_at_real_time_is_not_cut_by_the_silence_time_out() -> None:
    # About 13 s of scrolling at real time, with nothing printed: more than `tne exec`'s 10 s.
    started = time.monotonic()
    code, shown, stderr = on_a_terminal(
        "exec", "--device", "sim", "display.scroll('Bonjour la classe')\nprint('fin')"
    )
    assert code == 0, stderr
    assert b"fin" in shown
    assert time.monotonic() - started >= 10  # paced at real time for the person watching


def test_no_leds_off_a_terminal_says_no_picture_either() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tne.cli", "exec", "--device", "sim", "--no-leds", HEART],
        capture_output=True,
        env=env(),
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == b"fin\n"
    assert "█" not in done.stderr.decode()


HEART = "display.show(Image.HEART)\nprint('fin')"
#: A program with a warning (line 2), a picture and an error (line 4), for `--device all`.
FAULTY = "from microbit import *\nsleep(1)\ndisplay.show(Image.HEART)\nprint(Image.HAPY)\n"
NBSP = "\u00a0"


def on_every_board(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`tne ARGS --device all` with two simulated boards (a V2 and a V1), output piped."""
    variables = env()
    variables.update(TNE_EXTRA_DEVICES="sim,sim@v1", TNE_CONFIG_DIR=str(tmp_path / "config"))
    return subprocess.run(
        [sys.executable, "-m", "tne.cli", *args, "--device", "all"],
        capture_output=True,
        env=variables,
        timeout=120,
    )


def test_device_all_says_the_warnings_once_then_each_boards_picture_and_hint_under_its_name(
    tmp_path,
) -> None:
    program = tmp_path / "coeur.py"
    program.write_text(FAULTY, encoding="utf-8")

    done = on_every_board(tmp_path, "run", str(program))

    assert done.returncode == 1
    lines = done.stderr.decode().splitlines()
    warnings = [line for line in lines if "sleep(1)" in line]
    assert len(warnings) == 1  # from the code, not from a board: said once...
    assert warnings[0].startswith(f"Attention (ligne 2){NBSP}:")  # ...without a board's name
    assert lines.index(warnings[0]) == 0
    for name in ("sim@v2", "sim@v1"):
        prefix = f"[Carte sur {name}] "
        mine = [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]
        at = mine.index("    · █ · █ ·")  # its last picture, under its name
        assert mine[at : at + 2] == ["    · █ · █ ·", "    █ █ █ █ █"]
        # Its error names the pupil's file, and its hint follows, in one block.
        first = lines.index(prefix + "Traceback (most recent call last):")
        block = lines[first : first + 5]
        assert all(line.startswith(prefix) for line in block)
        assert block[1] == f"{prefix}  Fichier «{NBSP}coeur.py{NBSP}», ligne 4, dans <module>"
        assert block[4].startswith(f"{prefix}Indice{NBSP}:") and "Image.HAPPY" in block[4]
    assert f"  sim@v1{NBSP}: erreur" in lines and f"  sim@v2{NBSP}: erreur" in lines


def test_device_all_no_leds_hides_the_pictures_and_leds_keeps_them(tmp_path) -> None:
    hidden = on_every_board(tmp_path, "exec", "--no-leds", HEART)
    shown = on_every_board(tmp_path, "exec", "--leds", HEART)

    assert hidden.returncode == shown.returncode == 0
    assert "█" not in hidden.stderr.decode()
    assert sorted(hidden.stdout.decode().splitlines()) == [
        "[Carte sur sim@v1] fin",
        "[Carte sur sim@v2] fin",
    ]
    # Several boards: no matrix drawn in place, the last picture said under each name.
    assert CURSOR_UP not in shown.stdout
    for name in ("sim@v2", "sim@v1"):
        assert f"[Carte sur {name}]     █ █ █ █ █\n" in shown.stderr.decode()
