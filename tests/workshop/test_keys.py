"""The workshop table's keys on Windows, where `msvcrt` reads the console. Windows cannot run
here, so a console that follows msvcrt's protocol plays it; the POSIX path is driven for real in
a terminal by test_table.py."""

from __future__ import annotations

from tne.cli.keys import KeyReader


class WindowsConsole:
    """Plays `msvcrt.kbhit`/`getwch` as the msvcrt documentation describes them: a character key
    comes as itself; a key that is not a character (arrows, F1-F12, Insert, Delete) comes as
    "\\x00" or "\\xe0" followed by its scan code, in two calls."""

    def __init__(self, typed: str) -> None:
        self.pending = list(typed)

    def kbhit(self) -> bool:
        return bool(self.pending)

    def getwch(self) -> str:
        return self.pending.pop(0)


def keys_read(typed: str, count: int) -> list[str]:
    console = WindowsConsole(typed)
    reader = KeyReader()
    return [reader._get_windows(0.05, console=console) for _ in range(count)]


def test_letters_and_control_keys_come_as_typed() -> None:
    assert keys_read("rsz\x1bq", 5) == ["r", "s", "z", "\x1b", "q"]


def test_delete_arrows_and_function_keys_are_not_read_as_letters() -> None:
    # Delete is "\xe0S": read as "s", it would stop every board of the table.
    delete, left_arrow, f1 = "\xe0S", "\xe0K", "\x00;"
    assert keys_read(delete + left_arrow + f1 + "r", 4) == ["", "", "", "r"]


def test_no_key_within_the_time_out_is_an_empty_answer() -> None:
    assert keys_read("", 2) == ["", ""]
