"""A pupil's error as they read it: their own file (or cell) and line, and a French hint.

One engine for every place a pupil's error shows: the notebook kernel
(kernels/microbit/errors.py), `tne run` and `tne exec` (tne/cli/pupil_errors.py) and the
grading feedback (which runs in the kernel). It reads the board's traceback as MicroPython
words it, on the simulator (1.27), on the V1 firmware (1.9.2, `is not defined`) and on the V2
(`isn't defined`), so every pattern below accepts each wording.

The board names the code it was sent `File "<stdin>", line N`; `explain` maps N to the pupil's
line (`line_of`) and names the place (`place`); the frames of other files (a module the
pupil imported) and the function each frame was in are said in French too, so that no line
is half English. MicroPython says only `invalid syntax`, and
for a missing `)` it names the line after the last one: the host's own parser (CPython) reads
the same code again to find where the bracket or quote opened, and the frame then names that
line.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tne.i18n import _

#: Any frame of a traceback, with the function it was in (MicroPython 1.9.2 and later).
FRAME = re.compile(r'File "([^"]*)", line (\d+)(?:, in (\S+))?')
NAME_ERROR = re.compile(r"name '([^']+)' is(?:n't| not) defined")
ATTRIBUTE_ERROR = re.compile(r"(?:type object )?'(\w+)'(?: object)? has no attribute '(\w+)'")
NOT_CALLABLE = re.compile(r"'(\w+)' object is(?:n't| not) callable")
#: A function or method used as a value: its parentheses were forgotten.
FUNCTION_AS_VALUE = re.compile(r"'(?:bound_method|function|closure|builtin_function)'")
#: Text where a number was expected, as 1.27 and 1.9.2 word it.
TEXT_FOR_NUMBER = re.compile(
    r"can't convert (?:'?str'?(?: object)? to (?:int|float)|'(?:int|float)' object to str)"
    r"|unsupported types for __\w+__: '(?:str', '(?:int|float)|(?:int|float)', 'str)'"
    r"|invalid syntax for (?:integer|number)|could not convert string to float"
)
LED_CALLS = re.compile(r"\b(?:set_pixel|get_pixel)\s*\(")
NO_DEVICE = re.compile(r"^(?:\[Errno )?19\b|ENODEV")

#: What `from microbit import *` brings; a NameError on these means the import is missing.
MICROBIT_NAMES = frozenset(
    [
        *("display", "Image", "button_a", "button_b", "sleep", "running_time", "temperature"),
        *("accelerometer", "compass", "i2c", "spi", "uart", "panic", "reset"),
        *(f"pin{n}" for n in range(21)),
        *("pin_logo", "pin_speaker", "microphone", "speaker", "set_volume", "Sound"),
        "SoundEvent",
    ]
)
#: Modules pupils use without importing them first.
MODULES = frozenset(
    [
        *("radio", "music", "speech", "neopixel", "random", "time", "utime", "math", "os"),
        *("machine", "audio", "power", "log", "gc"),
    ]
)
#: Python's own names that a pupil may misspell (`pritn`, `Print`, `ture`).
PYTHON_NAMES = frozenset(
    name for name in dir(builtins) if not name.startswith("_") and not name[0].isupper()
) | {"True", "False", "None"}


def _members() -> dict[str, tuple[str, frozenset[str]]]:
    """Each object's class as MicroPython names it -> (its name for a pupil, its members)."""
    from device_bridge.sim.image import STANDARD_IMAGES
    from device_bridge.sim.wasm.peripherals import OBJECTS, PIN_CLASSES

    image = frozenset(STANDARD_IMAGES) | {
        *("ALL_CLOCKS", "ALL_ARROWS", "width", "height", "set_pixel", "get_pixel", "shift_left"),
        *("shift_right", "shift_up", "shift_down", "crop", "copy", "invert", "fill", "blit"),
    }
    members = {"MicroBitImage": ("Image", image)}
    for name, (kind, methods, constants) in OBJECTS.items():
        members.setdefault(kind, (name, frozenset(methods) | frozenset(constants)))
    for kind, (methods, constants) in PIN_CLASSES.items():
        members[kind] = ("pin0", frozenset(methods) | frozenset(constants))
    return members


@dataclass
class Explanation:
    """A pupil's error: its name and text, where it stopped, the lines to show, and a hint."""

    ename: str
    evalue: str
    #: The pupil's line where the program stopped (None when the board named none).
    line: int | None
    #: The traceback as the pupil reads it (no colours), the error line last.
    lines: list[str] = field(default_factory=list)
    hint: str = ""


@dataclass(frozen=True)
class SyntaxDiagnosis:
    """What the host's parser found in code the board could not read."""

    hint: str
    #: The code's line to point at (where a bracket or a quote opened), or None.
    line: int | None


def split_error_line(text: str) -> tuple[str, str]:
    """`("NameError", "name 'x' isn't defined")` from a traceback's last line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    last = lines[-1].strip() if lines else ""
    name, _sep, value = last.partition(":")
    if not re.fullmatch(r"[A-Za-z_][\w.]*", name.strip()):
        return "Error", last
    return name.strip(), value.strip()


def file_line(file_name: str, number: int) -> str:
    """A line of a file, as a traceback names it for the pupil."""
    return _("File \u00ab\u00a0{file}\u00a0\u00bb, line {number}").format(
        file=file_name, number=number
    )


def explain(
    stderr: str,
    code: str,
    place: Callable[[int], str],
    line_of: Callable[[int], int] = lambda n: n,
    source: list[str] | None = None,
) -> Explanation:
    """The board's traceback for `code`, as the pupil reads it.

    `place(n)` names the pupil's line n (`Cellule, ligne 4`, `Fichier « carre.py », ligne 4`);
    `line_of(n)` maps the line n of `code` to the pupil's; `source` is the pupil's text as they
    see it (the cell with its magics; `code` itself by default)."""
    source = code.splitlines() if source is None else source
    ename, evalue = split_error_line(stderr)
    diagnosis = diagnose_syntax(code) if ename in ("SyntaxError", "IndentationError") else None
    raw = stderr.replace("\r\n", "\n").rstrip("\n").split("\n")
    shown: list[str] = []
    stopped: int | None = None
    for line in raw:
        match = FRAME.search(line)
        if match is None:
            shown.append(line)
            continue
        function = match.group(3)
        within = _(", in {function}").format(function=function) if function else ""
        if match.group(1) != "<stdin>":
            named = file_line(match.group(1), int(match.group(2)))
            shown.append(line[: match.start()] + named + within + line[match.end() :])
            continue
        number = int(match.group(2))
        if diagnosis is not None and diagnosis.line is not None:
            number = diagnosis.line
        number = line_of(number)
        stopped = number
        shown.append(line[: match.start()] + place(number) + within + line[match.end() :])
        if 1 <= number <= len(source) and source[number - 1].strip():
            shown.append("    " + source[number - 1].strip())
    at = source[stopped - 1] if stopped is not None and 1 <= stopped <= len(source) else ""
    hint = diagnosis.hint if diagnosis is not None else hint_for(ename, evalue, code, at)
    return Explanation(ename, evalue, stopped, shown, hint)


def diagnose_syntax(code: str) -> SyntaxDiagnosis:
    """Where and why `code` cannot be read, from the host's parser (a general hint when the
    host reads it: MicroPython refuses a few things CPython accepts)."""
    try:
        compile(code, "<pupil>", "exec", dont_inherit=True)
    except IndentationError as problem:
        return SyntaxDiagnosis(indentation_hint(), problem.lineno)
    except SyntaxError as problem:
        return SyntaxDiagnosis(*_syntax_hint(problem, code))
    except (ValueError, MemoryError, RecursionError):
        pass
    if any(line.strip().startswith("%") for line in code.splitlines()):
        return SyntaxDiagnosis(magic_hint(), None)
    return SyntaxDiagnosis(general_syntax_hint(), None)


def _syntax_hint(problem: SyntaxError, code: str) -> tuple[str, int | None]:
    message, line = problem.msg or "", problem.lineno
    if any(text.strip().startswith("%") for text in code.splitlines()):
        return magic_hint(), None
    opened = re.match(r"'(.)' was never closed", message)
    if opened:
        closing = {"(": ")", "[": "]", "{": "}"}[opened.group(1)]
        return (
            _(
                "The '{opening}' opened on line {line} is never closed: add a '{closing}' where "
                "what is inside it ends."
            ).format(opening=opened.group(1), line=line, closing=closing),
            line,
        )
    if message.startswith("unterminated"):
        text = code.splitlines()[line - 1] if line and line <= len(code.splitlines()) else ""
        quote = _opening_quote(text, (problem.offset or 1) - 1)
        return (
            _(
                "The text that starts on line {line} has no closing quote: add a {quote} at its "
                "end (the same quote as at its start)."
            ).format(line=line, quote=quote),
            line,
        )
    unmatched = re.match(r"unmatched '(.)'", message)
    if unmatched:
        return (
            _(
                "There is one '{closing}' too many on line {line}: it closes nothing. Remove it, "
                "or add the opening bracket that it closes."
            ).format(closing=unmatched.group(1), line=line),
            line,
        )
    mismatch = re.match(
        r"closing parenthesis '(.)' does not match opening parenthesis '(.)'(?: on line (\d+))?",
        message,
    )
    if mismatch:
        closing, opening, where = mismatch.groups()
        return (
            _(
                "The '{closing}' on line {line} does not close the '{opening}' opened on line "
                "{opened}: close that one first."
            ).format(closing=closing, line=line, opening=opening, opened=where or line),
            line,
        )
    if message == "expected ':'":
        missing = _("A ':' is missing at the end of line {line} (after if, for, while, def, else).")
        return missing.format(line=line), line
    return general_syntax_hint(), None


def _opening_quote(text: str, offset: int) -> str:
    for char in text[max(offset, 0) :] + text:
        if char in "'\"":
            return char
    return "'"


def magic_hint() -> str:
    return _(
        "Magic commands (lines that start with %) go at the top of the cell, before any Python."
    )


def general_syntax_hint() -> str:
    return _(
        "Python cannot read this line. Check the ':' at the end of if, for, while and def, "
        "the brackets and the quotes."
    )


def indentation_hint() -> str:
    return _(
        "The spaces at the start of a line are wrong. Lines inside an if, a for, a while or a "
        "def are indented by 4 spaces, all the same; the others start at the left edge."
    )


def hint_for(ename: str, evalue: str, code: str = "", at: str = "") -> str:
    """A French hint for the errors seen most in class ("" when none applies). `code` is the
    program, `at` the line where it stopped."""
    if ename in ("SyntaxError", "IndentationError"):
        return diagnose_syntax(code).hint
    if ename == "NameError":
        match = NAME_ERROR.search(evalue)
        return name_hint(match.group(1) if match else "", code)
    if ename == "AttributeError":
        match = ATTRIBUTE_ERROR.search(evalue)
        if match:
            return attribute_hint(match.group(1), match.group(2))
        return ""
    if ename == "TypeError":
        return type_hint(evalue, code, at)
    if ename == "ValueError":
        if TEXT_FOR_NUMBER.search(evalue):
            return text_for_number_hint()
        if "index out of bounds" in evalue and LED_CALLS.search(at):
            return _(
                "The LEDs are numbered from 0 to 4: x from 0 (left) to 4 (right), y from 0 "
                "(top) to 4 (bottom). Check the coordinates given to set_pixel or get_pixel."
            )
        if "brightness out of bounds" in evalue:
            return _("The brightness of an LED goes from 0 (off) to 9 (brightest).")
        return ""
    if ename == "MemoryError":
        return _(
            "The micro:bit is out of memory: a V1 has only 16 KB. Make lists and texts shorter, "
            "or split the program into smaller parts."
        )
    if ename == "OSError" and NO_DEVICE.search(evalue):
        return _(
            "Nothing answers on the I2C bus: is the robot switched on (its switch, its "
            "batteries) and the micro:bit pushed all the way into its connector?"
        )
    if ename == "KeyboardInterrupt":
        # The ■ button, a Ctrl-C, or a grading kernel's run limit (device_bridge/sim/run_limit.py,
        # which prints why just before the traceback): the traceback alone cannot tell which.
        return _(
            "Your program was stopped before its end: with the ■ button or Ctrl-C, or by the "
            "time limit of a grading."
        )
    return ""


def name_hint(name: str, code: str = "") -> str:
    if name in MICROBIT_NAMES:
        return _(
            "'{name}' comes from the microbit module: put 'from microbit import *' at the top of "
            "your program."
        ).format(name=name)
    if name in MODULES:
        return _("'{name}' is a module: put 'import {name}' at the top of your program.").format(
            name=name
        )
    known = MICROBIT_NAMES | MODULES | PYTHON_NAMES | _names_defined(code)
    suggestion = suggest(name, known)
    if suggestion and suggestion.lower() == name.lower():
        return _("Python does not know '{name}': capitals count, write '{suggestion}'.").format(
            name=name, suggestion=suggestion
        )
    if suggestion:
        return _("Python does not know '{name}'. Did you mean '{suggestion}'?").format(
            name=name, suggestion=suggestion
        )
    return _(
        "Python does not know '{name}'. Check its spelling (capitals count), or run the cell "
        "that defines it first."
    ).format(name=name)


def attribute_hint(kind: str, attribute: str) -> str:
    members = _members()
    if kind in members:
        owner, names = members[kind]
    else:
        owner, names = kind, frozenset()
    suggestion = suggest(attribute, names)
    if suggestion:
        return _("'{owner}' has no '{name}'. Did you mean '{owner}.{suggestion}'?").format(
            owner=owner, name=attribute, suggestion=suggestion
        )
    return _("'{owner}' has no '{name}': check its spelling (capitals count).").format(
        owner=owner, name=attribute
    )


def type_hint(evalue: str, code: str, at: str) -> str:
    match = NOT_CALLABLE.search(evalue)
    if match:
        shadowed = _shadowed_function(code)
        if shadowed:
            return _(
                "'{name} = {name}()' puts a number in '{name}' in place of the function "
                "{name}(): the next call fails. Give your variable another name, for instance "
                "'t = {name}()'."
            ).format(name=shadowed)
        return _(
            "A {kind} is not a function: remove the brackets after it, or check that no "
            "variable took the name of the function."
        ).format(kind=match.group(1))
    if FUNCTION_AS_VALUE.search(evalue):
        return _(
            "A function is used without its brackets: write for instance "
            "button_a.is_pressed() or accelerometer.get_x(), with the ()."
        )
    if TEXT_FOR_NUMBER.search(evalue):
        return text_for_number_hint()
    return _(
        "A value is not of the right type. Check the values given to the function, and "
        "their number."
    )


def text_for_number_hint() -> str:
    return _(
        "Text and numbers do not mix: '5' (in quotes) is text, 5 is a number. Use str(number) "
        "to turn a number into text, int(text) for the other way round."
    )


def suggest(name: str, known: frozenset[str] | set[str]) -> str:
    """The known name closest to `name` ("" when none is close): same letters in another
    case first, then a near spelling."""
    for candidate in sorted(known):
        if candidate.lower() == name.lower() and candidate != name:
            return candidate
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    if not close:
        lowered = {candidate.lower(): candidate for candidate in known}
        close = [
            lowered[c]
            for c in difflib.get_close_matches(name.lower(), sorted(lowered), n=1, cutoff=0.75)
        ]
    return close[0] if close and close[0] != name else ""


def _names_defined(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def _shadowed_function(code: str) -> str:
    """A board or Python function the program replaced by a value (`temperature =
    temperature()`), or ""."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return ""
    functions = MICROBIT_NAMES | PYTHON_NAMES
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in functions:
                    return target.id
    return ""
