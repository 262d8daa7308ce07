"""The firmware's wording of errors, applied to the guest's tracebacks in one place.

The guest is MicroPython 1.27. The V1 firmware is MicroPython 1.9.2, whose messages differ in
small ways that pupils see side by side with a real board (measured in QEMU, tests/sim/
test_parity.py): `name 'x' is not defined` where 1.27 says `isn't defined`, `division by zero`
for `divide by zero`... `reword` rewrites a traceback's text as the imitated firmware would have
written it. Both firmwares name an `OSError`'s errno (`[Errno 19] ENODEV`), which this build
of the interpreter does not. The V1 has no f-strings: `v1_syntax_error` gives its parser's
answer before the guest runs the code.
"""

from __future__ import annotations

import io
import re
import tokenize

from ..vfs import ERRNO_NAMES

#: (pattern, replacement) on the V1 firmware's lines, in order.
V1_REWORDING = (
    (
        re.compile(r"^(IndentationError: )unindent doesn't match any outer indent level$"),
        r"\1unindent does not match any outer indentation level",
    ),
    (re.compile(r"^(ValueError: invalid syntax for integer with base \d+): .*$"), r"\1"),
    (
        re.compile(
            r"^(TypeError: )\w+\(\) (takes \d+ positional arguments? but \d+ (?:were|was) "
            r"given)$"
        ),
        r"\1function \2",
    ),
    (
        re.compile(r"^(TypeError: )unsupported types for __add__: 'str', '(\w+)'$"),
        r"\1can't convert '\2' object to str implicitly",
    ),
    (re.compile(r"^(ZeroDivisionError: )divide by zero$"), r"\1division by zero"),
    (re.compile(r"isn't"), "is not"),
)
#: An OSError as this build prints it: its bare number, or a name from WASI's numbering
#: (`[Errno 2] EACCES` for MicroPython's ENOENT, `[Errno 44] ENOENT` for its own).
OSERROR = re.compile(r"^OSError: (?:\[Errno )?(\d+)(?:\] (\w+))?$")
ERRNO_NUMBERS = {name: number for number, name in ERRNO_NAMES.items()}
#: The line of a V1 `IndentationError` for an unindent: the firmware names the line that
#: unindents, 1.27 the one before it.
UNINDENT = re.compile(r'^  File "([^"]*)", line (\d+)$')
#: What the V1 firmware's parser says about an f-string.
V1_FSTRING = "cannot mix bytes and nonbytes literals"


def reword(text: str, firmware: str) -> str:
    """`text` (a traceback, lines ending in \\n) as the `firmware` words it."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = OSERROR.match(line)
        if match:
            line = _errno(int(match.group(1)), match.group(2)) or line
        if firmware == "v1":
            for pattern, replacement in V1_REWORDING:
                line = pattern.sub(replacement, line)
            if line.startswith("IndentationError: unindent") and index > 0:
                where = UNINDENT.match(lines[index - 1])
                if where:
                    lines[index - 1] = f'  File "{where.group(1)}", line {int(where.group(2)) + 1}'
        lines[index] = line
    return "\n".join(lines)


def _errno(number: int, name: str | None) -> str | None:
    """The firmware's line for an OSError: a name it knows gives the number, else a number it
    knows gives the name; None when neither is known."""
    if name in ERRNO_NUMBERS:
        number = ERRNO_NUMBERS[name]  # type: ignore[index]
    elif number not in ERRNO_NAMES:
        return None
    return f"OSError: [Errno {number}] {ERRNO_NAMES[number]}"


def v1_syntax_error(source: str) -> str | None:
    """The V1 firmware's traceback for `source` if it holds an f-string, else None (code that
    does not tokenize is left to the guest, which reports it as the firmware does)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    for token in tokens:
        start = token.type == getattr(tokenize, "FSTRING_START", -1)
        if start or (token.type == tokenize.STRING and "f" in _prefix(token.string)):
            return (
                f'Traceback (most recent call last):\n  File "<stdin>", line {token.start[0]}\n'
                f"SyntaxError: {V1_FSTRING}\n"
            )
    return None


def _prefix(literal: str) -> str:
    return literal[: len(literal) - len(literal.lstrip("rRbBuUfF"))].lower()


#: How the V1 firmware (1.9.2, measured in QEMU: tests/sim/test_parity.py) prints what
#: the simulator builds in Python: a board object `<MicroBitDisplay>`, any function
#: `<function>`, any bound method `<bound_method>`, a module without the file it came from.
#: The simulator's own functions are closures over the door's op (`<closure <function proxy
#: ...>`) or functions of its guest modules; neither must show. The V2 (MicroPython 1.23.0 in
#: micropython-microbit-v2, read from its source: docs/simulator.md) prints the same, except a
#: function written in Python: `<function f at 0x20001a30>` (`PYTHON_FUNCTION`).
OPENERS = ("<bound_method ", "<closure ", "<function ", "<MicroBit", "<module '")
#: Longest text held back while a repr may still be coming (a bound method of an Image).
MAX_HELD = 600
MODULE_FROM = re.compile(r"^<module '(\w+)' from '[^']*'>$")
BOARD_OBJECT = re.compile(r"^<(MicroBit\w+) object at [0-9a-f]+>$")
#: A function written in Python, as the guest prints it (its name may be `<lambda>`).
PYTHON_FUNCTION = re.compile(r"^<function (.+) at 0x([0-9a-f]+)>$")
#: Where the V2's heap lies (the nRF52833's 128 KB of RAM): a Python function's address is
#: printed there, derived from the guest's, so it stays the same from run to run.
V2_RAM, V2_RAM_SIZE = 0x2000_0000, 0x2_0000


class PrintedObjects:
    """Rewrites the reprs that the guest prints (in pieces, as MicroPython writes them) as the
    firmware prints them. `feed` gives what can be written now; `flush` the rest, at the end of
    a run or at a call through the door (a repr is written between two such calls)."""

    def __init__(self, firmware: str) -> None:
        self.firmware = firmware
        #: What `feed` held back ('' when nothing: the engine looks at every door call).
        self.held = ""

    def feed(self, text: str) -> str:
        text = self.held + text
        self.held = ""
        out: list[str] = []
        start = 0
        while True:
            at = text.find("<", start)
            if at < 0:
                out.append(text[start:])
                return "".join(out)
            out.append(text[start:at])
            rest = text[at:]
            if not any(rest.startswith(o) or o.startswith(rest) for o in OPENERS):
                out.append("<")
                start = at + 1
                continue
            end = _closing(rest)
            if end is None:
                if "\n" in rest or len(rest) > MAX_HELD:  # not a repr after all
                    out.append("<")
                    start = at + 1
                    continue
                self.held = rest
                return "".join(out)
            out.append(self.reword(rest[: end + 1]))
            start = at + end + 1

    def flush(self) -> str:
        held, self.held = self.held, ""
        return held

    def reword(self, shown: str) -> str:
        if shown.startswith("<bound_method "):
            return "<bound_method>"
        if shown.startswith("<closure "):
            return "<function>" if "<function proxy at " in shown else "<closure>"
        if shown.startswith("<function "):
            return self._function(shown)
        match = BOARD_OBJECT.match(shown)
        if match:
            return f"<{match.group(1)}>"
        match = MODULE_FROM.match(shown)
        if match:
            name = match.group(1)
            return f"<module '{'utime' if name == 'time' and self.firmware == 'v1' else name}'>"
        return shown

    def _function(self, shown: str) -> str:
        """`<function>` on the V1; on the V2, a function written in Python gives its name and
        an address (py/objfun.c's `fun_bc_print`), a built-in one stays `<function>`."""
        match = PYTHON_FUNCTION.match(shown)
        if self.firmware == "v1" or match is None:
            return "<function>"
        address = V2_RAM + int(match.group(2), 16) % V2_RAM_SIZE
        return f"<function {match.group(1)} at 0x{address:08x}>"


def _closing(text: str) -> int | None:
    """The index of the `>` that closes the `<` at text[0] (nested reprs counted), or None."""
    depth = 0
    for index, char in enumerate(text):
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
            if depth == 0:
                return index
    return None
