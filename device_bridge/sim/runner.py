"""Running pupil code: compile, execute with the simulated clock ticking, stop on Ctrl-C, and
report errors as MicroPython does.

Pupil code (from `<stdin>` or from a file of the virtual board) is compiled with a call to the
builtin `TICK` before each statement: the simulated clock's statement counter, swapped for a
function that raises `KeyboardInterrupt` when an interrupt is requested, so that even
`while True: pass` stops. The simulated modules are not instrumented and run at full speed.

Tracebacks show the pupil's frames only, in MicroPython's format and wording (`name 'x' isn't
defined`), because pupils and graders compare them with what a real board prints.
"""

from __future__ import annotations

import ast
import re
from types import CodeType, TracebackType

from . import guard
from .clock import SimClock
from .microbit import ResetRequested
from .vfs import ENOENT, ENOSPC, ERRNO_NAMES

PUPIL_FILE = "<stdin>"

#: CPython wording -> each firmware's wording, for the errors pupils meet most (measured on the
#: V1 firmware in QEMU; the V2 wording is MicroPython 1.18's).
WORDING = {
    "v1": (),
    "v2": (
        (re.compile(r" is not defined$"), " isn't defined"),
        (re.compile(r"^(division|integer division or modulo) by zero$"), "divide by zero"),
    ),
}
COMMON_WORDING = (
    (
        re.compile(r"^invalid literal for int\(\) with base (\d+): .*$"),
        r"invalid syntax for integer with base \1",
    ),
    (
        re.compile(r'^can only concatenate (\w+) \(not "(\w+)"\) to \w+$'),
        r"unsupported types for __add__: '\1', '\2'",
    ),
)
OPERATORS = {
    "+": "add",
    "-": "sub",
    "*": "mul",
    "/": "truediv",
    "//": "floordiv",
    "%": "mod",
    "**": "pow",
    "<": "lt",
    ">": "gt",
    "<=": "le",
    ">=": "ge",
}
UNSUPPORTED = re.compile(
    r"^(?:unsupported operand type\(s\) for|'(?:<|>|<=|>=)' not supported between instances of)"
)
#: How each firmware words a file error.
OSERROR_WORDING = {"v1": {ENOENT: "file not found", ENOSPC: "no more storage space"}, "v2": {}}
#: What the V1 firmware's parser says about an f-string.
V1_FSTRING = "cannot mix bytes and nonbytes literals"


#: The builtin that instrumented pupil code calls before each statement.
TICK = "__tne_tick__"
#: The builtin that instrumented code calls instead of reading a blocked attribute.
BLOCKED_ATTRIBUTE = "__tne_attribute__"
#: ... and for a `_private` attribute (refused on the simulator's own objects).
PRIVATE_ATTRIBUTE = "__tne_private__"
#: Fields of statement nodes that hold statement lists.
BODIES = ("body", "orelse", "finalbody")


class _Instrument(ast.NodeTransformer):
    """Puts a call to `TICK` before every statement, so that each executed statement costs
    simulated time and can be interrupted. (A line-trace hook cannot do this: CPython reports no
    line event for a one-line loop such as `while True: pass`.) Reading an attribute that
    `guard.BLOCKED` lists becomes a call that raises `AttributeError`, and reading a `_private`
    one a call that refuses it on the simulator's own objects (`guard.private`)."""

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):
            return node
        if node.attr in guard.BLOCKED:
            function = BLOCKED_ATTRIBUTE
        elif guard.is_private(node.attr):
            function = PRIVATE_ATTRIBUTE
        else:
            return node
        call = ast.Call(ast.Name(function, ast.Load()), [node.value, ast.Constant(node.attr)], [])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in BODIES:
            statements = getattr(node, name, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                setattr(node, name, [s for statement in statements for s in _ticked(statement)])
        return node


def _ticked(statement: ast.stmt) -> list[ast.stmt]:
    call = ast.Expr(ast.Call(ast.Name(TICK, ast.Load()), [], []))
    return [ast.fix_missing_locations(ast.copy_location(call, statement)), statement]


class Runner:
    """Executes code in one namespace after another; one run at a time, in the calling thread.
    `running` is set by the REPL from the moment it accepted code until the run ended."""

    def __init__(self, clock: SimClock, firmware: str = "v2") -> None:
        self.clock = clock
        self.firmware = firmware
        self.running = False
        #: Runs started so far (the limits' watchdog tells one run from the next).
        self.runs = 0
        self._builtins: dict[str, object] = {}

    def attach(self, builtins: dict[str, object]) -> None:
        """Give the builtins of a new boot the statement counter that instrumented code calls."""
        self._builtins = builtins
        builtins[TICK] = self.clock.statement

    def request_interrupt(self) -> None:
        """Ctrl-C, from the input thread: the next statement calls `_interrupted` instead of the
        counter (swapping the builtin costs running code nothing until it happens)."""
        self._builtins[TICK] = self._interrupted

    def clear_interrupt(self) -> None:
        """Forget a Ctrl-C that came after the last run ended (called before a new run; the
        caller then sets `running`, so that a Ctrl-C from then on stops the new run)."""
        self._builtins[TICK] = self.clock.statement

    def retick(self, old: object, new: object) -> None:
        """The clock changed its statement counter (a duration cap re-armed): running code
        calls the new one, unless a Ctrl-C is pending."""
        if self._builtins.get(TICK) is old:
            self._builtins[TICK] = new

    def request_stop(self, error: BaseException) -> None:
        """A limit was reached (limits.py, from the watchdog's thread): every statement of the
        run raises `error` from now on, so that a bare `except:` cannot keep it alive; the next
        run starts clean (`clear_interrupt`)."""

        def stop() -> None:
            raise error.with_traceback(None)

        self._builtins[TICK] = stop

    def _interrupted(self) -> None:
        self.clear_interrupt()
        self.clock.statement()
        raise KeyboardInterrupt

    # -- executing ---------------------------------------------------------------------------

    def compile(self, source: str, filename: str = PUPIL_FILE, mode: str = "exec") -> CodeType:
        tree = ast.parse(source, filename, mode)
        if self.firmware == "v1":
            refuse_newer_syntax(tree, filename)
        tree = _Instrument().visit(tree)
        return compile(tree, filename, mode, dont_inherit=True)

    def execute(self, source: str, namespace: dict, mode: str = "exec") -> str:
        """Run `source`; return the traceback text ('' when it ended normally). Raises
        `ResetRequested` when the code asked the board to restart."""
        self.runs += 1
        try:
            code = self.compile(source, PUPIL_FILE, mode)
        except (SyntaxError, ValueError) as error:
            return format_syntax_error(error, source)
        try:
            exec(code, namespace)
        except ResetRequested:
            raise
        except SystemExit:
            return ""
        except BaseException as error:  # everything pupil code raises is reported, as on a board
            return format_exception(error, self.firmware)
        return ""

    def load_module(self, source: str, filename: str, namespace: dict) -> None:
        """Run a module file of the virtual board (an `import` of `name.py`)."""
        exec(self.compile(source, filename), namespace)


def refuse_newer_syntax(tree: ast.AST, filename: str) -> None:
    """The V1 firmware (MicroPython 1.9.2) has no f-strings: its parser says
    `SyntaxError: cannot mix bytes and nonbytes literals`, and so does the simulator."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            raise SyntaxError(V1_FSTRING, (filename, node.lineno, node.col_offset, ""))


def is_pupil(filename: str) -> bool:
    return filename == PUPIL_FILE or (
        filename.endswith(".py") and "/" not in filename and "\\" not in filename
    )


# -- reporting ----------------------------------------------------------------------------------


def exception_line(error: BaseException, firmware: str = "v2") -> str:
    """`NameError: name 'x' isn't defined`, as the imitated firmware words it."""
    name = type(error).__name__
    if isinstance(error, RecursionError):
        return "RuntimeError: maximum recursion depth exceeded"
    if isinstance(error, MemoryError):
        return "MemoryError: memory allocation failed"
    if isinstance(error, KeyboardInterrupt):
        return "KeyboardInterrupt: "
    if isinstance(error, UnboundLocalError):
        return "NameError: local variable referenced before assignment"
    if isinstance(error, OSError):
        number = error.args[0] if len(error.args) == 1 else error.errno
        if isinstance(number, int):
            worded = OSERROR_WORDING.get(firmware, {}).get(number)
            return f"OSError: {worded or f'[Errno {number}] {ERRNO_NAMES.get(number, number)}'}"
    if isinstance(error, KeyError) and len(error.args) == 1:
        return f"KeyError: {error.args[0]}"
    text = str(error)
    if isinstance(error, TypeError) and UNSUPPORTED.match(text):
        text = _unsupported(text)
    for pattern, replacement in (*COMMON_WORDING, *WORDING.get(firmware, ())):
        text = pattern.sub(replacement, text)
    return f"{name}: {text}" if text else f"{name}: "


def _unsupported(text: str) -> str:
    """`unsupported operand type(s) for +: 'int' and 'str'` -> MicroPython's
    `unsupported types for __add__: 'int', 'str'`."""
    match = re.match(
        r"^.*?(?:for|'([<>=]+)' not supported between instances of) ?"
        r"([^:]*?):? '(\w+)' and '(\w+)'$",
        text,
    )
    if not match:
        return text
    symbol = (match[1] or match[2]).strip()
    operator = OPERATORS.get(symbol)
    return f"unsupported types for __{operator}__: '{match[3]}', '{match[4]}'" if operator else text


def format_exception(error: BaseException, firmware: str = "v2") -> str:
    lines = ["Traceback (most recent call last):"]
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if is_pupil(code.co_filename):
            lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}')
        tb = tb.tb_next
    lines.append(exception_line(error, firmware))
    return "\r\n".join(lines) + "\r\n"


#: Indentation errors the firmware names as such (measured on the V1 firmware in QEMU); every
#: other syntax error is a plain `SyntaxError: invalid syntax` there.
INDENTATION_MESSAGES = ("unexpected indent", "unindent does not match any outer indentation level")
#: CPython's words for code that ends too early: the firmware's lexer reports those at the line
#: after the last one, where it met the end of the input.
AT_END = ("was never closed", "unexpected EOF")


def format_syntax_error(error: SyntaxError | ValueError, source: str = "") -> str:
    filename = getattr(error, "filename", None) or PUPIL_FILE
    line = getattr(error, "lineno", None) or 1
    text = getattr(error, "msg", "")
    kind, message = "SyntaxError", "invalid syntax"
    if text == V1_FSTRING:
        message = V1_FSTRING
    elif isinstance(error, IndentationError) and text in INDENTATION_MESSAGES:
        kind, message = "IndentationError", text
    if source and any(words in text for words in AT_END):
        line = len(source.splitlines()) + 1
    return (
        f'Traceback (most recent call last):\r\n  File "{filename}", line {line}\r\n'
        f"{kind}: {message}\r\n"
    )
