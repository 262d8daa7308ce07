"""Plain option values (text, numbers, flags, paths) converted without pydantic.

typer 0.29 converts every value of the command line through a pydantic TypeAdapter: importing
pydantic and building one adapter per option cost about 0.15 s of each command's start, more
than `tne exec` spends talking to the board (`benchmarks/bench_modern.py`). Almost every option
of tne is text, a whole number, a number with bounds, a flag or a path, written the ordinary
way (`10`, `0.5`, `prog.py`); those are converted here as typer's adapters would. Anything
else — a value written another way (`1_000`, ` 7 `), out of bounds, or of another kind — goes to
typer's own conversion, built only then, so that what it accepts and how it refuses stay
exactly typer's (and `library_text` words its refusals).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

import typer.core
from typer._coercion import RuntimeParam, TypeDescriptor
from typer._param_types import coerce_cli_path

#: Whole numbers and decimal numbers as people type them; the rest is left to typer.
WHOLE = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

#: The kinds converted here.
PLAIN_KINDS = (str, int, float, bool, Path)


class _Unsure(Exception):
    """This value is not written the ordinary way: typer's conversion decides."""


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """A plain value converted directly; typer's adapter (`exact`) for everything else."""

    exact: Any = field(default=None, compare=False)

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            if get_origin(self.annotation) is list:
                if not isinstance(value, (list, tuple)):
                    raise _Unsure
                kind = get_args(self.annotation)[0]
                return [self._one(kind, item, param, ctx) for item in value]
            return self._one(self.annotation, value, param, ctx)
        except _Unsure:
            return self.exact()._coerce_value(value, param=param, ctx=ctx)

    def _one(self, kind: type, value: Any, param: Any, ctx: Any) -> Any:
        info = self.parameter_info
        if kind is str and isinstance(value, str):
            return value
        if kind is bool and isinstance(value, bool):
            return value
        if kind is Path and isinstance(value, (str, Path)):
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        if kind in (int, float):
            number = _number(kind, value)
            if (info.min is not None and number < info.min) or (
                info.max is not None and number > info.max
            ):
                raise _Unsure
            return number
        raise _Unsure


def _number(kind: type, value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Unsure
    if isinstance(value, kind):
        return value
    pattern = WHOLE if kind is int else DECIMAL
    if isinstance(value, str) and pattern.fullmatch(value):
        return kind(value)
    raise _Unsure


def is_plain(descriptor: TypeDescriptor) -> bool:
    """Whether this parameter's values can be converted here."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None or info.clamp:
        return False
    if getattr(info, "click_type", None) is not None:
        return False
    annotation = descriptor.annotation
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if annotation is Path and info.path_type not in (None, Path):
        return False
    return annotation in PLAIN_KINDS


def install() -> None:
    """Convert plain values here from now on, in this process (idempotent)."""
    typer_build = typer.core.build_runtime_param
    if getattr(typer_build, "_tne", False):
        return

    def build(descriptor: TypeDescriptor) -> RuntimeParam:
        if not is_plain(descriptor):
            return typer_build(descriptor)
        return PlainRuntimeParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            exact=functools.cache(lambda: typer_build(descriptor)),
        )

    build._tne = True  # type: ignore[attr-defined]
    build.typer_build = typer_build  # type: ignore[attr-defined]
    typer.core.build_runtime_param = build  # type: ignore[attr-defined]
