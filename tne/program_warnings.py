"""Warnings on a pupil's program before it runs, from its syntax tree: never blocking.

Classroom mistakes that raise no error: `sleep(1)` meant as one second (it is one
millisecond), a robot program without a loop (it ends at once), `while True` without a pause,
`time.sleep` mixed up with the micro:bit's `sleep`, a button read without its brackets or with
`is_pressed` where `was_pressed` counts presses, accented text on the LEDs (shown as `?`). The
kernel and `tne run`/`tne exec` show each warning once; code that does not parse gets none (the
board's error says it).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tne.i18n import _

#: Calls that pause a loop (the board gets time for its display, radio and the Stop button).
PAUSES = frozenset(["sleep", "sleep_ms", "sleep_us", "scroll", "show", "play", "pitch", "say"])


@dataclass(frozen=True)
class ProgramWarning:
    """One remark on the program: its line (in the code given) and its French text."""

    line: int
    text: str


def program_warnings(code: str, robot: bool = False) -> list[ProgramWarning]:
    """The warnings on `code`, by line; `robot`: it runs on a (simulated) robot."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    found: list[ProgramWarning] = []
    time_modules = _time_modules(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.extend(_call_warnings(node, time_modules))
        elif isinstance(node, ast.While) and _forever(node) and not _pauses(node):
            found.append(
                ProgramWarning(
                    node.lineno,
                    _(
                        "this while True loop has no sleep: it runs as fast as it can and the "
                        "board has no time left for the rest. Add a pause in it, for instance "
                        "sleep(20)."
                    ),
                )
            )
        elif isinstance(node, (ast.If, ast.While)) and _bare_button(node.test):
            found.append(
                ProgramWarning(
                    node.lineno,
                    _(
                        "{name} without brackets is always true: write {name}() to read the button."
                    ).format(name=_bare_button(node.test)),
                )
            )
    found.extend(_pressed_counters(tree))
    if (robot or _imports(tree) & _robot_modules()) and not any(
        isinstance(node, (ast.While, ast.For)) for node in ast.walk(tree)
    ):
        found.append(
            ProgramWarning(
                1,
                _(
                    "this robot program has no loop: it ends at once and the robot stops. Put "
                    "what the robot does in a 'while True:' loop."
                ),
            )
        )
    first: dict[str, ProgramWarning] = {}  # each remark once, at its first line
    for warning in sorted(found, key=lambda w: w.line):
        first.setdefault(warning.text, warning)
    return list(first.values())


def _call_warnings(node: ast.Call, time_modules: set[str]) -> list[ProgramWarning]:
    function = node.func
    first = node.args[0] if node.args else None
    if isinstance(function, ast.Name) and function.id == "sleep" and _small_int(first):
        seconds = first.value  # type: ignore[union-attr]
        return [
            ProgramWarning(
                node.lineno,
                _(
                    "sleep({n}) waits {n} milliseconds, not {n} seconds (1000 ms = 1 s). "
                    "To wait {n} s, write sleep({ms})."
                ).format(n=seconds, ms=seconds * 1000),
            )
        ]
    if (
        isinstance(function, ast.Attribute)
        and function.attr == "sleep"
        and isinstance(function.value, ast.Name)
        and function.value.id in time_modules
    ):
        return [
            ProgramWarning(
                node.lineno,
                _(
                    "{module}.sleep counts in seconds, but the micro:bit's sleep counts in "
                    "milliseconds: use only one of them, sleep from microbit (sleep(1000) "
                    "waits 1 s)."
                ).format(module=function.value.id),
            )
        ]
    if (
        isinstance(function, ast.Attribute)
        and function.attr in ("scroll", "show")
        and isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and not first.value.isascii()
    ):
        accented = "".join(sorted({ch for ch in first.value if not ch.isascii()}))
        return [
            ProgramWarning(
                node.lineno,
                _(
                    "the LEDs show no accents: '{letters}' appears as '?' on the board. Write "
                    "the text without accents (e for é)."
                ).format(letters=accented),
            )
        ]
    return []


def _small_int(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and 1 <= node.value <= 9


def _forever(loop: ast.While) -> bool:
    test = loop.test
    return isinstance(test, ast.Constant) and bool(test.value) and test.value is not None


def _pauses(loop: ast.While) -> bool:
    for node in _walk_without_functions(loop):
        if isinstance(node, ast.Call):
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", "")
            )
            if name in PAUSES:
                return True
        if isinstance(node, (ast.Break, ast.Return)):
            return True
    return False


def _walk_without_functions(node: ast.AST):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield child
        yield from _walk_without_functions(child)


def _bare_button(test: ast.expr) -> str:
    """`button_a.is_pressed` used as a value (no brackets), as its text, else ""."""
    for node in ast.walk(test):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("is_pressed", "was_pressed", "is_touched")
            and isinstance(node.value, ast.Name)
        ):
            parent_calls = any(
                isinstance(other, ast.Call) and other.func is node for other in ast.walk(test)
            )
            if not parent_calls:
                return f"{node.value.id}.{node.attr}"
    return ""


def _pressed_counters(tree: ast.AST) -> list[ProgramWarning]:
    """`if button_a.is_pressed(): n += 1` in a loop counts one press many times."""
    found = []
    for loop in ast.walk(tree):
        if not isinstance(loop, (ast.While, ast.For)):
            continue
        for node in _walk_without_functions(loop):
            if not isinstance(node, ast.If):
                continue
            call = node.test
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "is_pressed"
                and isinstance(call.func.value, ast.Name)
                and any(isinstance(inner, ast.AugAssign) for inner in node.body)
            ):
                name = call.func.value.id
                found.append(
                    ProgramWarning(
                        node.lineno,
                        _(
                            "{name}.is_pressed() stays true as long as the button is held, so "
                            "one press is counted many times: {name}.was_pressed() counts each "
                            "press once."
                        ).format(name=name),
                    )
                )
    return found


def _robot_modules() -> set[str]:
    """The driver libraries of the robots we simulate (device_bridge/sim/robots/)."""
    from device_bridge.sim.robots import LIBRARIES

    return set(LIBRARIES)


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _time_modules(tree: ast.AST) -> set[str]:
    """The names under which `time`/`utime` were imported (`import time as t` gives t)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("time", "utime"):
                    names.add(alias.asname or alias.name)
    return names
