"""The simulated board's LEDs in the terminal (tne/cli/led_view.py), through the real `tne`:
redrawn in place on a terminal, hidden with `--no-leds`, forced with `--leds`, and the last
picture said on stderr when the output is not a terminal."""

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
