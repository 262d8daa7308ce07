"""`tne exec` starts light: only the command asked for is built, and plain option values are
converted without pydantic, exactly as typer's own conversion would convert them.

The speed itself is measured in `benchmarks/bench_modern.py`; these tests pin what makes it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer.core
from typer import _click
from typer._click.exceptions import BadParameter
from typer.main import get_command

from tne.cli import app as cli
from tne.cli import plain_values
from tne.cli.library_text import commands

#: Modules that only other commands (or help) need; none may be imported by `tne exec`.
HEAVY = (
    "pydantic",
    "typer.rich_utils",
    "rich.console",
    "tne.cli.registry",
    "tne.cli.classroom",
    "tne.cli.activities",
    "tne.cli.workshop",
    "tne.cli.guide",
    "tne.cli.doctor",
    "sqlalchemy",
    "nbgrader",
)

PROBE = """
import json, sys
sys.argv = ["tne", *json.loads(sys.argv[1])]
from tne.cli.app import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_after(*arguments: str) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(arguments))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    *_messages, last = done.stderr.strip().splitlines()
    return set(json.loads(last)), done.stdout


def test_exec_on_a_real_micropython_imports_nothing_of_the_other_commands(modern) -> None:
    """`tne exec` on the unix-port MicroPython behind a pty (a board on a serial port, as far
    as the bridge can tell): it prints the board's answer, and nothing heavy was loaded."""
    loaded, output = modules_after("exec", "--device", modern.address, "print(6*7)")
    assert output.strip() == "42"
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_an_error_is_said_without_loading_the_other_commands() -> None:
    loaded, _output = modules_after("exec", "--device", "serial:/nonexistent/tty", "x=1")
    assert "device_bridge.board" in loaded  # the command did run
    assert not loaded & (set(HEAVY) - {"rich.console"}), loaded & set(HEAVY)


def test_exec_on_the_simulator_needs_none_of_them_either() -> None:
    """Not even rich's console: the LED view draws with rich only on a terminal, and nothing
    was said on stderr."""
    loaded, output = modules_after("exec", "--device", "sim", "--no-leds", "print(6*7)")
    assert output.strip() == "42"
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_run_on_the_simulated_robot_imports_none_of_them(tmp_path) -> None:
    """`tne run --device sim:maqueen`, piped as a grader or a script runs it: its summary and
    picture come, and neither the other commands nor urllib (which xml.sax.saxutils would
    bring for an escape) were imported; rich's console is there for the summary."""
    program = tmp_path / "avance.py"
    program.write_text(
        "import maqueen\nfrom microbit import sleep\nprint('parti')\n"
        "while True:\n    maqueen.motor_run(100, 100)\n    sleep(10)\n"
    )
    loaded, output = modules_after(
        "run", "--device", "sim:maqueen", str(program), "--world", "piste", "--duration", "1"
    )
    assert output.strip() == "parti"
    assert (tmp_path / "avance.svg").read_text(encoding="utf-8").startswith("<?xml")
    unwanted = (set(HEAVY) - {"rich.console"}) | {"urllib.request", "xml.sax.saxutils"}
    assert not loaded & unwanted, loaded & unwanted


def test_asking_for_another_command_builds_it() -> None:
    loaded, _output = modules_after("registry", "--help")
    assert "tne.cli.registry" in loaded
    assert "tne.cli.classroom" not in loaded


# -- plain values, against typer's own conversion -----------------------------------------------

SAMPLES: dict[object, list[object]] = {
    str: ["abc", "", "é à", "--x"],
    int: ["10", "-3", "+4", " 7 ", "1_000", "10.0", "x", "", "65536", "0"],
    float: ["0.5", "1e3", ".5", "5.", "0,5", "inf", "nan", "0.01", "-1", "2", " 3 ", "abc"],
    bool: [True, False],
}
PATH_SAMPLES = ["prog.py", ".", "dossier/élève.ipynb", "-"]


def every_plain_parameter() -> list[tuple[str, typer.core._TyperParameter, _click.Command]]:
    found = []
    for path, command in commands(get_command(cli.app)):
        for param in command.params:
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is not None and plain_values.is_plain(descriptor):
                found.append((" ".join([*path, param.name or ""]), param, command))
    return found


def samples_for(annotation: object) -> list[object]:
    from pathlib import Path
    from typing import get_args, get_origin

    if get_origin(annotation) is list:
        (inner,) = get_args(annotation)
        return [tuple(samples_for(inner)[:2]), ()]
    if annotation is Path:
        return list(PATH_SAMPLES)
    return SAMPLES[annotation]


def converted(runtime, value, param, command) -> tuple[str, object]:
    try:
        return "value", runtime._coerce_value(value, param=param, ctx=_click.Context(command))
    except BadParameter as problem:
        return "refused", problem.message


@pytest.fixture(scope="module")
def typer_build():
    plain_values.install()
    return typer.core.build_runtime_param.typer_build


def test_the_cli_has_plain_parameters_of_every_kind() -> None:
    kinds = {str(param.type_descriptor.annotation) for _n, param, _c in every_plain_parameter()}
    assert {"<class 'str'>", "<class 'int'>", "<class 'float'>", "<class 'pathlib.Path'>"} <= kinds


def test_plain_values_are_converted_as_typer_converts_them(typer_build) -> None:
    """Every plain parameter of every command, every sample: the same value or the same refusal
    as typer's pydantic conversion (bounds included)."""
    differences = []
    for name, param, command in every_plain_parameter():
        descriptor = param.type_descriptor
        ours = typer.core.build_runtime_param(descriptor)
        assert isinstance(ours, plain_values.PlainRuntimeParam), name
        theirs = typer_build(descriptor)
        for value in samples_for(descriptor.annotation):
            mine = converted(ours, value, param, command)
            reference = converted(theirs, value, param, command)
            if mine != reference:
                differences.append((name, value, mine, reference))
    assert not differences, differences[:5]


def test_other_kinds_still_go_through_typer(typer_build) -> None:
    from typer._coercion import resolve_type_descriptor
    from typer.models import OptionInfo

    with_parser = resolve_type_descriptor(int, OptionInfo(parser=int))
    clamped = resolve_type_descriptor(int, OptionInfo(min=0, max=3, clamp=True))
    for descriptor in (with_parser, clamped):
        assert not plain_values.is_plain(descriptor)
        assert not isinstance(
            typer.core.build_runtime_param(descriptor), plain_values.PlainRuntimeParam
        )
