"""Board errors as a pupil reads them: the cell's own line numbers and a French hint.

The board reports `File "<stdin>", line N` for the code it was sent; the kernel sent the cell
without its magic lines, so N maps to `Cell.cell_line(N)`. Each frame of the cell is followed by
the cell's source line (MicroPython does not print it). The hint comes last, after the error
line, for the beginner errors seen most in class.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tne.i18n import _

STDIN_FRAME = re.compile(r'File "<stdin>", line (\d+)')
NAME_ERROR = re.compile(r"name '([^']+)' is(?:n't| not) defined")
RED, BOLD, CYAN, RESET = "\x1b[31m", "\x1b[1m", "\x1b[36m", "\x1b[0m"

#: What `from microbit import *` brings; a NameError on these means the import is missing.
MICROBIT_NAMES = frozenset(
    [
        "display",
        "Image",
        "button_a",
        "button_b",
        "sleep",
        "running_time",
        "temperature",
        "accelerometer",
        "compass",
        "pin0",
        "pin1",
        "pin2",
        "pin3",
        "pin4",
        "pin5",
        "pin6",
        "pin7",
        "pin8",
        "pin9",
        "pin10",
        "pin11",
        "pin12",
        "pin13",
        "pin14",
        "pin15",
        "pin16",
        "pin19",
        "pin20",
        "pin_logo",
        "pin_speaker",
        "i2c",
        "spi",
        "uart",
        "panic",
        "reset",
        "microphone",
        "speaker",
        "set_volume",
        "Sound",
        "SoundEvent",
    ]
)
#: Modules pupils use without importing them first.
MODULES = frozenset(
    [
        "radio",
        "music",
        "speech",
        "neopixel",
        "random",
        "time",
        "utime",
        "math",
        "os",
        "machine",
        "audio",
        "power",
        "log",
        "gc",
    ]
)


@dataclass
class PupilError:
    """A Jupyter `error` reply: `ename`, `evalue`, and the traceback lines to show."""

    ename: str
    evalue: str
    traceback: list[str]

    def content(self) -> dict[str, object]:
        return {"ename": self.ename, "evalue": self.evalue, "traceback": self.traceback}


def split_error_line(text: str) -> tuple[str, str]:
    """`("NameError", "name 'x' isn't defined")` from a traceback's last line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    last = lines[-1].strip() if lines else ""
    name, _sep, value = last.partition(":")
    if not re.fullmatch(r"[A-Za-z_][\w.]*", name.strip()):
        return "Error", last
    return name.strip(), value.strip()


def board_traceback(
    stderr: str, cell_line: Callable[[int], int], source: list[str], code: str = ""
) -> PupilError:
    """The board's traceback with the cell's line numbers and source lines, and a hint."""
    ename, evalue = split_error_line(stderr)
    shown: list[str] = []
    lines = stderr.replace("\r\n", "\n").rstrip("\n").split("\n")
    for index, line in enumerate(lines):
        match = STDIN_FRAME.search(line)
        if match is None:
            is_last = index == len(lines) - 1
            shown.append(f"{RED}{BOLD}{line}{RESET}" if is_last else line)
            continue
        number = cell_line(int(match.group(1)))
        shown.append(
            line[: match.start()]
            + _("Cell, line {number}").format(number=number)
            + line[match.end() :]
        )
        if 1 <= number <= len(source) and source[number - 1].strip():
            shown.append("    " + source[number - 1].strip())
    hint = hint_for(ename, evalue, source, code)
    if hint:
        shown.append(hint_line(hint))
    return PupilError(ename, evalue, ["\n".join(shown)])


def hint_for(ename: str, evalue: str, source: list[str], code: str = "") -> str:
    """A French hint for the beginner errors seen most in class ("" when none applies).

    MicroPython says `SyntaxError: invalid syntax` for a missing indentation too, so a syntax
    error is compiled again by the host's Python, which tells indentation errors apart."""
    if ename == "NameError":
        match = NAME_ERROR.search(evalue)
        name = match.group(1) if match else ""
        if name in MICROBIT_NAMES:
            return _(
                "'{name}' comes from the microbit module: put 'from microbit import *' at the "
                "top of your cell."
            ).format(name=name)
        if name in MODULES:
            return _("'{name}' is a module: put 'import {name}' at the top of your cell.").format(
                name=name
            )
        return _(
            "Python does not know '{name}'. Check its spelling (capitals count), or run the cell "
            "that defines it first."
        ).format(name=name)
    if ename == "IndentationError" or (ename == "SyntaxError" and bad_indentation(code)):
        return _(
            "The spaces at the start of a line are wrong. Lines inside an if, a for, a while or a "
            "def are indented by 4 spaces, all the same; the others start at the left edge."
        )
    if ename == "SyntaxError":
        if any(line.strip().startswith("%") for line in source):
            return _(
                "Magic commands (lines that start with %) go at the top of the cell, before "
                "any Python."
            )
        return _(
            "Python cannot read this line. Check the ':' at the end of if, for, while and def, "
            "the brackets and the quotes."
        )
    if ename == "TypeError":
        return _(
            "A value is not of the right type. For instance text and a number cannot be added: "
            "use str(number) to turn a number into text, int(text) for the other way round. "
            "Also check the number of values given to the function."
        )
    if ename == "MemoryError":
        return _(
            "The micro:bit is out of memory (it only has 16 KB). Make lists and texts shorter, "
            "or split the program into smaller parts."
        )
    if ename == "KeyboardInterrupt":
        return _("The program was stopped with the Stop button.")
    return ""


def hint_line(hint: str) -> str:
    label = _("Hint:")  # (not inside the f-string: the catalogue extractor would miss it)
    return f"{CYAN}{label} {hint}{RESET}"


def bad_indentation(code: str) -> bool:
    try:
        compile(code, "<cell>", "exec", dont_inherit=True)
    except IndentationError:
        return True
    except (SyntaxError, ValueError):
        return False
    return False


def kernel_error(ename: str, message: str, hint: str = "") -> PupilError:
    """An error that does not come from the board's code (board missing, bad magic...)."""
    lines = [f"{RED}{BOLD}{message}{RESET}"]
    if hint:
        lines.append(hint_line(hint))
    return PupilError(ename, message, ["\n".join(lines)])
